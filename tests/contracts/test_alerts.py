import datetime

import pytest
from django.core import mail

from contracts import alerts
from contracts.models import RenewalAlert
from tests.factories import ContractFactory, UserFactory

D = datetime.date
NOTICE = D(2026, 3, 31)  # expiry 2026-06-29 less 90 days' notice


@pytest.mark.parametrize(
    ("today", "threshold"),
    [
        (D(2025, 12, 30), None),  # 91 days before
        (D(2025, 12, 31), 90),
        (D(2026, 1, 29), 90),  # 61 days before
        (D(2026, 1, 30), 60),
        (D(2026, 2, 1), 60),
        (D(2026, 3, 1), 30),
        (D(2026, 3, 31), 30),  # the last day itself
        (D(2026, 4, 1), None),  # too late
    ],
)
def test_alert_threshold_is_the_nearest_mark_reached(today, threshold):
    assert alerts.alert_threshold(NOTICE, today) == threshold


@pytest.fixture
def contract(own_cmo):
    owner = UserFactory(username="buyer")
    return ContractFactory(
        cmo=own_cmo,
        reference="SA-2021-007",
        effective_date=D(2021, 6, 30),
        expiry_date=D(2026, 6, 29),
        signed_on=D(2021, 6, 1),
        notice_period_days=90,
        owner=owner,
    )


@pytest.mark.django_db
def test_renewal_alerts_go_out_at_90_60_and_30_days_once_each(contract):
    assert contract.notice_date == NOTICE
    sent = [
        alerts.renewal_alerts_send(NOTICE - datetime.timedelta(days=n)) for n in range(95, -3, -1)
    ]

    assert sum(sent) == 3
    assert sorted(RenewalAlert.objects.values_list("days_before", flat=True)) == [30, 60, 90]
    assert [m.to for m in mail.outbox] == [["buyer@example.com"]] * 3
    first = mail.outbox[0]
    assert "Notice due by 31 Mar 2026: SA-2021-007" in first.subject
    assert "in 90 days (90-day alert)" in first.body
    assert first.alternatives[0][1] == "text/html"


@pytest.mark.django_db
def test_running_twice_on_the_same_day_sends_once(contract):
    assert alerts.renewal_alerts_send(D(2026, 3, 1)) == 1
    assert alerts.renewal_alerts_send(D(2026, 3, 1)) == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_renewed_contract_is_alerted_again_for_its_new_notice_date(contract):
    alerts.renewal_alerts_send(D(2026, 3, 1))
    contract.expiry_date = D(2027, 6, 29)
    contract.save()
    assert alerts.renewal_alerts_send(D(2027, 3, 1)) == 1
    assert RenewalAlert.objects.count() == 2


@pytest.mark.django_db
def test_without_an_owner_the_relationship_manager_is_alerted(contract, rm):
    contract.owner = None
    contract.save()
    alerts.renewal_alerts_send(D(2026, 3, 1))
    assert mail.outbox[0].to == [rm.email]


@pytest.mark.django_db
def test_terminated_and_draft_contracts_are_not_alerted(contract, own_cmo):
    contract.terminated_on = D(2025, 12, 1)
    contract.save()
    ContractFactory(cmo=own_cmo, signed_on=None, expiry_date=D(2026, 6, 29))
    assert alerts.renewal_alerts_send(D(2026, 3, 1)) == 0
