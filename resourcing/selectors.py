"""Reads for the resource plan, set-based: the whole portfolio is loaded in a fixed number
of queries (whatever the number of CMOs, people or products) and handed to the pure rules
in `effort` and `hiring`."""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from contracts.models import Contract
from resourcing import effort, hiring
from resourcing.models import EffortRate, EventEffort, ProductOversightBudget, ProductPhasePlan
from reviews.models import BusinessReview
from suppliers.models import Audit, Cmo, Product, Site, SupplyStage

# The cost of one hour of oversight, to turn a budget given in money into hours.
HOURLY_COST = float(getattr(settings, "RESOURCING_HOURLY_COST", 100))
# Contract types whose renewal takes negotiating; a confidentiality agreement does not.
RENEWED_TYPES = [t for t in Contract.Type.values if t != Contract.Type.CONFIDENTIALITY]


def effort_rates() -> tuple[dict, dict]:
    """The effort model as the administrator left it. Two queries."""
    rates: dict[str, dict[str, float]] = {}
    for tier, role, hours in EffortRate.objects.values_list("tier", "role", "hours_per_month"):
        rates.setdefault(tier, {})[role] = float(hours)
    events: dict[str, dict[str, float]] = {}
    for event, role, hours in EventEffort.objects.values_list("event", "role", "hours"):
        events.setdefault(event, {})[role] = float(hours)
    return rates, events


def active_cmos() -> dict[int, effort.CmoFacts]:
    """The CMOs in the portfolio with their tier and role holders. One query."""
    rows = Cmo.objects.active().values("pk", "name", "oversight_tier", *effort.ROLES)
    return {
        r["pk"]: effort.CmoFacts(
            r["pk"], r["name"], r["oversight_tier"], {role: r[role] for role in effort.ROLES}
        )
        for r in rows
    }


def scheduled_events(cmo_ids, start: datetime.date, end: datetime.date) -> list[effort.Event]:
    """Open business reviews, site audits due and contract renewals (last day to give
    notice) before `end`. Overdue reviews and audits are still work to do; a notice date
    already past is not. Three queries."""
    events = [
        effort.Event(r["cmo_id"], effort.review_event(r["kind"]), r["scheduled_for"], "review")
        for r in BusinessReview.objects.open()
        .filter(cmo_id__in=cmo_ids, scheduled_for__lt=end)
        .values("cmo_id", "kind", "scheduled_for")
    ]
    latest_due = Audit.objects.filter(site=OuterRef("pk")).order_by("-audit_date", "-pk")
    sites = (
        Site.objects.filter(cmo_id__in=cmo_ids)
        .exclude(qualification_status=Site.Qualification.DISQUALIFIED)
        .annotate(next_due=Subquery(latest_due.values("next_due_date")[:1]))
        .filter(next_due__lt=end)
        .values("cmo_id", "name", "next_due")
    )
    events += [
        effort.Event(s["cmo_id"], effort.SITE_AUDIT, s["next_due"], s["name"]) for s in sites
    ]
    contracts = (
        Contract.objects.with_status(start)
        .filter(
            cmo_id__in=cmo_ids,
            contract_type__in=RENEWED_TYPES,
            current_status__in=[Contract.Status.ACTIVE, Contract.Status.EXPIRING],
            last_notice_date__gte=start,
            last_notice_date__lt=end,
        )
        .values("cmo_id", "reference", "last_notice_date")
    )
    events += [
        effort.Event(c["cmo_id"], effort.CONTRACT_RENEWAL, c["last_notice_date"], c["reference"])
        for c in contracts
    ]
    return events


@dataclass
class PersonRow:
    person_id: int
    name: str
    username: str
    groups: list[str]
    capacity_per_month: float
    has_profile: bool
    roles: tuple[str, ...]


def people(holder_ids) -> dict[int, PersonRow]:
    """Everyone who holds a role on a CMO or has a capacity profile. Two queries."""
    User = get_user_model()
    rows = User.objects.filter(
        Q(pk__in=set(holder_ids)) | Q(resourcing_capacity__isnull=False)
    ).values(
        "pk",
        "username",
        "first_name",
        "last_name",
        "resourcing_capacity__fte",
        "resourcing_capacity__standard_month_hours",
        "resourcing_capacity__oversight_share",
        "resourcing_capacity__roles",
    )
    result = {}
    for r in rows:
        has = r["resourcing_capacity__fte"] is not None
        capacity = (
            effort.capacity_hours(
                r["resourcing_capacity__fte"],
                r["resourcing_capacity__standard_month_hours"],
                r["resourcing_capacity__oversight_share"],
            )
            if has
            else 0.0
        )
        name = f"{r['first_name']} {r['last_name']}".strip() or r["username"]
        result[r["pk"]] = PersonRow(
            r["pk"],
            name,
            r["username"],
            [],
            capacity,
            has,
            tuple(r["resourcing_capacity__roles"] or ()),
        )
    memberships = User.groups.through.objects.filter(user_id__in=list(result)).values_list(
        "user_id", "group__name"
    )
    for user_id, group in memberships:
        result[user_id].groups.append(group)
    return result


@dataclass
class ResourcePlan:
    """The portfolio's oversight need and capacity over this month and four quarters.
    `load()` reads it in a fixed number of queries; the rest is computed from it."""

    today: datetime.date
    periods: list[effort.Period]
    rates: dict
    event_rates: dict
    cmos: dict[int, effort.CmoFacts]
    events: list[effort.Event]
    persons: dict[int, PersonRow]
    month_hours: float = effort.STANDARD_MONTH_HOURS
    _cache: dict = field(default_factory=dict)

    @classmethod
    def load(cls, today: datetime.date | None = None) -> "ResourcePlan":
        """Eight queries."""
        today = today or timezone.localdate()
        periods = effort.planning_periods(today)
        rates, event_rates = effort_rates()
        cmos = active_cmos()
        events = scheduled_events(list(cmos), periods[0].start, periods[-1].end)
        holders = {h for c in cmos.values() for h in c.holders.values() if h}
        return cls(today, periods, rates, event_rates, cmos, events, people(holders))

    @cached_property
    def effort_people(self) -> list[effort.Person]:
        return [
            effort.Person(p.person_id, p.name, p.capacity_per_month, p.roles)
            for p in self.persons.values()
        ]

    @cached_property
    def need(self) -> pd.DataFrame:
        return effort.need_frame(
            self.cmos.values(), self.events, self.periods, self.rates, self.event_rates
        )

    @cached_property
    def load_table(self) -> pd.DataFrame:
        return effort.person_load(self.need, self.effort_people, self.periods)

    @cached_property
    def gaps(self) -> pd.DataFrame:
        return effort.role_gaps(self.need, self.effort_people, self.periods, self.month_hours)

    @property
    def quarters(self) -> list[effort.Period]:
        return self.periods[1:]

    def person_rows(self, only: int | None = None) -> list[dict]:
        """One row per person: CMOs, roles, capacity and each period's need and load."""
        table = self.load_table
        if only is not None:
            table = table[table["person_id"] == only]
        assigned = self.need.dropna(subset=["person_id"])
        roles_held = assigned.groupby("person_id")["role"].unique()
        cmo_names = assigned.groupby("person_id")["cmo"].unique()
        rows = []
        for person_id, group in table.groupby("person_id", sort=False):
            person = self.persons.get(int(person_id))
            if person is None:
                continue
            by_period = {r["period"]: r for r in group.to_dict("records")}
            cells = [by_period[p.key] for p in self.periods]
            held = list(roles_held.get(person_id, []))
            rows.append(
                {
                    "person": person,
                    "cmos": sorted(cmo_names.get(person_id, [])),
                    "roles": [effort.ROLE_LABELS[r] for r in effort.ROLES if r in held],
                    "cells": [
                        {**c, "load_pct": None if c["load"] == float("inf") else c["load"] * 100}
                        for c in cells
                    ],
                    "over": any(c["over"] for c in cells),
                }
            )
        rows.sort(key=lambda r: (not r["over"], r["person"].name.lower()))
        return rows

    def role_rows(self) -> list[dict]:
        rows = []
        for role in effort.ROLES:
            group = self.gaps[self.gaps["role"] == role]
            by_period = {r["period"]: r for r in group.to_dict("records")}
            rows.append(
                {
                    "role": role,
                    "label": effort.ROLE_LABELS[role],
                    "cells": [by_period[p.key] for p in self.periods],
                }
            )
        return rows

    def messages(self) -> list[str]:
        quarter_keys = {p.key for p in self.quarters}
        gaps = self.gaps[self.gaps["period"].isin(quarter_keys) & (self.gaps["message"] != "")]
        return list(gaps["message"])

    def over_capacity(self) -> dict[int, float]:
        """People over capacity in any quarter of the plan, with their highest load."""
        table = self.load_table[self.load_table["period"] != "month"]
        over = table.loc[table["over"].astype(bool)]
        return {int(k): float(v) for k, v in over.groupby("person_id")["load"].max().items()}

    def total_gap_fte(self, period_key: str | None = None) -> float:
        """FTE short over all roles: in the current quarter unless a period is named."""
        return effort.total_gap_fte(self.gaps, period_key or self.quarters[0].key)

    def peak_gap(self) -> tuple[float, effort.Period]:
        """The largest total FTE gap among the four quarters, and when it falls."""
        best = max(self.quarters, key=lambda p: self.total_gap_fte(p.key))
        return self.total_gap_fte(best.key), best


# --- Budgets -------------------------------------------------------------------------------


def product_cmo_ids(cmo_ids) -> dict[int, set[int]]:
    """The CMOs making each product (through its supply stages). One query."""
    result: dict[int, set[int]] = {}
    rows = (
        SupplyStage.objects.filter(site__cmo_id__in=cmo_ids)
        .values_list("product_id", "site__cmo_id")
        .distinct()
    )
    for product_id, cmo_id in rows:
        result.setdefault(product_id, set()).add(cmo_id)
    return result


@dataclass(frozen=True)
class BudgetLine:
    product_id: int
    code: str
    name: str
    phase: str
    cmos: list[str]
    budget_hours: float | None
    required_hours: float
    has_budget: bool

    @property
    def shortfall(self) -> float:
        if self.budget_hours is None:
            return 0.0
        return max(round(self.required_hours - self.budget_hours, 1), 0.0)

    @property
    def under_resourced(self) -> bool:
        return self.shortfall > 0


def budget_lines(plan: ResourcePlan) -> list[BudgetLine]:
    """Every product in supply or development: its oversight budget against what its
    CMOs' tiers require per year. Two queries besides the plan's."""
    product_cmos = product_cmo_ids(list(plan.cmos))
    required = effort.product_required_hours(
        product_cmos, {c.cmo_id: c.tier for c in plan.cmos.values()}, plan.rates
    )
    products = (
        Product.objects.exclude(lifecycle_phase=Product.Phase.DISCONTINUED)
        .values(
            "pk",
            "code",
            "name",
            "lifecycle_phase",
            "oversight_budget__hours_per_year",
            "oversight_budget__amount_per_year",
            "oversight_budget__pk",
        )
        .order_by("code")
    )
    phases = dict(Product.Phase.choices)
    lines = []
    for p in products:
        budget = effort.budget_hours(
            p["oversight_budget__hours_per_year"],
            p["oversight_budget__amount_per_year"],
            HOURLY_COST,
        )
        lines.append(
            BudgetLine(
                p["pk"],
                p["code"],
                p["name"],
                phases.get(p["lifecycle_phase"], p["lifecycle_phase"]),
                sorted(plan.cmos[c].name for c in product_cmos.get(p["pk"], ())),
                budget,
                required.get(p["pk"], 0.0),
                p["oversight_budget__pk"] is not None,
            )
        )
    return lines


def under_resourced_products(today: datetime.date | None = None) -> list[dict]:
    """Products whose oversight budget is below what their CMOs' tiers require, largest
    shortfall first: `product` (the Product), `budget`, `required`, `shortfall` in hours
    per year. For the portfolio's oversight findings; a fixed number of queries."""
    plan = ResourcePlan.load(today)
    lines = {line.product_id: line for line in budget_lines(plan)}
    short = effort.under_resourced_products(
        {p: line.budget_hours for p, line in lines.items()},
        {p: line.required_hours for p, line in lines.items()},
    )
    products = Product.objects.in_bulk([s.product_id for s in short])
    return [
        {
            "product": products[s.product_id],
            "budget": s.budget_hours,
            "required": s.required_hours,
            "shortfall": s.shortfall_hours,
        }
        for s in short
    ]


# --- Hiring --------------------------------------------------------------------------------


def hiring_needs(plan: ResourcePlan) -> list[hiring.RoleNeed]:
    """The roles the planned products need, by date, with their holders. Two queries
    besides the plan's (the phase plans, and the products' CMOs)."""
    rows = ProductPhasePlan.objects.select_related("product").order_by("product__code")
    product_cmos = product_cmo_ids(list(plan.cmos))
    phase_plans = [
        hiring.PhasePlan(
            r.product_id,
            r.product.code,
            r.product.name,
            {m: getattr(r, m) for m in ProductPhasePlan.MILESTONES},
            {role: getattr(r, f"{role}_id") for role in effort.ROLES},
        )
        for r in rows
    ]
    names = {p.person_id: p.name for p in plan.persons.values()}
    # People lined up by a plan who hold no CMO role yet and have no profile. One query.
    nominated = {h for p in phase_plans for h in p.nominated.values() if h} - set(names)
    for r in (
        get_user_model()
        .objects.filter(pk__in=nominated)
        .values("pk", "username", "first_name", "last_name")
    ):
        names[r["pk"]] = f"{r['first_name']} {r['last_name']}".strip() or r["username"]
    return hiring.hiring_timeline(
        phase_plans,
        {p: [plan.cmos[c] for c in cmos] for p, cmos in product_cmos.items()},
        plan.rates,
        plan.today,
        plan.over_capacity(),
        names,
    )


def budget_queryset():
    return ProductOversightBudget.objects.select_related("product")


# --- What-if ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleImpact:
    """A role's monthly need and capacity now, and after the decision."""

    role: str
    label: str
    delta: effort.RoleDelta | None
    need_now: float
    need_after: float
    capacity: float

    @property
    def gap_now(self) -> float:
        return max(self.need_now - self.capacity, 0.0)

    @property
    def gap_after(self) -> float:
        return max(self.need_after - self.capacity, 0.0)

    @property
    def gap_after_fte(self) -> float:
        return effort.fte(self.gap_after, 1)


def decision_what_if(
    plan: ResourcePlan,
    kind: str,
    cmo: Cmo | None = None,
    product: Product | None = None,
    stages: int | None = None,
    tier: str = "",
    phase: str = "",
) -> tuple[effort.WhatIf, list[RoleImpact]]:
    """The change in need a decision brings, against this month's need and capacity per
    role. Reads only: nothing is saved. One query for a product's CMOs."""
    if kind == "outsource":
        facts = plan.cmos.get(cmo.pk) or effort.CmoFacts(
            cmo.pk,
            cmo.name,
            cmo.oversight_tier,
            {r: getattr(cmo, f"{r}_id") for r in effort.ROLES},
        )
        changes = [
            effort.outsourcing_change(facts, cmo.pk in plan.cmos, tier, product.code, stages or 1)
        ]
    elif kind == "tier":
        facts = plan.cmos.get(cmo.pk) or effort.CmoFacts(cmo.pk, cmo.name, "", {})
        changes = [effort.tier_change(facts, tier)]
    else:
        cmo_ids = product_cmo_ids(list(plan.cmos)).get(product.pk, set())
        changes = effort.phase_changes(
            [plan.cmos[c] for c in sorted(cmo_ids, key=lambda c: plan.cmos[c].name)],
            product.code,
            phase,
        )
    result = effort.what_if(changes, plan.rates, plan.event_rates, plan.month_hours)
    month = plan.gaps[plan.gaps["period"] == "month"].set_index("role")
    deltas = {d.role: d for d in result.deltas}
    impacts = []
    for role in effort.ROLES:
        now = float(month.loc[role, "need"]) if role in month.index else 0.0
        delta = deltas.get(role)
        impacts.append(
            RoleImpact(
                role,
                effort.ROLE_LABELS[role],
                delta,
                now,
                now + (delta.monthly_hours if delta else 0.0),
                float(month.loc[role, "capacity"]) if role in month.index else 0.0,
            )
        )
    return result, impacts


def dashboard_tile(today: datetime.date | None = None) -> dict:
    """The executive dashboard's tile (`resourcing/includes/gap_tile.html`, context name
    `resource_gap`): the FTE short this quarter and at the peak of the next four."""
    plan = ResourcePlan.load(today)
    peak, peak_period = plan.peak_gap()
    return {
        "total_gap_fte": plan.total_gap_fte(),
        "period": plan.quarters[0].label,
        "peak_gap_fte": peak,
        "peak_period": peak_period.label,
        "over_capacity": len(plan.over_capacity()),
    }
