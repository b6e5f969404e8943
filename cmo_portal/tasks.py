import socket

from celery import shared_task
from django.db import connection


@shared_task(acks_late=True, soft_time_limit=20, time_limit=30)
def worker_diagnostic() -> dict:
    """Proves a worker is consuming the queue and can reach the database; used by
    `manage.py check_worker` after a deployment."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        database = cursor.fetchone()[0] == 1
    return {"worker": socket.gethostname(), "database": database}


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90, ignore_result=True)
def outbox_flush() -> int:
    """Send the tasks that were kept back while the broker was unreachable."""
    from cmo_portal import dispatch

    return dispatch.outbox_flush()
