"""The four roles of CMO Portal, as Django groups, and the permissions each holds.

Groups are created by a data migration; their permissions are synchronised after every
`migrate` from `ROLE_PERMISSIONS`, so the table below is the single statement of who may
do what at model level. Which *objects* a relationship manager may change is decided by
querysets (`editable_by`), not here.
"""

from fnmatch import fnmatch

SUPPLY_CHAIN_MANAGER = "Supply chain manager"
RELATIONSHIP_MANAGER = "Relationship manager"
EXECUTIVE = "Executive"
ADMINISTRATOR = "Administrator"
ALL_ROLES = (SUPPLY_CHAIN_MANAGER, RELATIONSHIP_MANAGER, EXECUTIVE, ADMINISTRATOR)

DOMAIN_APPS = ("suppliers", "contracts", "kpis", "reviews", "resourcing", "portfolio")

# Patterns over "app_label.codename". History models can be viewed, never written.
_VIEW_ALL = [f"{app}.view_*" for app in DOMAIN_APPS]
ROLE_PERMISSIONS: dict[str, list[str]] = {
    EXECUTIVE: _VIEW_ALL,
    SUPPLY_CHAIN_MANAGER: [
        *_VIEW_ALL,
        "suppliers.add_*",
        "suppliers.change_*",
        "suppliers.delete_*",
        "suppliers.manage_all_cmos",
        "contracts.add_*",
        "contracts.change_*",
        "contracts.delete_*",
        "kpis.add_*",
        "kpis.change_*",
        "kpis.delete_*",
        "kpis.import_measurements",
        # Follow up the actions agreed in business reviews, whoever's CMO.
        "reviews.change_actionitem",
        # The oversight resource plan: product budgets and phase plans (issue 9).
        "resourcing.add_productoversightbudget",
        "resourcing.change_productoversightbudget",
        "resourcing.delete_productoversightbudget",
        "resourcing.add_productphaseplan",
        "resourcing.change_productphaseplan",
        "resourcing.delete_productphaseplan",
        # Risks entered by hand beside the computed ones.
        "portfolio.add_registeredrisk",
        "portfolio.change_registeredrisk",
        "portfolio.delete_registeredrisk",
    ],
    RELATIONSHIP_MANAGER: [
        *_VIEW_ALL,
        # Scoped to the CMOs assigned to them by `editable_by` querysets.
        "suppliers.change_cmo",
        "suppliers.add_site",
        "suppliers.change_site",
        "suppliers.add_audit",
        "suppliers.change_audit",
        "suppliers.add_auditfinding",
        "suppliers.change_auditfinding",
        "suppliers.add_capa",
        "suppliers.change_capa",
        "suppliers.add_supplystage",
        "suppliers.change_supplystage",
        "contracts.add_*",
        "contracts.change_*",
        "kpis.add_measurement",
        "kpis.change_measurement",
        "reviews.add_businessreview",
        "reviews.change_businessreview",
        "reviews.add_actionitem",
        "reviews.change_actionitem",
        "reviews.add_stakeholderrating",
        "reviews.change_stakeholderrating",
        "portfolio.add_registeredrisk",
        "portfolio.change_registeredrisk",
    ],
    ADMINISTRATOR: ["*.*"],
}

# Never granted by pattern: nobody writes history.
_NEVER = ("*.add_historical*", "*.change_historical*", "*.delete_historical*")


def permissions_for(role: str, available: list[str]) -> list[str]:
    """The permission names of `available` ("app.codename") that `role` holds."""
    patterns = ROLE_PERMISSIONS[role]
    return [
        name
        for name in available
        if any(fnmatch(name, p) for p in patterns) and not any(fnmatch(name, n) for n in _NEVER)
    ]


def sync_role_permissions() -> None:
    from django.contrib.auth.models import Group, Permission

    perms = list(Permission.objects.select_related("content_type"))
    by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in perms}
    for role in ALL_ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set([by_name[n] for n in permissions_for(role, list(by_name))])


def sync_role_permissions_handler(sender, **kwargs) -> None:
    # post_migrate fires once per app; do the work once, after the last of ours.
    if sender.name == "portfolio":
        sync_role_permissions()


def user_roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_role_names"):
        user._role_names = set(user.groups.values_list("name", flat=True))
    return user._role_names
