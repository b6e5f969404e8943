from django.conf import settings

from cmo_portal import roles


def portal(request):
    """The version for the footer and the user's roles for the navigation."""
    user_roles = roles.user_roles(request.user) if hasattr(request, "user") else set()
    return {
        "portal_version": settings.VERSION,
        "user_roles": user_roles,
    }
