import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from cmo_portal import roles
from tests.factories import CmoFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def executive(db):
    return UserFactory(username="exec", roles=[roles.EXECUTIVE])


@pytest.fixture
def scm(db):
    return UserFactory(username="scm", roles=[roles.SUPPLY_CHAIN_MANAGER])


@pytest.fixture
def rm(db):
    return UserFactory(username="rm", roles=[roles.RELATIONSHIP_MANAGER])


@pytest.fixture
def other_rm(db):
    return UserFactory(username="rm2", roles=[roles.RELATIONSHIP_MANAGER])


@pytest.fixture
def admin_user(db):
    return UserFactory(username="administrator", roles=[roles.ADMINISTRATOR], is_staff=True)


@pytest.fixture
def own_cmo(rm):
    """A CMO whose relationship manager is `rm`."""
    return CmoFactory(name="Own Biologics GmbH", relationship_manager=rm)


@pytest.fixture
def foreign_cmo(other_rm):
    """A CMO managed by another relationship manager."""
    return CmoFactory(name="Foreign Fill SA", relationship_manager=other_rm)


@pytest.fixture
def client_for(client):
    """`client_for(user)` logs the test client in as `user`."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api_for():
    from rest_framework.test import APIClient

    def login(user):
        api = APIClient()
        api.force_authenticate(user)
        return api

    return login


def start_celery_worker(name: str, queue: str, extra_env: dict | None = None) -> subprocess.Popen:
    """Start a real Celery worker process on `queue`, writing to the test database, and
    wait until it answers a ping."""
    from cmo_portal.celery import app

    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for(connection.settings_dict["NAME"]),
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    log = open(ROOT / "var" / f"test-worker-{queue}-{name}.log", "w")  # noqa: SIM115 - lives with the process
    hostname = f"{name}-{os.getpid()}"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cmo_portal",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            queue,
            "-n",
            f"{hostname}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=0.5) or []
        if any(f"{hostname}@" in worker_name for reply in replies for worker_name in reply):
            return worker
        if worker.poll() is not None:
            raise RuntimeError(f"Celery worker exited; see {log.name}")
    worker.kill()
    raise RuntimeError(f"Celery worker did not answer within 30 s; see {log.name}")


def stop_celery_worker(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real Celery worker process, consuming the test queue on the real Redis broker and
    writing to the test database. Tests that use it need `transactional_db`, so that
    what they write is committed and visible to the worker."""
    from cmo_portal.celery import app

    app.control.purge()
    with django_db_blocker.unblock():
        worker = start_celery_worker("test", app.conf.task_default_queue)
    yield worker
    stop_celery_worker(worker)


def _database_url_for(name: str) -> str:
    settings_dict = connection.settings_dict
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{name}"
    user = settings_dict.get("USER") or "postgres"
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{auth}{host}:{port}/{name}"


@pytest.fixture
def published(monkeypatch):
    """What `cmo_portal.dispatch` hands to the broker, as (task name, args, options)
    tuples, instead of publishing it: for tests of *when* work is asked for. Tests of the
    work itself run it on a real worker (`celery_worker_process`)."""
    from cmo_portal import dispatch

    sent = []
    monkeypatch.setattr(
        dispatch,
        "_publish",
        lambda name, args, kwargs, options=None: sent.append((name, list(args), options or {})),
    )
    return sent
