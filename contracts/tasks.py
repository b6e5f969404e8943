"""Celery tasks of the contracts app: thin, retried, safe to run twice."""

import datetime

from celery import shared_task
from django.utils import timezone

from cmo_portal.celery import retry_policy
from contracts import alerts


@shared_task(
    **retry_policy(OSError),  # OSError: the mail server
    time_limit=10 * 60,
    soft_time_limit=9 * 60,
)
def renewal_alerts_send_task(today: str | None = None) -> int:
    """Email the renewal alerts due today (or on `today`, an ISO date)."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return alerts.renewal_alerts_send(day)
