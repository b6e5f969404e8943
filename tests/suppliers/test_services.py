import pytest

from cmo_portal import roles
from suppliers.models import Cmo
from suppliers.services import cmos_reassign
from tests.factories import CmoFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_bulk_handover_changes_each_cmo_once_with_history(scm, rm, django_assert_max_num_queries):
    newcomer = UserFactory(username="newrm", roles=[roles.RELATIONSHIP_MANAGER])
    cmos = CmoFactory.create_batch(30, relationship_manager=rm)
    with django_assert_max_num_queries(8):  # set-based: not a query per CMO
        changed = cmos_reassign(
            [c.pk for c in cmos], relationship_manager=newcomer, by=scm, reason="rm left"
        )
    assert changed == 30
    assert Cmo.objects.filter(relationship_manager=newcomer).count() == 30
    latest = Cmo.history.filter(id=cmos[0].pk).latest()
    assert (latest.history_user, latest.history_change_reason) == (scm, "rm left")
    assert latest.relationship_manager == newcomer


def test_handover_skips_cmos_already_with_that_manager(scm, rm):
    cmo = CmoFactory(relationship_manager=rm)
    assert cmos_reassign([cmo.pk], relationship_manager=rm, by=scm, reason="noop") == 0
    assert cmo.history.count() == 1


def test_handover_page_is_for_those_who_manage_all_cmos(client_for, rm, scm, own_cmo, other_rm):
    assert client_for(rm).get("/suppliers/cmos/reassign/").status_code == 403
    client = client_for(scm)
    response = client.post(
        "/suppliers/cmos/reassign/",
        {"cmos": [own_cmo.pk], "relationship_manager": other_rm.pk, "reason": "rebalancing"},
        follow=True,
    )
    assert "1 CMO handed to" in response.content.decode()
    own_cmo.refresh_from_db()
    assert own_cmo.relationship_manager == other_rm


def test_handover_without_a_reason_is_refused(client_for, scm, own_cmo, other_rm):
    response = client_for(scm).post(
        "/suppliers/cmos/reassign/", {"cmos": [own_cmo.pk], "relationship_manager": other_rm.pk}
    )
    assert response.status_code == 200 and "This field is required" in response.content.decode()
