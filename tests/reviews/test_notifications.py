import datetime
import smtplib

import pytest
from django.core import mail

from reviews import notifications, scheduling
from reviews.models import ReviewNotice
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
