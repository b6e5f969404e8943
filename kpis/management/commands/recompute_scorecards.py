import time

from django.core.management.base import BaseCommand

from kpis.services import scorecards_recompute


class Command(BaseCommand):
    help = "Recompute the scorecards of the whole portfolio (or of some CMOs), set-based."

    def add_arguments(self, parser):
        parser.add_argument("--cmo", type=int, action="append", help="Only this CMO id.")
        parser.add_argument(
            "--rebase",
            action="store_true",
            help="Score past quarters with today's targets and weights too (rewrites history).",
        )

    def handle(self, *args, cmo=None, rebase=False, **options):
        started = time.perf_counter()
        count = scorecards_recompute(cmo, rebase=rebase)
        self.stdout.write(
            self.style.SUCCESS(
                f"Recomputed {count} scorecards in {time.perf_counter() - started:.1f} s."
            )
        )
