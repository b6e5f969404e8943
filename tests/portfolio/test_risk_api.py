"""The risk API: scores with reasons (read-only), tiers, findings and the register."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolio.models import RegisteredRisk
from portfolio.services import risk_recompute
from tests.factories import (
    CmoFactory,
    ProductFactory,
    RegisteredRiskFactory,
    SiteFactory,
    SupplyStageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored():
    site = SiteFactory(name="Basel", open_483=True)
    SupplyStageFactory(site=site, product=ProductFactory(code="LIFE-1"))
    risk_recompute()
    return site.cmo


def test_risk_scores_come_with_their_reasons(api_for, executive, scored):
    response = api_for(executive).get("/api/risk-scores/")
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert row["product_code"] == "LIFE-1"
    assert "open FDA 483 at Basel (+1)" in row["likelihood_reasons"]
    assert row["impact_reasons"] == ["medium patient criticality (+1)"]
    assert row["score"] == row["likelihood"] * row["impact"]


def test_risk_scores_are_read_only(api_for, admin_user, scored):
    api = api_for(admin_user)
    assert api.post("/api/risk-scores/", {}).status_code == 405
    assert api.delete("/api/oversight-findings/1/").status_code == 405


def test_tiers_and_findings(api_for, executive, scored):
    api = api_for(executive)
    tier = api.get("/api/oversight-tiers/").json()["results"][0]
    assert tier["cmo"] == scored.pk
    assert tier["tier"] in ("intensive", "active", "monitor")
    assert tier["tier_reasons"]
    assert tier["required_roles"][0] == "relationship_manager"
    findings = api.get("/api/oversight-findings/", {"cmo": scored.pk}).json()["results"]
    kinds = {f["kind"] for f in findings}
    assert "no_quality_agreement" in kinds
    assert all(f["fix_url"] for f in findings)


def test_register_through_the_api(api_for, admin_user, scm):
    cmo = CmoFactory()
    api = api_for(admin_user)
    response = api.post(
        "/api/risk-register/",
        {"title": "Port strike", "cmo": cmo.pk, "likelihood": 2, "impact": 5, "status": "open"},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["level"] == "high"
    refused = api.post("/api/risk-register/", {"title": "Nothing", "likelihood": 2, "impact": 5})
    assert refused.status_code == 400
    assert "Say which CMO or product" in str(refused.json())
    assert RegisteredRisk.objects.count() == 1


def test_api_list_query_count_does_not_grow(api_for, executive):
    api = api_for(executive)
    counts = []
    for size in (3, 20):
        for _ in range(size):
            SupplyStageFactory()
            RegisteredRiskFactory()
        risk_recompute()
        for url in (
            "/api/risk-scores/",
            "/api/oversight-findings/",
            "/api/oversight-tiers/",
            "/api/risk-register/",
        ):
            api.get(url)  # warm the permission cache
            with CaptureQueriesContext(connection) as queries:
                assert api.get(url).status_code == 200
            counts.append((size, url, len(queries)))
    small = [n for size, _, n in counts if size == 3]
    large = [n for size, _, n in counts if size == 20]
    assert small == large, counts
