"""The effort model and the gap arithmetic, without a database."""

import datetime

import pytest

from resourcing import effort
from resourcing.effort import (
    ACTIVE,
    INTENSIVE,
    MONITOR,
    QUALITY_CONTACT,
    RELATIONSHIP_MANAGER,
    STRATEGIC_SOURCING_MANAGER,
    TECHNICAL_EXPERT,
    CmoFacts,
    Event,
    Person,
)

RATES = effort.DEFAULT_RATES
EVENTS = effort.DEFAULT_EVENT_HOURS
TODAY = datetime.date(2026, 5, 12)
PERIODS = effort.planning_periods(TODAY)
Q2, Q3 = PERIODS[1], PERIODS[2]


def cmo(pk=1, tier=INTENSIVE, **holders):
    return CmoFacts(pk, f"CMO {pk}", tier, holders)


@pytest.mark.parametrize(
    ("tier", "expected"),
    [
        (INTENSIVE, {RELATIONSHIP_MANAGER: 16, TECHNICAL_EXPERT: 24, QUALITY_CONTACT: 12}),
        (ACTIVE, {RELATIONSHIP_MANAGER: 8, QUALITY_CONTACT: 4}),
        (MONITOR, {RELATIONSHIP_MANAGER: 2}),
        ("", {}),
    ],
)
def test_monthly_need_follows_the_tier(tier, expected):
    need = effort.monthly_need(tier, RATES)
    assert {r: h for r, h in need.items() if r != STRATEGIC_SOURCING_MANAGER} == expected


@pytest.mark.parametrize(
    ("fte", "month", "share", "hours"),
    [
        (1, 140, 100, 140),
        (0.5, 140, 100, 70),
        (1, 140, 25, 35),
        (0.8, 160, 50, 64),
        (0, 140, 100, 0),
    ],
)
def test_capacity_is_fte_times_month_times_share(fte, month, share, hours):
    assert effort.capacity_hours(fte, month, share) == hours


def test_periods_are_this_month_and_four_quarters_from_the_current_one():
    assert [p.label for p in PERIODS] == ["May 2026", "Q2 2026", "Q3 2026", "Q4 2026", "Q1 2027"]
    assert PERIODS[1].start == datetime.date(2026, 4, 1)
    assert PERIODS[4].end == datetime.date(2027, 4, 1)


@pytest.mark.parametrize(
    ("events", "period", "role", "hours"),
    [
        # tier hours only: 16 h × 3 months
        ([], Q2, RELATIONSHIP_MANAGER, 48),
        # a quarterly review in Q3 adds 8 h there, not in Q2
        ([Event(1, "review_quarterly", datetime.date(2026, 8, 3))], Q3, RELATIONSHIP_MANAGER, 56),
        ([Event(1, "review_quarterly", datetime.date(2026, 8, 3))], Q2, RELATIONSHIP_MANAGER, 48),
        # an audit overdue since March is work still to do in the current quarter
        ([Event(1, effort.SITE_AUDIT, datetime.date(2026, 3, 1))], Q2, QUALITY_CONTACT, 36 + 40),
        ([Event(1, effort.SITE_AUDIT, datetime.date(2026, 3, 1))], Q3, QUALITY_CONTACT, 36),
        # a renewal brings strategic sourcing hours
        (
            [Event(1, effort.CONTRACT_RENEWAL, datetime.date(2026, 11, 1))],
            PERIODS[3],
            STRATEGIC_SOURCING_MANAGER,
            6 + 24,
        ),
        # events of CMOs outside the portfolio are ignored
        ([Event(99, effort.SITE_AUDIT, datetime.date(2026, 5, 1))], Q2, QUALITY_CONTACT, 36),
    ],
)
def test_need_adds_scheduled_events_to_the_tier_hours(events, period, role, hours):
    need = effort.need_frame([cmo(1, INTENSIVE)], events, PERIODS, RATES, EVENTS)
    got = need[(need["period"] == period.key) & (need["role"] == role)]["hours"].sum()
    assert got == hours


def test_person_over_capacity_is_flagged():
    cmos = [cmo(i, INTENSIVE, relationship_manager=7) for i in range(1, 4)]  # 3 × 16 h
    need = effort.need_frame(cmos, [], PERIODS, RATES, EVENTS)
    people = [Person(7, "Ada", capacity_per_month=35.0), Person(8, "Ben", 70.0)]
    load = effort.person_load(need, people, PERIODS)
    ada = load[(load["person_id"] == 7) & (load["period"] == "q1")].iloc[0]
    assert (ada["need"], ada["capacity"], ada["cmos"]) == (144, 105, 3)
    assert ada["over"] and round(ada["load"], 2) == 1.37
    ben = load[(load["person_id"] == 8) & (load["period"] == "q1")].iloc[0]
    assert not ben["over"] and ben["need"] == 0


def test_person_with_need_and_no_capacity_is_over():
    need = effort.need_frame([cmo(1, MONITOR, relationship_manager=5)], [], PERIODS, RATES, EVENTS)
    load = effort.person_load(need, [], PERIODS)
    assert load["over"].all()


@pytest.mark.parametrize(
    ("cmos", "people", "role", "gap_hours", "message"),
    [
        # nobody assigned: all 24 h × 3 of process expertise is a gap = 72 / 420 = 0.17 FTE
        (
            [cmo(1, INTENSIVE)],
            [],
            TECHNICAL_EXPERT,
            72,
            "0.2 FTE of process expertise short in Q2 2026",
        ),
        # four intensive CMOs, one expert with 40 h/month: 288 − 120 = 168 h = 0.4 FTE
        (
            [cmo(i, INTENSIVE, technical_expert=3) for i in range(4)],
            [Person(3, "Cy", 40.0)],
            TECHNICAL_EXPERT,
            168,
            "0.4 FTE of process expertise short in Q2 2026",
        ),
        # enough capacity: no gap, no message
        (
            [cmo(1, ACTIVE, relationship_manager=3)],
            [Person(3, "Cy", 140.0)],
            RELATIONSHIP_MANAGER,
            0,
            "",
        ),
        # a person's capacity is split over their roles by need: 40 h for RM 16 + QC 12
        (
            [cmo(1, INTENSIVE, relationship_manager=3, quality_contact=3)],
            [Person(3, "Cy", 14.0)],
            QUALITY_CONTACT,
            36 - 42 * 12 / 28,
            "",
        ),
    ],
)
def test_role_gap_in_hours_and_fte(cmos, people, role, gap_hours, message):
    need = effort.need_frame(cmos, [], PERIODS, RATES, EVENTS)
    gaps = effort.role_gaps(need, people, PERIODS)
    row = gaps[(gaps["role"] == role) & (gaps["period"] == "q1")].iloc[0]
    assert row["gap_hours"] == pytest.approx(gap_hours, abs=0.01)
    assert row["message"] == message


@pytest.mark.parametrize(
    ("fte", "text"),
    [
        (0.6, "0.6 FTE of process expertise short in Q2"),
        (0.04, ""),
        (1.25, "1.2 FTE of process expertise short in Q2"),
    ],
)
def test_fte_short_wording(fte, text):
    assert effort.fte_short_text(fte, TECHNICAL_EXPERT, "Q2") == text


def test_spare_capacity_of_a_declared_role_counts_for_it():
    need = effort.need_frame([cmo(1, ACTIVE)], [], PERIODS, RATES, EVENTS)  # QC 4 h unassigned
    gaps = effort.role_gaps(need, [Person(9, "Di", 10.0, (QUALITY_CONTACT,))], PERIODS)
    row = gaps[(gaps["role"] == QUALITY_CONTACT) & (gaps["period"] == "q1")].iloc[0]
    assert (row["need"], row["capacity"], row["gap_hours"], row["unassigned"]) == (12, 30, 0, 12)


def test_product_required_hours_share_a_cmo_among_its_products():
    # CMO 1 (intensive, 54 h/month) makes products 10 and 11; CMO 2 (monitor, 2 h) makes 11.
    required = effort.product_required_hours(
        {10: [1], 11: [1, 2]}, {1: INTENSIVE, 2: MONITOR}, RATES
    )
    assert required == {10: 54 * 12 / 2, 11: 54 * 12 / 2 + 2 * 12}


@pytest.mark.parametrize(
    ("budgets", "required", "short"),
    [
        ({1: 100.0}, {1: 300.0}, [(1, 200.0)]),
        ({1: 300.0}, {1: 300.0}, []),
        ({1: None}, {1: 300.0}, []),  # no budget recorded: not judged
        ({1: 50.0, 2: 10.0}, {1: 60.0, 2: 200.0}, [(2, 190.0), (1, 10.0)]),
    ],
)
def test_under_resourced_products(budgets, required, short):
    result = effort.under_resourced_products(budgets, required)
    assert [(s.product_id, s.shortfall_hours) for s in result] == short


@pytest.mark.parametrize(
    ("hours", "amount", "expected"), [(120, None, 120.0), (None, 5000, 50.0), (None, None, None)]
)
def test_budget_in_money_is_converted_to_hours(hours, amount, expected):
    assert effort.budget_hours(hours, amount, hourly_cost=100) == expected


def test_what_if_tier_move_names_roles_and_hours():
    result = effort.what_if([effort.tier_change(cmo(1, ACTIVE), INTENSIVE)], RATES, EVENTS)
    deltas = {d.role: d.monthly_hours for d in result.deltas}
    assert deltas == {
        RELATIONSHIP_MANAGER: 8,
        TECHNICAL_EXPERT: 24,
        QUALITY_CONTACT: 8,
        STRATEGIC_SOURCING_MANAGER: 1,
    }
    expert = next(d for d in result.deltas if d.role == TECHNICAL_EXPERT)
    assert expert.sentence == "adds 24 h/month of process expertise (0.17 FTE)"


def test_what_if_lowering_a_tier_frees_hours():
    result = effort.what_if([effort.tier_change(cmo(1, ACTIVE), MONITOR)], RATES, EVENTS)
    assert {d.role: d.monthly_hours for d in result.deltas}[RELATIONSHIP_MANAGER] == -6
    assert result.deltas[0].sentence.startswith("frees 6 h/month of relationship management")


def test_what_if_outsourcing_to_a_new_cmo_adds_its_tier_and_onboarding():
    change = effort.outsourcing_change(cmo(1, ""), False, ACTIVE, "PRD-1", 2)
    result = effort.what_if([change], RATES, EVENTS)
    by_role = {d.role: (d.monthly_hours, d.one_off_hours) for d in result.deltas}
    # active tier from nothing; tech transfer + qualification audit + contracts once
    assert by_role[RELATIONSHIP_MANAGER] == (8, 24 + 8)
    assert by_role[QUALITY_CONTACT] == (4, 60 + 40)
    assert by_role[TECHNICAL_EXPERT] == (0, 120 + 8)


def test_what_if_launch_raises_monitored_cmos_to_active():
    changes = effort.phase_changes([cmo(1, MONITOR), cmo(2, INTENSIVE)], "PRD-1", "launch")
    assert [(c.tier_before, c.tier_after) for c in changes] == [
        (MONITOR, ACTIVE),
        (INTENSIVE, INTENSIVE),
    ]
    result = effort.what_if(changes, RATES, EVENTS)
    assert {d.role: d.monthly_hours for d in result.deltas} == {
        RELATIONSHIP_MANAGER: 6,
        QUALITY_CONTACT: 4,
        STRATEGIC_SOURCING_MANAGER: 1,
    }
