"""Bottleneck and end-to-end lead time of supply chains, with and without backups."""

import pytest

from portfolio.supply_chain import StageFacts, chain_summary


def stage(pk, sequence, capacity, lead, share=100.0, backup=False, step=None):
    return StageFacts(
        stage_id=pk,
        sequence=sequence,
        step=step or f"step {sequence}",
        capacity_per_year=capacity,
        lead_time_days=lead,
        volume_share=share,
        is_qualified_backup=backup,
    )


@pytest.mark.parametrize(
    "stages, demand, bottleneck, lead_time, capacities",
    [
        # One site per step: the step with least capacity is the bottleneck; lead times add.
        (
            [stage(1, 1, 200_000, 60), stage(2, 2, 120_000, 20), stage(3, 3, 300_000, 10)],
            100_000,
            2,
            90,
            [200_000, 120_000, 300_000],
        ),
        # A qualified backup on standby (0 % share) adds capacity to its step, which stops
        # being the bottleneck; its lead time does not count, as it carries no volume.
        (
            [
                stage(1, 1, 200_000, 60),
                stage(2, 2, 120_000, 20),
                stage(4, 2, 100_000, 45, share=0, backup=True),
                stage(3, 3, 150_000, 10),
            ],
            100_000,
            3,
            90,
            [200_000, 220_000, 150_000],
        ),
        # Two sites sharing a step: capacities add, the slower one sets the lead time.
        (
            [
                stage(1, 1, 60_000, 60, share=50),
                stage(2, 1, 60_000, 75, share=50),
                stage(3, 2, 200_000, 20),
            ],
            100_000,
            1,
            95,
            [120_000, 200_000],
        ),
        # A site with no share that is not a qualified backup adds no capacity.
        (
            [stage(1, 1, 100_000, 30), stage(2, 1, 500_000, 30, share=0), stage(3, 2, 150_000, 5)],
            100_000,
            1,
            35,
            [100_000, 150_000],
        ),
        # Only standby sites at a step: their longest lead time counts.
        (
            [stage(1, 1, 100_000, 30, share=0, backup=True), stage(2, 2, 300_000, 10)],
            50_000,
            1,
            40,
            [100_000, 300_000],
        ),
    ],
)
def test_bottleneck_and_lead_time(stages, demand, bottleneck, lead_time, capacities):
    chain = chain_summary(stages, demand)
    assert chain.bottleneck.sequence == bottleneck
    assert chain.bottleneck.is_bottleneck
    assert [s.is_bottleneck for s in chain.steps].count(True) == 1
    assert chain.lead_time_days == lead_time
    assert [s.capacity for s in chain.steps] == capacities


def test_step_utilisation_is_demand_over_step_capacity():
    chain = chain_summary([stage(1, 1, 80_000, 10), stage(2, 1, 20_000, 10, share=0)], 90_000)
    step = chain.steps[0]
    assert step.capacity == 80_000
    assert step.utilisation == pytest.approx(1.125)
    assert not step.has_backup


def test_stage_utilisation_counts_its_share_of_demand():
    assert stage(1, 1, 50_000, 10, share=40).utilisation(100_000) == pytest.approx(0.8)
    assert stage(1, 1, 0, 10).utilisation(100_000) is None


def test_empty_chain_has_no_bottleneck():
    chain = chain_summary([], 1000)
    assert chain.bottleneck is None
    assert chain.lead_time_days == 0
    assert chain.steps == []


def test_ties_name_the_earliest_step():
    chain = chain_summary([stage(1, 1, 100, 1), stage(2, 2, 100, 1)], 50)
    assert chain.bottleneck.sequence == 1
