"""Combining the stakeholders' ratings of a CMO.

Each rater's five ratings (1–5) make one weighted total; the raters are combined by the
median of their totals, so that a single outlier does not swing the result.
"""

from statistics import median

from reviews.models import DIMENSIONS

# Relative weight of each dimension in a rater's total. Quality and delivery reach the
# patient; cost, responsiveness and the partnership matter, but less.
WEIGHTS: dict[str, float] = {
    "quality": 30,
    "delivery": 25,
    "cost": 15,
    "responsiveness": 15,
    "partnership": 15,
}
assert set(WEIGHTS) == set(DIMENSIONS)


def weighted_total(ratings: dict[str, int | None]) -> float | None:
    """The weighted mean (1–5) of one rater's ratings; dimensions left blank do not count.
    None when nothing was rated."""
    rated = {d: r for d, r in ratings.items() if d in WEIGHTS and r is not None}
    weight = sum(WEIGHTS[d] for d in rated)
    if not weight:
        return None
    return round(sum(WEIGHTS[d] * r for d, r in rated.items()) / weight, 2)


def ratings_combine(raters: list[dict[str, int | None]]) -> float | None:
    """The median of the raters' weighted totals; None when nobody has answered."""
    totals = [t for t in (weighted_total(r) for r in raters) if t is not None]
    return round(median(totals), 2) if totals else None


def dimension_medians(raters: list[dict[str, int | None]]) -> dict[str, float | None]:
    """The median rating of each dimension, for the table on the review."""
    result = {}
    for d in DIMENSIONS:
        values = [r[d] for r in raters if r.get(d) is not None]
        result[d] = median(values) if values else None
    return result
