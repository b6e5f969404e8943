import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kpis.models import KpiDefinition, Measurement
from kpis.services import scorecards_recompute
from reviews import notifications, ratings, scheduling, services
from reviews.models import (
    SIGNATURE_MEANING,
    ActionItem,
    BusinessReview,
    ReviewLocked,
    StakeholderRating,
)
from tests.factories import (
    ActionItemFactory,
    BusinessReviewFactory,
    CmoFactory,
    CompletedReviewFactory,
    MeasurementFactory,
    ReviewSignatureFactory,
    StakeholderRatingFactory,
)

D = datetime.date
PASSWORD = "correct-horse-battery"


# --- Combining stakeholder ratings -------------------------------------------------------------


def rater(q, d, c, r, p):
    return {"quality": q, "delivery": d, "cost": c, "responsiveness": r, "partnership": p}


@pytest.mark.parametrize(
    ("scores", "total"),
    [
        (rater(5, 5, 5, 5, 5), 5.0),
        (rater(1, 1, 1, 1, 1), 1.0),
        (rater(5, 1, 3, 3, 3), 3.1),  # quality weighs 30, delivery 25, the others 15
        (rater(4, None, None, None, None), 4.0),  # blanks do not count
        (rater(None, None, None, None, None), None),
    ],
)
def test_weighted_total_of_one_rater(scores, total):
    assert ratings.weighted_total(scores) == total


def test_the_median_of_totals_resists_one_outlier():
    raters = [rater(4, 4, 4, 4, 4), rater(4, 4, 3, 4, 4), rater(1, 1, 1, 1, 1)]
    # The mean would be 2.95; one disgruntled rater does not drag the result down.
    assert ratings.ratings_combine(raters) == 3.85
    assert ratings.ratings_combine(raters[:2]) == pytest.approx((4.0 + 3.85) / 2, abs=0.01)
    assert ratings.ratings_combine([]) is None


@pytest.mark.django_db
def test_stakeholders_answer_their_own_requests_only(own_cmo, rm, scm, executive):
    review = BusinessReviewFactory(cmo=own_cmo)
    request = services.rating_request(review, scm, "supply_chain", by=rm)
    assert list(request.__class__.objects.addressed_to(scm).pending()) == [request]
    with pytest.raises(PermissionError):
        services.rating_answer(request, executive, rater(3, 3, 3, 3, 3))
    services.rating_answer(request, scm, rater(4, 4, 4, 4, 4), "Reliable.")
    request.refresh_from_db()
    assert request.answered_at is not None and request.quality == 4


# --- Opening: the scorecard is frozen ----------------------------------------------------------


@pytest.mark.django_db
def test_opening_freezes_the_period_scorecard(own_cmo, rm):
    otif = KpiDefinition.objects.get(code="otif")
    MeasurementFactory(cmo=own_cmo, kpi=otif, period=D(2025, 7, 1), value=Decimal("97"))
    scorecards_recompute([own_cmo.pk])
    review = BusinessReviewFactory(cmo=own_cmo)

    review = services.review_open(review, rm)
    frozen = review.scorecard_snapshot
    assert review.status == BusinessReview.Status.IN_PROGRESS
    assert frozen["label"] == "2025 Q3" and frozen["score"] == 100.0
    assert next(line for line in frozen["lines"] if line["code"] == "otif")["value"] == 97.0

    Measurement.objects.filter(cmo=own_cmo).update(value=Decimal("80"))
    scorecards_recompute([own_cmo.pk])
    review.refresh_from_db()
    assert review.scorecard_snapshot == frozen


@pytest.mark.django_db
def test_opening_a_review_without_scorecard_leaves_it_empty(own_cmo, rm):
    review = services.review_open(BusinessReviewFactory(cmo=own_cmo), rm)
    assert review.scorecard_snapshot == {} and review.opened_at is not None


# --- Signing -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_signing_with_a_wrong_password_is_refused(own_cmo, rm):
    review = CompletedReviewFactory(cmo=own_cmo)
    with pytest.raises(services.SignatureRefused, match="password is not correct"):
        services.review_sign(review, rm, "not-my-password")
    review.refresh_from_db()
    assert not review.is_signed and review.status == BusinessReview.Status.SCHEDULED


@pytest.mark.django_db
def test_only_the_owner_signs(own_cmo, other_rm, admin_user):
    review = CompletedReviewFactory(cmo=own_cmo)
    for user in (other_rm, admin_user):
        with pytest.raises(services.SignatureRefused, match="owner"):
            services.review_sign(review, user, PASSWORD)


@pytest.mark.django_db
def test_an_incomplete_review_cannot_be_signed(own_cmo, rm):
    review = BusinessReviewFactory(cmo=own_cmo, quality=4)
    with pytest.raises(ValidationError, match="overall health, summary, delivery"):
        services.review_sign(review, rm, PASSWORD)


@pytest.mark.django_db
def test_signature_records_name_time_meaning_and_locks_the_review(own_cmo, rm):
    review = CompletedReviewFactory(cmo=own_cmo)
    signature = services.review_sign(review, rm, PASSWORD)

    assert signature.printed_name == rm.get_full_name()
    assert (
        signature.meaning
        == SIGNATURE_MEANING
        == ("Reviewed and approved by the relationship manager")
    )
    assert signature.signed_by == rm and signature.signed_at is not None
    review.refresh_from_db()
    assert review.status == BusinessReview.Status.COMPLETED and review.is_signed

    review.summary = "Rewritten afterwards"
    with pytest.raises(ReviewLocked):
        review.save()
    with pytest.raises(ReviewLocked):
        review.delete()
    with pytest.raises(ReviewLocked):
        signature.delete()
    with pytest.raises(ReviewLocked):
        services.review_sign(review, rm, PASSWORD)
    with pytest.raises(ReviewLocked):
        StakeholderRatingFactory(review=review)
    latest = review.history.first()
    assert latest.status == "completed" and latest.history_user == rm
    assert latest.history_change_reason == f"Signed by {rm.get_full_name()}: {SIGNATURE_MEANING}"
    assert signature.history.get().printed_name == rm.get_full_name()
    assert BusinessReview.objects.editable_by(rm).filter(pk=review.pk).count() == 0


@pytest.mark.django_db
def test_an_amendment_references_the_original_and_states_the_reason(own_cmo, rm):
    original = ReviewSignatureFactory(review__cmo=own_cmo).review
    with pytest.raises(ValidationError):
        services.review_amend(original, rm, "  ")
    amendment = services.review_amend(original, rm, "Delivery rating was entered as 3, not 4.")

    assert amendment.amends == original and amendment.status == "in_progress"
    assert amendment.amendment_reason == "Delivery rating was entered as 3, not 4."
    assert (amendment.cmo, amendment.kind, amendment.period) == (
        original.cmo,
        original.kind,
        original.period,
    )
    assert amendment.summary == original.summary and not amendment.is_signed
    with pytest.raises(ValidationError, match="already in progress"):
        services.review_amend(original, rm, "Again")
    amendment.delivery = 4
    amendment.save()
    services.review_sign(amendment, rm, PASSWORD)
    assert str(original.amendments.get()).endswith("(amendment)")


# --- Action items carried over --------------------------------------------------------------------


@pytest.mark.django_db
def test_open_actions_are_carried_into_later_reviews_until_closed(own_cmo, foreign_cmo, rm):
    q2 = BusinessReviewFactory(cmo=own_cmo, period=D(2025, 4, 1))
    q3 = BusinessReviewFactory(cmo=own_cmo, period=D(2025, 7, 1))
    q4 = BusinessReviewFactory(cmo=own_cmo, period=D(2025, 10, 1))
    elsewhere = BusinessReviewFactory(cmo=foreign_cmo, period=D(2025, 10, 1))
    action = ActionItemFactory(review=q2)
    done = ActionItemFactory(review=q2, status="done", closed_on=D(2025, 6, 1))
    raised_in_q3 = ActionItemFactory(review=q3)

    assert list(ActionItem.objects.carried_into(q2)) == []
    assert list(ActionItem.objects.carried_into(q3)) == [action]
    assert set(ActionItem.objects.carried_into(q4)) == {action, raised_in_q3}
    assert list(ActionItem.objects.carried_into(elsewhere)) == []
    assert done not in ActionItem.objects.carried_into(q4)

    # Signing Q3 keeps the carried actions as they stood.
    q3.__dict__.update(rater(4, 4, 4, 4, 4), health="healthy", summary="On track.")
    q3.save()
    services.review_sign(q3, rm, PASSWORD)

    action.status = ActionItem.Status.DONE
    action.full_clean()
    action.save()
    assert list(ActionItem.objects.carried_into(q4)) == [raised_in_q3]
    q3.refresh_from_db()
    assert [a["id"] for a in q3.carried_actions_snapshot] == [action.pk]
    assert action.closed_on is not None


@pytest.mark.django_db
def test_actions_of_a_signed_review_can_still_be_closed(own_cmo):
    signed = ReviewSignatureFactory(review__cmo=own_cmo).review
    action = ActionItemFactory(review=signed)
    action.status = "done"
    action.closed_on = D(2025, 12, 1)
    action.save()
    assert ActionItem.objects.open().count() == 0


# --- Cancelling ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_cancelled_review_is_not_scheduled_again_nor_reminded(rm):
    cmo = CmoFactory(relationship_manager=rm)
    assert scheduling.reviews_schedule(datetime.date(2025, 8, 5)) == 1
    review = BusinessReview.objects.get(cmo=cmo)
    services.review_cancel(review, rm, "The CMO is being exited")
    assert scheduling.reviews_schedule(datetime.date(2025, 8, 6)) == 0
    assert scheduling.reviews_mark_overdue(review.due_date + datetime.timedelta(days=1)) == 0
    assert notifications.reminders_due(review.due_date - datetime.timedelta(days=3)) == []


@pytest.mark.django_db
def test_cancelling_needs_a_reason_and_an_open_review(own_cmo, rm):
    review = BusinessReviewFactory(cmo=own_cmo)
    with pytest.raises(ValidationError, match="Say why"):
        services.review_cancel(review, rm, " ")
    services.review_cancel(review, rm, "Merged into the annual review")
    with pytest.raises(ValidationError, match="already cancelled"):
        services.review_cancel(review, rm, "Again")
    signed = ReviewSignatureFactory(review__cmo=CmoFactory(relationship_manager=rm)).review
    with pytest.raises(ValidationError, match="amend it instead"):
        services.review_cancel(signed, rm, "Too late")


@pytest.mark.django_db
def test_cancelling_withdraws_unanswered_rating_requests(own_cmo, rm, scm):
    review = BusinessReviewFactory(cmo=own_cmo)
    request = services.rating_request(review, scm, "supply_chain", by=rm)
    services.review_cancel(review, rm, "Postponed to next quarter")
    assert not StakeholderRating.objects.addressed_to(scm).pending().exists()
    assert not notifications.rating_request_send(request.pk)
