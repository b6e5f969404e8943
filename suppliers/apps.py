from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SuppliersConfig(AppConfig):
    name = "suppliers"
    verbose_name = "Suppliers"

    def ready(self):
        from suppliers.reference import install_reference_data

        post_migrate.connect(
            install_reference_data, sender=self, dispatch_uid="suppliers-reference"
        )
