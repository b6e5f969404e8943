from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CmoPortalConfig(AppConfig):
    name = "cmo_portal"
    verbose_name = "CMO Portal"

    def ready(self):
        from cmo_portal import roles

        # Runs after auth has created the permissions of every app, so new models get
        # their role permissions without a new data migration.
        post_migrate.connect(roles.sync_role_permissions_handler, dispatch_uid="sync-roles")
