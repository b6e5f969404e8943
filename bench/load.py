"""Load: 50 concurrent users for 60 s across dashboards, lists and the API, served by
gunicorn with the production settings on PostgreSQL and Redis, driven by wrk on loopback.

Runs after the dashboards section, on its 1,000-CMO portfolio. Each request is made as
one of 50 signed-in users (a session for pages, a token for the API), so the per-user
API throttle applies as in production.
"""

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8097
USERS = 50
DURATION = "60s"


def _users() -> list[tuple[str, str]]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from cmo_portal import roles

    executives = Group.objects.get(name=roles.EXECUTIVE)
    pairs = []
    for n in range(USERS):
        user, _ = get_user_model().objects.get_or_create(username=f"load-{n:02d}")
        user.groups.add(executives)
        client = Client()
        client.force_login(user)  # a real session row, valid for the gunicorn workers
        token, _ = Token.objects.get_or_create(user=user)
        pairs.append((client.cookies["sessionid"].value, token.key))
    return pairs


def _paths() -> list[str]:
    from suppliers.models import Cmo

    cmo_ids = list(Cmo.objects.order_by("pk").values_list("pk", flat=True)[:20])
    return [
        "/dashboard/",
        *[f"/dashboard/cmos/{pk}/" for pk in cmo_ids[:5]],
        "/suppliers/cmos/",
        "/suppliers/cmos/?sort=-annual_spend",
        "/kpis/",
        "/contracts/",
        "/portfolio/risks/",
        "/reviews/actions/",
        *[f"/suppliers/cmos/{pk}/" for pk in cmo_ids[5:10]],
        "/api/cmos/",
        "/api/scorecards/",
        "/api/risk-scores/",
        "/api/contracts/?status=expiring",
    ]


def load() -> dict:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is missing: apt-get install wrk (make bench installs it)")
    static_root = tempfile.mkdtemp(prefix="cmo-static-")
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback; TLS ends at the proxy
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "STATIC_ROOT": static_root,
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    users, paths = _users(), _paths()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "cmo_portal.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "-k",
            "gthread",
            "-w",
            "3",
            "--threads",
            "4",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{PORT}/healthz")
        out = subprocess.run(
            [
                wrk,
                "-t",
                "2",
                "-c",
                str(USERS),
                "-d",
                DURATION,
                "--timeout",
                "60s",
                "-s",
                str(ROOT / "bench" / "load.lua"),
                f"http://127.0.0.1:{PORT}",
            ],
            env={
                **os.environ,
                "LOAD_PATHS": ",".join(paths),
                "LOAD_USERS": ",".join(f"{c}|{t}" for c, t in users),
            },
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(static_root, ignore_errors=True)
    figures = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    return {"users": USERS, "duration": DURATION, "urls": len(paths), **figures}


def _wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer at {url}")
