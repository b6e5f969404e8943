"""Reads for the KPI pages, with their joins stated so a page's queries are countable."""

from django.db.models import Case, F, FilteredRelation, IntegerField, Q, Value, When

from kpis.models import Scorecard
from suppliers.models import Cmo

# Red first when sorting by status: the list is read to find trouble.
STATUS_RANK = {"red": 0, "amber": 1, "green": 2, "none": 3}


def cmos_with_latest_scorecard(queryset=None):
    """Every CMO with the score, status, change, completeness and quarter of its latest
    scorecard (None when it has none), in one query."""
    queryset = Cmo.objects.all() if queryset is None else queryset
    return (
        queryset.select_related("relationship_manager")
        .annotate(latest=FilteredRelation("scorecards", condition=Q(scorecards__is_latest=True)))
        .annotate(
            latest_period=F("latest__period"),
            latest_score=F("latest__score"),
            latest_status=F("latest__status"),
            latest_delta=F("latest__delta"),
            latest_completeness=F("latest__completeness"),
            status_rank=Case(
                *[When(latest__status=s, then=Value(r)) for s, r in STATUS_RANK.items()],
                default=Value(STATUS_RANK["none"]),
                output_field=IntegerField(),
            ),
        )
    )


def scorecards_of(cmo):
    """All scorecards of a CMO, oldest first, with their bases (for the charts)."""
    return Scorecard.objects.filter(cmo=cmo).select_related("basis").order_by("period")
