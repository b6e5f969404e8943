from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ResourcingConfig(AppConfig):
    name = "resourcing"
    verbose_name = "Oversight resources"

    def ready(self):
        from resourcing.reference import install_reference_data

        # The default effort model, re-installed after every `migrate` or test flush;
        # rows an administrator edited are kept as they are.
        post_migrate.connect(
            install_reference_data, sender=self, dispatch_uid="resourcing-reference"
        )
