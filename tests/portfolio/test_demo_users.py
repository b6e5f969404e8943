"""`manage.py create_demo_users`: one working login per role, printed, idempotent."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from cmo_portal import roles
from suppliers.models import Cmo

EXPECTED = {
    "scm": roles.SUPPLY_CHAIN_MANAGER,
    "rm": roles.RELATIONSHIP_MANAGER,
    "exec": roles.EXECUTIVE,
    "admin": roles.ADMINISTRATOR,
}


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def logs_in(client, username: str, password: str) -> bool:
    """Sign in through the login page, as a person would."""
    client.post(reverse("login"), {"username": username, "password": password})
    signed_in = client.session.get("_auth_user_id") is not None
    client.logout()
    return signed_in


def create_demo_users() -> tuple[dict[str, tuple[str, str]], str]:
    """Run the command; return {username: (role, password)} read from its table, and the
    whole output."""
    out = io.StringIO()
    call_command("create_demo_users", stdout=out)
    printed = {}
    for line in out.getvalue().splitlines():
        username, _, rest = line.partition(" ")
        if username in EXPECTED:
            role = next(r for r in roles.ALL_ROLES if r in rest)
            password = rest.split(role, 1)[1].split()[0]
            printed[username] = (role, password)
    return printed, out.getvalue()


def test_one_login_per_role_that_works_with_the_printed_password(db, client):
    printed, output = create_demo_users()
    assert {u: role for u, (role, _) in printed.items()} == EXPECTED
    assert "DEMO credentials" in output
    User = get_user_model()
    assert User.objects.count() == 4
    for username, (role, password) in printed.items():
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.is_staff == user.is_superuser == (username == "admin")
        assert logs_in(client, username, password), username


def test_a_second_run_resets_passwords_and_groups(db, client):
    printed, _ = create_demo_users()
    User = get_user_model()
    scm = User.objects.get(username="scm")
    scm.set_password("something-else-entirely")
    scm.is_superuser = True
    scm.save()
    scm.groups.set([])
    again, output = create_demo_users()
    assert again == printed
    assert "password reset" in output
    assert User.objects.count() == 4
    scm.refresh_from_db()
    assert not scm.is_superuser
    assert list(scm.groups.values_list("name", flat=True)) == [roles.SUPPLY_CHAIN_MANAGER]
    assert not logs_in(client, "scm", "something-else-entirely")
    assert logs_in(client, "scm", printed["scm"][1])


def test_the_rm_login_manages_the_demo_cmos_seeded_before_it(db, client):
    call_command("seed_demo", stdout=io.StringIO())
    managed = set(Cmo.objects.filter(relationship_manager__username="rm"))
    assert len(managed) == 5
    printed, _ = create_demo_users()
    assert logs_in(client, "rm", printed["rm"][1])
    rm = get_user_model().objects.get(username="rm")
    assert set(Cmo.objects.filter(relationship_manager=rm)) == managed
    assert set(Cmo.objects.editable_by(rm)) == managed
