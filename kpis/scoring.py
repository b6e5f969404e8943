"""The scoring rules of a scorecard, as plain functions (see docs/scoring.md).

Each KPI value is scored 0–100 against its target and its amber and red thresholds; the
scores of the measured KPIs are weighted into the overall score; a KPI without a value is
*not measured* and lowers completeness instead of the score. The scalar functions state
the rules; `kpi_scores` applies the same rule to whole columns for the bulk recompute and
is tested against the scalar one.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

HIGHER = "higher"
LOWER = "lower"

# Score at the target, at the amber threshold and at the red threshold. Below the red
# threshold the score falls on to 0 over one more (amber − red) width.
AT_TARGET = 100.0
AT_AMBER = 75.0
AT_RED = 50.0

# Status bands over the 0–100 score, each with both bounds stated. A value exactly at a
# threshold takes that threshold's colour; a perfect 100 is green.
GREEN = "green"
AMBER = "amber"
RED = "red"
NONE = "none"
BANDS: tuple[tuple[str, float, float, bool], ...] = (
    # status, lowest, highest, lowest included
    (GREEN, AT_AMBER, 100.0, False),  # 75 < score ≤ 100
    (AMBER, AT_RED, AT_AMBER, False),  # 50 < score ≤ 75
    (RED, 0.0, AT_RED, True),  # 0 ≤ score ≤ 50
)

FORMULA_SUMMARY = (
    "Each KPI scores 100 at or beyond its target, 75 at its amber threshold and 50 at its "
    "red threshold, linearly in between; beyond the red threshold the score falls to 0 "
    "over one more amber-to-red width. The overall score is the weighted mean of the "
    "measured KPIs' scores. Green: above 75 up to 100; amber: above 50 up to 75; red: 0 "
    "to 50. A KPI without a value is not measured: it is left out of the score and lowers "
    "completeness, the share of the weight that was measured."
)


def kpi_score(
    value: float | None, target: float, amber: float, red: float, direction: str
) -> float | None:
    """The 0–100 score of one KPI value; None when the KPI was not measured."""
    if value is None:
        return None
    if direction == LOWER:
        # Lower is better: mirror everything so that higher is better.
        value, target, amber, red = -value, -target, -amber, -red
    if value >= target:
        return AT_TARGET
    if value >= amber:
        return AT_AMBER + (AT_TARGET - AT_AMBER) * (value - amber) / (target - amber)
    if value >= red:
        return AT_RED + (AT_AMBER - AT_RED) * (value - red) / (amber - red)
    width = amber - red or target - red
    if width <= 0:
        return 0.0
    return max(0.0, AT_RED - AT_RED * (red - value) / width)


def kpi_scores(
    value: np.ndarray,
    target: np.ndarray,
    amber: np.ndarray,
    red: np.ndarray,
    lower_is_better: np.ndarray,
) -> np.ndarray:
    """`kpi_score` over whole columns (NaN for not measured)."""
    sign = np.where(lower_is_better, -1.0, 1.0)
    v, t, a, r = value * sign, target * sign, amber * sign, red * sign
    with np.errstate(divide="ignore", invalid="ignore"):
        upper = AT_AMBER + (AT_TARGET - AT_AMBER) * (v - a) / (t - a)
        middle = AT_RED + (AT_AMBER - AT_RED) * (v - r) / (a - r)
        width = np.where(a - r > 0, a - r, t - r)
        below = np.where(width > 0, np.maximum(0.0, AT_RED - AT_RED * (r - v) / width), 0.0)
    score = np.select([v >= t, v >= a, v >= r], [AT_TARGET, upper, middle], below)
    return np.where(np.isnan(v), np.nan, score)


def status_for(score: float | None) -> str:
    """The red/amber/green status of a score (of one KPI or overall)."""
    if score is None or score != score:  # None or NaN: not scored
        return NONE
    for status, lowest, highest, lowest_included in BANDS:
        above_lowest = score >= lowest if lowest_included else score > lowest
        if above_lowest and score <= highest:
            return status
    raise ValueError(f"A score lies between 0 and 100, not {score}.")


def statuses_for(scores: np.ndarray) -> np.ndarray:
    """`status_for` over a column."""
    return np.select(
        [np.isnan(scores), scores > AT_AMBER, scores > AT_RED], [NONE, GREEN, AMBER], RED
    )


@dataclass(frozen=True)
class Overall:
    score: float | None
    completeness: float | None
    measured: int
    applicable: int


def overall(lines: Iterable[tuple[float | None, float]]) -> Overall:
    """The weighted overall score and completeness of (KPI score, weight) pairs, one per
    KPI that applies. Not measured KPIs (score None) are left out of the score and count
    against completeness; KPIs weighted 0 count for neither."""
    lines = list(lines)
    total = sum(weight for _, weight in lines)
    measured = [(score, weight) for score, weight in lines if score is not None]
    measured_weight = sum(weight for _, weight in measured)
    score = (
        sum(score * weight for score, weight in measured) / measured_weight
        if measured_weight > 0
        else None
    )
    return Overall(
        score=score,
        completeness=100.0 * measured_weight / total if total > 0 else None,
        measured=len(measured),
        applicable=len(lines),
    )


def normalised_weights(weights: Sequence[float]) -> tuple[list[float], bool]:
    """Weights scaled to sum to 100, and whether they had to be (they did not already)."""
    total = sum(weights)
    if total <= 0:
        return [0.0 for _ in weights], bool(weights)
    scaled = [100.0 * w / total for w in weights]
    return scaled, abs(total - 100.0) > 1e-9


def quarter_value(values: Iterable[tuple[int | None, float]], rollup: str) -> float | None:
    """The value of a quarter from its (month, value) pairs — monthly values, or values
    of several sites or products — by the KPI's roll-up rule: "mean", "sum" or "last"
    (the values of the latest month, averaged; a value for the whole quarter counts as
    its last month). None when there are no values."""
    pairs = [(month if month is not None else 99, value) for month, value in values]
    if not pairs:
        return None
    if rollup == "sum":
        return float(sum(value for _, value in pairs))
    if rollup == "last":
        latest = max(month for month, _ in pairs)
        pairs = [(month, value) for month, value in pairs if month == latest]
    if rollup in ("mean", "last"):
        return float(sum(value for _, value in pairs) / len(pairs))
    raise ValueError(f"Unknown roll-up rule “{rollup}”.")
