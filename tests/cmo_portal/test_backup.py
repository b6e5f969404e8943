"""export_portfolio / import_portfolio: a round trip loses nothing."""

import io
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cmo_portal.backup import BackupError, backed_up_models, export_portfolio, import_portfolio
from suppliers.models import Cmo
from tests.factories import CapaFactory, ContractFactory, ObligationFactory, SupplyStageFactory

# Committed transactions: the restore drill truncates tables, which PostgreSQL refuses
# inside a transaction that still has deferred foreign-key checks pending.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def portfolio(scm, rm):
    stage = SupplyStageFactory(site__cmo__relationship_manager=rm)
    CapaFactory(finding__audit__site=stage.site)
    contract = ContractFactory(cmo=stage.site.cmo, owner=scm)
    contract.products.add(stage.product)
    ObligationFactory(contract=contract)
    cmo = stage.site.cmo
    cmo.notes = "changed once, for the history"
    cmo._history_user = scm
    cmo.save()
    return cmo


def _wipe():
    tables = ", ".join(f'"{m._meta.db_table}"' for m in backed_up_models())
    with connection.cursor() as cursor:
        cursor.execute(
            f"TRUNCATE {tables} CASCADE"
        )  # row triggers guard history; TRUNCATE is the restore drill


def _files(buffer) -> dict:
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_round_trip_restores_every_record_and_its_history(portfolio):
    before = io.BytesIO()
    summary = export_portfolio(before)
    assert summary.counts["suppliers.historicalcmo"] == 2
    _wipe()
    assert not Cmo.objects.exists()
    import_portfolio(io.BytesIO(before.getvalue()))
    after = io.BytesIO()
    export_portfolio(after)
    assert _files(after) == _files(before)
    cmo = Cmo.objects.get(pk=portfolio.pk)
    assert cmo.history.latest().history_user.username == "scm"
    assert cmo.relationship_manager.username == "rm"


def test_import_refuses_a_portfolio_that_is_not_empty(portfolio):
    backup = io.BytesIO()
    export_portfolio(backup)
    with pytest.raises(BackupError, match="not empty"):
        import_portfolio(io.BytesIO(backup.getvalue()))


def test_a_damaged_backup_changes_nothing(portfolio):
    backup = io.BytesIO()
    export_portfolio(backup)
    files = _files(backup)
    files["contracts.contract.json"] = (
        b'[{"model": "contracts.contract", "pk": 1, "fields": {"cmo": 999999}}]'
    )
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    _wipe()
    with pytest.raises(Exception):  # noqa: B017 - any failure; what matters is what is left
        import_portfolio(io.BytesIO(damaged.getvalue()))
    assert not Cmo.objects.exists()


def test_the_commands_write_and_refuse_with_clear_messages(portfolio, tmp_path):
    path = tmp_path / "backup.zip"
    out = io.StringIO()
    call_command("export_portfolio", str(path), stdout=out)
    assert "records to" in out.getvalue()
    with pytest.raises(CommandError, match="Nothing was restored: The portfolio is not empty"):
        call_command("import_portfolio", str(path))
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="not a zip file"):
        call_command("import_portfolio", str(tmp_path / "junk.zip"))
