"""When Redis goes away the portal keeps working: pages load with a banner, the health
check says 503, and work asked for meanwhile is kept and sent once Redis is back.

A private redis-server is started on a spare port and really stopped and restarted, so
the shared Redis other tests use is never touched.
"""

import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import caches
from kombu import pools as kombu_pools

from cmo_portal import dispatch
from cmo_portal.celery import app as celery_app
from cmo_portal.models import PendingTask
from cmo_portal.tasks import worker_diagnostic

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    def __init__(self):
        self.port = _free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def queue_length(self, queue: str) -> int:
        out = subprocess.run(
            ["redis-cli", "-p", str(self.port), "LLEN", queue],
            capture_output=True,
            text=True,
            check=True,
        )
        return int(out.stdout.strip())


def _reset_broker_pools():
    # Celery keeps connection and producer pools; drop them so the next send connects anew.
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def private_redis(settings):
    redis = PrivateRedis()
    redis.start()
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = redis.url
    _reset_broker_pools()
    settings.CACHES = {
        "default": {
            "BACKEND": "cmo_portal.cache.ResilientRedisCache",
            "LOCATION": redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    dispatch._STATE.update(checked=0.0, available=True)
    yield redis
    if redis.process.poll() is None:
        redis.stop()
    celery_app.conf.broker_url = original
    _reset_broker_pools()
    dispatch._STATE.update(checked=0.0, available=True)
    caches["default"].close()


@pytest.mark.django_db
def test_with_redis_stopped_pages_load_with_a_banner_and_health_says_503(
    private_redis, client_for, scm
):
    client = client_for(scm)
    assert "Background work is paused" not in client.get("/suppliers/cmos/").content.decode()
    private_redis.stop()
    dispatch._STATE["checked"] = 0.0
    page = client.get("/suppliers/cmos/")
    assert page.status_code == 200
    assert "Background work is paused" in page.content.decode()
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json()["broker"] == "down"


@pytest.mark.django_db
def test_the_api_keeps_answering_while_the_cache_is_down(private_redis, api_for, scm):
    private_redis.stop()
    assert api_for(scm).get("/api/cmos/").status_code == 200  # throttling counts in the cache


@pytest.mark.django_db
def test_work_asked_for_during_the_outage_is_kept_and_sent_when_redis_is_back(private_redis):
    queue = celery_app.conf.task_default_queue
    private_redis.stop()
    assert dispatch.send_now(worker_diagnostic.name) is False
    assert PendingTask.objects.count() == 1
    assert dispatch.outbox_flush() == 0  # still down: kept
    private_redis.start()
    _reset_broker_pools()
    assert dispatch.outbox_flush() == 1
    assert PendingTask.objects.count() == 0
    assert private_redis.queue_length(queue) == 1  # the message is on the broker, once


@pytest.mark.django_db(transaction=True)
def test_enqueue_waits_for_the_commit(private_redis):
    from django.db import transaction

    queue = celery_app.conf.task_default_queue
    with transaction.atomic():
        dispatch.enqueue(worker_diagnostic)
        assert private_redis.queue_length(queue) == 0
    assert private_redis.queue_length(queue) == 1
