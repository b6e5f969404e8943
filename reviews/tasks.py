"""Celery tasks of the reviews app: thin wrappers that call the rules with today's date and
declare their retry policy. All are safe to run twice (see `reviews.scheduling`)."""

import datetime

from celery import shared_task
from django.utils import timezone

from cmo_portal.celery import retry_policy
from reviews import notifications, scheduling

RETRY = retry_policy(OSError)  # OSError: the mail server


def _day(today: str | None) -> datetime.date:
    return datetime.date.fromisoformat(today) if today else timezone.localdate()


@shared_task(**RETRY, time_limit=15 * 60, soft_time_limit=14 * 60)
def reviews_daily(today: str | None = None) -> dict:
    """The daily review run: create the next reviews, mark the late ones overdue, then
    send the reminders (after the overdue marking, so the overdue notice goes out on the
    day the review becomes overdue). `today` (ISO date) defaults to the local date."""
    day = _day(today)
    return {
        "created": scheduling.reviews_schedule(day),
        "overdue": scheduling.reviews_mark_overdue(day),
        "reminders": notifications.reviews_send_reminders(day),
    }


@shared_task(**RETRY, time_limit=60, soft_time_limit=50)
def rating_request_notify(rating_id: int) -> bool:
    """Email a colleague the request to rate a CMO (once, see `notifications`)."""
    return notifications.rating_request_send(rating_id)
