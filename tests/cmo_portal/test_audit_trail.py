import pytest
from django.db import DatabaseError, connection, transaction

from cmo_portal.audit_trail import history_tables
from suppliers.models import Cmo
from tests.factories import CmoFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_record_type_of_the_system_of_record_has_a_history_table():
    tables = history_tables()
    for table in (
        "suppliers_historicalcmo",
        "suppliers_historicalcapa",
        "contracts_historicalcontract",
    ):
        assert table in tables


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE suppliers_historicalcmo SET country = 'Nowhere'",
        "DELETE FROM suppliers_historicalcmo",
    ],
)
def test_the_database_refuses_to_change_or_delete_history(statement):
    CmoFactory()
    with (
        pytest.raises(DatabaseError, match="audit trail"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert Cmo.history.count() == 1


def test_deleting_a_user_unlinks_them_and_keeps_what_they_did():
    user = UserFactory()
    cmo = CmoFactory.build()
    cmo._history_user = user
    cmo.save()
    assert cmo.history.get().history_user == user
    user.delete()
    record = cmo.history.get()
    assert record.history_user is None and record.name == cmo.name
