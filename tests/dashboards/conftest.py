import datetime

import pytest

from kpis.models import Scorecard, ScoringBasis
from portfolio.services import risk_recompute
from tests.factories import (
    ActionItemFactory,
    AuditFactory,
    BusinessReviewFactory,
    CmoFactory,
    ContractFactory,
    SiteFactory,
    SupplyStageFactory,
    UserFactory,
)

TODAY = datetime.date.today
KPIS = [
    {
        "code": "otif",
        "name": "OTIF delivery",
        "category": "delivery",
        "unit": "%",
        "target": 98,
        "amber": 95,
        "red": 90,
        "weight": 50,
    },
    {
        "code": "rft",
        "name": "Right first time",
        "category": "quality",
        "unit": "%",
        "target": 97,
        "amber": 93,
        "red": 88,
        "weight": 50,
    },
]


def _basis():
    basis, _ = ScoringBasis.objects.get_or_create(digest="dashboard-tests", defaults={"kpis": KPIS})
    return basis


def scorecards_for(cmo, scores: list[float]):
    """One scorecard a quarter, the last one latest, for the given scores."""
    basis = _basis()
    start = datetime.date(2025, 1, 1)
    cards = []
    for i, score in enumerate(scores):
        period = datetime.date(
            start.year + (start.month + 3 * i - 1) // 12, (start.month + 3 * i - 1) % 12 + 1, 1
        )
        status = "green" if score > 75 else "amber" if score > 50 else "red"
        cards.append(
            Scorecard(
                cmo=cmo,
                period=period,
                basis=basis,
                score=score,
                status=status,
                completeness=100,
                measured_count=2,
                kpi_count=2,
                lines={"otif": [96 - i, score], "rft": [94, score]},
                is_latest=i == len(scores) - 1,
            )
        )
    return Scorecard.objects.bulk_create(cards)


def build_portfolio(cmos: int, per_cmo: int = 1, rm=None) -> list:
    """`cmos` CMOs, each with `per_cmo` sites, supply stages, contracts at notice, overdue
    reviews with an overdue action, and scorecards; then the risk recomputed."""
    rm = rm or UserFactory(username="dash-rm", roles=["Relationship manager"])
    built = []
    for i in range(cmos):
        cmo = CmoFactory(
            relationship_manager=rm,
            country=["Germany", "India", "Ireland"][i % 3],
            annual_spend=1_000_000 * (i + 1),
        )
        for j in range(per_cmo):
            site = SiteFactory(cmo=cmo, open_483=j == 0)
            AuditFactory(site=site)
            SupplyStageFactory(site=site, capacity_per_year=110_000)
            ContractFactory(
                cmo=cmo,
                effective_date=TODAY() - datetime.timedelta(days=600),
                expiry_date=TODAY() + datetime.timedelta(days=120 + j),
            )
            review = BusinessReviewFactory(
                cmo=cmo,
                period=datetime.date(2024 - j, 7, 1),
                scheduled_for=TODAY() - datetime.timedelta(days=40),
                due_date=TODAY() - datetime.timedelta(days=30),
                summary=f"Review summary {i}-{j}",
            )
            ActionItemFactory(review=review, due_date=TODAY() - datetime.timedelta(days=10))
        scorecards_for(cmo, [80, 70, 45][: 1 + (i % 3)] + [60.0] * (per_cmo - 1))
        built.append(cmo)
    risk_recompute()
    return built


@pytest.fixture
def portfolio_of(db):
    return build_portfolio
