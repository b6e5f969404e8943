"""Import of measurements from CSV and XLSX: validate everything, then all or nothing."""

import io
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from celery.result import AsyncResult
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from kpis.imports import ImportFileError, measurements_import
from kpis.models import KpiDefinition, Measurement, MeasurementImport
from tests.factories import CmoFactory, MeasurementFactory, ProductFactory, SiteFactory

pytestmark = pytest.mark.django_db

HEADER = "cmo,site,product,kpi,period,value,numerator,denominator,comment\n"


@pytest.fixture
def acme(db):
    cmo = CmoFactory(name="Acme Pharma")
    SiteFactory(cmo=cmo, name="Basel")
    ProductFactory(code="PRD-1")
    return cmo


def _csv(rows: list[str]) -> io.BytesIO:
    return io.BytesIO((HEADER + "\n".join(rows) + "\n").encode())


def _xlsx(rows: list[list]) -> io.BytesIO:
    buffer = io.BytesIO()
    pd.DataFrame(rows, columns=HEADER.strip().split(",")).to_excel(buffer, index=False)
    buffer.seek(0)
    return buffer


def _run(source, scm, filename="m.csv", commit=True):
    return measurements_import(source, filename=filename, user=scm, commit=commit, recompute=False)


GOOD = [f"Acme Pharma,,,otif,2025Q{q},9{q}.5,,,quarter {q}" for q in range(1, 5)]


def test_valid_csv_is_imported_with_history(acme, scm):
    report = _run(_csv([*GOOD, "acme pharma,Basel,PRD-1,Right first time,2025-08,97,97,100,"]), scm)
    assert report["error_count"] == 0 and report["committed"]
    assert (report["created"], report["updated"]) == (5, 0)
    monthly = Measurement.objects.get(site__name="Basel")
    assert (monthly.month, monthly.product.code, monthly.kpi.code) == (8, "PRD-1", "rft")
    assert monthly.source == "import" and monthly.entered_by == scm
    record = monthly.history.get()
    assert record.history_type == "+" and record.history_user == scm
    assert record.history_change_reason == "Imported from m.csv"


def test_every_field_is_stored_as_written(acme, scm):
    odd = '"Line one\n""quoted"", and\n\\."'  # a newline, quotes, a backslash
    _run(_csv([GOOD[0], f"acme pharma,Basel,PRD-1,rft,2025-08,97.1234,97,100,{odd}"]), scm)
    fields = ["period", "month", "site__name", "product__code", "value"]
    fields += ["numerator", "denominator", "comment"]
    stored = list(Measurement.objects.order_by("period").values_list(*fields))
    assert stored == [
        (date(2025, 1, 1), None, None, None, Decimal("91.5"), None, None, "quarter 1"),
        (
            date(2025, 7, 1),
            8,
            "Basel",
            "PRD-1",
            Decimal("97.1234"),
            97,
            100,
            'Line one\n"quoted", and\n\\.',
        ),
    ]


def test_the_report_says_how_long_each_stage_took(acme, scm):
    report = _run(_csv(GOOD), scm)
    assert list(report["seconds"]) == ["validating", "writing", "checking references"]
    assert all(seconds >= 0 for seconds in report["seconds"].values())


def test_a_value_entered_by_someone_else_meanwhile_rolls_the_import_back(acme, scm):
    otif = KpiDefinition.objects.get(code="otif")

    def someone_else_enters_a_value(done, total, stage):
        if stage == "writing":  # validated, not yet written
            MeasurementFactory(cmo=acme, kpi=otif, period=date(2025, 4, 1))

    with pytest.raises(ImportFileError, match="changed by someone else"):
        measurements_import(
            _csv(GOOD),
            filename="m.csv",
            user=scm,
            commit=True,
            progress=someone_else_enters_a_value,
            recompute=False,
        )
    assert Measurement.objects.get().source == "manual"


def test_valid_xlsx_is_imported(acme, scm):
    rows = [["Acme Pharma", "", "", "otif", "2025Q3", 96.5, "", "", "from Excel"]]
    report = _run(_xlsx(rows), scm, filename="m.xlsx")
    assert report["committed"] and report["created"] == 1
    assert Measurement.objects.get().value == Decimal("96.5")


def test_existing_values_are_updated_and_counted_in_the_preview(acme, scm):
    otif = KpiDefinition.objects.get(code="otif")
    old = MeasurementFactory(cmo=acme, kpi=otif, period="2025-01-01", value=Decimal("50"))
    preview = _run(_csv(GOOD), scm, commit=False)
    assert (preview["created"], preview["updated"], preview["committed"]) == (3, 1, False)
    assert Measurement.objects.count() == 1

    _run(_csv(GOOD), scm)
    old.refresh_from_db()
    assert old.value == Decimal("91.5") and old.source == "import"
    assert [h.history_type for h in old.history.order_by("history_date")] == ["+", "~"]


BAD_ROWS = [
    ("Nobody Ltd,,,otif,2023Q3,90,,,", "cmo", "Unknown CMO “Nobody Ltd”."),
    ("Acme Pharma,,,nps,2023Q3,90,,,", "kpi", "Unknown KPI “nps”."),
    ("Acme Pharma,,,otif,2025Q5,90,,,", "period", "is not a quarter"),
    ("Acme Pharma,,,otif,2023Q3,ninety,,,", "value", "“ninety” is not a number."),
    ("Acme Pharma,,,otif,2023Q3,101,,,", "value", "percentage out of range"),
    ("Acme Pharma,Zurich,,otif,2023Q3,90,,,", "site", "Unknown site"),
    ("Acme Pharma,,PRD-9,otif,2023Q3,90,,,", "product", "Unknown product “PRD-9”."),
    ("Acme Pharma,,,otif,2023Q3,90,1e12,,", "numerator", "1e12 is too large"),
    ("Acme Pharma,,,otif,2023Q3,,,,", "value", "The value is missing."),
    ("Acme Pharma,,,otif,2025Q1,90,,,", "period", "Duplicate of row 2"),
]


@pytest.mark.parametrize(("row", "column", "message"), BAD_ROWS)
def test_one_bad_row_among_many_changes_nothing_and_is_reported(acme, scm, row, column, message):
    rows = [*GOOD, *[f"Acme Pharma,,,rft,2024-{m:02d},9{m % 10},,," for m in range(1, 13)]]
    rows.insert(7, row)  # file row 9: the header is row 1
    report = _run(_csv(rows), scm)
    assert not report["committed"]
    assert Measurement.objects.count() == 0
    assert report["error_count"] == 1, report["errors"]
    error = report["errors"][0]
    assert (error["row"], error["column"]) == (9, column)
    assert message in error["message"]


def test_errors_in_xlsx_have_row_numbers(acme, scm):
    rows = [
        ["Acme Pharma", "", "", "otif", "2025Q3", 90, "", "", ""],
        ["Acme Pharma", "", "", "otif", "2025Q4", "n/a", "", "", ""],
    ]
    report = _run(_xlsx(rows), scm, filename="m.xlsx")
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(3, "value")]


def test_relationship_manager_imports_only_own_cmos(rm, own_cmo, foreign_cmo):
    rows = [f"{own_cmo.name},,,otif,2025Q3,90,,,", f"{foreign_cmo.name},,,otif,2025Q3,90,,,"]
    report = _run(_csv(rows), rm)
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(3, "cmo")]


def test_missing_columns_are_refused(scm):
    from kpis.imports import ImportFileError

    with pytest.raises(ImportFileError, match="no column"):
        _run(io.BytesIO(b"cmo,kpi\nAcme,otif\n"), scm)


def test_upload_preview_and_confirm_pages(acme, scm, client_for, monkeypatch):
    monkeypatch.setattr("cmo_portal.dispatch._publish", lambda *args, **kwargs: None)
    client = client_for(scm)
    upload = SimpleUploadedFile("delivery.csv", _csv(GOOD).getvalue(), "text/csv")
    response = client.post(reverse("kpis:import_start"), {"file": upload})
    job = MeasurementImport.objects.get()
    assert response.url == job.get_absolute_url()
    assert job.status == "ready"
    page = client.get(job.get_absolute_url()).content.decode()
    assert "create <strong>4</strong>" in page
    assert Measurement.objects.count() == 0

    client.post(reverse("kpis:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done" and Measurement.objects.count() == 4
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Imported: 4 created, 0 updated" in page and "Checking references" in page
    # A second confirmation (double click) imports nothing more.
    client.post(reverse("kpis:import_confirm", args=[job.pk]))
    assert Measurement.objects.count() == 4


def test_upload_with_errors_lists_them(acme, scm, client_for):
    client = client_for(scm)
    upload = SimpleUploadedFile("bad.csv", _csv([BAD_ROWS[0][0]]).getvalue(), "text/csv")
    client.post(reverse("kpis:import_start"), {"file": upload})
    page = client.get(MeasurementImport.objects.get().get_absolute_url()).content.decode()
    assert "Unknown CMO" in page and "Nothing has been imported" in page


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_download_is_importable_in_shape(fmt, scm, client_for):
    response = client_for(scm).get(reverse("kpis:import_template", args=[fmt]))
    assert response.status_code == 200
    reader = pd.read_csv if fmt == "csv" else pd.read_excel
    frame = reader(io.BytesIO(response.content))
    assert list(frame.columns)[:6] == ["cmo", "site", "product", "kpi", "period", "value"]


def test_import_command(acme, scm, tmp_path, capsys):
    path = tmp_path / "m.csv"
    path.write_bytes(_csv(GOOD).getvalue())
    call_command("import_kpis", str(path), user="scm", verbosity=0)
    assert Measurement.objects.count() == 4

    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv([BAD_ROWS[1][0]]).getvalue())
    with pytest.raises(CommandError, match="1 errors"):
        call_command("import_kpis", str(bad), user="scm", verbosity=0)


def test_large_upload_runs_as_a_task_with_a_progress_bar(
    acme, scm, client_for, monkeypatch, django_capture_on_commit_callbacks, published
):
    monkeypatch.setattr("kpis.views.INLINE_IMPORT_MAX_BYTES", 10)
    client = client_for(scm)
    upload = SimpleUploadedFile("big.csv", _csv(GOOD).getvalue(), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("kpis:import_start"), {"file": upload})
    job = MeasurementImport.objects.get()
    assert published == [
        ("kpis.tasks.measurements_import_task", [job.pk, False], {"task_id": job.task_id})
    ]
    page = client.get(response.url).content.decode()
    assert 'hx-get="' + reverse("kpis:import_progress", args=[job.pk]) in page

    progress_url = reverse("kpis:import_progress", args=[job.pk])
    assert "waiting for a worker" in client.get(progress_url).content.decode().lower()

    # What the worker reports, through the real result backend (Redis).
    backend = AsyncResult(job.task_id).backend
    backend.store_result(
        job.task_id, {"done": 50_000, "total": 200_000, "stage": "validating"}, "PROGRESS"
    )
    progress = client.get(progress_url).content.decode()
    assert "Validating: 50,000 of 200,000 rows" in progress and "25 %" in progress
    job.status = MeasurementImport.Status.IMPORTING
    job.save()
    backend.store_result(
        job.task_id, {"done": 200_000, "total": 200_000, "stage": "writing"}, "PROGRESS"
    )
    progress = client.get(progress_url).content.decode()
    assert "Writing 200,000 rows… · step 2 of 3" in progress and "100 %" not in progress
    backend.forget(job.task_id)

    job.status = MeasurementImport.Status.READY
    job.save()
    finished = client.get(reverse("kpis:import_progress", args=[job.pk]))
    assert finished["HX-Refresh"] == "true"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("q3.xlsx", b"cmo,kpi,period,value\n", "not an Excel workbook"),
        ("q3.csv", b"PK\x03\x04\x00\x00binary", "not UTF-8 text"),
        ("q3.exe", b"MZ", "Upload a CSV"),
    ],
)
def test_an_upload_is_checked_by_its_content(scm, client_for, name, content, message):
    response = client_for(scm).post(
        reverse("kpis:import_start"), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not MeasurementImport.objects.exists()
