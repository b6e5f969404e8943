import pytest
from django.utils import timezone

from reviews.models import BusinessReview, StakeholderRating
from tests.factories import (
    ActionItemFactory,
    BusinessReviewFactory,
    CompletedReviewFactory,
    ReviewSignatureFactory,
    StakeholderRatingFactory,
)

PASSWORD = "correct-horse-battery"


@pytest.fixture
def signed(own_cmo):
    return ReviewSignatureFactory(review__cmo=own_cmo).review


@pytest.mark.django_db
def test_a_signed_review_answers_409_to_a_change(api_for, rm, signed):
    api = api_for(rm)
    url = f"/api/reviews/{signed.pk}/"
    assert api.patch(url, {"summary": "Rewritten"}, format="json").status_code == 409
    assert api.put(url, {"summary": "Rewritten"}, format="json").status_code == 409
    assert api.delete(url).status_code in (403, 409)
    assert api.post(f"{url}open/").status_code == 409
    assert api.post(f"{url}sign/", {"password": PASSWORD}, format="json").status_code == 409
    assert api.post(f"{url}cancel/", {"reason": "Late"}, format="json").status_code == 409
    signed.refresh_from_db()
    assert signed.summary != "Rewritten"


@pytest.mark.django_db
def test_ratings_and_actions_of_a_signed_review_answer_409(api_for, rm, signed):
    api = api_for(rm)
    response = api.post(
        "/api/review-ratings/",
        {"review": signed.pk, "rater": rm.pk, "function": "quality"},
        format="json",
    )
    assert response.status_code == 409
    response = api.post(
        "/api/review-actions/",
        {"review": signed.pk, "description": "Late", "due_date": "2025-12-01"},
        format="json",
    )
    assert response.status_code == 409


@pytest.mark.django_db
def test_an_unsigned_review_is_changed_and_signed_through_the_api(api_for, rm, own_cmo):
    review = CompletedReviewFactory(cmo=own_cmo)
    api = api_for(rm)
    url = f"/api/reviews/{review.pk}/"
    response = api.patch(url, {"risks": "Single-source API", "cmo": 999}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["cmo"] == own_cmo.pk  # fixed once the review exists

    wrong = api.post(f"{url}sign/", {"password": "guess"}, format="json")
    assert wrong.status_code == 403
    right = api.post(f"{url}sign/", {"password": PASSWORD}, format="json")
    assert right.status_code == 200, right.json()
    assert right.json()["meaning"] == "Reviewed and approved by the relationship manager"
    assert api.get(url).json()["status"] == "completed"


@pytest.mark.django_db
def test_a_review_is_cancelled_through_the_api_with_a_reason(api_for, rm, own_cmo):
    review = BusinessReviewFactory(cmo=own_cmo)
    api = api_for(rm)
    url = f"/api/reviews/{review.pk}/cancel/"
    response = api.post(url, {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = api.post(url, {"reason": "The CMO is being exited"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    response = api.post(url, {"reason": "Again"}, format="json")
    assert response.status_code == 400
    assert "already cancelled" in str(response.json())


@pytest.mark.django_db
def test_another_managers_review_is_not_found_for_change(api_for, other_rm, own_cmo):
    review = BusinessReviewFactory(cmo=own_cmo)
    response = api_for(other_rm).patch(f"/api/reviews/{review.pk}/", {"summary": "x"})
    assert response.status_code == 404


@pytest.mark.django_db
def test_executive_reads_but_does_not_write(api_for, executive, own_cmo):
    review = BusinessReviewFactory(cmo=own_cmo)
    api = api_for(executive)
    assert api.get("/api/reviews/").status_code == 200
    assert api.patch(f"/api/reviews/{review.pk}/", {"summary": "x"}).status_code == 403


@pytest.mark.django_db
def test_a_review_is_created_with_its_owner_and_dates(api_for, rm, own_cmo):
    response = api_for(rm).post(
        "/api/reviews/",
        {"cmo": own_cmo.pk, "kind": "for_cause", "period": "2025-08-14"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["owner"] == rm.pk and data["period"] == "2025-07-01"
    assert data["due_date"] == "2025-10-14"


@pytest.mark.django_db
def test_the_addressee_answers_a_rating_request_whatever_their_role(api_for, executive, own_cmo):
    review = BusinessReviewFactory(cmo=own_cmo)
    request = StakeholderRatingFactory(review=review, rater=executive, function="finance")
    StakeholderRatingFactory(
        review=review,
        quality=1,
        delivery=1,
        cost=1,
        responsiveness=1,
        partnership=1,
        answered_at=timezone.now(),
    )
    StakeholderRatingFactory(
        review=review,
        quality=4,
        delivery=4,
        cost=4,
        responsiveness=4,
        partnership=4,
        answered_at=timezone.now(),
    )
    api = api_for(executive)
    assert [r["id"] for r in api.get("/api/review-ratings/mine/").json()] == [request.pk]
    answer = {"quality": 5, "delivery": 5, "cost": 5, "responsiveness": 5, "partnership": 5}
    response = api.post(f"/api/review-ratings/{request.pk}/answer/", answer, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["weighted_total"] == 5.0
    assert api.get(f"/api/reviews/{review.pk}/").json()["stakeholder_rating"] == 4.0


@pytest.mark.django_db
def test_someone_else_cannot_answer(api_for, scm, executive, own_cmo):
    request = StakeholderRatingFactory(review=BusinessReviewFactory(cmo=own_cmo), rater=executive)
    answer = {"quality": 1, "delivery": 1, "cost": 1, "responsiveness": 1, "partnership": 1}
    response = api_for(scm).post(f"/api/review-ratings/{request.pk}/answer/", answer, format="json")
    assert response.status_code == 404


@pytest.mark.django_db
def test_supply_chain_manager_closes_an_action(api_for, scm, own_cmo):
    action = ActionItemFactory(review=BusinessReviewFactory(cmo=own_cmo))
    response = api_for(scm).patch(
        f"/api/review-actions/{action.pk}/", {"status": "done"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["closed_on"] is not None


@pytest.mark.django_db
def test_review_api_list_queries_do_not_grow(api_for, scm):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import CmoFactory

    api = api_for(scm)
    for _ in range(2):
        BusinessReviewFactory(cmo=CmoFactory())
    api.get("/api/reviews/")  # the first request warms the caches
    with CaptureQueriesContext(connection) as small:
        api.get("/api/reviews/")
    for _ in range(8):
        StakeholderRatingFactory(review=BusinessReviewFactory(cmo=CmoFactory()))
    with CaptureQueriesContext(connection) as large:
        api.get("/api/reviews/")
    assert len(large) == len(small)
    assert BusinessReview.objects.count() == 10


@pytest.mark.django_db
def test_a_rating_asked_for_through_the_api_is_emailed_too(
    api_for, rm, scm, own_cmo, published, django_capture_on_commit_callbacks
):
    review = BusinessReviewFactory(cmo=own_cmo, owner=rm)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(rm).post(
            "/api/review-ratings/",
            {"review": review.pk, "rater": scm.pk, "function": "supply_chain"},
            format="json",
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["requested_by"] == rm.pk and body["notified_at"] is None
    assert published == [("reviews.tasks.rating_request_notify", [body["id"]], {})]
    assert StakeholderRating.objects.get().history.get().history_user == rm
