"""Bench section: server time of the dashboards on the 1,000-CMO demo portfolio.

Builds the portfolio with `seed_demo --scale 40` (after emptying the CMOs, as the other
sections do), computes its risk, adds eight quarters of scorecards and an overdue review
with an open action per CMO (set-based), then requests the portfolio dashboard and the
health page of the largest CMO with Django's test Client, in-process: the time is the
server's (middleware, queries, pandas, Plotly, templates), without a network.
"""

import statistics
import time

REPEATS = 15
GOALS_MS = {"portfolio_dashboard": 300, "cmo_health": 150}


def _seed() -> None:
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE suppliers_cmo, suppliers_product, kpis_scoringbasis, "
            "suppliers_historicalcmo RESTART IDENTITY CASCADE"
        )
    # The demo brings eight quarters of scorecards, reviews, actions and computed risk.
    call_command("seed_demo", scale=40, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would, after a bulk load


def _measure(client, url: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):  # warm: imports, template and URL caches
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(REPEATS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return {"median_ms": round(statistics.median(times), 1), "queries": len(captured)}


def dashboards() -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import (
        override_settings,
        setup_test_environment,
        teardown_test_environment,
    )
    from django.urls import reverse

    from cmo_portal import roles
    from suppliers.models import Cmo

    _seed()
    user, _ = get_user_model().objects.get_or_create(username="bench-exec")
    user.groups.add(Group.objects.get(name=roles.EXECUTIVE))
    largest = Cmo.objects.annotate(n=Count("sites__supply_stages")).order_by("-n", "pk").first()
    setup_test_environment()  # the test Client's host, "testserver"
    # Static URLs without the collected manifest (`make bench` does not run collectstatic).
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    try:
        with override_settings(STORAGES=storages):
            client = Client()
            client.force_login(user)
            portfolio = _measure(client, reverse("dashboards:portfolio"))
            health = _measure(client, reverse("dashboards:cmo_health", args=[largest.pk]))
    finally:
        teardown_test_environment()
    return {
        "cmos": Cmo.objects.count(),
        "portfolio_dashboard_ms": portfolio["median_ms"],
        "portfolio_dashboard_queries": portfolio["queries"],
        "cmo_health_ms": health["median_ms"],
        "cmo_health_queries": health["queries"],
        "cmo_health_stages": largest.n,
        "repeats": REPEATS,
    }
