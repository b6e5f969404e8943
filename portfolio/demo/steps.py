"""The last step of the demo: the risk recompute over the finished portfolio, and the
reviews that follow from it.

It runs after the measurements (the scorecards it reads), the reviews (the for-cause
reviews it schedules are not doubled) and the resource plan (the budgets it checks). The
tiers it sets decide each CMO's review cadence, so the upcoming reviews are scheduled
only then: scheduled earlier, every CMO would first get a quarterly review on the
default cadence, beside the semiannual one its tier asks for.
"""

from portfolio.services import risk_recompute
from reviews.demo import reviews_schedule_bulk
from reviews.scheduling import reviews_mark_overdue, reviews_schedule


def recompute_risk(portfolio) -> None:
    """Tiers, cadences, findings and risk scores; then the reviews the cadences call for."""
    result = risk_recompute(portfolio.today)
    scheduled = reviews_schedule_bulk(portfolio.today)
    # The scheduler itself finds nothing missing now; run as the nightly job would.
    scheduled += reviews_schedule(portfolio.today)
    reviews_mark_overdue(portfolio.today)
    portfolio.added["for-cause reviews"] = result.reviews_scheduled
    portfolio.added["scheduled reviews"] = scheduled
    portfolio.added["oversight findings"] = result.findings
