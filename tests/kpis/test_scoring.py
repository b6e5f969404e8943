"""The scoring rules at their edges, without a request or a database."""

import numpy as np
import pytest

from kpis import scoring
from kpis.periods import parse_period, previous_quarter, quarter_label

# OTIF-like (higher is better): target 95, amber 90, red 85.
# Cycle-time-like (lower is better): target 30, amber 40, red 50.
CASES = [
    # value, target, amber, red, direction, score
    (100, 95, 90, 85, "higher", 100.0),  # beyond target
    (95, 95, 90, 85, "higher", 100.0),  # exactly at target
    (92.5, 95, 90, 85, "higher", 87.5),  # halfway target–amber
    (90, 95, 90, 85, "higher", 75.0),  # exactly at amber threshold
    (87.5, 95, 90, 85, "higher", 62.5),  # halfway amber–red
    (85, 95, 90, 85, "higher", 50.0),  # exactly at red threshold
    (82.5, 95, 90, 85, "higher", 25.0),  # half a band beyond red
    (80, 95, 90, 85, "higher", 0.0),  # one band beyond red
    (0, 95, 90, 85, "higher", 0.0),  # far beyond red: never negative
    (20, 30, 40, 50, "lower", 100.0),  # beyond target
    (30, 30, 40, 50, "lower", 100.0),  # exactly at target
    (35, 30, 40, 50, "lower", 87.5),
    (40, 30, 40, 50, "lower", 75.0),  # exactly at amber threshold
    (50, 30, 40, 50, "lower", 50.0),  # exactly at red threshold
    (55, 30, 40, 50, "lower", 25.0),
    (90, 30, 40, 50, "lower", 0.0),
    (0, 0, 1, 3, "lower", 100.0),  # zero findings against a target of zero
    (2, 0, 1, 3, "lower", 62.5),
    (3, 0, 1, 3, "lower", 50.0),
    (95, 95, 95, 85, "higher", 100.0),  # no amber band: target = amber
    (90, 95, 95, 85, "higher", 62.5),
    (84, 95, 90, 90, "higher", 0.0),  # no red band: amber = red, falls over target–red
    (92.5, 95, 90, 90, "higher", 87.5),
    (94, 95, 95, 95, "higher", 0.0),  # all equal: a step
    (95, 95, 95, 95, "higher", 100.0),
]


@pytest.mark.parametrize(("value", "target", "amber", "red", "direction", "expected"), CASES)
def test_kpi_score_at_the_edges(value, target, amber, red, direction, expected):
    assert scoring.kpi_score(value, target, amber, red, direction) == pytest.approx(expected)


def test_column_scores_match_the_scalar_rule():
    columns = np.array([(v, t, a, r) for v, t, a, r, *_ in CASES], dtype=float).T
    lower = np.array([d == "lower" for *_, d, _ in CASES])
    scores = scoring.kpi_scores(*columns, lower)
    assert scores == pytest.approx([expected for *_, expected in CASES])


def test_missing_value_is_not_scored():
    assert scoring.kpi_score(None, 95, 90, 85, "higher") is None
    scores = scoring.kpi_scores(
        np.array([np.nan]), np.array([95.0]), np.array([90.0]), np.array([85.0]), np.array([0])
    )
    assert np.isnan(scores[0])


@pytest.mark.parametrize(
    ("score", "status"),
    [
        (100.0, "green"),  # a perfect score has a status
        (75.01, "green"),
        (75.0, "amber"),  # exactly at the amber threshold: amber
        (50.01, "amber"),
        (50.0, "red"),  # exactly at the red threshold: red
        (0.0, "red"),
        (None, "none"),
        (float("nan"), "none"),
    ],
)
def test_status_bands_are_inclusive(score, status):
    assert scoring.status_for(score) == status
    if score is not None:
        assert scoring.statuses_for(np.array([score]))[0] == status


def test_status_outside_range_is_an_error():
    with pytest.raises(ValueError):
        scoring.status_for(101)


def test_missing_kpi_lowers_completeness_not_score():
    result = scoring.overall([(80.0, 50), (None, 50)])
    assert result.score == 80.0
    assert result.completeness == 50.0
    assert (result.measured, result.applicable) == (1, 2)


def test_weighted_overall_score():
    assert scoring.overall([(100.0, 30), (50.0, 10)]).score == pytest.approx(87.5)


def test_zero_weight_kpi_counts_for_neither_score_nor_completeness():
    result = scoring.overall([(100.0, 10), (0.0, 0), (None, 0)])
    assert result.score == 100.0
    assert result.completeness == 100.0


def test_all_weights_zero_gives_no_score():
    result = scoring.overall([(100.0, 0), (40.0, 0)])
    assert result.score is None
    assert result.completeness is None


def test_nothing_measured_gives_no_score():
    result = scoring.overall([(None, 50), (None, 50)])
    assert result.score is None
    assert result.completeness == 0.0


@pytest.mark.parametrize(
    ("weights", "expected", "normalised"),
    [
        ([50, 50], [50.0, 50.0], False),
        ([10, 10, 20], [25.0, 25.0, 50.0], True),
        ([0, 0], [0.0, 0.0], True),
        ([], [], False),
    ],
)
def test_weights_are_normalised_to_100(weights, expected, normalised):
    assert scoring.normalised_weights(weights) == (expected, normalised)


@pytest.mark.parametrize(
    ("values", "rollup", "expected"),
    [
        ([(7, 90.0), (8, 95.0), (9, 100.0)], "mean", 95.0),
        ([(7, 1.0), (8, 0.0), (9, 2.0)], "sum", 3.0),
        ([(7, 1.0), (9, 2.0), (8, 5.0)], "last", 2.0),
        ([(9, 2.0), (9, 4.0), (8, 9.0)], "last", 3.0),  # two sites in the last month
        ([(None, 7.0), (9, 2.0)], "last", 7.0),  # a whole-quarter value is the last
        ([], "mean", None),
    ],
)
def test_monthly_values_roll_up_into_their_quarter(values, rollup, expected):
    assert scoring.quarter_value(values, rollup) == expected


@pytest.mark.parametrize(
    ("text", "quarter", "month"),
    [("2025Q3", "2025 Q3", None), ("2025 q1", "2025 Q1", None), ("2025-08", "2025 Q3", 8)],
)
def test_periods_parse(text, quarter, month):
    start, parsed_month = parse_period(text)
    assert (quarter_label(start), parsed_month) == (quarter, month)


@pytest.mark.parametrize("text", ["2025Q5", "2025-13", "Q3 2025", ""])
def test_bad_periods_are_refused(text):
    with pytest.raises(ValueError):
        parse_period(text)


def test_previous_quarter_crosses_the_year():
    start, _ = parse_period("2025Q1")
    assert quarter_label(previous_quarter(start)) == "2024 Q4"
