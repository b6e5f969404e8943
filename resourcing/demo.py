"""Demo data of the resource plan (a step of `portfolio.demo.DEMO_STEPS`): what the
people of the demo portfolio can give to CMO oversight, the products' oversight budgets
and the planned milestones of the products still in development, tech transfer or launch.

A couple of people in each block have little time for oversight and end up overloaded,
a few products have a budget well below what their CMOs' tiers require, and some planned
products have roles nobody holds yet, so the plan's warnings and the hiring plan have
something to show.
"""

import datetime
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from resourcing import effort
from resourcing.models import PersonCapacity, ProductOversightBudget, ProductPhasePlan
from suppliers.models import Product

# The change reason of every demo record (`portfolio.demo.DEMO_CHANGE_REASON`).
CHANGE_REASON = "demo data"
BATCH_SIZE = 1000
MONTH = datetime.timedelta(days=30)
HOURLY_COST = Decimal(100)

# Share of their time (%) each role typically gives to CMO oversight.
OVERSIGHT_SHARE = {
    effort.RELATIONSHIP_MANAGER: (60, 100),
    effort.QUALITY_CONTACT: (30, 60),
    effort.TECHNICAL_EXPERT: (20, 50),
    effort.STRATEGIC_SOURCING_MANAGER: (20, 40),
}
PLANNED_PHASES = (Product.Phase.CLINICAL, Product.Phase.TECH_TRANSFER, Product.Phase.LAUNCH)


def _people(cmos) -> dict[int, tuple[object, str]]:
    """The colleagues who hold a role on the CMOs, each with the first role found."""
    people: dict[int, tuple[object, str]] = {}
    for cmo in cmos:
        for role in effort.ROLES:
            user = getattr(cmo, role)
            if user is not None:
                people.setdefault(user.pk, (user, role))
    return people


def _capacities(portfolio, rng) -> list[PersonCapacity]:
    people = _people(portfolio.cmos)
    known = set(
        PersonCapacity.objects.filter(user_id__in=list(people)).values_list("user_id", flat=True)
    )
    people = {pk: entry for pk, entry in people.items() if pk not in known}
    overloaded = set(rng.sample(sorted(people), k=min(len(people), 2 * len(portfolio.blocks))))
    rows = []
    for pk, (user, role) in people.items():
        if pk in overloaded:
            # Part-time, and most of that time taken by other work.
            fte, share = Decimal("0.5"), Decimal(rng.choice((15, 20, 25)))
        else:
            fte = Decimal(rng.choice(("1.00", "1.00", "1.00", "0.80", "0.60")))
            share = Decimal(rng.randint(*OVERSIGHT_SHARE[role]))
        rows.append(PersonCapacity(user=user, fte=fte, oversight_share=share, roles=[role]))
    return rows


def _budgets(portfolio, rng) -> list[ProductOversightBudget]:
    rows = []
    for product in portfolio.products:
        if product.lifecycle_phase == Product.Phase.DISCONTINUED or rng.random() < 0.1:
            continue  # no budget set yet
        if rng.random() < 0.12:
            hours = Decimal(rng.randint(1, 5) * 5)
            notes = "Budget cut in the cost review; to be reopened with the tier increase."
        else:
            hours = Decimal(rng.randint(20, 60) * 10)
            notes = ""
        budget = ProductOversightBudget(product=product, notes=notes)
        if rng.random() < 0.25:
            budget.amount_per_year = hours * HOURLY_COST  # given in money by finance
        else:
            budget.hours_per_year = hours
        rows.append(budget)
    return rows


def _milestones(phase: str, today: datetime.date, rng) -> dict[str, datetime.date]:
    """Dates in the next 18 months, in the order of `ProductPhasePlan.MILESTONES`."""
    if phase == Product.Phase.CLINICAL:
        months = {"sourcing_decision": 2, "cmo_selection": 5, "tech_transfer": 9, "launch": 15}
    elif phase == Product.Phase.TECH_TRANSFER:
        months = {"tech_transfer": 1, "launch": 8, "commercial": 12}
    else:
        months = {"launch": 2, "commercial": 6}
    shift = rng.randint(0, 3)
    return {m: today + MONTH * (n + shift) for m, n in months.items()}


def _phase_plans(portfolio, rng) -> list[ProductPhasePlan]:
    makers: dict[int, list] = {}
    for stage in portfolio.stages:
        makers.setdefault(stage.product.pk, []).append(stage.site.cmo)
    rows = []
    for product in portfolio.products:
        if product.lifecycle_phase not in PLANNED_PHASES:
            continue
        plan = ProductPhasePlan(
            product=product, **_milestones(product.lifecycle_phase, portfolio.today, rng)
        )
        cmos = makers.get(product.pk, [])
        # Roles left open on purpose: the hiring plan shows who must be found by when.
        for role, chance in (
            ("relationship_manager", 0.8),
            ("strategic_sourcing_manager", 0.6),
            ("technical_expert", 0.5),
            ("quality_contact", 0.7),
        ):
            holders = [getattr(c, f"{role}_id") for c in cmos if getattr(c, f"{role}_id")]
            if holders and rng.random() < chance:
                setattr(plan, f"{role}_id", holders[0])
        rows.append(plan)
    return rows


def seed_resource_plan(portfolio) -> None:
    """Capacities, budgets and phase plans for `portfolio`, one bulk insert per model."""
    rng = portfolio.rng("resource plan")
    for name, model, rows in (
        ("person capacities", PersonCapacity, _capacities(portfolio, rng)),
        ("oversight budgets", ProductOversightBudget, _budgets(portfolio, rng)),
        ("phase plans", ProductPhasePlan, _phase_plans(portfolio, rng)),
    ):
        bulk_create_with_history(
            rows, model, batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON
        )
        portfolio.added[name] = len(rows)
