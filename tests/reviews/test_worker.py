"""The beat entry of the daily review run, sent through Redis as beat sends it, on a real
worker writing to the test database."""

import importlib
import json

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from cmo_portal.celery import app
from cmo_portal.schedule import SCHEDULE, sync_periodic_tasks
from reviews.models import BusinessReview
from reviews.scheduling import next_review_period
from tests.factories import CmoFactory, UserFactory

worker_db = pytest.mark.django_db(transaction=True)


@pytest.mark.django_db
def test_the_schedule_is_stored_for_beat_idempotently():
    sync_periodic_tasks()
    sync_periodic_tasks()
    stored = PeriodicTask.objects.filter(name__in=[e.name for e in SCHEDULE])
    assert stored.count() == len(SCHEDULE)
    daily = stored.get(task="reviews.tasks.reviews_daily")
    assert (daily.crontab.hour, daily.crontab.minute) == ("6", "0")
    assert str(daily.crontab.timezone) == "UTC"
    assert "cadence" in daily.description
    # Paused in the admin, it stays paused across deployments.
    daily.enabled = False
    daily.save()
    sync_periodic_tasks()
    daily.refresh_from_db()
    assert daily.enabled is False


@pytest.mark.django_db
def test_every_scheduled_task_is_registered():
    for entry in SCHEDULE:
        importlib.import_module(entry.task.rsplit(".", 1)[0])
    assert {entry.task for entry in SCHEDULE} <= set(app.tasks)


@pytest.mark.worker
@worker_db
def test_the_daily_beat_entry_runs_end_to_end_on_a_worker(celery_worker_process):
    manager = UserFactory(username="rm-worker")
    cmo = CmoFactory(relationship_manager=manager)
    sync_periodic_tasks()
    entry = PeriodicTask.objects.get(task="reviews.tasks.reviews_daily")

    result = app.send_task(entry.task, args=json.loads(entry.args), kwargs=json.loads(entry.kwargs))
    answer = result.get(timeout=30)

    assert answer["created"] >= 1
    plan = next_review_period(cmo.review_cadence, timezone.localdate())
    review = BusinessReview.objects.get(cmo=cmo)
    assert (review.kind, review.period, review.owner) == (plan.kind, plan.period, manager)
    # Run again, as beat would the next morning: nothing new.
    again = app.send_task(entry.task, args=json.loads(entry.args), kwargs=json.loads(entry.kwargs))
    assert again.get(timeout=30)["created"] == 0
    assert BusinessReview.objects.filter(cmo=cmo).count() == 1
