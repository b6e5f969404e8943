"""Celery tasks of the KPI app: thin wrappers that take ids, call the service and declare
their retry policy."""

from celery import shared_task

from cmo_portal.celery import retry_policy
from kpis import imports, services
from kpis.models import MeasurementImport

RETRY = retry_policy()


@shared_task(**RETRY, time_limit=10 * 60, soft_time_limit=9 * 60)
def scorecards_recompute_task(cmo_ids: list[int] | None = None, rebase: bool = False) -> int:
    """Recompute the scorecards of `cmo_ids`, or of the whole portfolio when None."""
    return services.scorecards_recompute(cmo_ids, rebase=rebase)


@shared_task(bind=True, **RETRY, time_limit=30 * 60, soft_time_limit=29 * 60)
def measurements_import_task(self, import_id: int, commit: bool) -> dict:
    """Validate (commit=False) or import (commit=True) an uploaded file, reporting
    progress as PROGRESS state with {"done", "total", "stage"} for the page's bar."""

    def progress(done: int, total: int, stage: str) -> None:
        self.update_state(state="PROGRESS", meta={"done": done, "total": total, "stage": stage})

    job = MeasurementImport.objects.get(pk=import_id)
    report = imports.import_job_run(job, commit=commit, progress=progress)
    return {"status": job.status, "rows": report.get("rows", 0)}
