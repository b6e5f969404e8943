"""A product whose oversight budget falls short of what its CMOs' tiers need becomes an
oversight finding on each CMO that makes it."""

import pytest

from portfolio.models import OversightFinding
from portfolio.services import risk_recompute
from tests.factories import ProductOversightBudgetFactory, SupplyStageFactory

pytestmark = pytest.mark.django_db


def test_an_under_resourced_product_is_a_finding_with_a_fix_link():
    stage = SupplyStageFactory(
        product__patient_criticality="critical", product__lifecycle_phase="launch"
    )
    ProductOversightBudgetFactory(product=stage.product, hours_per_year=1)
    risk_recompute()
    finding = OversightFinding.objects.get(kind=OversightFinding.Kind.UNDER_RESOURCED)
    assert finding.cmo == stage.site.cmo and finding.product == stage.product
    assert "h short" in finding.message
    assert str(stage.product.pk) in finding.fix_url


def test_a_product_with_enough_budget_is_not_a_finding():
    stage = SupplyStageFactory()
    ProductOversightBudgetFactory(product=stage.product, hours_per_year=100_000)
    risk_recompute()
    assert not OversightFinding.objects.filter(kind=OversightFinding.Kind.UNDER_RESOURCED).exists()
