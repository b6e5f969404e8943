from celery.exceptions import TimeoutError as CeleryTimeout
from django.core.management.base import BaseCommand, CommandError

from cmo_portal.tasks import worker_diagnostic


class Command(BaseCommand):
    help = "Send a diagnostic task through the broker and wait for a worker to answer."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=20.0)

    def handle(self, *args, timeout, **options):
        result = worker_diagnostic.delay()
        try:
            answer = result.get(timeout=timeout)
        except CeleryTimeout as exc:
            raise CommandError(f"No worker answered within {timeout:g} s.") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Worker {answer['worker']} answered; database reachable: {answer['database']}."
            )
        )
