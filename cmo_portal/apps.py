from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CmoPortalConfig(AppConfig):
    name = "cmo_portal"
    verbose_name = "CMO Portal"

    def ready(self):
        from cmo_portal import roles, security  # noqa: F401 - connects the security log

        # Runs after auth has created the permissions of every app, so new models get
        # their role permissions without a new data migration.
        post_migrate.connect(roles.sync_role_permissions_handler, dispatch_uid="sync-roles")
        post_migrate.connect(_protect_history, dispatch_uid="protect-history")


def _protect_history(sender, **kwargs):
    # Once per migrate, after the last app: every history table exists by then.
    if sender.name == "portfolio":
        from cmo_portal.audit_trail import protect_history_tables

        protect_history_tables()
