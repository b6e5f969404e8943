"""The risk pages: every score with its reasons, empty states, fix links, the supply
chain named on its page, the register's CRUD with history, and list query counts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracts.models import Contract
from kpis.models import Scorecard, ScoringBasis
from kpis.periods import quarter_start
from portfolio.models import RegisteredRisk
from portfolio.services import risk_recompute
from suppliers.models import SupplyStage
from tests.factories import (
    AuditFactory,
    CmoFactory,
    ContractFactory,
    ProductFactory,
    RegisteredRiskFactory,
    SiteFactory,
    SupplyStageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    """A product made in three steps; fill/finish is dual-sourced with a backup and
    packaging, at 95 % of its capacity, is the bottleneck."""
    cmo = CmoFactory(name="Alpha Pharma")
    product = ProductFactory(code="LIFE-1", patient_criticality="critical", annual_demand=95_000)
    site = SiteFactory(cmo=cmo, name="Basel", open_483=True)
    backup = SiteFactory(cmo=cmo, name="Lyon")
    for audited in (site, backup):
        AuditFactory(site=audited)
    ContractFactory(cmo=cmo, contract_type=Contract.Type.QUALITY)
    ContractFactory(cmo=cmo, contract_type=Contract.Type.SUPPLY)
    basis = ScoringBasis.objects.create(digest="pages", kpis=[])
    Scorecard.objects.create(
        cmo=cmo,
        period=quarter_start(datetime.date.today()),
        basis=basis,
        score=92,
        status="green",
        is_latest=True,
    )
    SupplyStageFactory(
        product=product,
        site=site,
        step=SupplyStage.Step.FORMULATION,
        capacity_per_year=300_000,
        lead_time_days=40,
    )
    SupplyStageFactory(product=product, site=site, lead_time_days=20)
    SupplyStageFactory(
        product=product,
        site=backup,
        lead_time_days=35,
        volume_share=Decimal("0"),
        is_qualified_backup=True,
    )
    SupplyStageFactory(
        product=product,
        site=site,
        step=SupplyStage.Step.PACKAGING,
        capacity_per_year=100_000,
        lead_time_days=10,
    )
    risk_recompute()
    return cmo, product


def test_risk_list_shows_scores_with_reasons(client_for, executive, chain):
    response = client_for(executive).get(reverse("portfolio:riskscore_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "open FDA 483 at Basel (+1)" in body
    assert "critical patient criticality (+3)" in body
    assert "Likelihood" in body  # the matrix


def test_risk_list_filters_by_level_and_cmo(client_for, executive, chain):
    cmo, _ = chain
    client = client_for(executive)
    assert (
        "LIFE-1"
        in client.get(
            reverse("portfolio:riskscore_list"), {"level": "critical", "cmo": cmo.pk}
        ).content.decode()
    )
    response = client.get(reverse("portfolio:riskscore_list"), {"min_score": 21})
    assert "No arrangement risks match these filters." in response.content.decode()


def test_empty_states(client_for, executive):
    client = client_for(executive)
    for name in ("riskscore_list", "oversightfinding_list", "registeredrisk_list"):
        response = client.get(reverse(f"portfolio:{name}"))
        assert response.status_code == 200
        assert "empty-state" in response.content.decode()


def test_findings_list_links_each_finding_to_its_fix(client_for, executive):
    cmo = CmoFactory(name="Uncontracted Ltd")
    SupplyStageFactory(site=SiteFactory(cmo=cmo))
    risk_recompute()
    response = client_for(executive).get(
        reverse("portfolio:oversightfinding_list"), {"kind": "no_quality_agreement"}
    )
    body = response.content.decode()
    assert "Commercial supply without a quality agreement in force." in body
    assert f"{reverse('contracts:contract_add')}?cmo={cmo.pk}&amp;contract_type=quality" in body


def test_supply_chain_page_names_bottleneck_lead_time_and_riskiest_stage(
    client_for, executive, chain
):
    _, product = chain
    response = client_for(executive).get(reverse("portfolio:supply_chain", args=[product.pk]))
    context = response.context
    assert response.status_code == 200
    assert context["chain"].bottleneck.step == "Packaging"
    assert context["chain"].lead_time_days == 40 + 20 + 10  # the standby backup does not count
    assert context["riskiest"].step == SupplyStage.Step.PACKAGING
    body = response.content.decode()
    assert "bottleneck" in body and "70 days" in body
    assert "95% utilisation at stage 5 (Packaging) (+1)" in body


def test_supply_chain_of_a_product_without_stages(client_for, executive):
    product = ProductFactory()
    response = client_for(executive).get(reverse("portfolio:supply_chain", args=[product.pk]))
    assert "No supply chain recorded for this product." in response.content.decode()


def test_cmo_oversight_page_shows_tier_roles_findings_and_reasons(client_for, executive, chain):
    cmo, _ = chain
    response = client_for(executive).get(reverse("portfolio:cmo_oversight", args=[cmo.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Intensive" in body and "monthly operations reviews" in body
    assert 'Technical / process expert: <span class="text-danger">not assigned' in body
    assert "Intensive tier needs a relationship manager; none is assigned." in body
    assert "open FDA 483 at Basel (+1)" in body


def test_cmo_oversight_before_any_recompute(client_for, executive):
    cmo = CmoFactory()
    response = client_for(executive).get(reverse("portfolio:cmo_oversight", args=[cmo.pk]))
    assert "Not computed yet" in response.content.decode()


def test_register_crud_with_history(client_for, admin_user):
    cmo = CmoFactory()
    client = client_for(admin_user)
    response = client.post(
        reverse("portfolio:registeredrisk_add"),
        {
            "title": "Sole qualified operator retiring",
            "cmo": cmo.pk,
            "likelihood": 4,
            "impact": 4,
            "status": "open",
            "mitigation": "Train a second operator.",
            "review_date": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
        },
    )
    entry = RegisteredRisk.objects.get()
    assert response.status_code == 302
    assert response.url == entry.get_absolute_url()
    assert entry.level == "critical"

    response = client.post(
        reverse("portfolio:registeredrisk_edit", args=[entry.pk]),
        {
            "title": entry.title,
            "cmo": cmo.pk,
            "likelihood": 2,
            "impact": 4,
            "status": "mitigating",
            "change_reason": "Second operator trained",
        },
    )
    assert response.status_code == 302
    history = client.get(reverse("portfolio:registeredrisk_history", args=[entry.pk]))
    assert "Second operator trained" in history.content.decode()
    detail = client.get(entry.get_absolute_url()).content.decode()
    assert "2 × 4 = 8" in detail

    client.post(reverse("portfolio:registeredrisk_delete", args=[entry.pk]))
    assert not RegisteredRisk.objects.exists()


def test_register_refuses_a_risk_about_nothing(client_for, admin_user):
    response = client_for(admin_user).post(
        reverse("portfolio:registeredrisk_add"),
        {"title": "Vague", "likelihood": 3, "impact": 3, "status": "open"},
    )
    assert response.status_code == 200
    assert "Say which CMO or product the risk concerns." in response.content.decode()


def test_register_is_read_only_for_an_executive(client_for, executive):
    entry = RegisteredRiskFactory()
    client = client_for(executive)
    assert client.get(reverse("portfolio:registeredrisk_list")).status_code == 200
    assert client.get(entry.get_absolute_url()).status_code == 200
    assert client.get(reverse("portfolio:registeredrisk_add")).status_code == 403


def _portfolio(size: int) -> None:
    for _ in range(size):
        site = SiteFactory()
        product = ProductFactory()
        SupplyStageFactory(product=product, site=site)
        SupplyStageFactory(product=product, site=site, step=SupplyStage.Step.PACKAGING)
        RegisteredRiskFactory(cmo=site.cmo, product=product)
    risk_recompute()


@pytest.mark.parametrize("name", ["riskscore_list", "oversightfinding_list", "registeredrisk_list"])
def test_list_query_count_does_not_grow(client_for, executive, name):
    client = client_for(executive)
    url = reverse(f"portfolio:{name}")
    counts = []
    for size in (3, 20):
        _portfolio(size)
        client.get(url)  # warm the session and permission caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
