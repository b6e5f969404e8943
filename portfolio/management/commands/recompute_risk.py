from django.core.management.base import BaseCommand

from portfolio.services import risk_recompute


class Command(BaseCommand):
    help = "Recompute the risk of every supply arrangement, the oversight tiers and findings."

    def handle(self, *args, **options):
        result = risk_recompute()
        self.stdout.write(
            f"{result.arrangements} arrangements, {result.cmos} CMOs, "
            f"{result.findings} findings; {len(result.tiers_changed)} tiers changed, "
            f"{len(result.escalations)} new escalations."
        )
