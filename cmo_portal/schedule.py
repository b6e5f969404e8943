"""The periodic tasks of CMO Portal, declared in one place.

django-celery-beat's database scheduler runs them; after every `migrate` the entries below
are written to its tables (`sync_periodic_tasks`), where the admin shows them. An entry's
task, arguments and timing follow this file at each deployment; whether it is enabled is
left as the admin set it, so a task paused in an emergency stays paused.
Times are in settings.TIME_ZONE.
"""

import json
from dataclasses import dataclass, field

from django.conf import settings


@dataclass(frozen=True)
class Periodic:
    name: str
    task: str
    minute: str
    hour: str
    day_of_month: str = "*"
    month_of_year: str = "*"
    day_of_week: str = "*"
    kwargs: dict = field(default_factory=dict)
    why: str = ""


SCHEDULE = [
    Periodic(
        name="kpis: recompute scorecards when a quarter closes",
        task="kpis.tasks.scorecards_recompute_task",
        minute="30",
        hour="5",
        day_of_month="1",
        month_of_year="1,4,7,10",
        why="On the first day of a quarter the last one is closed: its scorecards are "
        "recomputed before the day's reviews are opened.",
    ),
    Periodic(
        name="portfolio: nightly risk recompute",
        task="portfolio.tasks.risk_recompute_task",
        minute="15",
        hour="2",
        why="Every night: recompute arrangement risk, oversight tiers, review cadences and "
        "findings, so that dates (audits falling due, scorecards ageing) count even when "
        "nothing was saved, and the 06:00 review scheduler reads current cadences.",
    ),
    Periodic(
        name="reviews: daily schedule, overdue and reminders",
        task="reviews.tasks.reviews_daily",
        minute="0",
        hour="6",
        why="Every morning before work: create the next review of each CMO by its cadence, "
        "mark the late ones overdue and email the owners (14 days before; when overdue).",
    ),
    Periodic(
        name="contracts: renewal alerts",
        task="contracts.tasks.renewal_alerts_send_task",
        minute="10",
        hour="6",
        why="Every morning: warn contract owners 90, 60 and 30 days before the last day to "
        "give notice, so a renewal is never decided by default.",
    ),
]


def sync_periodic_tasks(schedule: list[Periodic] = SCHEDULE) -> int:
    """Create or update the django-celery-beat rows of `schedule`; idempotent. Returns the
    number of entries."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask, PeriodicTasks

    for entry in schedule:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=entry.minute,
            hour=entry.hour,
            day_of_month=entry.day_of_month,
            month_of_year=entry.month_of_year,
            day_of_week=entry.day_of_week,
            timezone=settings.TIME_ZONE,
        )
        values = {
            "task": entry.task,
            "crontab": crontab,
            "interval": None,
            "args": "[]",
            "kwargs": json.dumps(entry.kwargs),
            "description": entry.why,
        }
        task = PeriodicTask.objects.filter(name=entry.name).first()
        if task is None:
            PeriodicTask.objects.create(name=entry.name, **values)
        elif any(getattr(task, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(task, key, value)
            task.save()
    PeriodicTasks.update_changed()
    return len(schedule)


def sync_handler(sender, **kwargs) -> None:
    sync_periodic_tasks()
