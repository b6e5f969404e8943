"""Sign-in hardening: lockout after repeated failures, the security log, API throttling."""

import logging

import pytest
from axes.models import AccessAttempt
from rest_framework.test import APIClient
from rest_framework.throttling import UserRateThrottle

pytestmark = pytest.mark.django_db


def _fail(client, username="scm", times=1):
    for _ in range(times):
        client.post("/accounts/login/", {"username": username, "password": "wrong"})


def test_five_failed_sign_ins_lock_the_account_even_with_the_right_password(client, scm, settings):
    _fail(client, times=settings.AXES_FAILURE_LIMIT)
    response = client.post(
        "/accounts/login/", {"username": "scm", "password": "correct-horse-battery"}
    )
    assert response.status_code == 429
    assert b"Sign-in locked" in response.content
    assert not response.wsgi_request.user.is_authenticated


def test_an_administrator_clears_the_lock(client, scm, settings):
    _fail(client, times=settings.AXES_FAILURE_LIMIT)
    AccessAttempt.objects.filter(username="scm").delete()  # what "delete" in the admin does
    response = client.post(
        "/accounts/login/", {"username": "scm", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302


def test_token_requests_are_locked_out_too(scm, settings):
    api = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api.post("/api/token/", {"username": "scm", "password": "wrong"})
    response = api.post("/api/token/", {"username": "scm", "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.json()["detail"]


def test_the_token_endpoint_issues_a_token_for_good_credentials(scm):
    response = APIClient().post(
        "/api/token/", {"username": "scm", "password": "correct-horse-battery"}
    )
    assert response.status_code == 200 and len(response.data["token"]) == 40


def test_sign_in_out_and_failures_are_logged_with_user_and_address(client, scm, caplog):
    with caplog.at_level(logging.INFO, logger="cmo_portal.security"):
        _fail(client)
        client.post("/accounts/login/", {"username": "scm", "password": "correct-horse-battery"})
        client.post("/accounts/logout/")
    messages = [r.getMessage() for r in caplog.records if r.name == "cmo_portal.security"]
    assert "sign-in refused user=scm address=127.0.0.1" in messages
    assert "sign-in user=scm address=127.0.0.1" in messages
    assert "sign-out user=scm address=127.0.0.1" in messages


def test_refused_access_is_logged(client_for, executive, api_for, caplog):
    with caplog.at_level(logging.INFO, logger="cmo_portal.security"):
        client_for(executive).get("/suppliers/cmos/add/")
        api_for(executive).post("/api/cmos/", {}, format="json")
    refused = [r.getMessage() for r in caplog.records if "access refused" in r.getMessage()]
    assert any("path=/suppliers/cmos/add/" in m and "user=exec" in m for m in refused)
    assert any("path=/api/cmos/" in m and "method=POST" in m for m in refused)


def test_the_api_throttles_each_user(api_for, scm, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/minute"})
    api = api_for(scm)
    codes = [api.get("/api/cmos/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_sessions_expire_after_inactivity(settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
