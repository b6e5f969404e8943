"""A change to anything the risk model reads schedules a recompute of the portfolio,
once the change is committed and debounced: a burst of saves (an import, a form with
inlines) starts one recompute, not one per save.

The recompute itself writes with bulk statements, which send no signals, so it cannot
schedule itself.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cmo_portal import dispatch
from contracts.models import Contract
from kpis.models import Measurement, Scorecard
from kpis.signals import scorecards_recomputed
from suppliers.models import Audit, AuditFinding, Cmo, Product, Site, SupplyStage

# Seconds to wait for more changes before recomputing.
DEBOUNCE_SECONDS = 30
WATCHED = (SupplyStage, Site, Audit, AuditFinding, Contract, Product, Scorecard, Cmo, Measurement)


def pending_key() -> str:
    # Per queue, so that test runs sharing a Redis do not swallow each other's triggers.
    return f"{settings.CELERY_TASK_DEFAULT_QUEUE}:portfolio:risk-recompute-pending"


def risk_recompute_soon() -> bool:
    """Schedule a recompute in DEBOUNCE_SECONDS unless one is already waiting; True when
    this call scheduled it."""
    if not cache.add(pending_key(), 1, timeout=DEBOUNCE_SECONDS * 10):
        return False
    dispatch.send_now("portfolio.tasks.risk_recompute_task", countdown=DEBOUNCE_SECONDS)
    return True


def _changed(sender, **kwargs):
    if kwargs.get("raw"):  # fixtures being loaded
        return
    # A broker outage keeps the task in the outbox (cmo_portal.dispatch).
    transaction.on_commit(risk_recompute_soon)


@receiver(scorecards_recomputed, dispatch_uid="portfolio-risk-scorecards")
def _scorecards_changed(sender, **kwargs):
    transaction.on_commit(risk_recompute_soon)


for model in WATCHED:
    label = model._meta.label_lower
    post_save.connect(_changed, sender=model, dispatch_uid=f"portfolio-risk-{label}-saved")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"portfolio-risk-{label}-deleted")
