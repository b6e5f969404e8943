"""The steps of `seed_demo` after the portfolio: measurements and scorecards, business
reviews, the resource plan and the risk recompute leave every page of the demo with
something to show, and the demo stays deterministic, idempotent and set-based."""

import io
from collections import Counter

from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from contracts.models import Contract
from kpis.demo import demo_quarters
from kpis.models import KpiDefinition, Measurement, Scorecard
from portfolio.demo import DEMO_CHANGE_REASON, seed_demo
from portfolio.models import CmoRisk, OversightFinding, RiskScore
from resourcing.models import PersonCapacity, ProductOversightBudget, ProductPhasePlan
from reviews import services
from reviews.demo import reviewed_quarter
from reviews.models import ActionItem, BusinessReview, ReviewSignature, StakeholderRating
from suppliers.models import Cmo, Product, SupplyStage
from tests.portfolio.conftest import table_counts

STEP_MODELS = [
    Measurement,
    BusinessReview,
    ReviewSignature,
    ActionItem,
    StakeholderRating,
    PersonCapacity,
    ProductOversightBudget,
    ProductPhasePlan,
]


def snapshot() -> dict[str, list]:
    """What the steps wrote, without database ids or timestamps."""
    rows = {
        "measurements": Measurement.objects.values_list(
            "cmo__name", "kpi__code", "period", "value", "source", "entered_by__username"
        ),
        "scorecards": Scorecard.objects.values_list("cmo__name", "period", "score", "status"),
        "reviews": BusinessReview.objects.values_list(
            "cmo__name", "kind", "period", "status", "quality", "delivery", "summary", "health"
        ),
        "actions": ActionItem.objects.values_list(
            "review__cmo__name", "description", "owner__username", "due_date", "status"
        ),
        "ratings": StakeholderRating.objects.values_list(
            "review__cmo__name", "rater__username", "quality", "answered_at"
        ),
        "capacities": PersonCapacity.objects.values_list("user__username", "fte"),
        "budgets": ProductOversightBudget.objects.values_list(
            "product__code", "hours_per_year", "amount_per_year"
        ),
        "phase plans": ProductPhasePlan.objects.values_list("product__code", "launch"),
        "tiers": Cmo.objects.values_list("name", "oversight_tier", "review_cadence"),
    }
    return {name: sorted(qs, key=repr) for name, qs in rows.items()}


def delete_demo():
    """Everything the demo wrote, in an order the protecting foreign keys allow."""
    for model in (ReviewSignature, ActionItem, BusinessReview, Measurement):
        model.objects.all().delete()
    for model in (ProductPhasePlan, ProductOversightBudget, PersonCapacity):
        model.objects.all().delete()
    Contract.objects.all().delete()
    SupplyStage.objects.all().delete()
    Product.objects.all().delete()
    Cmo.objects.all().delete()


# --- KPIs ------------------------------------------------------------------------------


def test_every_active_cmo_has_nine_quarters_of_measurements_and_scorecards(demo, db):
    active = set(Cmo.objects.active().values_list("pk", flat=True))
    quarters = demo_quarters(demo.today)
    assert set(Measurement.objects.values_list("cmo_id", flat=True)) == active
    per_cmo = Counter(Scorecard.objects.values_list("cmo_id", flat=True))
    assert set(per_cmo) == active and set(per_cmo.values()) == {9}
    assert set(Scorecard.objects.values_list("period", flat=True)) == set(quarters)
    assert Scorecard.objects.filter(is_latest=True, period=quarters[-1]).count() == len(active)


def test_values_lie_in_their_kpis_ranges_and_have_a_source(demo, db):
    for kpi in KpiDefinition.objects.all():
        values = Measurement.objects.filter(kpi=kpi).values_list("value", flat=True)
        assert values, kpi
        if kpi.is_percentage:
            assert all(0 <= v <= 100 for v in values), kpi
    sources = set(Measurement.objects.values_list("source", flat=True))
    assert sources == {Measurement.Source.IMPORT, Measurement.Source.MANUAL}
    assert Measurement.objects.exclude(entered_by=None).exists()


def test_most_cmos_green_or_amber_two_red_and_some_incomplete(demo, db):
    latest = Counter(Scorecard.objects.filter(is_latest=True).values_list("status", flat=True))
    assert latest["red"] == 2
    assert latest["green"] + latest["amber"] == sum(latest.values()) - 2
    assert latest["green"] > latest["amber"] > 0
    complete = demo_quarters(demo.today)[-3:-1]
    red_both = (
        Scorecard.objects.filter(period__in=complete, status="red")
        .values("cmo")
        .annotate(n=Count("pk"))
        .filter(n=2)
    )
    assert red_both.count() == 2
    assert Scorecard.objects.filter(period=complete[-1], completeness__lt=100).exists()


# --- Risk --------------------------------------------------------------------------------


def test_two_red_quarters_escalate_with_a_for_cause_review(demo, db):
    escalated = CmoRisk.objects.filter(red_quarters__gte=2)
    assert escalated.count() == 2
    for risk in escalated:
        assert risk.escalated_for is not None
        assert any("red scorecard" in reason for reason in risk.tier_reasons)
        assert BusinessReview.objects.filter(
            cmo=risk.cmo_id, kind=BusinessReview.Kind.FOR_CAUSE, period=risk.escalated_for
        ).exists()


def test_every_active_cmo_has_a_tier_risk_scores_and_findings_exist(demo, db):
    assert not Cmo.objects.active().filter(oversight_tier="").exists()
    assert RiskScore.objects.exists()
    kinds = set(OversightFinding.objects.values_list("kind", flat=True))
    assert OversightFinding.Kind.UNDER_RESOURCED in kinds and len(kinds) >= 4


# --- Reviews ------------------------------------------------------------------------------


def test_signed_reviews_have_a_frozen_scorecard_ratings_and_a_signature(demo, db):
    signed = BusinessReview.objects.signed().select_related("signature", "owner")
    assert signed.count() >= 30
    quarter = reviewed_quarter(demo.today)
    for review in signed:
        assert review.status == BusinessReview.Status.COMPLETED and review.completed_on
        assert review.scorecard_snapshot["period"] == review.period.isoformat()
        assert None not in review.ratings().values() and review.summary and review.health
        assert review.signature.signed_by == review.owner
        assert review.completed_on < demo.today
    last = signed.filter(period=quarter).first()
    # The snapshot is the service's own, and the open actions were carried into it.
    assert last.scorecard_snapshot == services.scorecard_snapshot(last)
    assert signed.exclude(carried_actions_snapshot=[]).exists()


def test_open_done_and_overdue_actions_with_owners(demo, db):
    statuses = Counter(ActionItem.objects.values_list("status", flat=True))
    assert statuses["open"] and statuses["in_progress"] and statuses["done"]
    assert ActionItem.objects.overdue(demo.today).count() >= 3
    assert not ActionItem.objects.filter(owner=None).exists()
    for action in ActionItem.objects.all():
        action.full_clean()


def test_overdue_and_upcoming_reviews(demo, db):
    overdue = BusinessReview.objects.filter(status=BusinessReview.Status.OVERDUE)
    assert overdue.count() >= 2
    assert all(r.due_date < demo.today and not r.is_signed for r in overdue)
    upcoming = BusinessReview.objects.filter(
        status=BusinessReview.Status.SCHEDULED, due_date__gte=demo.today
    )
    assert upcoming.values("cmo").distinct().count() == Cmo.objects.active().count()
    # Scheduled on the cadence the computed tier asks for.
    for cmo in Cmo.objects.active():
        kinds = set(upcoming.filter(cmo=cmo).values_list("kind", flat=True))
        assert cmo.review_cadence in kinds, cmo


def test_a_rating_request_waits_in_the_rm_inbox_and_others_are_answered(demo, db):
    pending = StakeholderRating.objects.pending().filter(rater__username="rm")
    assert pending.count() == 1
    assert not pending.get().review.is_signed
    answered = StakeholderRating.objects.answered()
    assert answered.count() >= 5
    assert all(r.requested_at < r.answered_at for r in answered)


# --- Resource plan ------------------------------------------------------------------------


def test_capacities_budgets_and_phase_plans(demo, db):
    capacities = list(PersonCapacity.objects.all())
    assert len(capacities) >= 10
    assert sum(c.hours_per_month < 40 for c in capacities) >= 2  # the overloaded ones
    budgets = ProductOversightBudget.objects.all()
    assert budgets.count() > Product.objects.count() / 2
    assert budgets.filter(amount_per_year__isnull=False).exists()
    planned = ProductPhasePlan.objects.select_related("product")
    assert {p.product.lifecycle_phase for p in planned} == {"clinical", "tech_transfer", "launch"}
    for plan in planned:
        plan.full_clean()
        dates = [getattr(plan, m) for m in plan.MILESTONES if getattr(plan, m)]
        assert all(demo.today <= d <= demo.today.replace(year=demo.today.year + 2) for d in dates)


# --- Determinism, idempotence, scale ---------------------------------------------------


def test_steps_write_demo_data_history(demo, db):
    for model in STEP_MODELS:
        created = model.history.filter(history_type="+")
        assert created.count() == model.objects.count(), model
        reasons = set(created.values_list("history_change_reason", flat=True))
        # The for-cause reviews are the risk recompute's own.
        assert reasons - {"risk recompute: two red quarters"} == {DEMO_CHANGE_REASON}, model


def test_second_run_creates_nothing(demo, db):
    before = table_counts()
    call_command("seed_demo", stdout=(out := io.StringIO()))
    assert "nothing to do" in out.getvalue()
    assert table_counts() == before


def test_same_seed_gives_the_same_steps_data(demo, db):
    first = snapshot()
    delete_demo()
    seed_demo(seed=42, today=demo.today)
    assert snapshot() == first
    delete_demo()
    seed_demo(seed=7, today=demo.today)
    assert snapshot()["measurements"] != first["measurements"]


def test_steps_are_set_based(demo, db):
    with CaptureQueriesContext(connection) as block_1:
        call_command("seed_demo", "--scale", "2", stdout=io.StringIO())
    with CaptureQueriesContext(connection) as blocks_2_and_3:
        call_command("seed_demo", "--scale", "4", stdout=io.StringIO())
    assert Measurement.objects.filter(cmo__name__endswith="IV Ltd").exists()
    # Twice the rows in about as many queries (a batch of 1,000 rows adds one).
    assert len(blocks_2_and_3) <= len(block_1) * 1.25
