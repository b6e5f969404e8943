"""The portfolio recompute: scores with reasons, roll-ups, tiers and cadences written with
history, findings kept, escalation once, and a query count that does not grow with the
portfolio."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import Contract
from kpis.models import Scorecard, ScoringBasis
from portfolio.models import CmoRisk, OversightFinding, ProductRisk, RiskScore
from portfolio.services import risk_recompute
from reviews.models import BusinessReview
from reviews.scheduling import reviews_schedule
from suppliers.models import Capability, Cmo, SupplyStage
from tests.factories import (
    AuditFactory,
    AuditFindingFactory,
    CmoFactory,
    ContractFactory,
    ProductFactory,
    SiteFactory,
    SupplyStageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def quarter_start(day: datetime.date, back: int = 0) -> datetime.date:
    index = day.year * 4 + (day.month - 1) // 3 - back
    return datetime.date(index // 4, index % 4 * 3 + 1, 1)


def scorecard(cmo, back: int, status: str, score: float = 50.0, latest: bool = False):
    basis, _ = ScoringBasis.objects.get_or_create(digest="test", defaults={"kpis": []})
    return Scorecard.objects.create(
        cmo=cmo,
        period=quarter_start(TODAY, back),
        basis=basis,
        score=score,
        status=status,
        is_latest=latest,
    )


DEMANDING = {
    "manufacturing_lead_time_days": 180,
    "unit_cost": Decimal("2500"),
    "api_stability": "unstable",
}


def staffed_cmo(**kwargs):
    people = {
        role: UserFactory()
        for role in (
            "relationship_manager",
            "strategic_sourcing_manager",
            "technical_expert",
            "quality_contact",
        )
    }
    return CmoFactory(**{**people, **kwargs})


def covered_site(cmo, **kwargs):
    """A site with a recent audit, and quality and supply agreements for its CMO."""
    site = SiteFactory(cmo=cmo, **kwargs)
    AuditFactory(site=site)
    if not Contract.objects.filter(cmo=cmo).exists():
        ContractFactory(cmo=cmo, contract_type=Contract.Type.QUALITY)
        ContractFactory(cmo=cmo, contract_type=Contract.Type.SUPPLY, title="Supply agreement")
    return site


def test_arrangement_score_carries_its_reasons():
    cmo = staffed_cmo()
    site = covered_site(cmo, name="Plant X", open_warning_letter=True)
    product = ProductFactory(
        code="LIFE-1", patient_criticality="critical", manufacturing_lead_time_days=180
    )
    stage = SupplyStageFactory(product=product, site=site, step=SupplyStage.Step.FORMULATION)
    scorecard(cmo, 1, "green", latest=True)

    risk_recompute()

    score = RiskScore.objects.get(stage=stage)
    assert score.likelihood == 4
    assert score.likelihood_reasons == [
        "open warning letter at Plant X (+2)",
        "single source at stage 3 (Formulation), no qualified backup (+1)",
    ]
    assert score.impact == 5  # 1 + 3 + 0.5, half points rounding up
    assert score.impact_reasons == [
        "critical patient criticality (+3)",
        "lead time 180 days (+0.5)",
    ]
    assert (score.score, score.level) == (20, "critical")
    assert score.cmo == cmo and score.product == product


def test_recompute_rolls_up_to_cmo_and_product():
    cmo = staffed_cmo()
    site = covered_site(cmo)
    scorecard(cmo, 1, "green", latest=True)
    calm = ProductFactory(patient_criticality="low")
    risky = ProductFactory(patient_criticality="critical")
    SupplyStageFactory(product=calm, site=site)
    SupplyStageFactory(product=risky, site=site)
    # 91 % utilised: the riskiest stage of the product, and the bottleneck of its chain.
    worst = SupplyStageFactory(
        product=risky, site=site, step=SupplyStage.Step.PACKAGING, capacity_per_year=110_000
    )

    risk_recompute()

    rollup = CmoRisk.objects.get(cmo=cmo)
    assert rollup.worst_stage == worst
    assert (rollup.worst_score, rollup.worst_level) == (12, "high")
    assert rollup.level_counts == {"high": 1, "medium": 1, "low": 1}
    assert rollup.tier == "active"
    assert rollup.tier_reasons == ["high risk arrangement"]
    product = ProductRisk.objects.get(product=risky)
    assert product.riskiest_stage == worst
    assert product.bottleneck_step == "Packaging"
    assert product.lead_time_days == 60


@pytest.mark.parametrize(
    "product_kwargs, tier, cadence",
    [
        (DEMANDING, "intensive", "monthly"),
        ({"patient_criticality": "critical"}, "active", "quarterly"),
        ({"patient_criticality": "low"}, "monitor", "semiannual"),
    ],
)
def test_tier_and_cadence_are_written_to_the_cmo_with_history(product_kwargs, tier, cadence):
    cmo = staffed_cmo()
    cmo.capabilities.add(Capability.objects.create(name="Sterile fill"))
    site = covered_site(cmo)
    scorecard(cmo, 1, "green", latest=True)
    # Dual-sourced with a backup: the tier follows the product, not the sourcing.
    product = ProductFactory(**product_kwargs)
    SupplyStageFactory(product=product, site=site, volume_share=Decimal("100"))
    SupplyStageFactory(
        product=product, site=covered_site(cmo), volume_share=Decimal("0"), is_qualified_backup=True
    )

    versions = cmo.history.count()
    result = risk_recompute()

    cmo.refresh_from_db()
    assert (cmo.oversight_tier, cmo.review_cadence) == (tier, cadence)
    assert result.tiers_changed == [cmo.pk]
    record = cmo.history.first()
    assert record.history_change_reason.startswith("risk recompute: no tier → ")
    # The capability links are kept in the new history row: nothing reads as removed.
    assert [c.capability.name for c in record.capabilities.all()] == ["Sterile fill"]
    delta = record.diff_against(record.prev_record)
    assert "oversight_tier" in delta.changed_fields
    assert set(delta.changed_fields) <= {"oversight_tier", "review_cadence"}
    assert cmo.history.count() == versions + 1

    again = risk_recompute()
    assert again.tiers_changed == []
    assert cmo.history.count() == versions + 1


@pytest.mark.parametrize(
    "product_kwargs, kind",
    [(DEMANDING, "monthly"), ({"patient_criticality": "high"}, "quarterly"), ({}, "semiannual")],
)
def test_the_tiers_cadence_drives_the_review_scheduler(product_kwargs, kind):
    cmo = staffed_cmo()
    site = covered_site(cmo)
    product = ProductFactory(**{"patient_criticality": "low", **product_kwargs})
    SupplyStageFactory(product=product, site=site)
    SupplyStageFactory(product=product, site=covered_site(cmo), is_qualified_backup=True)
    scorecard(cmo, 1, "green", latest=True)

    risk_recompute()
    reviews_schedule(TODAY)

    review = BusinessReview.objects.get(cmo=cmo)
    assert review.kind == kind


def test_two_red_quarters_raise_the_tier_and_schedule_one_for_cause_review():
    cmo = staffed_cmo()
    site = covered_site(cmo)
    product = ProductFactory(patient_criticality="low")
    SupplyStageFactory(product=product, site=site)
    SupplyStageFactory(product=product, site=covered_site(cmo), is_qualified_backup=True)
    scorecard(cmo, 2, "red")
    latest_red = scorecard(cmo, 1, "red", latest=True)

    first = risk_recompute()
    second = risk_recompute()

    rollup = CmoRisk.objects.get(cmo=cmo)
    assert rollup.red_quarters == 2
    assert rollup.escalated_for == latest_red.period
    assert rollup.base_tier == "monitor"
    assert rollup.tier == "active"
    assert rollup.tier_reasons[-1] == (
        "red scorecard 2 quarters in a row: raised from Monitor to Active"
    )
    cmo.refresh_from_db()
    assert cmo.oversight_tier == "active"
    assert "raised from Monitor to Active" in cmo.history.first().history_change_reason
    assert first.escalations == [(cmo.pk, latest_red.period)]
    assert (first.reviews_scheduled, second.reviews_scheduled) == (1, 0)
    assert second.escalations == []
    review = BusinessReview.objects.get(cmo=cmo, kind=BusinessReview.Kind.FOR_CAUSE)
    assert review.period == latest_red.period
    assert review.owner == cmo.relationship_manager


def test_one_red_quarter_does_not_escalate():
    cmo = staffed_cmo()
    covered_site(cmo)
    scorecard(cmo, 2, "green")
    scorecard(cmo, 1, "red", latest=True)

    result = risk_recompute()

    assert result.escalations == []
    assert not BusinessReview.objects.filter(kind=BusinessReview.Kind.FOR_CAUSE).exists()


def test_findings_are_stored_with_fix_links_and_keep_their_first_sighting():
    cmo = staffed_cmo(technical_expert=None)
    site = SiteFactory(cmo=cmo, name="Old Plant")
    AuditFactory(site=site, audit_date=TODAY - datetime.timedelta(days=900), next_due_date=None)
    product = ProductFactory(patient_criticality="critical")
    SupplyStageFactory(product=product, site=site)

    risk_recompute()
    first = {f.kind: f for f in OversightFinding.objects.filter(cmo=cmo)}
    risk_recompute()
    second = {f.kind: f for f in OversightFinding.objects.filter(cmo=cmo)}

    assert set(first) >= {"staffing_gap", "no_quality_agreement", "audit_overdue"}
    assert first["no_quality_agreement"].severity == "critical"
    assert first["no_quality_agreement"].fix_url.endswith(f"?cmo={cmo.pk}&contract_type=quality")
    assert first["audit_overdue"].fix_url.endswith(f"?site={site.pk}")
    assert first["audit_overdue"].message.startswith("Audit of Old Plant overdue: no audit in 24")
    assert first["staffing_gap"].message == (
        "Intensive tier needs a technical / process expert; none is assigned."
    )
    assert all(second[k].first_seen == first[k].first_seen for k in first)
    assert all(second[k].computed > first[k].computed for k in first)


def test_a_fixed_finding_disappears():
    cmo = staffed_cmo()
    site = covered_site(cmo)
    Contract.objects.filter(cmo=cmo, contract_type=Contract.Type.QUALITY).delete()
    SupplyStageFactory(site=site)
    risk_recompute()
    assert OversightFinding.objects.filter(cmo=cmo, kind="no_quality_agreement").exists()

    ContractFactory(cmo=cmo, contract_type=Contract.Type.QUALITY)
    risk_recompute()
    assert not OversightFinding.objects.filter(cmo=cmo, kind="no_quality_agreement").exists()


def test_risk_objective_with_exposed_high_impact_product_is_a_finding():
    cmo = staffed_cmo(sourcing_objective=Cmo.SourcingObjective.RISK)
    site = covered_site(cmo)
    product = ProductFactory(code="LIFE-9", patient_criticality="critical")
    SupplyStageFactory(product=product, site=site)

    risk_recompute()

    finding = OversightFinding.objects.get(cmo=cmo, kind="objective_risk")
    assert "LIFE-9 (impact 4) is single-sourced at stage 4 (Fill / finish)" in finding.message
    assert finding.product == product


def test_cost_objective_needs_a_recent_cost_kpi():
    from tests.factories import KpiDefinitionFactory, MeasurementFactory

    cmo = staffed_cmo(sourcing_objective=Cmo.SourcingObjective.COST)
    covered_site(cmo)
    risk_recompute()
    assert OversightFinding.objects.filter(cmo=cmo, kind="objective_cost").exists()

    cost = KpiDefinitionFactory(category="cost", code="test_cost")
    MeasurementFactory(cmo=cmo, kpi=cost, period=quarter_start(TODAY, 1))
    risk_recompute()
    assert not OversightFinding.objects.filter(cmo=cmo, kind="objective_cost").exists()


def _portfolio(size: int) -> None:
    """`size` CMOs, each with a site, an audit with a finding, two contracts, two
    scorecards and a product made in two steps, one of them dual-sourced."""
    for i in range(size):
        cmo = CmoFactory(
            relationship_manager=UserFactory() if i % 2 else None,
            sourcing_objective=["cost", "risk", "capacity"][i % 3],
        )
        site = SiteFactory(cmo=cmo, open_483=i % 5 == 0)
        AuditFindingFactory(audit=AuditFactory(site=site))
        if i % 4:
            ContractFactory(cmo=cmo)
        scorecard(cmo, 2, "red")
        scorecard(cmo, 1, ["red", "amber", "green"][i % 3], latest=True)
        product = ProductFactory(patient_criticality=["low", "high", "critical"][i % 3])
        SupplyStageFactory(product=product, site=site, step=SupplyStage.Step.FORMULATION)
        SupplyStageFactory(product=product, site=site, volume_share=Decimal("60"))
        SupplyStageFactory(
            product=product,
            site=SiteFactory(cmo=cmo),
            volume_share=Decimal("40"),
            is_qualified_backup=True,
        )


def _count(run) -> int:
    with CaptureQueriesContext(connection) as queries:
        run()
    return len(queries)


def test_query_count_is_the_same_for_10_and_100_cmos():
    _portfolio(10)
    small = (_count(risk_recompute), _count(risk_recompute))  # changes, then none
    _portfolio(90)
    large = (_count(risk_recompute), _count(risk_recompute))

    assert RiskScore.objects.count() == 300
    assert CmoRisk.objects.count() == 100
    assert BusinessReview.objects.filter(kind=BusinessReview.Kind.FOR_CAUSE).count() == 34
    assert small == large
