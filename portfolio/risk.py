"""The risk model: how likely a supply arrangement (a product's stage at a site) is to
fail, how much it would hurt, and the level that follows — each score with its reasons.

Pure functions over plain values; the weights and cut-offs are one dictionary,
`DEFAULT_WEIGHTS`, which an administrator overrides through `RiskSettings` (see
docs/risk.md). A score is `1 + the points of every factor that applies`, kept within
1–5, so each point is a sentence a reader can check.
"""

import copy
import datetime
import math
from collections.abc import Mapping
from dataclasses import dataclass

Weights = Mapping[str, object]

DEFAULT_WEIGHTS: dict[str, dict] = {
    "likelihood": {
        # The CMO's latest scorecard and its trend.
        "scorecard_red": 2,
        "scorecard_amber": 1,
        "scorecard_missing": 1,
        "score_drop_points": 10,  # a fall of at least this many points from last quarter…
        "score_drop": 1,  # …adds this
        # The site's regulatory state.
        "open_warning_letter": 2,
        "open_483": 1,
        "recent_findings_months": 12,
        "critical_finding": 2,
        "major_finding": 1,
        "audit_max_age_months": 24,
        "audit_overdue": 1,
        # Sourcing.
        # Single sourcing is common in pharma; it is counted, not treated as a crisis.
        "single_source": 1,  # the only site at its step: no alternative at all
        "no_qualified_backup": 0.5,  # other sites at the step, none qualified as backup
        # Capacity utilisation (annual demand × share ÷ capacity).
        "utilisation_warning": 0.85,
        "utilisation_warning_points": 1,
        "utilisation_over": 1.0,
        "utilisation_over_points": 2,
        # Contract gaps.
        "no_quality_agreement": 2,
        "no_supply_agreement": 1,  # only for commercial or launch supply
    },
    "impact": {
        "criticality": {"low": 0, "medium": 1, "high": 2, "critical": 3},
        # Patient criticality leads; the product's other traits add half points so that a
        # product with several of them does not sit at 5 with the truly critical ones.
        "long_lead_time_days": 120,
        "long_lead_time": 0.5,
        "high_unit_cost": 1000,
        "high_unit_cost_points": 0.5,
        "stability": {"stable": 0, "moderate": 0, "unstable": 1},
        "availability": {"readily_available": 0, "limited": 0.5, "single_source": 1},
        "phase": {
            "clinical": 0,
            "tech_transfer": 1,
            "launch": 1,
            "commercial": 0,
            "discontinued": -1,
        },
    },
    # Lowest likelihood × impact of each level; below "medium" is low.
    "levels": {"critical": 16, "high": 10, "medium": 5},
}

LEVELS = ("low", "medium", "high", "critical")
LEVEL_RANK = {level: i for i, level in enumerate(LEVELS)}
COMMERCIAL_PHASES = ("launch", "commercial")


def merged_weights(overrides: Mapping | None) -> dict:
    """`DEFAULT_WEIGHTS` with `overrides` laid over it, key by key."""
    weights = copy.deepcopy(DEFAULT_WEIGHTS)

    def lay(target: dict, source: Mapping) -> None:
        for key, value in source.items():
            if isinstance(value, Mapping) and isinstance(target.get(key), dict):
                lay(target[key], value)
            else:
                target[key] = value

    lay(weights, overrides or {})
    return weights


def unknown_keys(overrides: Mapping, base: Mapping = DEFAULT_WEIGHTS, prefix: str = "") -> list:
    """The keys of `overrides` that the risk model does not know (typos in the admin)."""
    wrong = []
    for key, value in overrides.items():
        if key not in base:
            wrong.append(f"{prefix}{key}")
        elif isinstance(base[key], Mapping):
            if not isinstance(value, Mapping):
                wrong.append(f"{prefix}{key}")
            else:
                wrong += unknown_keys(value, base[key], f"{prefix}{key}.")
        elif not isinstance(value, int | float) or isinstance(value, bool):
            wrong.append(f"{prefix}{key}")
    return wrong


def _clamp(points: float) -> int:
    # Half points round up (Python's round() would send 2.5 to 2).
    return max(1, min(5, math.floor(1 + points + 0.5)))


def _plus(points: float) -> str:
    return f"+{points:g}" if points >= 0 else f"{points:g}"


# --- Likelihood -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ArrangementFacts:
    """What is known about one supply arrangement, for its likelihood of failing."""

    stage_label: str  # "stage 2 (Fill / finish)"
    site_name: str
    scorecard_status: str | None = None  # green / amber / red / none; None: no scorecard
    scorecard_period: str = ""  # "2025 Q3"
    scorecard_delta: float | None = None
    open_483: bool = False
    open_warning_letter: bool = False
    recent_critical_findings: int = 0
    recent_major_findings: int = 0
    last_audit: datetime.date | None = None
    next_audit_due: datetime.date | None = None
    sites_at_step: int = 1
    has_qualified_backup: bool = False
    utilisation: float | None = None
    has_quality_agreement: bool = True
    has_supply_agreement: bool = True
    commercial_supply: bool = False
    today: datetime.date | None = None


def audit_overdue(
    last_audit: datetime.date | None,
    next_due: datetime.date | None,
    today: datetime.date,
    max_age_months: int = 24,
) -> str | None:
    """Why the site's audit is overdue, or None when it is not."""
    if last_audit is None:
        return "never audited"
    if next_due is not None and next_due < today:
        return f"audit due since {next_due:%d %b %Y}"
    if (today - last_audit).days > max_age_months * 365 / 12:
        return f"no audit in {max_age_months} months (last {last_audit:%d %b %Y})"
    return None


def likelihood(facts: ArrangementFacts, weights: Weights = DEFAULT_WEIGHTS) -> tuple[int, list]:
    """How likely the arrangement is to fail, 1–5, and why."""
    w = weights["likelihood"]
    today = facts.today or datetime.date.today()
    factors: list[tuple[float, str]] = []

    status = facts.scorecard_status
    period = f" ({facts.scorecard_period})" if facts.scorecard_period else ""
    if status == "red":
        factors.append((w["scorecard_red"], f"red scorecard{period}"))
    elif status == "amber":
        factors.append((w["scorecard_amber"], f"amber scorecard{period}"))
    elif status in (None, "none"):
        factors.append((w["scorecard_missing"], "no scored scorecard yet"))
    if facts.scorecard_delta is not None and facts.scorecard_delta <= -w["score_drop_points"]:
        factors.append(
            (w["score_drop"], f"score fell {-facts.scorecard_delta:.0f} points from last quarter")
        )

    if facts.open_warning_letter:
        factors.append((w["open_warning_letter"], f"open warning letter at {facts.site_name}"))
    if facts.open_483:
        factors.append((w["open_483"], f"open FDA 483 at {facts.site_name}"))
    months = w["recent_findings_months"]
    if facts.recent_critical_findings:
        factors.append(
            (
                w["critical_finding"],
                f"{facts.recent_critical_findings} critical audit finding(s) at "
                f"{facts.site_name} in {months} months",
            )
        )
    if facts.recent_major_findings:
        factors.append(
            (
                w["major_finding"],
                f"{facts.recent_major_findings} major audit finding(s) at "
                f"{facts.site_name} in {months} months",
            )
        )
    overdue = audit_overdue(
        facts.last_audit, facts.next_audit_due, today, w["audit_max_age_months"]
    )
    if overdue:
        factors.append((w["audit_overdue"], f"{facts.site_name}: {overdue}"))

    if facts.sites_at_step <= 1:
        factors.append(
            (w["single_source"], f"single source at {facts.stage_label}, no qualified backup")
        )
    elif not facts.has_qualified_backup:
        factors.append(
            (
                w["no_qualified_backup"],
                f"{facts.sites_at_step} sites at {facts.stage_label}, none a qualified backup",
            )
        )

    if facts.utilisation is not None:
        pct = f"{facts.utilisation:.0%}"
        if facts.utilisation > w["utilisation_over"]:
            factors.append(
                (
                    w["utilisation_over_points"],
                    f"over capacity: {pct} utilisation at {facts.stage_label}",
                )
            )
        elif facts.utilisation > w["utilisation_warning"]:
            factors.append(
                (w["utilisation_warning_points"], f"{pct} utilisation at {facts.stage_label}")
            )

    if not facts.has_quality_agreement:
        factors.append((w["no_quality_agreement"], "no quality agreement in force"))
    if facts.commercial_supply and not facts.has_supply_agreement:
        factors.append(
            (w["no_supply_agreement"], "commercial supply without a supply agreement in force")
        )

    return _score(factors, "no likelihood factor found")


# --- Impact ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductFacts:
    """The attributes of a product that decide how much a supply failure would hurt."""

    code: str
    patient_criticality: str = "medium"
    manufacturing_lead_time_days: int = 30
    unit_cost: float = 0
    api_stability: str = "stable"
    market_availability: str = "readily_available"
    lifecycle_phase: str = "commercial"


def impact(product: ProductFacts, weights: Weights = DEFAULT_WEIGHTS) -> tuple[int, list]:
    """How much a failure to supply `product` would hurt, 1–5, and why."""
    w = weights["impact"]
    factors: list[tuple[float, str]] = []
    points = w["criticality"].get(product.patient_criticality, 0)
    if points:
        factors.append((points, f"{product.patient_criticality} patient criticality"))
    if product.manufacturing_lead_time_days >= w["long_lead_time_days"]:
        factors.append(
            (w["long_lead_time"], f"lead time {product.manufacturing_lead_time_days} days")
        )
    if product.unit_cost >= w["high_unit_cost"]:
        factors.append((w["high_unit_cost_points"], f"unit cost {product.unit_cost:,.0f}"))
    points = w["stability"].get(product.api_stability, 0)
    if points:
        factors.append((points, f"{product.api_stability} API"))
    points = w["availability"].get(product.market_availability, 0)
    if points:
        label = product.market_availability.replace("_", " ")
        factors.append((points, f"market availability: {label}"))
    points = w["phase"].get(product.lifecycle_phase, 0)
    if points:
        factors.append((points, f"{product.lifecycle_phase.replace('_', ' ')} phase"))
    return _score(factors, "no impact factor found")


def _score(factors: list[tuple[float, str]], nothing: str) -> tuple[int, list]:
    total = sum(points for points, _ in factors)
    reasons = [f"{text} ({_plus(points)})" for points, text in factors if points] or [nothing]
    return _clamp(total), reasons


# --- Level ----------------------------------------------------------------------------------


def level(likelihood_score: int, impact_score: int, weights: Weights = DEFAULT_WEIGHTS) -> str:
    """The level of likelihood × impact: low, medium, high or critical."""
    score = likelihood_score * impact_score
    cut = weights["levels"]
    for name in ("critical", "high", "medium"):
        if score >= cut[name]:
            return name
    return "low"
