"""Writes that touch many records at once, each in one transaction with its history."""

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from suppliers.models import Cmo


@transaction.atomic
def cmos_reassign(cmo_ids, *, relationship_manager, by, reason: str) -> int:
    """Hand a set of CMOs to another relationship manager (someone leaves, a portfolio is
    rebalanced). One UPDATE for all of them, and one history row each naming who did it
    and why. Returns the number of CMOs that changed hands."""
    cmos = list(
        Cmo.objects.select_for_update()
        .filter(pk__in=cmo_ids)
        .exclude(relationship_manager=relationship_manager)
    )
    now = timezone.now()
    for cmo in cmos:
        cmo.relationship_manager = relationship_manager
        cmo.updated = now
    bulk_update_with_history(
        cmos,
        Cmo,
        ["relationship_manager", "updated"],
        batch_size=500,
        default_user=by,
        default_change_reason=reason,
    )
    return len(cmos)
