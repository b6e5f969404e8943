"""The KPI pages: scorecard list and detail, measurements, definitions, settings."""

import io
from decimal import Decimal

import pandas as pd
import pytest
from django.urls import reverse

from kpis.models import CmoKpi, KpiDefinition, Measurement
from kpis.services import scorecards_recompute
from tests.factories import CmoFactory, MeasurementFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [5, 50])
def test_scorecard_list_queries_do_not_grow_with_the_portfolio(
    size, portfolio, scm, client_for, django_assert_num_queries
):
    portfolio(size)
    client = client_for(scm)
    client.get(reverse("kpis:scorecard_list"))  # warm caches (permissions, content types)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("kpis:scorecard_list") + "?per_page=100")
    assert response.status_code == 200
    assert response.content.count(b"badge-rag-") == size


@pytest.mark.parametrize("size", [5, 50])
def test_scorecard_detail_queries_do_not_grow_with_the_portfolio(
    size, portfolio, scm, client_for, django_assert_num_queries
):
    cmo = portfolio(size)[0]
    client = client_for(scm)
    url = reverse("kpis:scorecard_latest", args=[cmo.pk])
    client.get(url)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(url)
    assert b"2025 Q3" in response.content
    assert b"not measured" in response.content  # one standard KPI has no value
    assert b"vendor/plotly/plotly.min.js" in response.content
    assert b"cdn.plot.ly" not in response.content


LIST_QUERIES = (
    15  # session, user, permissions ×2, counts ×2, groups, filter choices ×2, rows, session save
)
DETAIL_QUERIES = 12


def test_scorecard_list_filters_by_status_and_sorts_red_first(portfolio, scm, client_for):
    cmos = portfolio(3)
    Measurement.objects.filter(cmo=cmos[1], kpi__direction="higher").update(value=0)
    Measurement.objects.filter(cmo=cmos[1], kpi__direction="lower").update(value=999)
    scorecards_recompute()
    client = client_for(scm)
    page = client.get(reverse("kpis:scorecard_list") + "?status=red").content.decode()
    assert cmos[1].name in page and cmos[0].name not in page
    page = client.get(reverse("kpis:scorecard_list") + "?sort=latest_status").content.decode()
    assert page.index(cmos[1].name) < page.index(cmos[0].name)


def test_cmo_without_measurements_shows_no_score(scm, client_for):
    cmo = CmoFactory()
    client = client_for(scm)
    assert "no score" in client.get(reverse("kpis:scorecard_list")).content.decode()
    page = client.get(reverse("kpis:scorecard_latest", args=[cmo.pk])).content.decode()
    assert "there is no scorecard" in page


def test_quarter_without_measurements_has_no_score(portfolio, scm, client_for):
    cmo = portfolio(1)[0]
    page = client_for(scm).get(reverse("kpis:scorecard_detail", args=[cmo.pk, "2024Q1"]))
    assert "this quarter has no score" in page.content.decode()


def test_normalised_weights_are_announced(portfolio, scm, client_for):
    cmo = portfolio(1)[0]
    KpiDefinition.objects.filter(code="otif").update(default_weight=Decimal("40"))
    page = client_for(scm).get(reverse("kpis:cmokpi_settings", args=[cmo.pk])).content.decode()
    assert "not 100" in page


def test_cmo_kpi_settings_saved_by_supply_chain_manager(scm, client_for):
    cmo = CmoFactory()
    otif = KpiDefinition.objects.get(code="otif")
    data = {f"applies_{k.pk}": "on" for k in KpiDefinition.objects.active()}
    data.pop(f"applies_{otif.pk}")
    data[f"weight_{KpiDefinition.objects.get(code='rft').pk}"] = "30"
    response = client_for(scm).post(reverse("kpis:cmokpi_settings", args=[cmo.pk]), data)
    assert response.status_code == 302
    assert not CmoKpi.objects.get(cmo=cmo, kpi=otif).applies
    assert CmoKpi.objects.get(cmo=cmo, kpi__code="rft").weight == 30


def test_relationship_manager_cannot_change_kpi_settings(rm, own_cmo, client_for):
    response = client_for(rm).post(reverse("kpis:cmokpi_settings", args=[own_cmo.pk]), {})
    assert response.status_code == 403


@pytest.mark.parametrize("size", [5, 50])
def test_measurement_list_queries_do_not_grow(
    size, portfolio, scm, client_for, django_assert_num_queries
):
    portfolio(size)
    client = client_for(scm)
    client.get(reverse("kpis:measurement_list"))
    with django_assert_num_queries(MEASUREMENT_LIST_QUERIES):
        client.get(reverse("kpis:measurement_list") + "?per_page=100")


MEASUREMENT_LIST_QUERIES = 14  # the CMO, site and product filters list no choices


def test_relationship_manager_enters_a_measurement_for_own_cmo(
    rm, own_cmo, foreign_cmo, client_for, django_capture_on_commit_callbacks
):
    client = client_for(rm)
    otif = KpiDefinition.objects.get(code="otif")
    data = {"cmo": own_cmo.pk, "kpi": otif.pk, "reporting_period": "2025-08", "value": "93"}
    response = client.post(reverse("kpis:measurement_add"), data)
    assert response.status_code == 302, response.content
    measurement = Measurement.objects.get()
    assert (measurement.month, measurement.entered_by, measurement.source) == (8, rm, "manual")
    assert measurement.history.count() == 1

    response = client.post(reverse("kpis:measurement_add"), {**data, "cmo": foreign_cmo.pk})
    assert response.status_code == 200 and "cmo" in response.context["form"].errors


def test_percentage_out_of_range_is_refused(scm, client_for):
    cmo = CmoFactory()
    otif = KpiDefinition.objects.get(code="otif")
    data = {"cmo": cmo.pk, "kpi": otif.pk, "reporting_period": "2025Q3", "value": "101"}
    response = client_for(scm).post(reverse("kpis:measurement_add"), data)
    assert "A percentage lies between 0 and 100." in response.content.decode()


def test_one_value_per_cmo_kpi_and_period(scm, client_for):
    existing = MeasurementFactory(kpi=KpiDefinition.objects.get(code="otif"))
    data = {
        "cmo": existing.cmo_id,
        "kpi": existing.kpi_id,
        "reporting_period": "2025Q3",
        "value": "50",
    }
    response = client_for(scm).post(reverse("kpis:measurement_add"), data)
    assert "already a value of this KPI" in response.content.decode()


def test_saving_a_measurement_recomputes_after_commit(
    scm, client_for, django_capture_on_commit_callbacks, published
):
    cmo = CmoFactory()
    with django_capture_on_commit_callbacks(execute=True):
        MeasurementFactory(cmo=cmo, kpi=KpiDefinition.objects.get(code="otif"))
    recomputes = [
        args for name, args, _ in published if name == "kpis.tasks.scorecards_recompute_task"
    ]
    assert recomputes == [[[cmo.pk]]]


def test_export_escapes_formulas_in_both_formats(scm, client_for):
    cmo = CmoFactory(name="=HYPERLINK(evil)")
    MeasurementFactory(cmo=cmo, kpi=KpiDefinition.objects.get(code="otif"), comment="@SUM(A1)")
    client = client_for(scm)
    csv = client.get(reverse("kpis:measurement_list") + "?export=csv")
    assert csv["Content-Type"].startswith("text/csv")
    frame = pd.read_csv(io.BytesIO(csv.content), encoding="utf-8-sig")
    assert frame.loc[0, "cmo"] == "'=HYPERLINK(evil)"
    assert frame.loc[0, "comment"] == "'@SUM(A1)"
    xlsx = client.get(reverse("kpis:scorecard_list") + f"?export=xlsx&q={cmo.name[:5]}")
    frame = pd.read_excel(io.BytesIO(xlsx.content))
    assert list(frame["cmo"]) == ["'=HYPERLINK(evil)"]


def test_export_follows_the_filters(portfolio, scm, client_for):
    cmos = portfolio(3)
    response = client_for(scm).get(
        reverse("kpis:measurement_list") + f"?export=csv&cmo={cmos[0].pk}&period=2025Q3"
    )
    frame = pd.read_csv(io.BytesIO(response.content), encoding="utf-8-sig")
    assert set(frame["cmo"]) == {cmos[0].name}
    assert set(frame["period"]) == {"2025Q3"}


@pytest.mark.parametrize(
    "name",
    ["kpis:scorecard_list", "kpis:measurement_list", "kpis:kpidefinition_list"],
)
def test_every_role_reads_the_kpi_pages(name, executive, rm, scm, client_for):
    for user in (executive, rm, scm):
        assert client_for(user).get(reverse(name)).status_code == 200


def test_executive_cannot_enter_measurements_or_import(executive, client_for):
    client = client_for(executive)
    assert client.get(reverse("kpis:measurement_add")).status_code == 403
    assert client.get(reverse("kpis:import_start")).status_code == 403


def test_relationship_manager_cannot_edit_another_rms_measurement(rm, foreign_cmo, client_for):
    measurement = MeasurementFactory(cmo=foreign_cmo)
    url = reverse("kpis:measurement_edit", args=[measurement.pk])
    assert client_for(rm).get(url).status_code == 404


def test_kpi_definition_pages(scm, client_for):
    otif = KpiDefinition.objects.get(code="otif")
    client = client_for(scm)
    assert client.get(otif.get_absolute_url()).status_code == 200
    assert client.get(reverse("kpis:kpidefinition_history", args=[otif.pk])).status_code == 200
    data = {
        "code": "otif",
        "name": "OTIF delivery",
        "category": "delivery",
        "unit": "%",
        "direction": "higher",
        "target": "80",
        "amber_threshold": "90",
        "red_threshold": "85",
        "default_weight": "15",
        "rollup": "mean",
        "is_active": "on",
    }
    response = client.post(reverse("kpis:kpidefinition_edit", args=[otif.pk]), data)
    assert response.status_code == 200  # target below the amber threshold is refused
    assert "amber threshold" in response.content.decode()


@pytest.mark.django_db
def test_an_empty_measurement_form_is_refused_with_messages_not_an_error(client):
    from tests.factories import UserFactory

    scm = UserFactory(username="empty-form-scm", roles=["Supply chain manager"])
    client.force_login(scm)
    response = client.post("/kpis/measurements/add/", {})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
