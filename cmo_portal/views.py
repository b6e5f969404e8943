"""Base views: home, health check and the error pages."""

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cmo_portal import dispatch, roles
from cmo_portal.security import log_refused_access

logger = logging.getLogger(__name__)

# Where each role starts its day; the first role that matches wins.
HOME_BY_ROLE = [
    (roles.EXECUTIVE, "dashboards:portfolio"),
    (roles.RELATIONSHIP_MANAGER, "dashboards:mine"),
    (roles.SUPPLY_CHAIN_MANAGER, "kpis:scorecard_list"),
]


def home(request):
    user_roles = roles.user_roles(request.user)
    for role, url_name in HOME_BY_ROLE:
        if role in user_roles:
            return redirect(url_name)
    return redirect("suppliers:cmo_list")


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # any failure means "not reachable" to a health check
        logger.exception("health check: database unreachable")
        return False


@login_not_required
@never_cache
@require_GET
def healthz(request):
    checks = {"database": _database_ok(), "broker": dispatch.broker_answers(timeout=2.0)}
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        **{k: "ok" if v else "down" for k, v in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)


def permission_denied(request, exception=None):
    log_refused_access(request, 403)
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
