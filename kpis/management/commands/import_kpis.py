from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kpis.imports import ImportFileError, measurements_import


class Command(BaseCommand):
    help = (
        "Import KPI measurements from a CSV or XLSX file: every row is validated first; "
        "with any error nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="Username recorded as importer.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report only; write nothing."
        )

    def handle(self, *args, file: Path, user: str, dry_run: bool, **options):
        try:
            importer = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user “{user}”.") from exc
        if not importer.has_perm("kpis.import_measurements"):
            raise CommandError(f"{user} may not import KPI measurements.")
        if not file.is_file():
            raise CommandError(f"No file {file}.")
        with tqdm(total=0, unit="rows", disable=options["verbosity"] == 0) as bar:

            def progress(done: int, total: int, stage: str) -> None:
                bar.total = total
                bar.set_description(stage)
                bar.update(done - bar.n)

            try:
                with file.open("rb") as source:
                    report = measurements_import(
                        source,
                        filename=file.name,
                        user=importer,
                        commit=not dry_run,
                        progress=progress,
                    )
            except ImportFileError as exc:
                raise CommandError(str(exc)) from exc
        for error in report["errors"]:
            self.stderr.write(f"row {error['row']} {error['column']}: {error['message']}")
        if report["error_count"]:
            raise CommandError(
                f"{report['error_count']} errors in {report['rows']} rows; nothing imported."
            )
        verb = "Would create" if dry_run else "Created"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {report['created']} and {'update' if dry_run else 'updated'} "
                f"{report['updated']} measurements of {report['cmos']} CMOs."
            )
        )
