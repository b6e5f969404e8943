"""The review cadence: which review each CMO has next, and the daily run that creates it and
marks the late ones overdue.

The rules take `today` as an argument, so they are tested with a fixed clock. The writes are
safe to run twice, or twice at once: the unique constraint on (CMO, kind, period) decides
which run creates a review, and overdue reviews are claimed with row locks.
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from reviews.models import BusinessReview
from reviews.periods import period_end, period_start
from suppliers.models import Cmo

logger = logging.getLogger(__name__)

Kind = BusinessReview.Kind

# Cmo.review_cadence → the kind of review it schedules.
CADENCE_KIND = {
    Cmo.ReviewCadence.MONTHLY: Kind.MONTHLY,
    Cmo.ReviewCadence.QUARTERLY: Kind.QUARTERLY,
    Cmo.ReviewCadence.SEMIANNUAL: Kind.SEMIANNUAL,
}

# Days after the end of the reviewed period: (meeting, due). A review looks back on a
# closed period, so it is held once the period's figures (and scorecard) are in.
REVIEW_WINDOW = {
    Kind.MONTHLY: (10, 21),
    Kind.QUARTERLY: (21, 31),
    Kind.SEMIANNUAL: (21, 45),
    Kind.ANNUAL: (30, 60),
    Kind.FOR_CAUSE: (7, 14),
}


@dataclass(frozen=True)
class PlannedReview:
    kind: str
    period: datetime.date
    scheduled_for: datetime.date
    due_date: datetime.date


def review_plan(kind: str, period: datetime.date) -> PlannedReview:
    """The meeting and due dates of the review of `kind` for the period starting `period`."""
    end = period_end(kind, period)
    meeting, due = REVIEW_WINDOW[kind]
    return PlannedReview(
        kind=kind,
        period=period,
        scheduled_for=end + datetime.timedelta(days=meeting),
        due_date=end + datetime.timedelta(days=due),
    )


def next_review_period(cadence: str, today: datetime.date) -> PlannedReview:
    """The review a CMO on `cadence` should have on `today`: the one for the period now
    running, created as the period starts so that it is on the calendar well before it is
    due."""
    kind = CADENCE_KIND[cadence]
    return review_plan(kind, period_start(kind, today))


def reviews_missing(today: datetime.date) -> list[BusinessReview]:
    """The next review of every active CMO that does not have it yet, unsaved. Two queries,
    whatever the number of CMOs."""
    cmos = Cmo.objects.active().values_list("id", "review_cadence", "relationship_manager")
    wanted = {
        cmo_id: (next_review_period(cadence, today), manager)
        for cmo_id, cadence, manager in cmos
        if cadence in CADENCE_KIND
    }
    existing = set(
        BusinessReview.objects.filter(
            cmo_id__in=wanted,
            amends__isnull=True,
            period__in={plan.period for plan, _ in wanted.values()},
        ).values_list("cmo_id", "kind", "period")
    )
    return [
        BusinessReview(
            cmo_id=cmo_id,
            kind=plan.kind,
            period=plan.period,
            scheduled_for=plan.scheduled_for,
            due_date=plan.due_date,
            owner_id=manager,
        )
        for cmo_id, (plan, manager) in wanted.items()
        if (cmo_id, plan.kind, plan.period) not in existing
    ]


def reviews_schedule(today: datetime.date) -> int:
    """Create the next review of every active CMO that does not have it yet; returns how
    many this run created. On a period's first day that is one insert per CMO; on the
    other days none."""
    created = 0
    for review in reviews_missing(today):
        review._change_reason = "Scheduled by the CMO's review cadence"
        try:
            # A run racing this one may have inserted the same review since it was read
            # as missing: the unique constraint refuses this insert and the savepoint is
            # rolled back. The review exists, once.
            with transaction.atomic():
                review.save(force_insert=True)
        except IntegrityError:
            continue
        created += 1
    if created:
        logger.info("scheduled %d business reviews for %s", created, today)
    return created


def reviews_mark_overdue(today: datetime.date) -> int:
    """Mark as overdue the reviews still open after their due date; returns how many.

    The rows are locked (skipping those a concurrent run holds) and their history written
    in bulk, so a second run at the same time neither repeats nor waits."""
    with transaction.atomic():
        late = list(
            BusinessReview.objects.select_for_update(skip_locked=True)
            .filter(
                status__in=(BusinessReview.Status.SCHEDULED, BusinessReview.Status.IN_PROGRESS),
                due_date__lt=today,
            )
            .order_by("pk")
        )
        now = timezone.now()
        for review in late:
            review.status = BusinessReview.Status.OVERDUE
            review.updated = now
        if late:
            bulk_update_with_history(
                late,
                BusinessReview,
                ["status", "updated"],
                default_change_reason=f"Not signed by its due date (checked {today:%Y-%m-%d})",
            )
    return len(late)
