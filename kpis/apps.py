from django.apps import AppConfig
from django.db.models.signals import post_migrate


class KpisConfig(AppConfig):
    name = "kpis"
    verbose_name = "KPIs and scorecards"

    def ready(self):
        from kpis import signals  # noqa: F401 - connects the receivers
        from kpis.reference import install_reference_data

        post_migrate.connect(install_reference_data, sender=self, dispatch_uid="kpis-reference")
