"""The permission matrix: for every URL pattern and API endpoint, every kind of visitor and
every method, the expected answer.

Visitors: anonymous, executive, a relationship manager on a record of their own CMO
(rm_own) and on another manager's (rm_other), supply chain manager, administrator.
A URL missing from MATRIX fails `test_every_url_is_in_the_matrix`, so nothing new goes
unprotected. Each request runs in a savepoint that is rolled back, so a DELETE that is
allowed does not change what the next visitor sees.

Reading the codes: 200/201/204 done; 302 to the login page (anonymous) or onwards after a
form; 400 allowed but the empty request is invalid; 403 the role may not; 404 the record
is outside the visitor's scope; 405 the method does not exist there; 409 the record is
locked.
"""

import os
import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from tests.permission_world import VISITORS, World, url_for

EXCLUDED_PREFIXES = ("admin/",)  # the Django admin: staff-only, its own permission system


def _codes(anonymous, executive, rm_own, rm_other, scm, admin):
    return dict(zip(VISITORS, (anonymous, executive, rm_own, rm_other, scm, admin), strict=True))


# --- Policies, named for what they mean -----------------------------------------------------
# Pages (anonymous visitors are sent to the login page)
PUBLIC = _codes(200, 200, 200, 200, 200, 200)
PUBLIC_REDIRECT = _codes(200, 302, 302, 302, 302, 302)  # the login page sends users home
SIGNED_IN = _codes(302, 200, 200, 200, 200, 200)
HOME = _codes(302, 302, 302, 302, 302, 302)
READ = _codes(302, 200, 200, 200, 200, 200)
FORM_SUPPLY = _codes(302, 403, 403, 403, 200, 200)  # those who change all supply records
FORM_SCOPED_ADD = _codes(302, 403, 200, 200, 200, 200)  # choices narrowed to own CMOs
FORM_SCOPED = _codes(302, 403, 200, 404, 200, 200)  # another manager's record: 404
DELETE_SUPPLY = _codes(302, 403, 403, 403, 302, 302)
DELETE_SUPPLY_PAGE = _codes(302, 403, 403, 403, 200, 200)
# API (anonymous is refused; REST framework answers 403 to a request without credentials)
API_PUBLIC_POST = _codes(400, 400, 400, 400, 400, 400)
API_READ = _codes(403, 200, 200, 200, 200, 200)
API_CREATE_SUPPLY = _codes(403, 403, 403, 403, 400, 400)
API_CREATE_SCOPED = _codes(403, 403, 400, 400, 400, 400)
API_UPDATE_SUPPLY = _codes(403, 403, 403, 403, 200, 200)
API_UPDATE_SCOPED = _codes(403, 403, 200, 404, 200, 200)
API_DELETE_SUPPLY = _codes(403, 403, 403, 403, 204, 204)
API_DELETE_IN_USE = _codes(403, 403, 403, 403, 409, 409)  # other records still use it


def _crud_pages(
    create=FORM_SUPPLY, change=FORM_SUPPLY, delete=DELETE_SUPPLY, delete_page=DELETE_SUPPLY_PAGE
):
    return {
        "list": {"GET": READ},
        "add": {"GET": create, "POST": create},
        "detail": {"GET": READ},
        "edit": {"GET": change, "POST": change},
        "delete": {"GET": delete_page, "POST": delete},
        "history": {"GET": READ},
    }


def _crud_api(create=API_CREATE_SUPPLY, update=API_UPDATE_SUPPLY, delete=API_DELETE_SUPPLY):
    return {
        "list": {"GET": API_READ, "POST": create},
        "detail": {"GET": API_READ, "PATCH": update, "DELETE": delete},
        "history": {"GET": API_READ},
    }


def _pages(app, model, actions, **policies):
    return {
        f"{app}:{model}_{action}": rules
        for action, rules in _crud_pages(**policies).items()
        if action in actions
    }


def _api(basename, actions=("list", "detail", "history"), **policies):
    return {
        f"{basename}-{action}": rules
        for action, rules in _crud_api(**policies).items()
        if action in actions
    }


ALL = ("list", "add", "detail", "edit", "delete", "history")
SCOPED = {"create": FORM_SCOPED_ADD, "change": FORM_SCOPED}
SCOPED_API = {"create": API_CREATE_SCOPED, "update": API_UPDATE_SCOPED}

MATRIX: dict[str, dict[str, dict[str, int]]] = {
    # --- cmo_portal ---------------------------------------------------------------------
    "home": {"GET": HOME},
    "healthz": {"GET": PUBLIC},
    "autocomplete": {"GET": READ},  # names of CMOs, which every role reads
    "login": {"GET": PUBLIC_REDIRECT},
    "logout": {"POST": _codes(302, 302, 302, 302, 302, 302)},
    "password_change": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "password_change_done": {"GET": SIGNED_IN},
    "api-root": {"GET": API_READ},
    "api-schema": {"GET": API_READ},
    "api-docs": {"GET": API_READ},
    "api-token": {"POST": API_PUBLIC_POST},
    # --- suppliers: pages ---------------------------------------------------------------
    **_pages("suppliers", "cmo", ALL, change=FORM_SCOPED),
    "suppliers:cmo_reassign": {"GET": FORM_SUPPLY, "POST": FORM_SUPPLY},
    **_pages("suppliers", "site", ALL, **SCOPED),
    **_pages("suppliers", "audit", ALL, **SCOPED),
    **_pages("suppliers", "auditfinding", ("add", "edit", "delete", "history"), **SCOPED),
    **_pages("suppliers", "capa", ("list", "add", "edit", "delete", "history"), **SCOPED),
    **_pages("suppliers", "product", ALL),
    **_pages("suppliers", "supplystage", ("list", "add", "edit", "delete", "history"), **SCOPED),
    # --- suppliers: API -----------------------------------------------------------------
    **_api("cmo", update=API_UPDATE_SCOPED, delete=API_DELETE_IN_USE),
    **_api("site", delete=API_DELETE_IN_USE, **SCOPED_API),
    **_api("audit", **SCOPED_API),
    **_api("auditfinding", **SCOPED_API),
    **_api("capa", **SCOPED_API),
    **_api("product"),
    **_api("supplystage", **SCOPED_API),
    # Capabilities are reference data: read-only in the API (POST: 403 before the role's
    # permission check passes, 405 once it does).
    "capability-list": {"GET": API_READ, "POST": _codes(403, 403, 403, 403, 405, 405)},
    "capability-detail": {"GET": API_READ, "DELETE": _codes(403, 403, 403, 403, 405, 405)},
    # --- contracts ----------------------------------------------------------------------
    **_pages("contracts", "contract", ALL, **SCOPED),
    "contracts:contract_document": {"GET": _codes(302, 404, 404, 404, 404, 404)},  # none uploaded
    **_pages("contracts", "obligation", ("list", "add", "edit", "delete", "history"), **SCOPED),
    **_api("contract", **SCOPED_API),
    **_api("obligation", **SCOPED_API),
}

MATRIX.update(
    {
        # --- kpis -----------------------------------------------------------------------------
        "kpis:scorecard_list": {"GET": READ},
        "kpis:scorecard_latest": {"GET": READ},
        "kpis:scorecard_detail": {"GET": READ},
        "kpis:cmokpi_settings": {"GET": READ, "POST": _codes(302, 403, 403, 403, 302, 302)},
        **_pages("kpis", "kpidefinition", ALL),
        **_pages("kpis", "measurement", ALL, **SCOPED, delete=DELETE_SUPPLY),
        "kpis:import_start": {"GET": FORM_SUPPLY, "POST": FORM_SUPPLY},
        "kpis:import_template": {"GET": FORM_SUPPLY},
        "kpis:import_detail": {"GET": FORM_SUPPLY},
        "kpis:import_progress": {"GET": FORM_SUPPLY},
        "kpis:import_confirm": {
            "GET": _codes(302, 403, 403, 403, 405, 405),
            "POST": _codes(302, 403, 403, 403, 302, 302),
        },
        **_api("kpidefinition", delete=_codes(403, 403, 403, 403, 409, 409)),
        **_api("measurement", **SCOPED_API),
        "measurement-bulk": {
            "GET": _codes(403, 405, 405, 405, 405, 405),
            "POST": API_CREATE_SCOPED,
        },
        "scorecard-list": {"GET": API_READ, "POST": _codes(403, 403, 403, 403, 405, 405)},
        "scorecard-detail": {"GET": API_READ, "PATCH": _codes(403, 403, 403, 403, 405, 405)},
        # --- reviews: only the CMO's relationship manager records its reviews ----------------
        "reviews:my_reviews": {"GET": READ},
        "reviews:inbox": {"GET": READ},
        "reviews:businessreview_list": {"GET": READ},
        "reviews:businessreview_detail": {"GET": READ},
        "reviews:businessreview_history": {"GET": READ},
        "reviews:businessreview_print": {"GET": READ},
        "reviews:businessreview_add": {
            "GET": _codes(302, 403, 200, 200, 403, 200),
            "POST": _codes(302, 403, 200, 200, 403, 200),
        },
        "reviews:businessreview_edit": {
            "GET": _codes(302, 403, 200, 404, 403, 200),
            "POST": _codes(302, 403, 200, 404, 403, 200),
        },
        "reviews:businessreview_amend": {
            "GET": _codes(302, 403, 200, 404, 403, 200),
            "POST": _codes(302, 403, 200, 404, 403, 200),
        },
        "reviews:businessreview_open": {
            "GET": _codes(302, 403, 405, 405, 403, 405),
            "POST": _codes(302, 403, 302, 404, 403, 302),
        },
        # Cancelling is a change of the review: its owner's, or an administrator's.
        "reviews:businessreview_cancel": {
            "GET": _codes(302, 403, 200, 404, 403, 200),
            "POST": _codes(302, 403, 200, 404, 403, 200),
        },
        # Signing is the owner's alone: not even an administrator signs for them.
        "reviews:businessreview_sign": {
            "GET": _codes(302, 403, 200, 403, 403, 403),
            "POST": _codes(302, 403, 200, 403, 403, 403),
        },
        "reviews:stakeholderrating_request": {
            "GET": _codes(302, 403, 200, 404, 403, 200),
            "POST": _codes(302, 403, 200, 404, 403, 200),
        },
        # A rating request is answered by the colleague it is addressed to, and nobody else.
        "reviews:stakeholderrating_answer": {
            "GET": _codes(302, 404, 200, 404, 404, 404),
            "POST": _codes(302, 404, 200, 404, 404, 404),
        },
        "reviews:actionitem_list": {"GET": READ},
        "reviews:actionitem_history": {"GET": READ},
        "reviews:actionitem_add": {
            "GET": _codes(302, 403, 200, 200, 403, 200),
            "POST": _codes(302, 403, 200, 200, 403, 200),
        },
        "reviews:actionitem_edit": {"GET": FORM_SCOPED, "POST": FORM_SCOPED},
        "businessreview-list": {"GET": API_READ, "POST": _codes(403, 403, 400, 400, 403, 400)},
        "businessreview-detail": {
            "GET": API_READ,
            "PATCH": _codes(403, 403, 200, 404, 403, 200),
            "DELETE": _codes(403, 403, 403, 403, 403, 409),  # a review is cancelled, never deleted
        },
        "businessreview-history": {"GET": API_READ},
        "businessreview-open": {"POST": _codes(403, 403, 200, 404, 403, 200)},
        "businessreview-sign": {"POST": _codes(403, 403, 400, 404, 403, 400)},
        "businessreview-amend": {"POST": _codes(403, 403, 400, 404, 403, 400)},
        "businessreview-cancel": {"POST": _codes(403, 403, 400, 404, 403, 400)},
        "stakeholderrating-list": {"GET": API_READ, "POST": _codes(403, 403, 400, 400, 403, 400)},
        "stakeholderrating-detail": {
            "GET": API_READ,
            "DELETE": _codes(403, 403, 403, 403, 403, 204),
        },
        "stakeholderrating-history": {"GET": API_READ},
        "stakeholderrating-mine": {"GET": API_READ},
        "stakeholderrating-answer": {"POST": _codes(403, 404, 400, 404, 404, 404)},
        "actionitem-list": {"GET": API_READ, "POST": _codes(403, 403, 400, 400, 403, 400)},
        "actionitem-detail": {
            "GET": API_READ,
            "PATCH": API_UPDATE_SCOPED,
            "DELETE": _codes(403, 403, 403, 403, 403, 204),
        },
        "actionitem-history": {"GET": API_READ},
        # --- portfolio: risk and oversight ---------------------------------------------------
        "portfolio:riskscore_list": {"GET": READ},
        "portfolio:oversightfinding_list": {"GET": READ},
        "portfolio:cmo_oversight": {"GET": READ},
        "portfolio:supply_chain": {"GET": READ},
        **_pages("portfolio", "registeredrisk", ALL, **SCOPED),
        **_api("registeredrisk", **SCOPED_API),
        # Computed records: read-only for everyone (refused before, or at, the method).
        **{
            f"{basename}-{action}": {"GET": API_READ, "POST": _codes(403, 403, 403, 403, 403, 405)}
            for basename in ("riskscore", "cmorisk", "productrisk", "oversightfinding")
            for action in ("list", "detail")
        },
        # --- dashboards -----------------------------------------------------------------------
        "dashboards:portfolio": {"GET": READ},
        "dashboards:mine": {"GET": READ},
        "dashboards:cmo_list": {"GET": READ},
        "dashboards:cmo_health": {"GET": READ},
        "dashboards:risk": {"GET": READ},
        "dashboards:export": {"GET": READ},
        # --- resourcing: relationship managers see their own workload only ------------------
        "resourcing:workload": {"GET": READ},
        "resourcing:what_if": {"GET": _codes(302, 200, 403, 403, 200, 200)},
        "resourcing:hiring": {"GET": _codes(302, 200, 403, 403, 200, 200)},
        "resourcing:budgets": {"GET": _codes(302, 200, 403, 403, 200, 200)},
        "resourcing:budget_edit": {"GET": FORM_SUPPLY, "POST": FORM_SUPPLY},
        "resourcing:plan_edit": {"GET": FORM_SUPPLY, "POST": _codes(302, 403, 403, 403, 302, 302)},
        "resourcing:my_capacity": {"GET": SIGNED_IN, "POST": SIGNED_IN},
        # Each person edits their own capacity; administrators edit anyone's.
        "resourcing:capacity_edit": {
            "GET": _codes(302, 403, 200, 403, 403, 200),
            "POST": _codes(302, 403, 200, 403, 403, 200),
        },
        "resource-workload-list": {"GET": API_READ, "POST": _codes(403, 405, 405, 405, 405, 405)},
        "resource-gaps-list": {"GET": _codes(403, 200, 403, 403, 200, 200)},
        "resource-budgets-list": {"GET": _codes(403, 200, 403, 403, 200, 200)},
    }
)

# Routes whose URL kwargs point at a record of another type than their name says.
MODEL_OF = {
    "suppliers:cmo_reassign": "cmo",
    "contracts:contract_document": "contract",
    "portfolio:cmo_oversight": "cmo",
    "portfolio:supply_chain": "product",
    "reviews:stakeholderrating_request": "businessreview",
}


def _routes(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            route = prefix + str(entry.pattern)
            if not route.lstrip("^").startswith(EXCLUDED_PREFIXES):
                yield f"{namespace}{entry.name}", route


ROUTES = dict(_routes())


def _model_key(name: str) -> str:
    if name in MODEL_OF:
        return MODEL_OF[name]
    bare = name.split(":")[-1]
    return re.split(r"[-_]", bare)[0]


def _kwargs(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route)


def test_every_url_is_in_the_matrix():
    missing = sorted(set(ROUTES) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(ROUTES))
    assert not missing, f"URLs without a row in the permission matrix: {missing}"
    assert not stale, f"rows for URLs that no longer exist: {stale}"


def _request(world, name, method, visitor):
    url = url_for(world, name, _kwargs(ROUTES[name]), _model_key(name), visitor)
    user = world.visitor_user(visitor)
    is_api = url.startswith("/api/")
    client = APIClient() if is_api else Client()
    if user is not None:
        client.force_login(user)
    call = getattr(client, method.lower())
    with transaction.atomic():
        if is_api and method in ("POST", "PATCH", "PUT"):
            response = call(url, {}, format="json")
        elif method == "POST":
            response = call(url, {})
        else:
            response = call(url)
        transaction.set_rollback(True)
    return response.status_code


@pytest.mark.django_db
def test_each_visitor_gets_the_expected_answer():
    # One world for the whole table: every request runs in a savepoint that is rolled
    # back, so no row sees another's changes, and the table runs in seconds.
    world = World()
    mismatches = []
    for name in sorted(set(MATRIX) & set(ROUTES)):
        for method, expected in MATRIX[name].items():
            for visitor in VISITORS:
                actual = _request(world, name, method, visitor)
                if actual != expected[visitor]:
                    mismatches.append(
                        f"{name} {method} as {visitor}: expected {expected[visitor]}, got {actual}"
                    )
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.django_db
@pytest.mark.skipif(
    not os.environ.get("MATRIX_DISCOVER"), reason="set MATRIX_DISCOVER=1 to print rows"
)
def test_discover_rows_for_new_urls(capsys):
    """Prints what unlisted URLs answer today, as a starting point for their rows —
    every row must then be read and judged before it goes into MATRIX."""
    world = World()
    for name in sorted(set(ROUTES) - set(MATRIX)):
        route = ROUTES[name]
        methods = (
            ["GET", "POST"] if not route.startswith("api/") else ["GET", "POST", "PATCH", "DELETE"]
        )
        row = {}
        for method in methods:
            try:
                row[method] = [_request(world, name, method, v) for v in VISITORS]
            except Exception as exc:  # noqa: BLE001 - discovery reports whatever happens
                row[method] = repr(exc)[:80]
        with capsys.disabled():
            print(f"{name!r}: {row}")
