"""Demo data of the KPI app: two years of quarterly measurements for every active CMO of
the demo portfolio, and their scorecards (a step of `portfolio.demo.DEMO_STEPS`).

Each CMO draws a quality level and a trend: most are green or amber, a few amber CMOs
drift (one KPI slips quarter after quarter), and in each block of the portfolio two
CMOs with regulatory trouble are red in the last two complete quarters and still red in
the current one, so that the risk recompute escalates them and schedules a for-cause
review. Some CMOs leave one or two KPIs unmeasured (completeness below 100 %).

Values are placed on each KPI's own scale through a *position*: 0 at the target, 1 at
the amber threshold, 2 at the red threshold, 3 where the score reaches 0, so that a
level means the same for OTIF in % as for responsiveness in days.
"""

import datetime
from decimal import Decimal

from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from kpis.models import KpiDefinition, Measurement
from kpis.periods import previous_quarter, quarter_start
from kpis.services import scorecards_recompute
from suppliers.models import Cmo, Site

# The change reason of every demo record (`portfolio.demo.DEMO_CHANGE_REASON`).
CHANGE_REASON = "demo data"
BATCH_SIZE = 1000
COMPLETE_QUARTERS = 8

# KPIs taken from the monthly delivery and batch data, so known for the quarter to date;
# the others (CAPAs, audits, complaints, prices) are reported when the quarter closes.
QUARTER_TO_DATE = {"otif", "rft", "disposition_time", "deviation_rate", "yield", "responsiveness"}
# Entered by hand by the quality contact; the others come from spreadsheet imports.
MANUAL = {"capa_on_time", "audit_findings", "responsiveness"}
# KPIs a CMO may not report yet (left unmeasured for some CMOs).
OFTEN_MISSING = ("complaint_rate", "price_variance", "responsiveness", "yield")
WARNING_LETTER, OPEN_483 = "warning_letter", "open_483"

GREEN, AMBER, DRIFTING, RED = "green", "amber", "drifting", "red"


def demo_quarters(today: datetime.date) -> list[datetime.date]:
    """The last eight complete quarters and the current one, oldest first."""
    quarters = [quarter_start(today)]
    for _ in range(COMPLETE_QUARTERS):
        quarters.append(previous_quarter(quarters[-1]))
    return quarters[::-1]


def cmo_levels(blocks: list[list[Cmo]], troubled: dict[int, str], rng) -> dict[int, str]:
    """The quality level of each active CMO (by pk). In each block two CMOs whose sites
    are in regulatory trouble (`troubled`: CMO pk → "warning_letter" or "open_483") are
    red, the warning letter first; three others drift; a third of the rest is amber."""
    levels = {}
    for block in blocks:
        active = [cmo for cmo in block if cmo.status in Cmo.ACTIVE_STATUSES]
        letter = [cmo for cmo in active if troubled.get(cmo.pk) == WARNING_LETTER][:1]
        observed = [cmo for cmo in active if troubled.get(cmo.pk) == OPEN_483]
        red = letter + rng.sample(observed, k=min(len(observed), 2 - len(letter)))
        others = [cmo for cmo in active if cmo not in red]
        drifting = rng.sample(others, k=min(3, len(others)))
        for cmo in active:
            if cmo in red:
                levels[cmo.pk] = RED
            elif cmo in drifting:
                levels[cmo.pk] = DRIFTING
            else:
                levels[cmo.pk] = AMBER if rng.random() < 0.3 else GREEN
    return levels


def _troubled(cmos: list[Cmo]) -> dict[int, str]:
    """CMOs with a site under an FDA warning letter or with an open 483. One query."""
    troubled: dict[int, str] = {}
    rows = (
        Site.objects.filter(cmo__in=cmos)
        .filter(Q(open_warning_letter=True) | Q(open_483=True))
        .order_by("cmo_id", "-open_warning_letter")
        .values_list("cmo_id", "open_warning_letter")
    )
    for cmo_id, letter in rows:
        troubled.setdefault(cmo_id, WARNING_LETTER if letter else OPEN_483)
    return troubled


def kpi_value(kpi: KpiDefinition, position: float) -> Decimal:
    """The value of `kpi` at `position` (0 target, 1 amber, 2 red, 3 score 0; negative:
    better than the target), within the KPI's realistic range."""
    target, amber, red = float(kpi.target), float(kpi.amber_threshold), float(kpi.red_threshold)
    step_good, step_bad = amber - target, red - amber
    # Past the amber threshold the amber-to-red width sets the pace.
    near = position <= 1
    value = target + position * step_good if near else amber + (position - 1) * step_bad
    if kpi.is_percentage:
        value = min(100.0, max(0.0, value))
    elif kpi.code == "audit_findings":
        return Decimal(max(0, round(value)))
    elif kpi.code != "price_variance":
        value = max(0.5, value)
    return Decimal(f"{value:.1f}")


def _position(level: str, q: int, last: int, offset: float, slipping: bool, rng) -> float:
    """Where a CMO of `level` stands on one KPI in quarter `q` of 0…`last` (`last` is the
    current quarter)."""
    noise = rng.gauss(0, 0.25)
    if level == GREEN:
        return rng.uniform(-0.5, 0.6) + offset + noise
    if level == AMBER:
        return rng.uniform(0.9, 1.7) + offset + noise
    if level == DRIFTING:
        base = 0.4 + 0.1 * q + offset + noise
        # The KPI that slips: within target two years ago, past red by now.
        return base + 0.3 * q if slipping else base
    # Red: amber for years, then red in the last two complete quarters and still now.
    if q >= last - 2:
        return rng.uniform(1.9, 2.5) + offset / 2 + noise
    return rng.uniform(0.8, 1.4) + offset + noise


def seed_measurements(portfolio) -> None:
    """The measurements of the active CMOs of `portfolio`, in one bulk insert, and their
    scorecards."""
    rng = portfolio.rng("measurements")
    size = len(portfolio.cmos) // len(portfolio.blocks)
    blocks = [portfolio.cmos[i : i + size] for i in range(0, len(portfolio.cmos), size)]
    levels = cmo_levels(blocks, _troubled(portfolio.cmos), rng)
    kpis = list(KpiDefinition.objects.active().order_by("code"))
    quarters = demo_quarters(portfolio.today)
    last = len(quarters) - 1
    measurements = []
    for cmo in portfolio.cmos:
        level = levels.get(cmo.pk)
        if level is None:
            continue
        missing = set()
        if rng.random() < 0.2:
            missing = set(rng.sample(OFTEN_MISSING, k=rng.choice((1, 2))))
        measured = [kpi for kpi in kpis if kpi.code not in missing]
        offsets = {kpi.code: rng.gauss(0, 0.3) for kpi in measured}
        slipping = rng.choice(measured).code
        for q, period in enumerate(quarters):
            for kpi in measured:
                if q == last and kpi.code not in QUARTER_TO_DATE:
                    continue
                manual = kpi.code in MANUAL
                position = _position(level, q, last, offsets[kpi.code], kpi.code == slipping, rng)
                measurements.append(
                    Measurement(
                        cmo=cmo,
                        kpi=kpi,
                        period=period,
                        value=kpi_value(kpi, position),
                        source=Measurement.Source.MANUAL if manual else Measurement.Source.IMPORT,
                        comment="Quarter to date." if q == last else "",
                        entered_by_id=cmo.quality_contact_id if manual else cmo.technical_expert_id,
                    )
                )
    bulk_create_with_history(
        measurements, Measurement, batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON
    )
    scorecards_recompute([cmo.pk for cmo in portfolio.cmos if cmo.pk in levels])
    portfolio.added["measurements"] = len(measurements)
