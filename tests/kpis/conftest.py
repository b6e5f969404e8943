import datetime
from decimal import Decimal

import pytest

from kpis.models import KpiDefinition, Measurement
from kpis.services import scorecards_recompute
from tests.factories import CmoFactory, SiteFactory

QUARTERS = [datetime.date(2025, 1, 1), datetime.date(2025, 4, 1), datetime.date(2025, 7, 1)]


@pytest.fixture
def portfolio(db):
    """`portfolio(n)`: n CMOs, each with a site and three quarters of every standard KPI
    but one, scored."""

    def build(size: int):
        kpis = list(KpiDefinition.objects.order_by("code"))[:-1]
        cmos = CmoFactory.create_batch(size)
        for cmo in cmos:
            SiteFactory(cmo=cmo)
        Measurement.objects.bulk_create(
            Measurement(
                cmo=cmo,
                kpi=kpi,
                period=quarter,
                value=Decimal(str(min(100, float(kpi.target) + i))),
            )
            for cmo in cmos
            for i, quarter in enumerate(QUARTERS)
            for kpi in kpis
        )
        scorecards_recompute()
        return cmos

    return build
