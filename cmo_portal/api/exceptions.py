from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from cmo_portal.security import log_refused_access


def exception_handler(exc, context):
    """REST framework's handler, plus a security-log line for every refused request."""
    response = drf_exception_handler(exc, context)
    if isinstance(
        exc,
        exceptions.NotAuthenticated | exceptions.AuthenticationFailed | exceptions.PermissionDenied,
    ):
        log_refused_access(context["request"], response.status_code if response else 403)
    return response
