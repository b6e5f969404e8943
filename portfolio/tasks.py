"""Celery tasks of the portfolio app: thin wrappers that call the service and declare
their retry policy."""

from celery import shared_task
from django.core.cache import cache

from cmo_portal.celery import retry_policy
from portfolio import services
from portfolio.signals import pending_key

RETRY = retry_policy()


@shared_task(**RETRY, time_limit=20 * 60, soft_time_limit=18 * 60)
def risk_recompute_task() -> dict:
    """Recompute risk, tiers and findings for the whole portfolio: nightly, and shortly
    after a relevant change (see portfolio.signals)."""
    # Cleared before the work starts: a change made while it runs schedules another.
    cache.delete(pending_key())
    result = services.risk_recompute()
    return {
        "arrangements": result.arrangements,
        "cmos": result.cmos,
        "findings": result.findings,
        "tiers_changed": len(result.tiers_changed),
        "escalations": len(result.escalations),
    }
