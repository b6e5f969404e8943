"""Which records a user may change: the object half of "who may do what".

Roles grant model permissions (`cmo_portal.roles`); these querysets narrow them to
objects. A relationship manager changes the records of the CMOs assigned to them;
supply chain managers and administrators hold `suppliers.manage_all_cmos` and change all.
"""

from django.db import models

MANAGE_ALL = "suppliers.manage_all_cmos"


class CmoScopedQuerySet(models.QuerySet):
    #: Lookup from this model to its CMO ("" for the CMO itself, None when the
    #: record belongs to no single CMO and only MANAGE_ALL may change it).
    cmo_path: str | None = "cmo"

    def _scope(self, user):
        if user.has_perm(MANAGE_ALL):
            return self
        if self.cmo_path is None:
            return self.none()
        lookup = (
            f"{self.cmo_path}__relationship_manager" if self.cmo_path else "relationship_manager"
        )
        return self.filter(**{lookup: user})

    def _with_perm(self, user, action: str):
        meta = self.model._meta
        if not user.is_authenticated or not user.has_perm(
            f"{meta.app_label}.{action}_{meta.model_name}"
        ):
            return self.none()
        return self._scope(user)

    def editable_by(self, user):
        """Records `user` may change."""
        return self._with_perm(user, "change")

    def deletable_by(self, user):
        """Records `user` may delete."""
        return self._with_perm(user, "delete")


def attachable(queryset, user):
    """Records of `queryset` to which `user` may attach a new child record: a relationship
    manager attaches only under their own CMOs; records that belong to no single CMO
    (products) are open to anyone allowed to create the child."""
    if user.has_perm(MANAGE_ALL):
        return queryset
    cmo_path = getattr(queryset, "cmo_path", None)
    if cmo_path is None:
        return queryset
    lookup = f"{cmo_path}__relationship_manager" if cmo_path else "relationship_manager"
    return queryset.filter(**{lookup: user})
