"""The Celery application. Tasks live in each app's `tasks.py`; the periodic schedule is
declared once, in `cmo_portal/schedule.py`, and stored by django-celery-beat."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmo_portal.settings")

app = Celery("cmo_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
