"""Imports and recomputes run by a real Celery worker process."""

import time

import pytest
from celery.result import AsyncResult
from django.core.files.base import ContentFile

from kpis.models import Measurement, MeasurementImport, Scorecard
from kpis.tasks import measurements_import_task, scorecards_recompute_task
from tests.factories import CmoFactory, UserFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait(result: AsyncResult, timeout: float = 60) -> list[str]:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = result.state
        if not seen or seen[-1] != state:
            seen.append(state)
        if state in ("SUCCESS", "FAILURE"):
            return seen
        time.sleep(0.01)
    raise AssertionError(f"task still {seen[-1]} after {timeout} s")


def test_large_import_reports_progress_and_commits(celery_worker_process):
    from cmo_portal import roles

    scm = UserFactory(username="scm-worker", roles=[roles.SUPPLY_CHAIN_MANAGER])
    cmos = CmoFactory.create_batch(50)
    # 150,000 rows: two chunks of validation, so progress is seen before the end.
    lines = ["cmo,kpi,period,value"] + [
        f"{cmo.name},{kpi},{year}-{month:02d},{90 + month % 5}"
        for cmo in cmos
        for kpi in ("otif", "rft", "yield", "capa_on_time", "deviation_rate")
        for year in range(2001, 2026)
        for month in range(1, 13)
        for _ in [None]
    ][:150_000]
    job = MeasurementImport.objects.create(original_name="big.csv", uploaded_by=scm)
    job.file.save("big.csv", ContentFile("\n".join(lines).encode()))

    result = measurements_import_task.delay(job.pk, False)
    states = _wait(result)
    assert "PROGRESS" in states and states[-1] == "SUCCESS", states
    job.refresh_from_db()
    assert job.status == "ready", job.report
    assert job.report["created"] == len(lines) - 1

    result = measurements_import_task.delay(job.pk, True)
    assert _wait(result)[-1] == "SUCCESS"
    assert Measurement.objects.count() == len(lines) - 1

    # The import started a recompute of the CMOs' scorecards after its commit.
    deadline = time.monotonic() + 60
    while not Scorecard.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert Scorecard.objects.filter(cmo__in=cmos).exists()


def test_recompute_task_runs_on_the_worker(celery_worker_process):
    cmo = CmoFactory()
    from kpis.models import KpiDefinition

    Measurement.objects.create(
        cmo=cmo, kpi=KpiDefinition.objects.get(code="otif"), period="2025-07-01", value=95
    )
    result = scorecards_recompute_task.delay([cmo.pk])
    assert _wait(result)[-1] == "SUCCESS"
    assert Scorecard.objects.get(cmo=cmo).lines["otif"] == [95.0, 100.0]
