"""The Celery application. Tasks live in each app's `tasks.py`; the periodic schedule is
declared once, in `cmo_portal/schedule.py`, and stored by django-celery-beat."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmo_portal.settings")

app = Celery("cmo_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def retry_policy(*also: type[Exception]) -> dict:
    """The retry policy every task declares: a transient failure of the database or the
    network (and `also`, e.g. OSError for SMTP) is retried with growing, jittered delays;
    the message is acknowledged only when the task is done."""
    from django.db import OperationalError

    return {
        "autoretry_for": (OperationalError, ConnectionError, *also),
        "retry_backoff": True,
        "retry_jitter": True,
        "max_retries": 5,
        "acks_late": True,
    }
