"""Oversight tiers, roles, cadences and findings, table-driven without a database; each
case checks the reasons or message given."""

import datetime

import pytest

from portfolio import oversight
from portfolio.oversight import (
    CmoOversightFacts,
    ExposedProduct,
    FixUrls,
    SiteAudit,
    StageLoad,
)
from portfolio.risk import ProductFacts

COMMON = ProductFacts(code="COMMON", patient_criticality="low")
CRITICAL = ProductFacts(code="LIFE", patient_criticality="critical")
LAUNCHING = ProductFacts(code="NEW", patient_criticality="low", lifecycle_phase="launch")
DEMANDING = ProductFacts(
    code="HARD",
    patient_criticality="low",
    manufacturing_lead_time_days=180,
    unit_cost=2500,
    api_stability="unstable",
)
TWO_TRAITS = ProductFacts(
    code="TWO", patient_criticality="low", manufacturing_lead_time_days=180, unit_cost=2500
)
SLOW = ProductFacts(code="SLOW", patient_criticality="low", manufacturing_lead_time_days=200)


@pytest.mark.parametrize(
    "worst_level, products, red, tier, reasons",
    [
        ("critical", [COMMON], 0, "intensive", ["critical risk arrangement"]),
        ("high", [COMMON], 0, "active", ["high risk arrangement"]),
        (
            "low",
            [DEMANDING],
            0,
            "intensive",
            ["HARD is demanding to oversee: 180-day lead time, unit cost 2,500, unstable API"],
        ),
        ("low", [TWO_TRAITS], 0, "active", ["TWO: 180-day lead time"]),
        ("medium", [COMMON], 0, "active", ["medium risk arrangement"]),
        ("low", [CRITICAL], 0, "active", ["LIFE has critical patient criticality"]),
        ("low", [LAUNCHING], 0, "active", ["NEW is in launch"]),
        ("low", [SLOW], 0, "active", ["SLOW: 200-day lead time"]),
        ("low", [COMMON], 0, "monitor", ["low risk and readily available products"]),
        (None, [], 0, "monitor", ["no supply arrangements"]),
        ("low", [COMMON], 1, "monitor", ["low risk and readily available products"]),
        (
            "low",
            [COMMON],
            2,
            "active",
            [
                "low risk and readily available products",
                "red scorecard 2 quarters in a row: raised from Monitor to Active",
            ],
        ),
        (
            "medium",
            [COMMON],
            3,
            "intensive",
            [
                "medium risk arrangement",
                "red scorecard 3 quarters in a row: raised from Active to Intensive",
            ],
        ),
        (
            "high",
            [COMMON],
            2,
            "intensive",
            [
                "high risk arrangement",
                "red scorecard 2 quarters in a row: raised from Active to Intensive",
            ],
        ),
        (
            "critical",
            [COMMON],
            2,
            "intensive",
            ["critical risk arrangement", "red scorecard 2 quarters in a row"],
        ),
    ],
)
def test_tier(worst_level, products, red, tier, reasons):
    decision = oversight.oversight_tier(worst_level, products, red)
    assert decision.tier == tier
    assert decision.reasons == reasons
    assert decision.escalated == (red >= 2)


@pytest.mark.parametrize(
    "tier, roles, cadence",
    [
        ("intensive", ("relationship_manager", "technical_expert", "quality_contact"), "monthly"),
        ("active", ("relationship_manager", "quality_contact"), "quarterly"),
        ("monitor", ("relationship_manager",), "semiannual"),
    ],
)
def test_tier_states_roles_and_cadence(tier, roles, cadence):
    assert oversight.required_roles(tier) == roles
    assert oversight.review_cadence(tier) == cadence


Q = datetime.date


@pytest.mark.parametrize(
    "history, expected",
    [
        ([], 0),
        ([(Q(2025, 4, 1), "red")], 1),
        ([(Q(2025, 1, 1), "red"), (Q(2025, 4, 1), "red")], 2),
        ([(Q(2024, 10, 1), "red"), (Q(2025, 1, 1), "red")], 2),  # across the year end
        ([(Q(2025, 1, 1), "red"), (Q(2025, 4, 1), "amber")], 0),  # the latest is not red
        ([(Q(2024, 10, 1), "red"), (Q(2025, 4, 1), "red")], 1),  # a quarter is missing
        ([(Q(2024, 10, 1), "red"), (Q(2025, 1, 1), "green"), (Q(2025, 4, 1), "red")], 1),
    ],
)
def test_consecutive_red_quarters(history, expected):
    assert oversight.consecutive_red_quarters(history) == expected


URLS = FixUrls(
    cmo_edit="/cmo/7/edit/",
    measurement_add="/kpis/measurements/add/?cmo=7",
    stage_add="/stages/add/",
    contract_add="/contracts/add/",
    audit_add="/audits/add/",
    supply_chain="/portfolio/products/{product_id}/supply-chain/",
)
ALL_ROLES = {
    "relationship_manager",
    "technical_expert",
    "quality_contact",
    "strategic_sourcing_manager",
}


def facts(**changes) -> CmoOversightFacts:
    base = {
        "cmo_id": 7,
        "name": "Acme",
        "tier": "monitor",
        "sourcing_objective": "capacity",
        "assigned": set(ALL_ROLES),
    }
    return CmoOversightFacts(**{**base, **changes})


def summary(findings):
    return [(f.kind, f.severity, f.message, f.fix_url) for f in findings]


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({}, []),
        (
            {"tier": "intensive", "assigned": {"relationship_manager", "quality_contact"}},
            [
                (
                    "staffing_gap",
                    "high",
                    "Intensive tier needs a technical / process expert; none is assigned.",
                    "/cmo/7/edit/",
                )
            ],
        ),
        (
            {"tier": "active", "assigned": {"relationship_manager"}},
            [
                (
                    "staffing_gap",
                    "medium",
                    "Active tier needs a quality contact; none is assigned.",
                    "/cmo/7/edit/",
                )
            ],
        ),
        (
            {"tier": "monitor", "assigned": set()},
            [
                (
                    "staffing_gap",
                    "high",
                    "Monitor tier needs a relationship manager (business monitor); none is "
                    "assigned.",
                    "/cmo/7/edit/",
                )
            ],
        ),
        (
            {"sourcing_objective": "cost", "cost_kpi_measured": False},
            [
                (
                    "objective_cost",
                    "medium",
                    "Outsourced to lower cost, but no cost KPI was measured in the last two "
                    "quarters.",
                    "/kpis/measurements/add/?cmo=7",
                )
            ],
        ),
        ({"sourcing_objective": "cost", "cost_kpi_measured": True}, []),
        ({"sourcing_objective": "capacity", "cost_kpi_measured": False}, []),
        (
            {
                "sourcing_objective": "risk",
                "exposed_products": [ExposedProduct(3, "LIFE", "stage 4 (Fill / finish)", 5)],
            },
            [
                (
                    "objective_risk",
                    "high",
                    "Outsourced to mitigate risk, but LIFE (impact 5) is single-sourced at "
                    "stage 4 (Fill / finish) with no qualified backup.",
                    "/stages/add/?product=3",
                )
            ],
        ),
        (
            {
                "sourcing_objective": "cost",
                "exposed_products": [ExposedProduct(3, "LIFE", "stage 4 (Fill / finish)", 5)],
            },
            [],
        ),
        (
            {"commercial_supply": True, "has_quality_agreement": False},
            [
                (
                    "no_quality_agreement",
                    "critical",
                    "Commercial supply without a quality agreement in force.",
                    "/contracts/add/?cmo=7&contract_type=quality",
                )
            ],
        ),
        ({"commercial_supply": False, "has_quality_agreement": False}, []),
        (
            {"sites": [SiteAudit(11, "Plant A", "audit due since 01 Jan 2025")]},
            [
                (
                    "audit_overdue",
                    "high",
                    "Audit of Plant A overdue: audit due since 01 Jan 2025.",
                    "/audits/add/?site=11",
                )
            ],
        ),
        ({"sites": [SiteAudit(11, "Plant A", None)]}, []),
        (
            {"stages": [StageLoad(21, 3, "LIFE · Fill / finish at Plant A", 0.9)]},
            [
                (
                    "high_utilisation",
                    "medium",
                    "LIFE · Fill / finish at Plant A runs at 90% of its capacity.",
                    "/portfolio/products/3/supply-chain/",
                )
            ],
        ),
        (
            {"stages": [StageLoad(21, 3, "LIFE · Fill / finish at Plant A", 1.1)]},
            [
                (
                    "high_utilisation",
                    "high",
                    "LIFE · Fill / finish at Plant A runs at 110% of its capacity.",
                    "/portfolio/products/3/supply-chain/",
                )
            ],
        ),
        ({"stages": [StageLoad(21, 3, "LIFE · Fill / finish at Plant A", 0.85)]}, []),
        (
            {"stages": [StageLoad(21, 3, "LIFE · Fill / finish at Plant A", 0.5, True)]},
            [
                (
                    "bottleneck",
                    "low",
                    "LIFE · Fill / finish at Plant A is the bottleneck of its supply chain.",
                    "/portfolio/products/3/supply-chain/",
                )
            ],
        ),
        (
            {"moving_to_commercial": True, "assigned": {"relationship_manager"}},
            [
                (
                    "phase_roles",
                    "high",
                    "Moving to commercial or launch supply without a strategic sourcing manager.",
                    "/cmo/7/edit/",
                )
            ],
        ),
        (
            {"moving_to_commercial": True, "tier": "active", "assigned": {"quality_contact"}},
            [
                (
                    "phase_roles",
                    "high",
                    "Moving to commercial or launch supply without a relationship manager and "
                    "strategic sourcing manager.",
                    "/cmo/7/edit/",
                ),
                (
                    "staffing_gap",
                    "high",
                    "Active tier needs a relationship manager; none is assigned.",
                    "/cmo/7/edit/",
                ),
            ],
        ),
        ({"moving_to_commercial": True}, []),
    ],
)
def test_finding(changes, expected):
    assert summary(oversight.oversight_findings(facts(**changes), URLS)) == expected


def test_findings_come_most_severe_first_with_stable_keys():
    findings = oversight.oversight_findings(
        facts(
            tier="active",
            assigned={"relationship_manager"},
            commercial_supply=True,
            has_quality_agreement=False,
            stages=[StageLoad(21, 3, "LIFE · Fill / finish at Plant A", 0.5, True)],
        ),
        URLS,
    )
    assert [f.severity for f in findings] == ["critical", "medium", "low"]
    assert [f.key for f in findings] == [
        "no_quality_agreement:7:",
        "staffing_gap:7:quality_contact",
        "bottleneck:7:21",
    ]
