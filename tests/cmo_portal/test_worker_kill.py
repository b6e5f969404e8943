"""A worker killed in the middle of a task: the data stays as it was, and once another
worker is up the task runs again and completes, once.

A real worker process, a real SIGKILL (as the OOM killer or a lost node would), and the
real Redis broker; tasks are `acks_late`, so the message is acknowledged only when the
task is done and comes back to the queue when its worker dies.
"""

import os
import signal
import time

import pytest
from django.core.files.base import ContentFile

from cmo_portal import roles
from cmo_portal.celery import app
from kpis.models import Measurement, MeasurementImport
from kpis.tasks import measurements_import_task
from tests.conftest import start_celery_worker, stop_celery_worker
from tests.factories import CmoFactory, UserFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# The replacement worker takes a dead worker's messages back after this many seconds.
VISIBILITY_TIMEOUT = "4"


def _wait_for(result, states, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result.state in states:
            return result.state
        time.sleep(0.05)
    raise AssertionError(f"task still {result.state} after {timeout} s")


def _big_import(rows: int) -> tuple[MeasurementImport, int]:
    scm = UserFactory(username="scm-kill", roles=[roles.SUPPLY_CHAIN_MANAGER])
    cmos = CmoFactory.create_batch(50)
    lines = ["cmo,kpi,period,value"] + [
        f"{cmo.name},{kpi},{year}-{month:02d},{90 + month % 5}"
        for cmo in cmos
        for kpi in ("otif", "rft", "yield", "capa_on_time", "deviation_rate")
        for year in range(2001, 2026)
        for month in range(1, 13)
    ][:rows]
    job = MeasurementImport.objects.create(original_name="big.csv", uploaded_by=scm)
    job.file.save("big.csv", ContentFile("\n".join(lines).encode()))
    return job, len(lines) - 1


def test_an_import_killed_half_way_changes_nothing_and_completes_once_after_restart():
    queue = f"{app.conf.task_default_queue}-kill"
    app.control.purge()
    job, rows = _big_import(60_000)  # enough for the import to report progress first
    env = {"CELERY_VISIBILITY_TIMEOUT": VISIBILITY_TIMEOUT}
    doomed = start_celery_worker("doomed", queue, env)
    replacement = None
    try:
        result = measurements_import_task.apply_async((job.pk, True), queue=queue)
        assert _wait_for(result, {"PROGRESS", "SUCCESS", "FAILURE"}) == "PROGRESS"
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=10)

        assert Measurement.objects.count() == 0  # the import's transaction never committed

        replacement = start_celery_worker("replacement", queue, env)
        assert _wait_for(result, {"SUCCESS", "FAILURE"}, timeout=120) == "SUCCESS"
        job.refresh_from_db()
        assert job.report.get("committed") is True, job.report
        assert Measurement.objects.count() == rows  # once, not twice
        # Every measurement was written by that one run: one history row each.
        assert Measurement.history.filter(history_type="+").count() == rows
    finally:
        if doomed.poll() is None:
            doomed.kill()
        if replacement is not None:
            stop_celery_worker(replacement)
