from django.core.management.base import BaseCommand

from cmo_portal.backup import export_portfolio


class Command(BaseCommand):
    help = "Write every portfolio record, its history and the users to a zip of JSON files."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The zip file to write, e.g. cmo-portal-2026-11-24.zip")

    def handle(self, *args, path, **options):
        self.verbosity = options["verbosity"]
        summary = export_portfolio(path, progress=self._progress)
        self.stdout.write(self.style.SUCCESS(f"Wrote {summary.total:,} records to {path}."))

    def _progress(self, model, count):
        if self.verbosity > 1:
            self.stdout.write(f"  {model._meta.label_lower}: {count:,}")
