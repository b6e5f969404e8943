import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reviews.models import ActionItem, BusinessReview, StakeholderRating
from tests.factories import (
    ActionItemFactory,
    BusinessReviewFactory,
    CmoFactory,
    CompletedReviewFactory,
    ReviewSignatureFactory,
    StakeholderRatingFactory,
)

PASSWORD = "correct-horse-battery"


@pytest.fixture
def signed(own_cmo):
    return ReviewSignatureFactory(review__cmo=own_cmo).review


@pytest.mark.django_db
def test_signed_review_is_refused_for_change_by_the_page(client_for, rm, signed):
    client = client_for(rm)
    assert client.get(f"/reviews/{signed.pk}/edit/").status_code == 409
    response = client.post(f"/reviews/{signed.pk}/edit/", {"summary": "Rewritten"})
    assert response.status_code == 409
    assert b"signed and locked" in response.content
    signed.refresh_from_db()
    assert signed.summary != "Rewritten"
    assert client.post(f"/reviews/{signed.pk}/open/").status_code == 409
    assert client.get(f"/reviews/{signed.pk}/ratings/").status_code == 409


@pytest.mark.django_db
def test_another_managers_review_is_not_found(client_for, other_rm, own_cmo):
    review = BusinessReviewFactory(cmo=own_cmo)
    assert client_for(other_rm).get(f"/reviews/{review.pk}/edit/").status_code == 404


@pytest.mark.django_db
def test_signing_on_the_page_needs_the_right_password(client_for, rm, own_cmo):
    review = CompletedReviewFactory(cmo=own_cmo)
    client = client_for(rm)
    page = client.get(f"/reviews/{review.pk}/sign/")
    assert b"Reviewed and approved by the relationship manager" in page.content

    wrong = client.post(f"/reviews/{review.pk}/sign/", {"password": "guess"})
    assert wrong.status_code == 200 and b"password is not correct" in wrong.content
    review.refresh_from_db()
    assert not review.is_signed

    right = client.post(f"/reviews/{review.pk}/sign/", {"password": PASSWORD})
    assert right.status_code == 302
    review.refresh_from_db()
    assert review.is_signed and review.signature.printed_name == rm.get_full_name()
    detail = client.get(review.get_absolute_url())
    assert b"Signed by" in detail.content and b"Amend" in detail.content


@pytest.mark.django_db
def test_only_the_owner_reaches_the_sign_page(client_for, scm, own_cmo):
    review = CompletedReviewFactory(cmo=own_cmo)
    assert client_for(scm).get(f"/reviews/{review.pk}/sign/").status_code == 403


@pytest.mark.django_db
def test_relationship_manager_edits_the_review_beside_its_scorecard_and_carried_actions(
    client_for, rm, own_cmo
):
    earlier = BusinessReviewFactory(cmo=own_cmo, period=datetime.date(2025, 4, 1))
    ActionItemFactory(review=earlier, description="Qualify a second filler")
    review = BusinessReviewFactory(cmo=own_cmo)
    client = client_for(rm)
    assert client.post(f"/reviews/{review.pk}/open/").status_code == 302

    page = client.get(f"/reviews/{review.pk}/edit/")
    assert page.status_code == 200
    assert b"Qualify a second filler" in page.content
    assert b"Scorecard" in page.content

    response = client.post(
        f"/reviews/{review.pk}/edit/",
        {
            "scheduled_for": "2025-10-21",
            "due_date": "2025-10-31",
            "quality": "4",
            "quality_comment": "Two minor deviations.",
            "health": "at_risk",
            "summary": "Capacity tight until the new line qualifies.",
            "change_reason": "Meeting notes",
        },
    )
    assert response.status_code == 302, response.content
    review.refresh_from_db()
    assert review.quality == 4 and review.health == "at_risk"
    assert review.history.first().history_change_reason == "Meeting notes"


@pytest.mark.django_db
def test_a_for_cause_review_is_added_with_dates_from_its_kind(client_for, rm, own_cmo):
    response = client_for(rm).post(
        "/reviews/add/", {"cmo": own_cmo.pk, "kind": "for_cause", "period": "2025-08-14"}
    )
    assert response.status_code == 302, response.content
    review = BusinessReview.objects.get(kind="for_cause")
    assert review.period == datetime.date(2025, 7, 1) and review.owner == rm


@pytest.mark.django_db
def test_my_reviews_groups_overdue_due_soon_drafts_and_signed(client_for, rm, own_cmo, signed):
    today = timezone.localdate()
    BusinessReviewFactory(
        cmo=own_cmo, period=datetime.date(2024, 1, 1), status="overdue", due_date=today
    )
    BusinessReviewFactory(
        cmo=own_cmo,
        period=datetime.date(2024, 4, 1),
        scheduled_for=today,
        due_date=today + datetime.timedelta(days=10),
    )
    response = client_for(rm).get("/reviews/mine/")
    assert response.status_code == 200
    context = response.context
    assert len(context["overdue"]) == 1 and len(context["due_soon"]) == 1
    assert list(context["signed"]) == [signed]


@pytest.mark.django_db
def test_actions_page_lists_open_actions_with_overdue_ones_marked(client_for, scm, own_cmo):
    review = BusinessReviewFactory(cmo=own_cmo)
    late = ActionItemFactory(review=review, due_date=datetime.date(2020, 1, 1))
    ActionItemFactory(review=review, due_date=datetime.date(2999, 1, 1))
    ActionItemFactory(review=review, status="done", closed_on=datetime.date(2025, 1, 1))
    response = client_for(scm).get("/reviews/actions/")
    assert response.status_code == 200
    rows = list(response.context["table"].rows)
    assert len(rows) == 2
    assert response.content.count(b'data-overdue="true"') == 1
    assert late.description.encode() in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/reviews/actions/", "/reviews/"])
def test_list_pages_queries_do_not_grow_with_rows(client_for, scm, path):
    client = client_for(scm)

    def make(n):
        for _ in range(n):
            ActionItemFactory(review=BusinessReviewFactory(cmo=CmoFactory()))

    make(2)
    client.get(path)  # the first request warms the caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(path).status_code == 200
    make(8)
    with CaptureQueriesContext(connection) as large:
        assert client.get(path).status_code == 200
    assert len(large) == len(small), "\n".join(q["sql"][:250] for q in large.captured_queries)


@pytest.mark.django_db
def test_stakeholder_answers_from_the_inbox_and_the_review_shows_the_median(
    client_for, rm, scm, executive, own_cmo
):
    review = BusinessReviewFactory(cmo=own_cmo)
    client = client_for(rm)
    response = client.post(
        f"/reviews/{review.pk}/ratings/", {"rater": scm.pk, "function": "supply_chain"}
    )
    assert response.status_code == 302, response.content
    request = StakeholderRating.objects.get(rater=scm)
    StakeholderRatingFactory(
        review=review,
        rater=executive,
        quality=5,
        delivery=5,
        cost=5,
        responsiveness=5,
        partnership=5,
        answered_at=timezone.now(),
    )

    # Someone else cannot answer it.
    assert client_for(executive).get(f"/reviews/ratings/{request.pk}/").status_code == 404

    scm_client = client_for(scm)
    inbox = scm_client.get("/reviews/inbox/")
    assert own_cmo.name.encode() in inbox.content
    answer = {"quality": 3, "delivery": 3, "cost": 3, "responsiveness": 3, "partnership": 3}
    assert scm_client.post(f"/reviews/ratings/{request.pk}/", answer).status_code == 302

    detail = client_for(rm).get(review.get_absolute_url())
    assert detail.context["combined_rating"] == 4.0  # median of 3.0 and 5.0
    assert b'id="combined-rating">4.00<' in detail.content


@pytest.mark.django_db
def test_printable_view_of_a_signed_review(client_for, executive, signed):
    response = client_for(executive).get(f"/reviews/{signed.pk}/print/")
    assert response.status_code == 200
    assert b"@media print" in response.content
    assert signed.signature.printed_name.encode() in response.content
    assert b"Reviewed and approved by the relationship manager" in response.content


@pytest.mark.django_db
def test_amending_a_signed_review_on_the_page(client_for, rm, signed):
    client = client_for(rm)
    response = client.post(f"/reviews/{signed.pk}/amend/", {"reason": "Wrong delivery rating"})
    assert response.status_code == 302
    amendment = BusinessReview.objects.get(amends=signed)
    assert response["Location"] == f"/reviews/{amendment.pk}/edit/"


@pytest.mark.django_db
def test_closing_an_action_of_a_signed_review(client_for, rm, signed):
    action = ActionItemFactory(review=signed)
    response = client_for(rm).post(
        f"/reviews/actions/{action.pk}/edit/",
        {"description": action.description, "due_date": "2025-11-30", "status": "done"},
    )
    assert response.status_code == 302, response.content
    action.refresh_from_db()
    assert action.status == ActionItem.Status.DONE and action.closed_on is not None


@pytest.mark.django_db
def test_the_owner_cancels_a_review_saying_why(client_for, rm, own_cmo):
    review = BusinessReviewFactory(cmo=own_cmo, owner=rm)
    client = client_for(rm)
    assert b"Cancel review" in client.get(f"/reviews/{review.pk}/").content

    response = client.post(f"/reviews/{review.pk}/cancel/", {"reason": "  "})
    assert response.status_code == 200
    assert b"This field is required" in response.content
    review.refresh_from_db()
    assert review.status == BusinessReview.Status.SCHEDULED

    response = client.post(f"/reviews/{review.pk}/cancel/", {"reason": "Site closed for audit"})
    assert response.status_code == 302 and response["Location"] == f"/reviews/{review.pk}/"
    review.refresh_from_db()
    assert review.status == BusinessReview.Status.CANCELLED
    latest = review.history.first()
    assert latest.history_change_reason == "Cancelled: Site closed for audit"
    assert latest.history_user == rm
    assert b"Cancel review" not in client.get(f"/reviews/{review.pk}/").content


@pytest.mark.django_db
def test_a_signed_review_is_not_cancelled_but_amended(client_for, rm, signed):
    response = client_for(rm).post(f"/reviews/{signed.pk}/cancel/", {"reason": "Never mind"})
    assert response.status_code == 409
    signed.refresh_from_db()
    assert signed.status == BusinessReview.Status.COMPLETED
