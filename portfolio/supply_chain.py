"""A product's supply chain as steps in sequence: where the bottleneck is and how long the
chain takes end to end.

Within a step the sites work in parallel:
- a step's *capacity* is the sum of the capacities of the sites that can take its
  volume — those with a share of the volume and the qualified backups (a backup on
  standby is capacity the chain can call on; a site with no share that is not a
  qualified backup is not);
- a step's *lead time* is the longest lead time of the sites that carry volume (the
  schedule must plan for the slowest route a batch can take); a step whose sites carry
  no share at all falls back to the longest of them.
Steps run one after another, so the end-to-end lead time is the sum of the steps'.

The bottleneck is the step with the least capacity relative to demand: the highest
demand ÷ capacity.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class StageFacts:
    stage_id: int
    sequence: int
    step: str  # the step's label, "Fill / finish"
    capacity_per_year: int
    lead_time_days: int
    volume_share: float = 100.0  # percent
    is_qualified_backup: bool = False
    site: str = ""
    cmo: str = ""

    def utilisation(self, annual_demand: float) -> float | None:
        """Share of this stage's capacity its part of the demand needs."""
        if not self.capacity_per_year:
            return None
        return annual_demand * self.volume_share / 100 / self.capacity_per_year


@dataclass
class StepSummary:
    sequence: int
    step: str
    stages: list[StageFacts]
    capacity: int
    lead_time_days: int
    utilisation: float | None  # demand ÷ capacity of the step
    has_backup: bool
    is_bottleneck: bool = False

    @property
    def site_count(self) -> int:
        return len(self.stages)


@dataclass
class ChainSummary:
    annual_demand: int
    steps: list[StepSummary] = field(default_factory=list)
    bottleneck: StepSummary | None = None
    lead_time_days: int = 0


def _counts(stage: StageFacts) -> bool:
    return stage.volume_share > 0 or stage.is_qualified_backup


def chain_summary(stages: Iterable[StageFacts], annual_demand: int) -> ChainSummary:
    """The steps of a chain in order, its bottleneck and its end-to-end lead time."""
    by_sequence: dict[int, list[StageFacts]] = {}
    for stage in stages:
        by_sequence.setdefault(stage.sequence, []).append(stage)
    summary = ChainSummary(annual_demand=annual_demand)
    for sequence in sorted(by_sequence):
        group = sorted(by_sequence[sequence], key=lambda s: (-s.volume_share, s.stage_id))
        capacity = sum(s.capacity_per_year for s in group if _counts(s))
        carrying = [s for s in group if s.volume_share > 0] or group
        step = StepSummary(
            sequence=sequence,
            step=group[0].step,
            stages=group,
            capacity=capacity,
            lead_time_days=max(s.lead_time_days for s in carrying),
            utilisation=annual_demand / capacity if capacity else None,
            has_backup=any(s.is_qualified_backup for s in group),
        )
        summary.steps.append(step)
    summary.lead_time_days = sum(s.lead_time_days for s in summary.steps)
    if summary.steps:
        # No capacity at all is the tightest bottleneck there is.
        def tightness(step: StepSummary) -> float:
            return float("inf") if step.utilisation is None else step.utilisation

        summary.bottleneck = max(summary.steps, key=lambda s: (tightness(s), -s.sequence))
        summary.bottleneck.is_bottleneck = True
    return summary
