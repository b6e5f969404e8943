"""The resource plan over the database: effort model defaults, the set-based loading, the
budget finding, the hiring timeline and the what-if that saves nothing."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resourcing import effort, hiring, selectors
from resourcing.models import EffortRate, EventEffort, PersonCapacity
from tests.factories import (
    AuditFactory,
    BusinessReviewFactory,
    CmoFactory,
    ContractFactory,
    PersonCapacityFactory,
    ProductFactory,
    ProductOversightBudgetFactory,
    ProductPhasePlanFactory,
    SiteFactory,
    SupplyStageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def test_default_effort_model_is_installed_and_kept_as_edited():
    from resourcing.reference import install_effort_model

    rate = EffortRate.objects.get(tier="intensive", role="technical_expert")
    assert rate.hours_per_month == 24
    assert EventEffort.objects.get(event="site_audit", role="quality_contact").hours == 40
    rate.hours_per_month = Decimal("30")
    rate.save()
    install_effort_model(EffortRate, EventEffort)
    rate.refresh_from_db()
    assert rate.hours_per_month == 30
    assert EffortRate.objects.count() == sum(len(r) for r in effort.DEFAULT_RATES.values())


def test_edited_effort_model_drives_the_plan():
    EffortRate.objects.filter(tier="monitor", role="relationship_manager").update(hours_per_month=5)
    CmoFactory(oversight_tier="monitor")
    plan = selectors.ResourcePlan.load()
    month = plan.gaps[
        (plan.gaps["period"] == "month") & (plan.gaps["role"] == "relationship_manager")
    ]
    assert month.iloc[0]["need"] == 5


def _portfolio(n: int, prefix: str):
    """n CMOs with people, sites, audits due, reviews, renewals and products."""
    for i in range(n):
        rm = UserFactory(username=f"{prefix}-rm{i}")
        PersonCapacityFactory(user=rm, fte=Decimal("0.2"))
        expert = UserFactory(username=f"{prefix}-te{i}")
        cmo = CmoFactory(
            oversight_tier="intensive", relationship_manager=rm, technical_expert=expert
        )
        site = SiteFactory(cmo=cmo)
        AuditFactory(
            site=site,
            audit_date=TODAY - datetime.timedelta(days=400),
            next_due_date=TODAY + datetime.timedelta(days=20),
        )
        BusinessReviewFactory(cmo=cmo)
        ContractFactory(cmo=cmo, expiry_date=TODAY + datetime.timedelta(days=150))
        product = ProductFactory()
        SupplyStageFactory(product=product, site=site)
        ProductOversightBudgetFactory(product=product, hours_per_year=Decimal("100"))
        ProductPhasePlanFactory(product=product, launch=TODAY + datetime.timedelta(days=200))


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _everything():
    plan = selectors.ResourcePlan.load()
    plan.person_rows()
    plan.role_rows()
    selectors.budget_lines(plan)
    selectors.hiring_needs(plan)


def test_plan_is_loaded_in_a_fixed_number_of_queries():
    _portfolio(2, "small")
    small = _queries(_everything)
    _portfolio(8, "large")
    large = _queries(_everything)
    assert small == large
    assert small <= 14


def test_scheduled_events_come_from_reviews_audits_and_renewals():
    rm = UserFactory(username="evt-rm")
    quality = UserFactory(username="evt-qc")
    cmo = CmoFactory(oversight_tier="monitor", relationship_manager=rm, quality_contact=quality)
    site = SiteFactory(cmo=cmo)
    AuditFactory(
        site=site,
        audit_date=TODAY - datetime.timedelta(days=800),
        next_due_date=TODAY - datetime.timedelta(days=10),
    )  # overdue: now
    plan = selectors.ResourcePlan.load()
    kinds = {e.kind for e in plan.events}
    assert effort.SITE_AUDIT in kinds
    month = plan.need[(plan.need["period"] == "month") & (plan.need["person_id"] == quality.pk)]
    assert month["hours"].sum() == 40


def test_person_over_capacity_is_flagged_on_the_plan():
    rm = UserFactory(username="busy-rm")
    PersonCapacityFactory(user=rm, fte=Decimal("0.1"))  # 14 h a month
    for _ in range(2):
        CmoFactory(oversight_tier="intensive", relationship_manager=rm)  # 2 × 16 h
    rows = selectors.ResourcePlan.load().person_rows()
    row = next(r for r in rows if r["person"].person_id == rm.pk)
    assert row["over"]
    assert row["cells"][1]["need"] == 96 and row["cells"][1]["capacity"] == 42


def test_under_resourced_product_is_reported_for_the_findings():
    cmo = CmoFactory(oversight_tier="intensive")
    short = ProductFactory(code="SHORT-1")
    fine = ProductFactory(code="FINE-1")
    SupplyStageFactory(product=short, site=SiteFactory(cmo=cmo))
    SupplyStageFactory(product=fine, site=SiteFactory(cmo=CmoFactory(oversight_tier="monitor")))
    ProductOversightBudgetFactory(product=short, hours_per_year=Decimal("100"))
    ProductOversightBudgetFactory(product=fine, hours_per_year=Decimal("100"))
    result = selectors.under_resourced_products()
    # intensive: (16 + 24 + 12 + 2) h × 12 = 648 h a year against 100
    assert [(r["product"].code, r["budget"], r["required"], r["shortfall"]) for r in result] == [
        ("SHORT-1", 100.0, 648.0, 548.0)
    ]


def test_budget_in_money_counts_at_the_hourly_cost():
    product = ProductFactory()
    SupplyStageFactory(product=product, site=SiteFactory(cmo=CmoFactory(oversight_tier="active")))
    ProductOversightBudgetFactory(
        product=product, hours_per_year=None, amount_per_year=Decimal("5000")
    )
    lines = selectors.budget_lines(selectors.ResourcePlan.load())
    line = next(x for x in lines if x.product_id == product.pk)
    assert line.budget_hours == 5000 / selectors.HOURLY_COST
    assert line.required_hours == (8 + 4 + 1) * 12


def test_planned_launch_produces_the_roles_needed_by_the_right_dates():
    sourcing = UserFactory(username="sourcer")
    plan = ProductPhasePlanFactory(
        sourcing_decision=TODAY + datetime.timedelta(days=60),
        cmo_selection=TODAY + datetime.timedelta(days=150),
        tech_transfer=TODAY + datetime.timedelta(days=240),
        launch=TODAY + datetime.timedelta(days=400),
        strategic_sourcing_manager=sourcing,
    )
    needs = selectors.hiring_needs(selectors.ResourcePlan.load())
    by_role = {n.role: n for n in needs if n.product_id == plan.product_id}
    assert by_role["strategic_sourcing_manager"].needed_by == plan.sourcing_decision
    assert by_role["strategic_sourcing_manager"].status == hiring.IN_PLACE
    assert by_role["strategic_sourcing_manager"].holder_name
    assert by_role["relationship_manager"].needed_by == plan.cmo_selection
    assert by_role["relationship_manager"].status == hiring.GAP
    assert by_role["relationship_manager"].recruit_by == plan.cmo_selection - datetime.timedelta(
        days=hiring.RECRUITMENT_LEAD_DAYS
    )
    assert by_role["technical_expert"].needed_by == plan.tech_transfer
    assert by_role["quality_contact"].needed_by == plan.tech_transfer
    assert by_role["relationship_manager"].hours_per_month == 8  # planned Active tier


def test_role_held_on_the_products_cmo_is_in_place_unless_its_holder_is_overloaded():
    rm = UserFactory(username="held-rm")
    PersonCapacityFactory(user=rm, fte=Decimal("0.05"))  # 7 h a month
    cmo = CmoFactory(oversight_tier="intensive", relationship_manager=rm)
    plan = ProductPhasePlanFactory(launch=TODAY + datetime.timedelta(days=90))
    SupplyStageFactory(product=plan.product, site=SiteFactory(cmo=cmo))
    needs = selectors.hiring_needs(selectors.ResourcePlan.load())
    rm_need = next(n for n in needs if n.role == "relationship_manager")
    assert rm_need.holder_id == rm.pk
    assert rm_need.status == hiring.OVERLOADED
    assert rm_need.hours_per_month == 16  # the CMO's tier is above the planned one


def _snapshot():
    from django.apps import apps

    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label in ("suppliers", "resourcing", "contracts", "reviews")
    }


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("tier", {"relationship_manager": 8, "technical_expert": 24, "quality_contact": 8}),
        ("phase", {"relationship_manager": 6, "quality_contact": 4}),
    ],
)
def test_what_if_changes_nothing_and_gives_the_delta(kind, expected):
    cmo = CmoFactory(oversight_tier="active" if kind == "tier" else "monitor")
    product = ProductFactory(lifecycle_phase="clinical")
    SupplyStageFactory(product=product, site=SiteFactory(cmo=cmo))
    before = _snapshot()
    plan = selectors.ResourcePlan.load()
    result, impacts = selectors.decision_what_if(
        plan, kind, cmo=cmo, product=product, tier="intensive", phase="launch"
    )
    deltas = {d.role: d.monthly_hours for d in result.deltas}
    deltas.pop("strategic_sourcing_manager", None)
    assert deltas == expected
    assert _snapshot() == before
    cmo.refresh_from_db()
    product.refresh_from_db()
    assert (cmo.oversight_tier, product.lifecycle_phase) == (
        "active" if kind == "tier" else "monitor",
        "clinical",
    )
    rm = next(i for i in impacts if i.role == "relationship_manager")
    assert rm.need_after - rm.need_now == expected["relationship_manager"]


def test_capacity_profile_hours():
    profile = PersonCapacityFactory(fte=Decimal("0.5"), oversight_share=Decimal("50"))
    assert PersonCapacity.objects.get(pk=profile.pk).hours_per_month == 35
