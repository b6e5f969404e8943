from rest_framework.permissions import DjangoModelPermissions


class RolePermission(DjangoModelPermissions):
    """Model permissions from the user's role, for reads as well as writes.

    Which objects may be written is decided by the viewset's queryset
    (`editable_by(user)`), so a relationship manager gets 404 on another's CMO.
    """

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }
