"""Writes that span a review and its parts: opening it (the scorecard is frozen), asking and
answering stakeholder ratings, signing it off, and amending a signed review.

Each runs in one transaction and records who did it in the history.
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cmo_portal import dispatch
from kpis.models import Scorecard
from reviews.models import (
    DIMENSIONS,
    SIGNATURE_MEANING,
    ActionItem,
    BusinessReview,
    ReviewLocked,
    ReviewSignature,
    StakeholderRating,
)
from reviews.periods import scorecard_period

logger = logging.getLogger(__name__)

AMENDMENT_DUE_DAYS = 14
# Copied from the signed review into its amendment, to be corrected there.
AMENDED_FIELDS = (
    "cmo_id",
    "kind",
    "period",
    "owner_id",
    "company_attendees",
    "cmo_attendees",
    "scorecard_snapshot",
    *DIMENSIONS,
    *(f"{d}_comment" for d in DIMENSIONS),
    "health",
    "summary",
    "risks",
    "decisions",
)


class SignatureRefused(Exception):
    """The signature was not accepted: wrong password, or not the review's owner."""


def _printed_name(user) -> str:
    return user.get_full_name() or user.username


# --- Opening -----------------------------------------------------------------------------------


def scorecard_snapshot(review: BusinessReview) -> dict:
    """The scorecard of the review's quarter as it stands now, with its KPI lines named:
    what is frozen into the review. Empty when the quarter has no scorecard."""
    card = (
        Scorecard.objects.filter(
            cmo_id=review.cmo_id, period=scorecard_period(review.kind, review.period)
        )
        .select_related("basis")
        .first()
    )
    return snapshot_of(card) if card is not None else {}


def snapshot_of(card: Scorecard) -> dict:
    """A scorecard, read with its basis, as frozen into a review: its figures and each
    KPI line named."""
    lines = []
    for kpi in card.basis.kpis:
        value, score = (card.lines or {}).get(kpi["code"], (None, None))
        lines.append(
            {
                "code": kpi["code"],
                "name": kpi["name"],
                "unit": kpi["unit"],
                "weight": kpi["weight"],
                "value": value,
                "score": score,
            }
        )
    return {
        "scorecard_id": card.pk,
        "period": card.period.isoformat(),
        "label": card.period_label,
        "score": card.score,
        "status": card.status,
        "completeness": card.completeness,
        "measured_count": card.measured_count,
        "kpi_count": card.kpi_count,
        "delta": card.delta,
        "computed": card.computed.isoformat(),
        "lines": lines,
    }


def review_open(review: BusinessReview, user, *, now: datetime.datetime | None = None):
    """Start working on a review: freeze the period's scorecard into it and mark it in
    progress (an overdue review stays overdue)."""
    now = now or timezone.now()
    with transaction.atomic():
        review = BusinessReview.objects.select_for_update().get(pk=review.pk)
        if review.is_signed:
            raise ReviewLocked(review)
        review.scorecard_snapshot = scorecard_snapshot(review)
        review.opened_at = now
        if review.status == BusinessReview.Status.SCHEDULED:
            review.status = BusinessReview.Status.IN_PROGRESS
        review._history_user = user
        review._change_reason = (
            "Opened; scorecard frozen"
            if review.scorecard_snapshot
            else "Opened; no scorecard for the quarter yet"
        )
        review.save()
    return review


# --- Stakeholder ratings --------------------------------------------------------------------


def rating_request(review: BusinessReview, rater, function: str, *, by) -> StakeholderRating:
    """Ask a colleague to rate the CMO before the meeting; it appears in their inbox and
    they are emailed (after commit)."""
    rating = StakeholderRating(review=review, rater=rater, function=function, requested_by=by)
    rating.full_clean()
    rating._history_user = by
    rating.save()
    dispatch.enqueue("reviews.tasks.rating_request_notify", rating.pk)
    return rating


def rating_answer(
    rating: StakeholderRating, user, ratings: dict[str, int | None], comment: str = ""
) -> StakeholderRating:
    """The addressee's answer; only they may give it, and only before the review is signed."""
    if rating.rater_id != user.pk:
        raise PermissionError("Only the colleague who was asked can answer.")
    for dimension in DIMENSIONS:
        setattr(rating, dimension, ratings.get(dimension))
    rating.comment = comment
    rating.answered_at = timezone.now()
    rating._history_user = user
    rating.full_clean()
    rating.save()
    return rating


# --- Signing and amending ----------------------------------------------------------------------


def _carried_actions(review: BusinessReview) -> list[dict]:
    actions = ActionItem.objects.carried_into(review).select_related("owner", "review")
    return [
        {
            "id": a.pk,
            "description": a.description,
            "owner": _printed_name(a.owner) if a.owner else a.owner_at_cmo,
            "due_date": a.due_date.isoformat(),
            "status": a.get_status_display(),
            "raised_in": a.review.period_label,
        }
        for a in actions
    ]


def review_sign(
    review: BusinessReview,
    user,
    password: str,
    *,
    meaning: str = SIGNATURE_MEANING,
    now: datetime.datetime | None = None,
) -> ReviewSignature:
    """Complete and sign a review. The owner re-enters their password; the signature
    records the printed name, the moment and its meaning, and locks the review."""
    now = now or timezone.now()
    if review.owner_id is None or review.owner_id != user.pk:
        raise SignatureRefused("Only the review's owner, its relationship manager, can sign it.")
    if not password or not user.check_password(password):
        logger.warning("review %s: signature refused for %s (wrong password)", review.pk, user)
        raise SignatureRefused("The password is not correct. The review was not signed.")
    with transaction.atomic():
        review = BusinessReview.objects.select_for_update().get(pk=review.pk)
        if ReviewSignature.objects.filter(review=review).exists():
            raise ReviewLocked(review)
        if review.status == BusinessReview.Status.CANCELLED:
            raise ValidationError("A cancelled review cannot be signed.")
        missing = [
            str(review._meta.get_field(name).verbose_name)
            for name in ("health", "summary", *DIMENSIONS)
            if getattr(review, name) in (None, "")
        ]
        if missing:
            raise ValidationError(f"Complete the review before signing it: {', '.join(missing)}.")
        if review.opened_at is None:
            review.scorecard_snapshot = scorecard_snapshot(review)
            review.opened_at = now
        review.status = BusinessReview.Status.COMPLETED
        review.completed_on = timezone.localdate(now)
        review.carried_actions_snapshot = _carried_actions(review)
        review._history_user = user
        review._change_reason = f"Signed by {_printed_name(user)}: {meaning}"
        review.save()
        signature = ReviewSignature(
            review=review,
            signed_by=user,
            printed_name=_printed_name(user),
            signed_at=now,
            meaning=meaning,
        )
        signature._history_user = user
        signature.save()
    return signature


def review_cancel(review: BusinessReview, user, reason: str) -> BusinessReview:
    """Call off a review that will not take place. It stays on record, cancelled, with the
    reason in its history; the scheduler does not create it again (there is one review per
    CMO, kind and period), and its unanswered rating requests leave the colleagues'
    inboxes."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why the review is cancelled.")
    if review.is_signed:
        raise ValidationError("A signed review is not cancelled; amend it instead.")
    if review.status not in BusinessReview.OPEN_STATUSES:
        raise ValidationError(f"This review is already {review.get_status_display().lower()}.")
    review.status = BusinessReview.Status.CANCELLED
    review._history_user = user
    review._change_reason = f"Cancelled: {reason}"
    review.save(update_fields=["status"])
    return review


def review_amend(original: BusinessReview, user, reason: str) -> BusinessReview:
    """Open an amendment of a signed review: a new review that references the original,
    states the reason, starts as a copy and is signed in its turn. The original stays as
    it was signed."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why the signed review is being corrected.")
    if not original.is_signed:
        raise ValidationError("Only a signed review is amended; change this one directly.")
    if original.amendments.filter(signature__isnull=True).exists():
        raise ValidationError("An amendment of this review is already in progress.")
    today = timezone.localdate()
    with transaction.atomic():
        amendment = BusinessReview(
            **{name: getattr(original, name) for name in AMENDED_FIELDS},
            scheduled_for=today,
            due_date=today + datetime.timedelta(days=AMENDMENT_DUE_DAYS),
            status=BusinessReview.Status.IN_PROGRESS,
            opened_at=timezone.now(),
            amends=original,
            amendment_reason=reason,
        )
        amendment._history_user = user
        amendment._change_reason = f"Amendment of review #{original.pk}: {reason}"
        amendment.save()
    return amendment
