"""Celery tasks of the contracts app: thin, retried, safe to run twice."""

import datetime

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from contracts import alerts


@shared_task(
    autoretry_for=(OperationalError, ConnectionError, OSError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
    time_limit=10 * 60,
    soft_time_limit=9 * 60,
)
def renewal_alerts_send_task(today: str | None = None) -> int:
    """Email the renewal alerts due today (or on `today`, an ISO date)."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return alerts.renewal_alerts_send(day)
