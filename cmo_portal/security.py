"""The security log: sign-in, sign-out, failed sign-in and refused access, each with the
user, the time (from the log record) and the client address."""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

logger = logging.getLogger("cmo_portal.security")


def client_address(request) -> str:
    if request is None:
        return "-"
    return request.META.get("REMOTE_ADDR", "-")


@receiver(user_logged_in, dispatch_uid="security-login")
def log_sign_in(sender, request, user, **kwargs):
    logger.info("sign-in user=%s address=%s", user.get_username(), client_address(request))


@receiver(user_logged_out, dispatch_uid="security-logout")
def log_sign_out(sender, request, user, **kwargs):
    name = user.get_username() if user else "-"
    logger.info("sign-out user=%s address=%s", name, client_address(request))


@receiver(user_login_failed, dispatch_uid="security-login-failed")
def log_failed_sign_in(sender, credentials, request=None, **kwargs):
    logger.warning(
        "sign-in refused user=%s address=%s",
        credentials.get("username", "-"),
        client_address(request),
    )


def log_refused_access(request, status: int) -> None:
    user = getattr(request, "user", None)
    name = user.get_username() if user is not None and user.is_authenticated else "anonymous"
    logger.warning(
        "access refused status=%s user=%s address=%s method=%s path=%s",
        status,
        name,
        client_address(request),
        request.method,
        request.path,
    )


def lockout_response(request, original_response, credentials):
    """What a locked-out client sees: JSON for the API, the lockout page otherwise."""
    from django.http import JsonResponse
    from django.shortcuts import render

    logger.warning(
        "sign-in locked out user=%s address=%s",
        (credentials or {}).get("username", "-"),
        client_address(request),
    )
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "detail": "Too many failed sign-in attempts; "
                "try again later or ask an administrator."
            },
            status=429,
        )
    return render(request, "registration/locked_out.html", status=429)
