"""A change of a measurement recomputes its CMO's scorecards, once the change is
committed (a task started before the commit could read the old values)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from cmo_portal import dispatch
from kpis.models import Measurement

#: Sent after scorecards were written in bulk (bulk writes send no post_save), with
#: `cmo_ids` (None: the whole portfolio). The risk model listens to it.
scorecards_recomputed = Signal()


def recompute_after_commit(cmo_ids: list[int]) -> None:
    # Through the outbox: a broker outage must not turn a saved measurement into an
    # error page, and the recompute still runs once the broker is back.
    dispatch.enqueue("kpis.tasks.scorecards_recompute_task", cmo_ids)


@receiver(post_save, sender=Measurement, dispatch_uid="kpis-measurement-saved")
@receiver(post_delete, sender=Measurement, dispatch_uid="kpis-measurement-deleted")
def measurement_changed(sender, instance, **kwargs):
    recompute_after_commit([instance.cmo_id])
