"""The risk model's rules, table-driven, without a database: each case checks the score
and the reasons given for it."""

import datetime

import pytest

from portfolio import risk
from portfolio.risk import ArrangementFacts, ProductFacts

TODAY = datetime.date(2025, 8, 15)
RECENT = TODAY - datetime.timedelta(days=200)
CLEAN = {
    "stage_label": "stage 4 (Fill / finish)",
    "site_name": "Plant A",
    "scorecard_status": "green",
    "scorecard_period": "2025 Q2",
    "last_audit": RECENT,
    "next_audit_due": RECENT + datetime.timedelta(days=730),
    "sites_at_step": 2,
    "has_qualified_backup": True,
    "utilisation": 0.5,
    "today": TODAY,
}


def arrangement(**changes) -> ArrangementFacts:
    return ArrangementFacts(**{**CLEAN, **changes})


@pytest.mark.parametrize(
    "changes, expected, reasons",
    [
        ({}, 1, ["no likelihood factor found"]),
        ({"scorecard_status": "red"}, 3, ["red scorecard (2025 Q2) (+2)"]),
        ({"scorecard_status": "amber"}, 2, ["amber scorecard (2025 Q2) (+1)"]),
        ({"scorecard_status": None}, 2, ["no scored scorecard yet (+1)"]),
        ({"scorecard_status": "none"}, 2, ["no scored scorecard yet (+1)"]),
        ({"scorecard_delta": -12.0}, 2, ["score fell 12 points from last quarter (+1)"]),
        ({"scorecard_delta": -9.0}, 1, ["no likelihood factor found"]),
        ({"open_warning_letter": True}, 3, ["open warning letter at Plant A (+2)"]),
        ({"open_483": True}, 2, ["open FDA 483 at Plant A (+1)"]),
        (
            {"recent_critical_findings": 1},
            3,
            ["1 critical audit finding(s) at Plant A in 12 months (+2)"],
        ),
        (
            {"recent_major_findings": 2},
            2,
            ["2 major audit finding(s) at Plant A in 12 months (+1)"],
        ),
        ({"last_audit": None, "next_audit_due": None}, 2, ["Plant A: never audited (+1)"]),
        (
            {"next_audit_due": TODAY - datetime.timedelta(days=1)},
            2,
            ["Plant A: audit due since 14 Aug 2025 (+1)"],
        ),
        (
            {"last_audit": datetime.date(2023, 6, 1), "next_audit_due": None},
            2,
            ["Plant A: no audit in 24 months (last 01 Jun 2023) (+1)"],
        ),
        (
            {"sites_at_step": 1, "has_qualified_backup": False},
            2,
            ["single source at stage 4 (Fill / finish), no qualified backup (+1)"],
        ),
        (
            {"has_qualified_backup": False},
            2,
            ["2 sites at stage 4 (Fill / finish), none a qualified backup (+0.5)"],
        ),
        ({"utilisation": 0.85}, 1, ["no likelihood factor found"]),
        ({"utilisation": 0.9}, 2, ["90% utilisation at stage 4 (Fill / finish) (+1)"]),
        (
            {"utilisation": 1.2},
            3,
            ["over capacity: 120% utilisation at stage 4 (Fill / finish) (+2)"],
        ),
        ({"has_quality_agreement": False}, 3, ["no quality agreement in force (+2)"]),
        ({"has_supply_agreement": False}, 1, ["no likelihood factor found"]),
        (
            {"has_supply_agreement": False, "commercial_supply": True},
            2,
            ["commercial supply without a supply agreement in force (+1)"],
        ),
    ],
)
def test_likelihood_factor(changes, expected, reasons):
    assert risk.likelihood(arrangement(**changes)) == (expected, reasons)


def test_likelihood_adds_factors_and_caps_at_five():
    score, reasons = risk.likelihood(
        arrangement(
            scorecard_status="red",
            open_warning_letter=True,
            sites_at_step=1,
            has_qualified_backup=False,
        )
    )
    assert score == 5
    assert reasons == [
        "red scorecard (2025 Q2) (+2)",
        "open warning letter at Plant A (+2)",
        "single source at stage 4 (Fill / finish), no qualified backup (+1)",
    ]


def test_likelihood_follows_edited_weights():
    weights = risk.merged_weights({"likelihood": {"open_483": 3}})
    assert risk.likelihood(arrangement(open_483=True), weights) == (
        4,
        ["open FDA 483 at Plant A (+3)"],
    )


PLAIN = {
    "code": "PRD-1",
    "patient_criticality": "low",
    "manufacturing_lead_time_days": 30,
    "unit_cost": 10,
    "api_stability": "stable",
    "market_availability": "readily_available",
    "lifecycle_phase": "commercial",
}


@pytest.mark.parametrize(
    "changes, expected, reasons",
    [
        ({}, 1, ["no impact factor found"]),
        ({"patient_criticality": "medium"}, 2, ["medium patient criticality (+1)"]),
        ({"patient_criticality": "high"}, 3, ["high patient criticality (+2)"]),
        ({"patient_criticality": "critical"}, 4, ["critical patient criticality (+3)"]),
        ({"manufacturing_lead_time_days": 180}, 2, ["lead time 180 days (+0.5)"]),
        ({"manufacturing_lead_time_days": 119}, 1, ["no impact factor found"]),
        ({"unit_cost": 2500}, 2, ["unit cost 2,500 (+0.5)"]),
        ({"api_stability": "unstable"}, 2, ["unstable API (+1)"]),
        ({"api_stability": "moderate"}, 1, ["no impact factor found"]),
        ({"market_availability": "limited"}, 2, ["market availability: limited (+0.5)"]),
        ({"market_availability": "single_source"}, 2, ["market availability: single source (+1)"]),
        (
            {"manufacturing_lead_time_days": 180, "unit_cost": 2500},
            2,
            ["lead time 180 days (+0.5)", "unit cost 2,500 (+0.5)"],
        ),
        (
            {
                "manufacturing_lead_time_days": 180,
                "unit_cost": 2500,
                "market_availability": "limited",
            },
            3,  # 2.5 rounds up
            [
                "lead time 180 days (+0.5)",
                "unit cost 2,500 (+0.5)",
                "market availability: limited (+0.5)",
            ],
        ),
        ({"lifecycle_phase": "launch"}, 2, ["launch phase (+1)"]),
        ({"lifecycle_phase": "tech_transfer"}, 2, ["tech transfer phase (+1)"]),
        ({"lifecycle_phase": "clinical"}, 1, ["no impact factor found"]),
        (
            {"lifecycle_phase": "discontinued", "patient_criticality": "high"},
            2,
            ["high patient criticality (+2)", "discontinued phase (-1)"],
        ),
        (
            {
                "patient_criticality": "critical",
                "manufacturing_lead_time_days": 240,
                "api_stability": "unstable",
            },
            5,
            [
                "critical patient criticality (+3)",
                "lead time 240 days (+0.5)",
                "unstable API (+1)",
            ],
        ),
    ],
)
def test_impact_factor(changes, expected, reasons):
    assert risk.impact(ProductFacts(**{**PLAIN, **changes})) == (expected, reasons)


@pytest.mark.parametrize(
    "likelihood, impact, expected",
    [
        (1, 1, "low"),
        (2, 2, "low"),
        (1, 5, "medium"),
        (3, 3, "medium"),
        (2, 5, "high"),
        (4, 3, "high"),
        (3, 5, "high"),
        (4, 4, "critical"),
        (5, 5, "critical"),
    ],
)
def test_level_of_likelihood_times_impact(likelihood, impact, expected):
    assert risk.level(likelihood, impact) == expected


def test_unknown_override_keys_are_named():
    assert risk.unknown_keys({"likelihood": {"single_sorce": 2, "open_483": "x"}}) == [
        "likelihood.single_sorce",
        "likelihood.open_483",
    ]
    assert risk.unknown_keys({"levels": {"high": 12}}) == []
