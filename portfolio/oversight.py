"""Oversight: how intensively a CMO must be managed (its tier), who must be assigned and
how often it is reviewed, and the findings where the way it is managed falls short.

Pure functions over plain values, tested without a request. The tier follows the brief:
the effort spent on a CMO matches the risk it carries and the products it makes.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from portfolio.risk import DEFAULT_WEIGHTS, LEVEL_RANK, ProductFacts, Weights

INTENSIVE, ACTIVE, MONITOR = "intensive", "active", "monitor"
TIERS = (MONITOR, ACTIVE, INTENSIVE)  # in increasing intensity
TIER_LABELS = {INTENSIVE: "Intensive", ACTIVE: "Active", MONITOR: "Monitor"}

# The CMO fields that hold each role, and their names in findings.
ROLE_LABELS = {
    "relationship_manager": "relationship manager",
    "technical_expert": "technical / process expert",
    "quality_contact": "quality contact",
    "strategic_sourcing_manager": "strategic sourcing manager",
}
REQUIRED_ROLES: dict[str, tuple[str, ...]] = {
    INTENSIVE: ("relationship_manager", "technical_expert", "quality_contact"),
    ACTIVE: ("relationship_manager", "quality_contact"),
    # A relationship manager acting as business monitor.
    MONITOR: ("relationship_manager",),
}
# Review cadence per tier. Intensive also means monthly operations reviews beside the
# quarterly business review; the scheduler reads the cadence from Cmo.review_cadence.
CADENCE: dict[str, str] = {INTENSIVE: "monthly", ACTIVE: "quarterly", MONITOR: "semiannual"}
CADENCE_TEXT = {
    INTENSIVE: "monthly operations reviews plus quarterly business reviews",
    ACTIVE: "quarterly business reviews",
    MONITOR: "semiannual business reviews",
}

HIGH_IMPACT = 4  # an arrangement with at least this impact is "high-impact"
# A product with this many demanding traits needs intensive oversight whatever its score.
DEMANDING_TRAITS = 3
RED_QUARTERS_TO_ESCALATE = 2


def required_roles(tier: str) -> tuple[str, ...]:
    return REQUIRED_ROLES.get(tier, ())


def review_cadence(tier: str) -> str:
    return CADENCE[tier]


def product_complexity(product: ProductFacts, weights: Weights = DEFAULT_WEIGHTS) -> list[str]:
    """What makes a product demanding to oversee (brief, point 2): a long lead time, a
    high cost, an unstable API, scarce availability."""
    w = weights["impact"]
    traits = []
    if product.manufacturing_lead_time_days >= w["long_lead_time_days"]:
        traits.append(f"{product.manufacturing_lead_time_days}-day lead time")
    if product.unit_cost >= w["high_unit_cost"]:
        traits.append(f"unit cost {product.unit_cost:,.0f}")
    if product.api_stability == "unstable":
        traits.append("unstable API")
    if product.market_availability in ("limited", "single_source"):
        traits.append(f"{product.market_availability.replace('_', ' ')} availability")
    return traits


@dataclass(frozen=True)
class TierDecision:
    tier: str
    base_tier: str
    reasons: list[str]
    escalated: bool = False


def consecutive_red_quarters(statuses_by_period: Sequence[tuple[datetime.date, str]]) -> int:
    """How many quarters in a row, ending with the latest, the scorecard was red.
    `statuses_by_period`: (first day of quarter, status), any order."""
    count = 0
    expected = None
    for period, status in sorted(statuses_by_period, reverse=True):
        if expected is not None and period != expected:
            break
        if status != "red":
            break
        count += 1
        expected = _previous_quarter(period)
    return count


def _previous_quarter(start: datetime.date) -> datetime.date:
    if start.month == 1:
        return datetime.date(start.year - 1, 10, 1)
    return start.replace(month=start.month - 3)


def oversight_tier(
    worst_level: str | None,
    products: Iterable[ProductFacts],
    red_quarters: int = 0,
    weights: Weights = DEFAULT_WEIGHTS,
) -> TierDecision:
    """The tier of a CMO from its riskiest arrangement and the products it makes, raised
    by one when its scorecard has been red for two quarters in a row."""
    products = list(products)
    reasons: list[str] = []
    rank = LEVEL_RANK.get(worst_level or "", -1)
    complex_products = [(p, product_complexity(p, weights)) for p in products]
    if rank >= LEVEL_RANK["critical"]:
        tier = INTENSIVE
        reasons.append(f"{worst_level} risk arrangement")
    elif demanding := [(p, t) for p, t in complex_products if len(t) >= DEMANDING_TRAITS]:
        tier = INTENSIVE
        p, traits = demanding[0]
        reasons.append(f"{p.code} is demanding to oversee: {', '.join(traits)}")
    elif rank >= LEVEL_RANK["medium"]:
        tier = ACTIVE
        reasons.append(f"{worst_level} risk arrangement")
    elif critical := [p for p in products if p.patient_criticality in ("high", "critical")]:
        tier = ACTIVE
        reasons.append(
            f"{critical[0].code} has {critical[0].patient_criticality} patient criticality"
        )
    elif moving := [p for p in products if p.lifecycle_phase in ("launch", "tech_transfer")]:
        tier = ACTIVE
        reasons.append(f"{moving[0].code} is in {moving[0].lifecycle_phase.replace('_', ' ')}")
    elif some := [(p, t) for p, t in complex_products if t]:
        tier = ACTIVE
        reasons.append(f"{some[0][0].code}: {some[0][1][0]}")
    else:
        tier = MONITOR
        reasons.append(
            "low risk and readily available products" if products else "no supply arrangements"
        )
    base = tier
    escalated = red_quarters >= RED_QUARTERS_TO_ESCALATE
    if escalated:
        raised = TIERS[min(TIERS.index(tier) + 1, len(TIERS) - 1)]
        if raised != tier:
            reasons.append(
                f"red scorecard {red_quarters} quarters in a row: raised from "
                f"{TIER_LABELS[tier]} to {TIER_LABELS[raised]}"
            )
        else:
            reasons.append(f"red scorecard {red_quarters} quarters in a row")
        tier = raised
    return TierDecision(tier=tier, base_tier=base, reasons=reasons, escalated=escalated)


# --- Findings -------------------------------------------------------------------------------

SEVERITIES = ("critical", "high", "medium", "low")
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}  # 0 = most severe


@dataclass(frozen=True)
class Finding:
    """Something in the way a CMO is managed that does not match its tier, objective or
    supply chain, with where to fix it."""

    kind: str
    severity: str
    message: str
    fix_url: str
    key: str  # stable identity across recomputes: kind and the object concerned
    cmo_id: int
    product_id: int | None = None
    site_id: int | None = None
    stage_id: int | None = None


@dataclass(frozen=True)
class SiteAudit:
    site_id: int
    name: str
    overdue: str | None  # why the audit is overdue (see risk.audit_overdue)


@dataclass(frozen=True)
class StageLoad:
    stage_id: int
    product_id: int
    label: str  # "PRD-0001 · Fill / finish at Plant 3"
    utilisation: float | None
    is_bottleneck: bool = False


@dataclass(frozen=True)
class ExposedProduct:
    """A single-sourced, high-impact product with no qualified backup at a step."""

    product_id: int
    code: str
    stage_label: str
    impact: int


@dataclass
class CmoOversightFacts:
    """What the findings are drawn from, for one CMO."""

    cmo_id: int
    name: str
    tier: str
    sourcing_objective: str
    assigned: set[str] = field(default_factory=set)  # role fields that are filled in
    commercial_supply: bool = False  # makes a product in launch or commercial phase
    moving_to_commercial: bool = False  # launch / tech transfer, or a CMO still qualifying
    has_quality_agreement: bool = True
    cost_kpi_measured: bool = True
    exposed_products: list[ExposedProduct] = field(default_factory=list)
    sites: list[SiteAudit] = field(default_factory=list)
    stages: list[StageLoad] = field(default_factory=list)


@dataclass(frozen=True)
class FixUrls:
    """Where each kind of finding is fixed; built by the caller (URLs need the routes)."""

    cmo_edit: str
    measurement_add: str
    stage_add: str  # takes ?product=
    contract_add: str
    audit_add: str  # takes ?site=
    supply_chain: str  # "{product_id}" is replaced


def oversight_findings(
    facts: CmoOversightFacts, urls: FixUrls, utilisation_warning: float = 0.85
) -> list[Finding]:
    """The findings of one CMO, most severe first."""
    findings: list[Finding] = []
    cmo = facts.cmo_id

    def add(kind, severity, message, url, obj="", **ids):
        findings.append(Finding(kind, severity, message, url, f"{kind}:{cmo}:{obj}", cmo, **ids))

    tier_label = TIER_LABELS.get(facts.tier, facts.tier)
    for role in required_roles(facts.tier):
        if role not in facts.assigned:
            label = ROLE_LABELS[role]
            if facts.tier == MONITOR:
                label += " (business monitor)"
            severity = (
                "high" if facts.tier == INTENSIVE or role == "relationship_manager" else "medium"
            )
            add(
                "staffing_gap",
                severity,
                f"{tier_label} tier needs a {label}; none is assigned.",
                urls.cmo_edit,
                role,
            )

    if facts.sourcing_objective == "cost" and not facts.cost_kpi_measured:
        add(
            "objective_cost",
            "medium",
            "Outsourced to lower cost, but no cost KPI was measured in the last two quarters.",
            urls.measurement_add,
        )
    if facts.sourcing_objective == "risk":
        for product in facts.exposed_products:
            add(
                "objective_risk",
                "high",
                f"Outsourced to mitigate risk, but {product.code} (impact {product.impact}) is "
                f"single-sourced at {product.stage_label} with no qualified backup.",
                f"{urls.stage_add}?product={product.product_id}",
                f"{product.product_id}:{product.stage_label}",
                product_id=product.product_id,
            )

    if facts.commercial_supply and not facts.has_quality_agreement:
        add(
            "no_quality_agreement",
            "critical",
            "Commercial supply without a quality agreement in force.",
            f"{urls.contract_add}?cmo={cmo}&contract_type=quality",
        )

    for site in facts.sites:
        if site.overdue:
            add(
                "audit_overdue",
                "high",
                f"Audit of {site.name} overdue: {site.overdue}.",
                f"{urls.audit_add}?site={site.site_id}",
                site.site_id,
                site_id=site.site_id,
            )

    for stage in facts.stages:
        chain = urls.supply_chain.replace("{product_id}", str(stage.product_id))
        util = stage.utilisation
        if util is not None and util > utilisation_warning:
            add(
                "high_utilisation",
                "high" if util > 1 else "medium",
                f"{stage.label} runs at {util:.0%} of its capacity.",
                chain,
                stage.stage_id,
                product_id=stage.product_id,
                stage_id=stage.stage_id,
            )
        if stage.is_bottleneck:
            add(
                "bottleneck",
                "low",
                f"{stage.label} is the bottleneck of its supply chain.",
                chain,
                stage.stage_id,
                product_id=stage.product_id,
                stage_id=stage.stage_id,
            )

    if facts.moving_to_commercial:
        missing = [
            ROLE_LABELS[r]
            for r in ("relationship_manager", "strategic_sourcing_manager")
            if r not in facts.assigned
        ]
        if missing:
            add(
                "phase_roles",
                "high",
                "Moving to commercial or launch supply without a " + " and ".join(missing) + ".",
                urls.cmo_edit,
            )

    findings.sort(key=lambda f: (SEVERITY_RANK[f.severity], f.kind, f.key))
    return findings
