"""Every page needs a login; the login page and /healthz are the only exceptions.

The URL patterns are read from the resolver, so a new page is covered without a new test.
"""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import URLPattern, URLResolver, get_resolver

from cmo_portal import roles

PUBLIC = {"login", "healthz", "api-token"}  # api-token: the API's sign-in


def _patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


def _example_path(route: str) -> str:
    """A concrete path for a route: converters and regex groups get sample values."""
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    path = re.sub(r"<int:\w+>", "1", path)
    path = re.sub(r"<(?:str|slug|path):\w+>", "x", path)
    path = re.sub(r"<\w+>", "1", path)
    path = path.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    return "/" + path.lstrip("/")


ALL_ROUTES = sorted({(name, _example_path(route)) for name, route in _patterns()})
PROTECTED_ROUTES = [
    (name, path)
    for name, path in ALL_ROUTES
    if name.split(":")[-1] not in PUBLIC
    and not path.startswith("/admin/")
    and not path.startswith("/static/")
]


def test_the_resolver_yields_the_pages_we_know():
    names = {name for name, _ in ALL_ROUTES}
    assert {"suppliers:cmo_list", "contracts:contract_detail", "healthz", "login"} <= names
    assert len(PROTECTED_ROUTES) > 40


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), PROTECTED_ROUTES, ids=[n for n, _ in PROTECTED_ROUTES])
def test_anonymous_visitor_is_sent_to_login_or_refused(client, name, path):
    response = client.get(path)
    if path.startswith("/api/"):
        assert response.status_code in (401, 403), f"{path} answered {response.status_code}"
    else:
        assert response.status_code == 302, f"{path} answered {response.status_code}"
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_admin_requires_staff_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.django_db
def test_login_page_is_public(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"Sign in" in response.content


@pytest.mark.django_db
def test_user_signs_in_and_lands_home(client, scm):
    response = client.post(
        "/accounts/login/", {"username": "scm", "password": "correct-horse-battery"}, follow=True
    )
    assert response.status_code == 200
    assert response.wsgi_request.user == scm


@pytest.mark.django_db
def test_wrong_password_is_refused_with_a_message(client, scm):
    response = client.post("/accounts/login/", {"username": "scm", "password": "nope"})
    assert response.status_code == 200
    assert b"correct username and password" in response.content
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_sign_out_ends_the_session(client_for, scm):
    client = client_for(scm)
    client.post("/accounts/logout/")
    assert client.get("/suppliers/cmos/").status_code == 302


@pytest.mark.django_db
def test_password_change_validates_the_new_password(client_for, scm):
    client = client_for(scm)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "correct-horse-battery",
            "new_password1": "password",
            "new_password2": "password",
        },
    )
    assert response.status_code == 200
    assert b"too common" in response.content


@pytest.mark.django_db
def test_user_without_a_role_is_refused_pages(client_for):
    from tests.factories import UserFactory

    client = client_for(UserFactory(username="nobody"))
    assert client.get("/suppliers/cmos/").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", roles.ALL_ROLES)
def test_each_role_is_a_group_made_by_migration(role):
    assert Group.objects.filter(name=role).exists()


def _perms(role):
    return {
        f"{app}.{code}"
        for app, code in Permission.objects.filter(group__name=role).values_list(
            "content_type__app_label", "codename"
        )
    }


@pytest.mark.django_db
def test_executive_reads_everything_and_changes_nothing():
    perms = _perms(roles.EXECUTIVE)
    assert {
        "suppliers.view_cmo",
        "contracts.view_contract",
        "suppliers.view_historicalcmo",
    } <= perms
    assert not [p for p in perms if not p.split(".")[1].startswith("view_")]


@pytest.mark.django_db
def test_supply_chain_manager_changes_all_supply_records():
    perms = _perms(roles.SUPPLY_CHAIN_MANAGER)
    assert {
        "suppliers.add_cmo",
        "suppliers.change_supplystage",
        "suppliers.manage_all_cmos",
    } <= perms
    assert "contracts.delete_contract" in perms


@pytest.mark.django_db
def test_relationship_manager_changes_but_does_not_create_or_delete_cmos():
    perms = _perms(roles.RELATIONSHIP_MANAGER)
    assert "suppliers.change_cmo" in perms
    assert "suppliers.add_cmo" not in perms
    assert "suppliers.delete_cmo" not in perms
    assert "suppliers.manage_all_cmos" not in perms


@pytest.mark.django_db
def test_nobody_may_write_history():
    for role in roles.ALL_ROLES:
        writes = [
            p
            for p in _perms(role)
            if ".add_historical" in p or ".change_historical" in p or ".delete_historical" in p
        ]
        assert writes == [], role


@pytest.mark.django_db
def test_navigation_shows_what_the_role_may_use(client_for, executive):
    from tests.factories import UserFactory

    page = client_for(executive).get("/suppliers/cmos/").content.decode()
    assert "Contracts" in page and "New CMO" not in page
    nobody = client_for(UserFactory(username="norole"))
    assert "Contracts</a>" not in nobody.get("/accounts/password/").content.decode()
