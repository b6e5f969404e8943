"""Emails about reviews: reminders to a review's owner 14 days before the due date and on
the day it becomes overdue, once each; a colleague's request to rate the CMO, once.

"Once" is claimed, not assumed: a `ReviewNotice` row is inserted before the email goes out,
in the same transaction. A second run (or a concurrent one) cannot insert the row again, so
it does not send; a failed send rolls the claim back, so the retry sends it.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from reviews.models import BusinessReview, ReviewNotice, StakeholderRating

logger = logging.getLogger(__name__)

REMINDER_DAYS = 14

SUBJECTS = {
    ReviewNotice.Kind.DUE_SOON: "Review due on {due:%d %b %Y}: {review}",
    ReviewNotice.Kind.OVERDUE: "Review overdue: {review}",
}


def _portal_url(path: str) -> str:
    return f"{getattr(settings, 'PORTAL_URL', '').rstrip('/')}{path}"


def reminders_due(today: datetime.date) -> list[tuple[BusinessReview, str]]:
    """The (review, notice kind) pairs that should be sent on `today` and have not been:
    open reviews due within 14 days, and overdue reviews."""
    soon = (
        BusinessReview.objects.filter(
            status__in=(BusinessReview.Status.SCHEDULED, BusinessReview.Status.IN_PROGRESS),
            due_date__gte=today,
            due_date__lte=today + datetime.timedelta(days=REMINDER_DAYS),
        )
        .exclude(notices__kind=ReviewNotice.Kind.DUE_SOON)
        .select_related("cmo", "owner")
    )
    late = (
        BusinessReview.objects.filter(status=BusinessReview.Status.OVERDUE)
        .exclude(notices__kind=ReviewNotice.Kind.OVERDUE)
        .select_related("cmo", "owner")
    )
    return [(r, ReviewNotice.Kind.DUE_SOON) for r in soon] + [
        (r, ReviewNotice.Kind.OVERDUE) for r in late
    ]


def reminder_message(review: BusinessReview, kind: str, today: datetime.date):
    """The email, as text and HTML."""
    context = {
        "review": review,
        "kind": kind,
        "today": today,
        "days_left": (review.due_date - today).days,
        "owner": review.owner,
        "url": _portal_url(review.get_absolute_url()),
    }
    message = EmailMultiAlternatives(
        subject=SUBJECTS[kind].format(due=review.due_date, review=review),
        body=render_to_string("reviews/email/reminder.txt", context),
        to=[review.owner.email],
    )
    message.attach_alternative(
        render_to_string("reviews/email/reminder.html", context), "text/html"
    )
    return message


def notice_send(review: BusinessReview, kind: str, today: datetime.date) -> bool:
    """Claim the notice and send it; False when another run has claimed it, or nobody can
    receive it (no owner, or no email address: logged, retried by the next run)."""
    owner = review.owner
    if owner is None or not owner.email:
        logger.warning("review %s has no owner with an email address; no reminder", review.pk)
        return False
    try:
        with transaction.atomic():
            ReviewNotice.objects.create(review=review, kind=kind, recipient=owner.email)
            reminder_message(review, kind, today).send()
    except IntegrityError:
        return False
    return True


def reviews_send_reminders(today: datetime.date) -> int:
    """Send every reminder due on `today`; returns how many were sent."""
    return sum(notice_send(review, kind, today) for review, kind in reminders_due(today))


def rating_request_message(rating: StakeholderRating) -> EmailMultiAlternatives:
    """The email asking a colleague for their rating, as text and HTML."""
    context = {
        "rating": rating,
        "review": rating.review,
        "url": _portal_url(reverse("reviews:stakeholderrating_answer", args=[rating.pk])),
    }
    message = EmailMultiAlternatives(
        subject=f"Rating requested: {rating.review}",
        body=render_to_string("reviews/email/rating_request.txt", context),
        to=[rating.rater.email],
    )
    message.attach_alternative(
        render_to_string("reviews/email/rating_request.html", context), "text/html"
    )
    return message


def rating_request_send(rating_id: int) -> bool:
    """Email the colleague asked for a rating, once. The claim (`notified_at` set) and the
    send share a transaction: a second run finds it claimed, a failed send releases it for
    the retry. False when already sent, answered, withdrawn, its review cancelled, or the
    colleague has no email address (logged)."""
    with transaction.atomic():
        rating = (
            StakeholderRating.objects.select_for_update(of=("self",))
            .select_related("review__cmo", "rater", "requested_by")
            .pending()
            .filter(pk=rating_id, notified_at__isnull=True)
            .first()
        )
        if rating is None:
            return False
        if not rating.rater.email:
            logger.warning("rating request %s: the colleague has no email address", rating_id)
            return False
        StakeholderRating.objects.filter(pk=rating.pk).update(notified_at=timezone.now())
        rating_request_message(rating).send()
    return True
