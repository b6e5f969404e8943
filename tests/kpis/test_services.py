"""The set-based recompute of scorecards."""

import datetime
from decimal import Decimal

import pytest

from kpis import scoring
from kpis.models import CmoKpi, KpiDefinition, Scorecard
from kpis.services import scorecards_recompute
from tests.factories import CmoFactory, MeasurementFactory

Q2 = datetime.date(2025, 4, 1)
Q3 = datetime.date(2025, 7, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def otif():
    return KpiDefinition.objects.get(code="otif")


@pytest.fixture
def rft():
    return KpiDefinition.objects.get(code="rft")


@pytest.fixture
def only(otif, rft):
    """Only OTIF (weight 15) and RFT (weight 15) in use."""
    KpiDefinition.objects.exclude(pk__in=[otif.pk, rft.pk]).update(is_active=False)


def test_scorecard_weights_measured_kpis_and_reports_completeness(only, otif, rft):
    cmo = CmoFactory()
    MeasurementFactory(cmo=cmo, kpi=otif, period=Q3, value=Decimal("92.5"))  # 87.5

    assert scorecards_recompute() == 1

    card = Scorecard.objects.get(cmo=cmo, period=Q3)
    assert card.score == 87.5
    assert card.status == "green"
    assert card.completeness == 50.0
    assert (card.measured_count, card.kpi_count) == (1, 2)
    assert card.lines == {"otif": [92.5, 87.5]}
    assert card.is_latest


def test_scores_match_the_scalar_rules(only, otif, rft):
    cmo = CmoFactory()
    MeasurementFactory(cmo=cmo, kpi=otif, period=Q3, value=Decimal("88"))
    MeasurementFactory(cmo=cmo, kpi=rft, period=Q3, value=Decimal("99"))
    scorecards_recompute([cmo.pk])

    expected = scoring.overall(
        [(scoring.kpi_score(88, 95, 90, 85, "higher"), 15), (100.0, 15)]
    ).score
    assert Scorecard.objects.get(cmo=cmo).score == pytest.approx(expected, abs=0.01)


def test_monthly_values_roll_up_by_the_kpi_rule(only, otif):
    cmo = CmoFactory()
    for month, value in ((7, "90"), (8, "95"), (9, "100")):
        MeasurementFactory(cmo=cmo, kpi=otif, period=Q3, month=month, value=Decimal(value))
    scorecards_recompute([cmo.pk])
    assert Scorecard.objects.get(cmo=cmo).lines["otif"] == [95.0, 100.0]


def test_change_from_previous_quarter(only, otif):
    cmo = CmoFactory()
    MeasurementFactory(cmo=cmo, kpi=otif, period=Q2, value=Decimal("90"))  # 75
    MeasurementFactory(cmo=cmo, kpi=otif, period=Q3, value=Decimal("95"))  # 100
    scorecards_recompute()
    q2, q3 = Scorecard.objects.filter(cmo=cmo).order_by("period")
    assert q2.delta is None and not q2.is_latest
    assert q3.delta == 25.0 and q3.is_latest


def test_quarter_without_measurements_has_no_scorecard(only, otif):
    cmo, idle = CmoFactory(), CmoFactory()
    measurement = MeasurementFactory(cmo=cmo, kpi=otif, period=Q3)
    scorecards_recompute()
    assert not Scorecard.objects.filter(cmo=idle).exists()

    measurement.delete()
    scorecards_recompute([cmo.pk])
    assert not Scorecard.objects.filter(cmo=cmo).exists()


def test_target_change_leaves_old_scorecards_unchanged(only, otif):
    cmo = CmoFactory()
    MeasurementFactory(cmo=cmo, kpi=otif, period=Q2, value=Decimal("90"))
    scorecards_recompute()
    before = Scorecard.objects.get(cmo=cmo, period=Q2)
    assert before.score == 75.0

    otif.target, otif.amber_threshold, otif.red_threshold = 99, 98, 97
    otif.save()
    MeasurementFactory(cmo=cmo, kpi=otif, period=Q3, value=Decimal("90"))
    scorecards_recompute()

    after = Scorecard.objects.get(cmo=cmo, period=Q2)
    assert after.score == 75.0
    assert after.basis_id == before.basis_id
    assert after.basis.kpis[0]["target"] == 95.0
    assert Scorecard.objects.get(cmo=cmo, period=Q3).score == 0.0

    scorecards_recompute(rebase=True)
    assert Scorecard.objects.get(cmo=cmo, period=Q2).score == 0.0


def test_kpi_switched_off_for_a_cmo_and_own_weights(only, otif, rft):
    cmo = CmoFactory()
    CmoKpi.objects.create(cmo=cmo, kpi=rft, applies=False)
    CmoKpi.objects.create(cmo=cmo, kpi=otif, weight=Decimal("40"))
    MeasurementFactory(cmo=cmo, kpi=otif, period=Q3, value=Decimal("90"))
    MeasurementFactory(cmo=cmo, kpi=rft, period=Q3, value=Decimal("0"))
    scorecards_recompute()
    card = Scorecard.objects.get(cmo=cmo)
    assert card.score == 75.0 and card.completeness == 100.0 and card.kpi_count == 1
    assert card.basis.kpis == [pytest.approx(card.basis.kpis[0])]
    assert card.basis.kpis[0]["weight"] == 40.0


def test_cmos_on_the_same_weights_share_a_basis(only, otif):
    cmos = CmoFactory.create_batch(3)
    for cmo in cmos:
        MeasurementFactory(cmo=cmo, kpi=otif, period=Q3)
    scorecards_recompute()
    assert Scorecard.objects.values("basis").distinct().count() == 1


def test_recompute_queries_do_not_grow_with_the_portfolio(
    only, otif, django_assert_max_num_queries
):
    for _ in range(20):
        MeasurementFactory(cmo=CmoFactory(), kpi=otif, period=Q3)
    with django_assert_max_num_queries(12):
        assert scorecards_recompute() == 20
