import datetime
import smtplib

import pytest
from django.core import mail

from reviews import notifications, scheduling, services
from reviews.models import DIMENSIONS, ReviewNotice
from tests.factories import BusinessReviewFactory, CmoFactory

D = datetime.date


@pytest.fixture
def review(own_cmo):
    return BusinessReviewFactory(cmo=own_cmo, due_date=D(2025, 10, 31))


def daily(today):
    scheduling.reviews_mark_overdue(today)
    return notifications.reviews_send_reminders(today)


@pytest.mark.django_db
def test_owner_is_reminded_14_days_before_the_due_date_once(review, rm):
    assert daily(D(2025, 10, 16)) == 0
    assert daily(D(2025, 10, 17)) == 1
    assert daily(D(2025, 10, 17)) == 0
    assert daily(D(2025, 10, 18)) == 0

    [message] = mail.outbox
    assert message.to == [rm.email]
    assert "due on 31 Oct 2025" in message.subject
    assert "in 14 days" in message.body
    assert f"/reviews/{review.pk}/" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html" and "Open the review" in html


@pytest.mark.django_db
def test_owner_is_told_on_the_day_it_becomes_overdue_once(review):
    daily(D(2025, 10, 17))
    assert daily(D(2025, 11, 1)) == 1
    assert daily(D(2025, 11, 2)) == 0
    assert [m.subject.split(":")[0] for m in mail.outbox] == [
        "Review due on 31 Oct 2025",
        "Review overdue",
    ]
    assert "overdue" in mail.outbox[1].body
    assert set(review.notices.values_list("kind", flat=True)) == {"due_soon", "overdue"}


@pytest.mark.django_db
def test_a_review_created_inside_the_14_days_is_reminded_at_once(own_cmo):
    BusinessReviewFactory(cmo=own_cmo, kind="for_cause", due_date=D(2025, 10, 22))
    assert daily(D(2025, 10, 17)) == 1


@pytest.mark.django_db
def test_a_review_without_owner_claims_nothing():
    BusinessReviewFactory(cmo=CmoFactory(relationship_manager=None), due_date=D(2025, 10, 31))
    assert daily(D(2025, 10, 17)) == 0
    assert ReviewNotice.objects.count() == 0


@pytest.mark.django_db
def test_a_failed_send_releases_the_claim_so_the_next_run_sends(review, monkeypatch):
    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("connection lost")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
        with pytest.raises(smtplib.SMTPServerDisconnected):
            daily(D(2025, 10, 20))
    assert ReviewNotice.objects.count() == 0
    assert daily(D(2025, 10, 21)) == 1
    assert len(mail.outbox) == 1


# --- Rating requests ---------------------------------------------------------------------------


@pytest.fixture
def rating_request(review, rm, scm):
    scm.email, scm.first_name, scm.last_name = "sam@example.com", "Sam", "Chain"
    scm.save()
    return services.rating_request(review, scm, "supply_chain", by=rm)


@pytest.mark.django_db
def test_asking_for_a_rating_emails_the_colleague_after_commit(
    review, rm, scm, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rating = services.rating_request(review, scm, "supply_chain", by=rm)
        assert published == []  # not before the request is saved for good
    assert published == [("reviews.tasks.rating_request_notify", [rating.pk], {})]


@pytest.mark.django_db
def test_the_colleague_is_emailed_once_with_a_link_to_answer(rating_request, review):
    assert notifications.rating_request_send(rating_request.pk)
    assert not notifications.rating_request_send(rating_request.pk)  # a retry, a second run
    (message,) = mail.outbox
    assert message.to == ["sam@example.com"]
    assert review.cmo.name in message.subject
    assert f"/reviews/ratings/{rating_request.pk}/" in message.body
    assert "Rating as:    Supply chain" in message.body
    rating_request.refresh_from_db()
    assert rating_request.notified_at is not None
    assert rating_request.history.count() == 1  # sending is not a change of the rating


@pytest.mark.django_db
def test_an_answered_request_or_a_colleague_without_address_gets_no_email(
    rating_request, scm, review, rm, executive
):
    services.rating_answer(rating_request, scm, dict.fromkeys(DIMENSIONS, 4))
    assert not notifications.rating_request_send(rating_request.pk)
    executive.email = ""
    executive.save()
    silent = services.rating_request(review, executive, "finance", by=rm)
    assert not notifications.rating_request_send(silent.pk)
    assert mail.outbox == []
    silent.refresh_from_db()
    assert silent.notified_at is None


@pytest.mark.django_db
def test_a_failed_send_leaves_the_request_to_be_emailed_by_the_retry(rating_request, monkeypatch):
    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("connection lost")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
        with pytest.raises(smtplib.SMTPServerDisconnected):
            notifications.rating_request_send(rating_request.pk)
    rating_request.refresh_from_db()
    assert rating_request.notified_at is None
    assert notifications.rating_request_send(rating_request.pk)
    assert len(mail.outbox) == 1
