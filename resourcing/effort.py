"""The effort model of CMO oversight: how many hours each role spends on a CMO of each
tier, what the scheduled events add, how that compares with the people who carry it, and
what a decision would change.

Pure functions over plain values and pandas DataFrames, tested without a request or a
database (`selectors` loads the values). Brief, point 2: outsourcing turns the work of
making a product into the work of managing the partner, and that work scales with the
oversight tier.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

# --- Roles, tiers and events ----------------------------------------------------------------

# The effort roles are the CMO fields that name who holds them: the hours of a role on a
# CMO are carried by the person assigned there.
RELATIONSHIP_MANAGER = "relationship_manager"
TECHNICAL_EXPERT = "technical_expert"
QUALITY_CONTACT = "quality_contact"
STRATEGIC_SOURCING_MANAGER = "strategic_sourcing_manager"
ROLES = (RELATIONSHIP_MANAGER, TECHNICAL_EXPERT, QUALITY_CONTACT, STRATEGIC_SOURCING_MANAGER)
ROLE_LABELS = {
    RELATIONSHIP_MANAGER: "Relationship manager",
    TECHNICAL_EXPERT: "Technical / process expert",
    QUALITY_CONTACT: "Quality contact",
    STRATEGIC_SOURCING_MANAGER: "Strategic sourcing manager",
}
# What a role brings, for sentences such as "0.6 FTE of process expertise short in Q2".
ROLE_EXPERTISE = {
    RELATIONSHIP_MANAGER: "relationship management",
    TECHNICAL_EXPERT: "process expertise",
    QUALITY_CONTACT: "quality oversight",
    STRATEGIC_SOURCING_MANAGER: "strategic sourcing",
}

# The tiers are written on the CMO by the risk model in `portfolio` (Cmo.oversight_tier);
# this app sits below portfolio and names them itself.
INTENSIVE, ACTIVE, MONITOR = "intensive", "active", "monitor"
TIERS = (INTENSIVE, ACTIVE, MONITOR)
TIER_LABELS = {INTENSIVE: "Intensive", ACTIVE: "Active", MONITOR: "Monitor", "": "No tier"}
TIER_RANK = {"": 0, MONITOR: 1, ACTIVE: 2, INTENSIVE: 3}

# Hours per month each role spends on one CMO of the tier (docs/resource-plan.md).
DEFAULT_RATES: dict[str, dict[str, float]] = {
    INTENSIVE: {
        RELATIONSHIP_MANAGER: 16,
        TECHNICAL_EXPERT: 24,
        QUALITY_CONTACT: 12,
        STRATEGIC_SOURCING_MANAGER: 2,
    },
    ACTIVE: {
        RELATIONSHIP_MANAGER: 8,
        TECHNICAL_EXPERT: 0,
        QUALITY_CONTACT: 4,
        STRATEGIC_SOURCING_MANAGER: 1,
    },
    MONITOR: {
        RELATIONSHIP_MANAGER: 2,
        TECHNICAL_EXPERT: 0,
        QUALITY_CONTACT: 0,
        STRATEGIC_SOURCING_MANAGER: 0,
    },
}

# Recurring events the schedule knows about, and one-off events of a decision.
REVIEW_MONTHLY = "review_monthly"
REVIEW_QUARTERLY = "review_quarterly"
REVIEW_SEMIANNUAL = "review_semiannual"
REVIEW_ANNUAL = "review_annual"
REVIEW_FOR_CAUSE = "review_for_cause"
SITE_AUDIT = "site_audit"
CONTRACT_RENEWAL = "contract_renewal"
TECH_TRANSFER = "tech_transfer"
EVENT_LABELS = {
    REVIEW_MONTHLY: "Monthly operations review",
    REVIEW_QUARTERLY: "Quarterly business review",
    REVIEW_SEMIANNUAL: "Semiannual business review",
    REVIEW_ANNUAL: "Annual strategic review",
    REVIEW_FOR_CAUSE: "For-cause review",
    SITE_AUDIT: "Site audit",
    CONTRACT_RENEWAL: "Contract renewal or negotiation",
    TECH_TRANSFER: "Tech transfer of a product to a CMO",
}
# A business review of kind k (reviews.BusinessReview.Kind) is the event "review_k".
REVIEW_EVENT_PREFIX = "review_"

# Hours per role for one event (docs/resource-plan.md).
DEFAULT_EVENT_HOURS: dict[str, dict[str, float]] = {
    REVIEW_MONTHLY: {RELATIONSHIP_MANAGER: 3, TECHNICAL_EXPERT: 2},
    REVIEW_QUARTERLY: {RELATIONSHIP_MANAGER: 8, QUALITY_CONTACT: 2, TECHNICAL_EXPERT: 2},
    REVIEW_SEMIANNUAL: {RELATIONSHIP_MANAGER: 8, QUALITY_CONTACT: 2},
    REVIEW_ANNUAL: {RELATIONSHIP_MANAGER: 12, STRATEGIC_SOURCING_MANAGER: 4},
    REVIEW_FOR_CAUSE: {RELATIONSHIP_MANAGER: 8, TECHNICAL_EXPERT: 8, QUALITY_CONTACT: 8},
    SITE_AUDIT: {QUALITY_CONTACT: 40, TECHNICAL_EXPERT: 8},
    CONTRACT_RENEWAL: {STRATEGIC_SOURCING_MANAGER: 24, RELATIONSHIP_MANAGER: 8},
    TECH_TRANSFER: {
        TECHNICAL_EXPERT: 120,
        QUALITY_CONTACT: 60,
        RELATIONSHIP_MANAGER: 24,
        STRATEGIC_SOURCING_MANAGER: 8,
    },
}

# Hours a full-time person works in a month (~ 1,680 h a year).
STANDARD_MONTH_HOURS = 140.0
# A load above this share of capacity is flagged.
OVER_CAPACITY = 1.0
# Gaps smaller than this many FTE are rounding, not a message.
FTE_NOISE = 0.05

# Product phases that, as the risk model in `portfolio` rates them, raise the CMOs making
# the product to at least this tier.
PHASE_MIN_TIER = {"tech_transfer": ACTIVE, "launch": ACTIVE}

Rates = Mapping[str, Mapping[str, float]]  # tier → role → hours per month
EventRates = Mapping[str, Mapping[str, float]]  # event kind → role → hours per event


def review_event(kind: str) -> str:
    """The event kind of a business review of `kind` (monthly, quarterly…)."""
    return f"{REVIEW_EVENT_PREFIX}{kind}"


def higher_tier(a: str, b: str) -> str:
    return a if TIER_RANK.get(a, 0) >= TIER_RANK.get(b, 0) else b


# --- Periods --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A stretch of the plan: this month, or a quarter. `catch_up` periods also carry the
    events already due before them (an overdue audit is work still to be done)."""

    key: str
    label: str
    start: datetime.date
    end: datetime.date  # exclusive
    months: int
    catch_up: bool = False

    def holds(self, day: datetime.date) -> bool:
        return self.start <= day < self.end or (self.catch_up and day < self.start)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_period(today: datetime.date) -> Period:
    start = today.replace(day=1)
    return Period("month", f"{start:%b %Y}", start, _add_months(start, 1), 1, catch_up=True)


def quarter_periods(today: datetime.date, count: int = 4) -> list[Period]:
    """The current quarter and the ones after it, `count` in all."""
    start = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    periods = []
    for i in range(count):
        q_start = _add_months(start, 3 * i)
        label = f"Q{(q_start.month - 1) // 3 + 1} {q_start.year}"
        periods.append(
            Period(f"q{i + 1}", label, q_start, _add_months(q_start, 3), 3, catch_up=i == 0)
        )
    return periods


def planning_periods(today: datetime.date) -> list[Period]:
    """This month, then the next four quarters (the current one first)."""
    return [month_period(today), *quarter_periods(today)]


# --- Need ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CmoFacts:
    """A CMO as the effort model sees it: its tier and who holds each role on it."""

    cmo_id: int
    name: str
    tier: str
    holders: Mapping[str, int | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Event:
    """A scheduled event of a CMO that takes hours: a review, an audit due, a renewal."""

    cmo_id: int
    kind: str
    day: datetime.date
    label: str = ""


def monthly_need(tier: str, rates: Rates) -> dict[str, float]:
    """Hours per month each role spends on one CMO of `tier` (roles with none left out)."""
    by_role = rates.get(tier, {})
    return {role: float(by_role.get(role, 0)) for role in ROLES if by_role.get(role, 0)}


def event_need(kind: str, event_rates: EventRates) -> dict[str, float]:
    by_role = event_rates.get(kind, {})
    return {role: float(by_role.get(role, 0)) for role in ROLES if by_role.get(role, 0)}


NEED_COLUMNS = ["period", "cmo_id", "cmo", "role", "person_id", "source", "hours"]


def need_frame(
    cmos: Iterable[CmoFacts],
    events: Iterable[Event],
    periods: Sequence[Period],
    rates: Rates,
    event_rates: EventRates,
) -> pd.DataFrame:
    """Every hour of need in the plan, one row per period, CMO, role and source ("tier"
    or an event kind), with the person who carries it (None: nobody is assigned)."""
    cmos = {c.cmo_id: c for c in cmos}
    rows = []
    for period in periods:
        for cmo in cmos.values():
            for role, hours in monthly_need(cmo.tier, rates).items():
                rows.append(
                    (period.key, cmo.cmo_id, cmo.name, role, cmo.holders.get(role), "tier")
                    + (hours * period.months,)
                )
    for event in events:
        cmo = cmos.get(event.cmo_id)
        if cmo is None:
            continue
        for period in periods:
            if not period.holds(event.day):
                continue
            for role, hours in event_need(event.kind, event_rates).items():
                rows.append(
                    (period.key, cmo.cmo_id, cmo.name, role, cmo.holders.get(role), event.kind)
                    + (hours,)
                )
    frame = pd.DataFrame(rows, columns=NEED_COLUMNS)
    frame["person_id"] = frame["person_id"].astype("Int64")
    frame["hours"] = frame["hours"].astype(float)
    return frame


# --- People and capacity ------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """Someone who carries oversight hours, with what they can give to it per month."""

    person_id: int
    name: str
    capacity_per_month: float
    roles: tuple[str, ...] = ()  # effort roles they declared; assignments add to them


def capacity_hours(
    fte: float, month_hours: float = STANDARD_MONTH_HOURS, oversight_share: float = 100
) -> float:
    """Hours per month a person gives to CMO oversight: FTE × a standard month × the
    share of their time that goes to oversight (percent)."""
    return round(float(fte) * float(month_hours) * float(oversight_share) / 100, 2)


def person_load(
    need: pd.DataFrame, people: Iterable[Person], periods: Sequence[Period]
) -> pd.DataFrame:
    """Per person and period: hours needed, capacity, load (need ÷ capacity) and whether
    they are over capacity. People with need but no capacity recorded have capacity 0 and
    are over capacity."""
    people = {p.person_id: p for p in people}
    assigned = need.dropna(subset=["person_id"])
    totals = assigned.groupby(["person_id", "period"])["hours"].sum()
    cmo_counts = assigned.groupby("person_id")["cmo_id"].nunique()
    ids = sorted(set(people) | {int(i) for i in cmo_counts.index})
    rows = []
    for person_id in ids:
        person = people.get(person_id)
        for period in periods:
            hours = float(totals.get((person_id, period.key), 0.0))
            capacity = (person.capacity_per_month if person else 0.0) * period.months
            load = hours / capacity if capacity else (float("inf") if hours else 0.0)
            rows.append(
                {
                    "person_id": person_id,
                    "name": person.name if person else "",
                    "period": period.key,
                    "cmos": int(cmo_counts.get(person_id, 0)),
                    "need": round(hours, 2),
                    "capacity": round(capacity, 2),
                    "load": load,
                    "over": load > OVER_CAPACITY,
                }
            )
    return pd.DataFrame(
        rows, columns=["person_id", "name", "period", "cmos", "need", "capacity", "load", "over"]
    )


def role_capacity(
    need: pd.DataFrame, people: Iterable[Person], periods: Sequence[Period]
) -> pd.DataFrame:
    """Each person's capacity in a period, split over the roles they carry in proportion
    to their need in each; someone with no need offers it equally to the roles they
    declared. Columns: person_id, period, role, capacity."""
    assigned = need.dropna(subset=["person_id"])
    by_role = assigned.groupby(["person_id", "period", "role"])["hours"].sum()
    rows = []
    for person in people:
        for period in periods:
            capacity = person.capacity_per_month * period.months
            if not capacity:
                continue
            shares = {
                role: float(by_role.get((person.person_id, period.key, role), 0.0))
                for role in ROLES
            }
            total = sum(shares.values())
            if total:
                split = {role: capacity * h / total for role, h in shares.items() if h}
            elif person.roles:
                split = {role: capacity / len(person.roles) for role in person.roles}
            else:
                split = {}
            rows.extend((person.person_id, period.key, r, c) for r, c in split.items())
    return pd.DataFrame(rows, columns=["person_id", "period", "role", "capacity"])


def fte(hours: float, period_months: int, month_hours: float = STANDARD_MONTH_HOURS) -> float:
    """Hours over a period as full-time equivalents."""
    return hours / (month_hours * period_months) if period_months and month_hours else 0.0


def fte_short_text(fte_gap: float, role: str, period_label: str) -> str:
    """ "0.6 FTE of process expertise short in Q2 2026"; empty when there is no gap."""
    if fte_gap < FTE_NOISE:
        return ""
    return f"{fte_gap:.1f} FTE of {ROLE_EXPERTISE[role]} short in {period_label}"


def role_gaps(
    need: pd.DataFrame,
    people: Iterable[Person],
    periods: Sequence[Period],
    month_hours: float = STANDARD_MONTH_HOURS,
) -> pd.DataFrame:
    """Per role and period: total need, total capacity, hours nobody is assigned to, the
    gap in hours and FTE, and the sentence that says it."""
    capacity = role_capacity(need, people, periods).groupby(["role", "period"])["capacity"].sum()
    totals = need.groupby(["role", "period"])["hours"].sum()
    unassigned = need[need["person_id"].isna()].groupby(["role", "period"])["hours"].sum()
    rows = []
    for role in ROLES:
        for period in periods:
            hours = float(totals.get((role, period.key), 0.0))
            cap = float(capacity.get((role, period.key), 0.0))
            gap = max(hours - cap, 0.0)
            gap_fte = fte(gap, period.months, month_hours)
            rows.append(
                {
                    "role": role,
                    "period": period.key,
                    "label": period.label,
                    "need": round(hours, 2),
                    "capacity": round(cap, 2),
                    "unassigned": round(float(unassigned.get((role, period.key), 0.0)), 2),
                    "gap_hours": round(gap, 2),
                    "gap_fte": round(gap_fte, 2),
                    "message": fte_short_text(gap_fte, role, period.label),
                }
            )
    return pd.DataFrame(rows)


def total_gap_fte(gaps: pd.DataFrame, period_key: str) -> float:
    """The FTE short across all roles in one period (the dashboard's number)."""
    if gaps.empty:
        return 0.0
    return round(float(gaps.loc[gaps["period"] == period_key, "gap_fte"].sum()), 2)


# --- Budgets --------------------------------------------------------------------------------


def product_required_hours(
    product_cmos: Mapping[int, Iterable[int]], cmo_tiers: Mapping[int, str], rates: Rates
) -> dict[int, float]:
    """Oversight hours per year each product's CMOs require, each CMO's tier hours shared
    equally among the products it makes (so that the portfolio adds up once)."""
    product_cmos = {p: set(cmos) for p, cmos in product_cmos.items()}
    products_per_cmo: dict[int, int] = {}
    for cmos in product_cmos.values():
        for cmo in cmos:
            products_per_cmo[cmo] = products_per_cmo.get(cmo, 0) + 1
    required = {}
    for product, cmos in product_cmos.items():
        hours = 0.0
        for cmo in cmos:
            monthly = sum(monthly_need(cmo_tiers.get(cmo, ""), rates).values())
            hours += monthly * 12 / products_per_cmo[cmo]
        required[product] = round(hours, 1)
    return required


def budget_hours(
    hours_per_year: float | None, amount_per_year: float | None, hourly_cost: float
) -> float | None:
    """A budget in hours per year; one given as money is converted at `hourly_cost`."""
    if hours_per_year is not None:
        return float(hours_per_year)
    if amount_per_year is not None and hourly_cost:
        return round(float(amount_per_year) / hourly_cost, 1)
    return None


@dataclass(frozen=True)
class BudgetShortfall:
    product_id: int
    budget_hours: float
    required_hours: float
    shortfall_hours: float


def under_resourced_products(
    budgets: Mapping[int, float | None], required: Mapping[int, float]
) -> list[BudgetShortfall]:
    """Products whose recorded oversight budget is below what their CMOs' tiers require,
    largest shortfall first. Products without a budget are not judged here."""
    short = [
        BudgetShortfall(p, budget, required.get(p, 0.0), round(required.get(p, 0.0) - budget, 1))
        for p, budget in budgets.items()
        if budget is not None and required.get(p, 0.0) > budget
    ]
    return sorted(short, key=lambda s: (-s.shortfall_hours, s.product_id))


# --- What-if --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """What a decision does to one CMO: its tier before and after, and the one-off events
    it brings (a tech transfer, a qualification audit, negotiating the contracts)."""

    cmo_id: int | None
    name: str
    tier_before: str
    tier_after: str
    one_off: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class RoleDelta:
    role: str
    monthly_hours: float  # + adds, − frees
    one_off_hours: float
    fte: float  # monthly hours as FTE

    @property
    def label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def sentence(self) -> str:
        parts = []
        if self.monthly_hours:
            verb = "adds" if self.monthly_hours > 0 else "frees"
            parts.append(
                f"{verb} {abs(self.monthly_hours):g} h/month of {ROLE_EXPERTISE[self.role]} "
                f"({abs(self.fte):.2f} FTE)"
            )
        if self.one_off_hours:
            parts.append(f"{self.one_off_hours:g} h once")
        return "; ".join(parts)


@dataclass(frozen=True)
class WhatIf:
    changes: list[Change]
    deltas: list[RoleDelta]  # the roles the decision touches, in ROLES order

    @property
    def monthly_total(self) -> float:
        return sum(d.monthly_hours for d in self.deltas)

    @property
    def one_off_total(self) -> float:
        return sum(d.one_off_hours for d in self.deltas)


def what_if(
    changes: Sequence[Change],
    rates: Rates,
    event_rates: EventRates,
    month_hours: float = STANDARD_MONTH_HOURS,
) -> WhatIf:
    """The change in need a decision brings, per role: steady hours per month (from the
    tiers before and after) and one-off hours (from its events)."""
    monthly = dict.fromkeys(ROLES, 0.0)
    once = dict.fromkeys(ROLES, 0.0)
    for change in changes:
        before = monthly_need(change.tier_before, rates)
        after = monthly_need(change.tier_after, rates)
        for role in ROLES:
            monthly[role] += after.get(role, 0.0) - before.get(role, 0.0)
        for kind in change.one_off:
            for role, hours in event_need(kind, event_rates).items():
                once[role] += hours
    deltas = [
        RoleDelta(
            role, round(monthly[role], 2), round(once[role], 2), fte(monthly[role], 1, month_hours)
        )
        for role in ROLES
        if monthly[role] or once[role]
    ]
    return WhatIf(list(changes), deltas)


def outsourcing_change(
    cmo: CmoFacts, cmo_active: bool, tier_after: str, product_code: str, new_stages: int
) -> Change:
    """A product outsourced to `cmo` (`new_stages` supply stages added): the CMO's tier
    moves to `tier_after`, the product is transferred, and a CMO not yet in the portfolio
    must also be qualified (audit) and contracted."""
    one_off = (TECH_TRANSFER,) if new_stages else ()
    if not cmo_active:
        one_off += (SITE_AUDIT, CONTRACT_RENEWAL)
    return Change(
        cmo.cmo_id,
        cmo.name,
        cmo.tier if cmo_active else "",
        tier_after or cmo.tier or ACTIVE,
        one_off,
        f"{product_code} outsourced to {cmo.name} ({new_stages} supply stage"
        f"{'s' if new_stages != 1 else ''})",
    )


def tier_change(cmo: CmoFacts, tier_after: str) -> Change:
    return Change(
        cmo.cmo_id,
        cmo.name,
        cmo.tier,
        tier_after,
        (),
        f"{cmo.name} from {TIER_LABELS[cmo.tier]} to {TIER_LABELS[tier_after]}",
    )


def phase_changes(cmos: Iterable[CmoFacts], product_code: str, phase_after: str) -> list[Change]:
    """A product moving into `phase_after`: every CMO making it rises to the phase's
    minimum tier, if it is below it."""
    floor = PHASE_MIN_TIER.get(phase_after, "")
    changes = []
    for cmo in cmos:
        after = higher_tier(cmo.tier, floor)
        changes.append(
            Change(
                cmo.cmo_id,
                cmo.name,
                cmo.tier,
                after,
                (),
                f"{product_code} into {phase_after.replace('_', ' ')}: {cmo.name} "
                + (
                    f"from {TIER_LABELS[cmo.tier]} to {TIER_LABELS[after]}"
                    if after != cmo.tier
                    else f"stays {TIER_LABELS[cmo.tier]}"
                ),
            )
        )
    return changes
