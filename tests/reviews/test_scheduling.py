import datetime
import threading

import pytest
from django.db import connection

from reviews import scheduling
from reviews.models import BusinessReview
from suppliers.models import Cmo
from tests.factories import BusinessReviewFactory, CmoFactory, ReviewSignatureFactory

D = datetime.date
Cadence = Cmo.ReviewCadence


@pytest.mark.parametrize(
    ("cadence", "today", "kind", "period", "meeting", "due"),
    [
        ("quarterly", D(2025, 7, 1), "quarterly", D(2025, 7, 1), D(2025, 10, 21), D(2025, 10, 31)),
        ("quarterly", D(2025, 9, 30), "quarterly", D(2025, 7, 1), D(2025, 10, 21), D(2025, 10, 31)),
        ("quarterly", D(2025, 12, 31), "quarterly", D(2025, 10, 1), D(2026, 1, 21), D(2026, 1, 31)),
        ("monthly", D(2025, 2, 10), "monthly", D(2025, 2, 1), D(2025, 3, 10), D(2025, 3, 21)),
        ("monthly", D(2025, 12, 1), "monthly", D(2025, 12, 1), D(2026, 1, 10), D(2026, 1, 21)),
        ("semiannual", D(2025, 5, 5), "semiannual", D(2025, 1, 1), D(2025, 7, 21), D(2025, 8, 14)),
        ("semiannual", D(2025, 7, 1), "semiannual", D(2025, 7, 1), D(2026, 1, 21), D(2026, 2, 14)),
    ],
)
def test_next_review_follows_the_cadence(cadence, today, kind, period, meeting, due):
    plan = scheduling.next_review_period(cadence, today)
    assert (plan.kind, plan.period, plan.scheduled_for, plan.due_date) == (
        kind,
        period,
        meeting,
        due,
    )


@pytest.mark.django_db
def test_schedule_creates_the_next_review_of_each_active_cmo_once(rm):
    quarterly = CmoFactory(relationship_manager=rm)
    monthly = CmoFactory(review_cadence=Cadence.MONTHLY)
    CmoFactory(status=Cmo.Status.INACTIVE)
    CmoFactory(status=Cmo.Status.PROSPECT)

    assert scheduling.reviews_schedule(D(2025, 8, 5)) == 2
    assert scheduling.reviews_schedule(D(2025, 8, 5)) == 0
    assert scheduling.reviews_schedule(D(2025, 8, 20)) == 0

    review = BusinessReview.objects.get(cmo=quarterly)
    assert (review.kind, review.period, review.owner) == ("quarterly", D(2025, 7, 1), rm)
    assert review.status == BusinessReview.Status.SCHEDULED
    assert review.history.get().history_change_reason == "Scheduled by the CMO's review cadence"
    assert BusinessReview.objects.get(cmo=monthly).period == D(2025, 8, 1)
    # The next month brings the monthly CMO its next review, the quarterly one nothing.
    assert scheduling.reviews_schedule(D(2025, 9, 1)) == 1


@pytest.mark.django_db
def test_a_for_cause_review_does_not_stop_the_scheduled_one():
    cmo = CmoFactory()
    BusinessReviewFactory(cmo=cmo, kind=BusinessReview.Kind.FOR_CAUSE)
    assert scheduling.reviews_schedule(D(2025, 7, 2)) == 1


# Committed writes, seen by both threads' connections; the serialized rollback restores what
# the migrations installed (roles) for the tests that follow.
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_create_each_review_once(monkeypatch):
    cmos = [CmoFactory() for _ in range(25)]
    # Both runs read the same reviews as missing before either inserts: the unique
    # constraint alone must keep the second from duplicating them.
    barrier = threading.Barrier(2, timeout=20)
    original = scheduling.reviews_missing

    def missing_then_wait(today):
        result = original(today)
        barrier.wait()
        return result

    monkeypatch.setattr(scheduling, "reviews_missing", missing_then_wait)
    created, errors = [], []

    def run():
        try:
            created.append(scheduling.reviews_schedule(D(2025, 10, 1)))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(created) == len(cmos)
    assert BusinessReview.objects.count() == len(cmos)
    assert BusinessReview.objects.filter(period=D(2025, 10, 1)).count() == len(cmos)


@pytest.mark.django_db
def test_reviews_past_their_due_date_become_overdue_once():
    review = BusinessReviewFactory(due_date=D(2025, 10, 31))
    in_progress = BusinessReviewFactory(
        due_date=D(2025, 10, 31), status=BusinessReview.Status.IN_PROGRESS
    )
    later = BusinessReviewFactory(due_date=D(2025, 11, 30))
    signed = BusinessReviewFactory(due_date=D(2025, 10, 31), status="completed")
    ReviewSignatureFactory(review=signed)

    assert scheduling.reviews_mark_overdue(D(2025, 10, 31)) == 0  # due today: not late yet
    assert scheduling.reviews_mark_overdue(D(2025, 11, 1)) == 2
    assert scheduling.reviews_mark_overdue(D(2025, 11, 1)) == 0

    for r in (review, in_progress):
        r.refresh_from_db()
        assert r.status == BusinessReview.Status.OVERDUE
        latest = r.history.first()
        assert latest.status == "overdue"
        assert "Not signed by its due date" in latest.history_change_reason
    later.refresh_from_db()
    signed.refresh_from_db()
    assert later.status == "scheduled" and signed.status == "completed"
