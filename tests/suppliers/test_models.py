"""The rules the supplier records enforce themselves, whatever the entry point."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from suppliers.models import Capa, Cmo, SupplyStage
from tests.factories import (
    AuditFactory,
    CapaFactory,
    CmoFactory,
    ProductFactory,
    SiteFactory,
    SupplyStageFactory,
)

pytestmark = pytest.mark.django_db


def test_cmo_names_are_unique_whatever_the_case():
    CmoFactory(name="Lonza Biologics")
    duplicate = Cmo(name="LONZA biologics", country="CH", sourcing_objective="cost")
    with pytest.raises(ValidationError, match="already exists"):
        duplicate.validate_constraints()


def test_a_disqualified_cmo_cannot_take_a_supply_stage():
    site = SiteFactory(cmo=CmoFactory(status=Cmo.Status.DISQUALIFIED))
    stage = SupplyStage(
        product=ProductFactory(),
        site=site,
        step="packaging",
        capacity_per_year=10,
        lead_time_days=5,
    )
    with pytest.raises(ValidationError) as error:
        stage.full_clean()
    assert "disqualified" in error.value.message_dict["site"][0]


def test_shares_of_one_step_across_sites_cannot_exceed_100_percent():
    first = SupplyStageFactory(step="fill_finish", volume_share=Decimal("70"))
    second = SupplyStage(
        product=first.product,
        site=SiteFactory(),
        step="fill_finish",
        capacity_per_year=100,
        lead_time_days=10,
        volume_share=Decimal("40"),
    )
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert "110 %" in error.value.message_dict["volume_share"][0]


def test_a_share_over_100_percent_is_refused_even_alone():
    stage = SupplyStageFactory.build(volume_share=Decimal("120"))
    with pytest.raises(ValidationError) as error:
        stage.full_clean(exclude=["product", "site"])
    assert "volume_share" in error.value.message_dict


def test_changing_a_stage_does_not_count_its_own_old_share():
    stage = SupplyStageFactory(volume_share=Decimal("100"))
    stage.volume_share = Decimal("90")
    stage.full_clean()


def test_sequence_defaults_from_the_step():
    stage = SupplyStageFactory(step=SupplyStage.Step.PACKAGING, sequence=None)
    assert stage.sequence == SupplyStage.STEP_ORDER["packaging"] == 5


def test_utilisation_is_demand_share_over_capacity():
    product = ProductFactory(annual_demand=90_000)
    stage = SupplyStageFactory(
        product=product, capacity_per_year=100_000, volume_share=Decimal("50")
    )
    assert stage.utilisation == pytest.approx(0.45)


@pytest.mark.parametrize(
    ("status", "closed_date", "valid"),
    [
        (Capa.Status.CLOSED, datetime.date(2026, 1, 5), True),
        (Capa.Status.CLOSED, None, False),
        (Capa.Status.OPEN, datetime.date(2026, 1, 5), False),
        (Capa.Status.OPEN, None, True),
    ],
)
def test_a_capa_has_a_closed_date_exactly_when_closed(status, closed_date, valid):
    capa = CapaFactory.build(finding=CapaFactory().finding, status=status, closed_date=closed_date)
    if valid:
        capa.full_clean()
    else:
        with pytest.raises(ValidationError, match="closed"):
            capa.full_clean()


def test_the_next_audit_is_due_after_the_audit():
    audit = AuditFactory.build(
        site=SiteFactory(),
        audit_date=datetime.date(2026, 3, 1),
        next_due_date=datetime.date(2026, 2, 1),
    )
    with pytest.raises(ValidationError) as error:
        audit.full_clean()
    assert "next_due_date" in error.value.message_dict


def test_an_overdue_capa_is_open_and_past_its_due_date():
    late = CapaFactory(due_date=datetime.date.today() - datetime.timedelta(days=1))
    closed = CapaFactory(
        due_date=datetime.date.today() - datetime.timedelta(days=1),
        status=Capa.Status.CLOSED,
        closed_date=datetime.date.today(),
    )
    assert late.is_overdue and not closed.is_overdue
    assert list(Capa.objects.open()) == [late]
