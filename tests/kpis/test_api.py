"""The KPI API: definitions, measurements (with bulk) and read-only scorecards."""

import pytest

from kpis.models import KpiDefinition, Measurement
from tests.factories import CmoFactory, MeasurementFactory

pytestmark = pytest.mark.django_db


def test_measurement_created_by_api_records_source_and_user(api_for, rm, own_cmo):
    response = api_for(rm).post(
        "/api/measurements/",
        {"cmo": own_cmo.pk, "kpi": "otif", "period": "2025-08", "value": "94.5"},
        format="json",
    )
    assert response.status_code == 201, response.data
    measurement = Measurement.objects.get()
    assert (measurement.source, measurement.entered_by, measurement.month) == ("api", rm, 8)
    assert response.data["period"] == "2025-08"


def test_api_refuses_what_the_form_refuses(api_for, scm):
    cmo = CmoFactory()
    response = api_for(scm).post(
        "/api/measurements/",
        {"cmo": cmo.pk, "kpi": "otif", "period": "2025Q3", "value": "140"},
        format="json",
    )
    assert response.status_code == 400 and "value" in response.data


def test_relationship_manager_cannot_write_for_another_cmo(api_for, rm, foreign_cmo):
    api = api_for(rm)
    response = api.post(
        "/api/measurements/",
        {"cmo": foreign_cmo.pk, "kpi": "otif", "period": "2025Q3", "value": "90"},
        format="json",
    )
    assert response.status_code == 400
    measurement = MeasurementFactory(cmo=foreign_cmo)
    assert api.patch(f"/api/measurements/{measurement.pk}/", {"value": "1"}).status_code == 404


def test_bulk_creates_all_or_nothing(api_for, scm):
    cmo = CmoFactory()
    item = {"cmo": cmo.pk, "kpi": "otif", "value": "90"}
    api = api_for(scm)
    bad = [{**item, "period": "2025Q1"}, {**item, "period": "2025Q9"}]
    response = api.post("/api/measurements/bulk/", bad, format="json")
    assert response.status_code == 400 and response.data[1]["period"]
    assert Measurement.objects.count() == 0

    good = [{**item, "period": f"2025Q{q}"} for q in range(1, 5)]
    response = api.post("/api/measurements/bulk/", good, format="json")
    assert response.status_code == 201 and Measurement.objects.count() == 4


def test_scorecards_are_read_only(api_for, scm, portfolio):
    cmo = portfolio(2)[0]
    api = api_for(scm)
    response = api.get(f"/api/scorecards/?cmo={cmo.pk}&latest=true")
    assert response.status_code == 200
    (card,) = response.data["results"]
    assert card["period"] == "2025Q3" and card["status"] in ("green", "amber", "red")
    assert api.post("/api/scorecards/", {}, format="json").status_code == 405


@pytest.mark.parametrize("size", [5, 50])
def test_scorecard_api_queries_do_not_grow(
    size, api_for, scm, portfolio, django_assert_num_queries
):
    portfolio(size)
    api = api_for(scm)
    api.get("/api/scorecards/")
    with django_assert_num_queries(4):
        assert api.get("/api/scorecards/?latest=true").status_code == 200


def test_only_supply_chain_managers_change_definitions(api_for, rm, scm):
    otif = KpiDefinition.objects.get(code="otif")
    assert api_for(rm).patch(f"/api/kpi-definitions/{otif.pk}/", {"name": "x"}).status_code == 403
    response = api_for(scm).patch(
        f"/api/kpi-definitions/{otif.pk}/", {"target": "99", "change_reason": "New contract"}
    )
    assert response.status_code == 200
    assert otif.history.first().history_change_reason == "New contract"
