from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Business reviews"

    def ready(self):
        from cmo_portal import schedule

        # The periodic tasks of `cmo_portal/schedule.py` are written to django-celery-beat's
        # tables after every `migrate`, so a deployment brings the schedule with it.
        post_migrate.connect(schedule.sync_handler, sender=self, dispatch_uid="sync-schedule")
