"""Handing tasks to the broker without letting a broker outage break a page.

`enqueue` sends a task after the current transaction commits. If the broker cannot be
reached the task is written to the `PendingTask` outbox instead, and `outbox_flush`
sends it once the broker is back: nothing is lost, and the page that asked for the work
still answers. `broker_available` is the cached answer to "is background work running?",
for the banner.
"""

import logging
import time

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError

from cmo_portal.models import PendingTask

logger = logging.getLogger(__name__)

# Errors that mean "the broker is not there", as raised by kombu and redis-py.
BROKER_ERRORS = (OperationalError, ConnectionError, OSError, TimeoutError)

_STATE = {"checked": 0.0, "available": True}
CHECK_INTERVAL = 15.0  # seconds a broker check is trusted


# Options that survive a stay in the outbox; a countdown does not (the wait is over).
KEPT_OPTIONS = ("task_id",)


def _publish(task_name: str, args: list, kwargs: dict, options: dict | None = None) -> None:
    current_app.send_task(task_name, args=args, kwargs=kwargs, retry=False, **(options or {}))


def send_now(task_name: str, args=(), kwargs=None, **options) -> bool:
    """Publish, or store in the outbox; True when the broker took it. `options` are
    Celery's sending options (countdown, task_id)."""
    args, kwargs = list(args), dict(kwargs or {})
    try:
        _publish(task_name, args, kwargs, options)
    except BROKER_ERRORS as exc:
        logger.warning("broker unreachable; %s kept in the outbox: %s", task_name, exc)
        kept = {k: v for k, v in options.items() if k in KEPT_OPTIONS}
        PendingTask.objects.create(
            task_name=task_name, args=args, kwargs=kwargs, options=kept, error=str(exc)[:500]
        )
        _STATE.update(checked=time.monotonic(), available=False)
        return False
    return True


def enqueue(task, *args, options: dict | None = None, **kwargs) -> None:
    """Send `task` (a task object or its name) once the surrounding transaction commits."""
    name = task if isinstance(task, str) else task.name
    transaction.on_commit(lambda: send_now(name, args, kwargs, **(options or {})))


def outbox_flush(limit: int = 500) -> int:
    """Send what waited in the outbox; stops at the first failure. Returns how many went."""
    sent = 0
    for pending in PendingTask.objects.all()[:limit]:
        try:
            _publish(pending.task_name, pending.args, pending.kwargs, pending.options)
        except BROKER_ERRORS as exc:
            PendingTask.objects.filter(pk=pending.pk).update(
                attempts=pending.attempts + 1, error=str(exc)[:500]
            )
            break
        pending.delete()
        sent += 1
    return sent


def broker_answers(timeout: float) -> bool:
    """Whether the broker accepts a connection now (no cache: the health check)."""
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
    except Exception:  # any failure to connect means "unreachable"
        logger.warning("broker unreachable", exc_info=True)
        return False
    return True


def broker_available(timeout: float = 0.5) -> bool:
    """Whether the broker answers, checked at most every CHECK_INTERVAL seconds (for the
    banner on every page)."""
    now = time.monotonic()
    if now - _STATE["checked"] < CHECK_INTERVAL:
        return _STATE["available"]
    available = broker_answers(timeout)
    was_available = _STATE["available"]
    _STATE.update(checked=now, available=available)
    if available and not was_available:
        outbox_flush()
    return available
