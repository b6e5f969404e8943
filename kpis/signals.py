"""A change of a measurement recomputes its CMO's scorecards, once the change is
committed (a task started before the commit could read the old values)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from kpis.models import Measurement


def recompute_after_commit(cmo_ids: list[int]) -> None:
    from kpis.tasks import scorecards_recompute_task

    # robust: a broker outage must not turn a saved measurement into an error page;
    # the nightly bulk recompute catches up.
    transaction.on_commit(lambda: scorecards_recompute_task.delay(cmo_ids), robust=True)


@receiver(post_save, sender=Measurement, dispatch_uid="kpis-measurement-saved")
@receiver(post_delete, sender=Measurement, dispatch_uid="kpis-measurement-deleted")
def measurement_changed(sender, instance, **kwargs):
    recompute_after_commit([instance.cmo_id])
