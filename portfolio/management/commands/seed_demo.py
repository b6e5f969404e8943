import time

from django.core.management.base import BaseCommand, CommandError

from portfolio.demo import CMOS_PER_BLOCK, PRODUCTS_PER_BLOCK, seed_demo


class Command(BaseCommand):
    help = (
        "Load the demo portfolio: CMOs, sites, audits, products, supply chains, contracts "
        "and the people who manage them. Idempotent: what exists already is left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=42, help="Random seed; the same seed gives the same data."
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help=(
                f"Multiply the portfolio ({CMOS_PER_BLOCK} CMOs and {PRODUCTS_PER_BLOCK} "
                "products per unit), for benchmarks."
            ),
        )

    def handle(self, *args, seed, scale, **options):
        if scale < 1:
            raise CommandError("--scale must be at least 1.")
        started = time.perf_counter()
        try:
            portfolio = seed_demo(seed=seed, scale=scale)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        if not portfolio.created:
            self.stdout.write(f"The demo portfolio (scale {scale}) exists already: nothing to do.")
            return
        counts = ", ".join(f"{n} {name}" for name, n in portfolio.counts().items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo portfolio created (seed {seed}, {len(portfolio.blocks)} of {scale} "
                f"blocks) in {elapsed:.1f} s: {counts}."
            )
        )
