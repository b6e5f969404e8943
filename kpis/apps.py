from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "kpis"
    verbose_name = "KPIs and scorecards"

    def ready(self):
        from kpis import signals  # noqa: F401 - connects the receivers
