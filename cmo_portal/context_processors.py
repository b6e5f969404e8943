from django.conf import settings

from cmo_portal import dispatch, roles


def portal(request):
    """The version for the footer, the user's roles for the navigation, and whether
    background work is paused (the broker is unreachable) for the banner."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "portal_version": settings.VERSION,
        "user_roles": roles.user_roles(user) if signed_in else set(),
        "background_paused": signed_in and not dispatch.broker_available(),
    }
