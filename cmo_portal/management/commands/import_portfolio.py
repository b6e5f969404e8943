from django.core.management.base import BaseCommand, CommandError

from cmo_portal.backup import BackupError, import_portfolio


class Command(BaseCommand):
    help = "Restore a zip written by export_portfolio into an empty, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        self.verbosity = options["verbosity"]
        try:
            summary = import_portfolio(path, progress=self._progress)
        except (BackupError, OSError) as exc:
            raise CommandError(f"Nothing was restored: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Restored {summary.total:,} records from {path}."))

    def _progress(self, label, count):
        if self.verbosity > 1:
            self.stdout.write(f"  {label}: {count:,}")
