"""Contract renewal alerts: 90, 60 and 30 days before the last day to give notice (the
expiry date less the notice period), once each.

Missing the notice date renews or ends a contract by default; the alerts leave time to
decide. A `RenewalAlert` row is claimed before each email goes out (see
`reviews.notifications` for the pattern).
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from contracts.models import Contract, RenewalAlert

logger = logging.getLogger(__name__)

THRESHOLDS = (90, 60, 30)


def alert_threshold(notice_date: datetime.date, today: datetime.date) -> int | None:
    """The alert due on `today` for a notice date: the smallest threshold not yet passed
    (a contract entered 50 days before its notice date gets the 60-day alert, not three at
    once). None before the 90-day mark and after the notice date."""
    days_left = (notice_date - today).days
    if days_left < 0:
        return None
    due = [t for t in THRESHOLDS if days_left <= t]
    return min(due) if due else None


def _recipient(contract: Contract) -> str:
    for person in (contract.owner, contract.cmo.relationship_manager):
        if person is not None and person.email:
            return person.email
    return ""


def alert_message(contract: Contract, days_before: int, today: datetime.date, to: str):
    context = {
        "contract": contract,
        "days_before": days_before,
        "days_left": (contract.notice_date - today).days,
        "url": f"{getattr(settings, 'PORTAL_URL', '').rstrip('/')}{contract.get_absolute_url()}",
    }
    message = EmailMultiAlternatives(
        subject=(
            f"Notice due by {contract.notice_date:%d %b %Y}: {contract.reference} "
            f"({contract.cmo.name})"
        ),
        body=render_to_string("contracts/email/renewal_alert.txt", context),
        to=[to],
    )
    message.attach_alternative(
        render_to_string("contracts/email/renewal_alert.html", context), "text/html"
    )
    return message


def renewal_alerts_send(today: datetime.date) -> int:
    """Send the renewal alerts due on `today`; returns how many were sent."""
    horizon = today + datetime.timedelta(days=max(THRESHOLDS))
    contracts = (
        Contract.objects.in_force(today)
        .filter(last_notice_date__gte=today, last_notice_date__lte=horizon)
        .select_related("cmo__relationship_manager", "owner")
    )
    sent = 0
    for contract in contracts:
        threshold = alert_threshold(contract.notice_date, today)
        recipient = _recipient(contract)
        if threshold is None:
            continue
        if not recipient:
            logger.warning("contract %s: nobody to alert about its notice date", contract.pk)
            continue
        try:
            with transaction.atomic():
                RenewalAlert.objects.create(
                    contract=contract,
                    notice_date=contract.notice_date,
                    days_before=threshold,
                    recipient=recipient,
                )
                alert_message(contract, threshold, today, recipient).send()
        except IntegrityError:
            continue  # sent before, by this run's predecessor or a concurrent one
        sent += 1
    return sent
