"""The API applies the pages' rules: the same roles, the same scoping, the same messages."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from contracts.models import Contract
from suppliers.models import Cmo, Site
from tests.factories import (
    CmoFactory,
    ContractFactory,
    ProductFactory,
    SiteFactory,
    SupplyStageFactory,
)

pytestmark = pytest.mark.django_db

NEW_CMO = {"name": "Recipharm Monts", "country": "France", "sourcing_objective": "capacity"}


def test_supply_chain_manager_creates_changes_and_deletes_a_cmo(api_for, scm):
    api = api_for(scm)
    created = api.post("/api/cmos/", {**NEW_CMO, "capabilities": ["Packaging"]}, format="json")
    assert created.status_code == 201, created.data
    url = f"/api/cmos/{created.data['id']}/"
    assert (
        api.patch(url, {"country": "Spain", "change_reason": "data fix"}, format="json").status_code
        == 200
    )
    assert Cmo.objects.get().country == "Spain"
    assert api.delete(url + "?reason=test record").status_code == 204
    actions = list(
        Cmo.history.order_by("history_date").values_list("history_type", "history_user__username")
    )
    # Setting the capabilities on create is recorded as a change of its own.
    assert actions[0] == ("+", "scm") and actions[-1] == ("-", "scm")
    assert {user for _, user in actions} == {"scm"}


def test_history_of_a_record_is_readable_and_names_the_change(api_for, scm):
    cmo = CmoFactory(country="Germany")
    api = api_for(scm)
    api.patch(
        f"/api/cmos/{cmo.pk}/", {"country": "Italy", "change_reason": "relocated"}, format="json"
    )
    history = api.get(f"/api/cmos/{cmo.pk}/history/").data["results"]
    assert history[0]["reason"] == "relocated" and history[0]["user"] == "scm"
    assert {"field": "country", "old": "Germany", "new": "Italy"} in history[0]["changes"]


def test_history_cannot_be_written_through_the_api(api_for, admin_user):
    cmo = CmoFactory()
    api = api_for(admin_user)
    assert api.post(f"/api/cmos/{cmo.pk}/history/", {}, format="json").status_code == 405
    assert api.delete(f"/api/cmos/{cmo.pk}/history/").status_code == 405


def test_executive_reads_and_is_refused_writes(api_for, executive):
    cmo = CmoFactory()
    api = api_for(executive)
    assert api.get("/api/cmos/").status_code == 200
    assert api.post("/api/cmos/", NEW_CMO, format="json").status_code == 403
    assert api.patch(f"/api/cmos/{cmo.pk}/", {"notes": "x"}, format="json").status_code == 403
    assert api.delete(f"/api/cmos/{cmo.pk}/").status_code == 403


def test_relationship_manager_changes_own_cmo_but_not_anothers(api_for, rm, own_cmo, foreign_cmo):
    api = api_for(rm)
    assert api.patch(f"/api/cmos/{own_cmo.pk}/", {"notes": "ok"}, format="json").status_code == 200
    refused = api.patch(f"/api/cmos/{foreign_cmo.pk}/", {"notes": "no"}, format="json")
    assert refused.status_code == 404
    assert "notes" not in refused.data  # the data is not given away
    foreign_cmo.refresh_from_db()
    assert foreign_cmo.notes == ""


def test_relationship_manager_cannot_create_a_site_under_another_managers_cmo(
    api_for, rm, foreign_cmo, own_cmo
):
    api = api_for(rm)
    refused = api.post(
        "/api/sites/", {"cmo": foreign_cmo.pk, "name": "X", "country": "FR"}, format="json"
    )
    assert refused.status_code == 400 and "cmo" in refused.data
    allowed = api.post(
        "/api/sites/", {"cmo": own_cmo.pk, "name": "Y", "country": "FR"}, format="json"
    )
    assert allowed.status_code == 201
    assert list(Site.objects.values_list("name", flat=True)) == ["Y"]


@pytest.mark.parametrize(
    ("url", "payload", "field", "message"),
    [
        (
            "/api/cmos/",
            {**NEW_CMO, "name": "existing pharma"},
            "non_field_errors",
            "already exists",
        ),
        (
            "/api/contracts/",
            {
                "contract_type": "msa",
                "reference": "M-1",
                "title": "MSA",
                "effective_date": "2026-05-01",
                "expiry_date": "2026-04-01",
            },
            "expiry_date",
            "after the effective date",
        ),
    ],
)
def test_bad_input_answers_400_with_details_and_saves_nothing(
    api_for, scm, url, payload, field, message
):
    cmo = CmoFactory(name="Existing Pharma")
    if url == "/api/contracts/":
        payload = {**payload, "cmo": cmo.pk}
    before = (Cmo.objects.count(), Contract.objects.count())
    response = api_for(scm).post(url, payload, format="json")
    assert response.status_code == 400
    assert message in str(response.data[field])
    assert (Cmo.objects.count(), Contract.objects.count()) == before


def test_a_stage_at_a_disqualified_cmo_answers_400(api_for, scm):
    site = SiteFactory(cmo=CmoFactory(status=Cmo.Status.DISQUALIFIED))
    payload = {
        "product": ProductFactory().pk,
        "step": "testing",
        "site": site.pk,
        "capacity_per_year": 10,
        "lead_time_days": 3,
    }
    response = api_for(scm).post("/api/supply-stages/", payload, format="json")
    assert response.status_code == 400 and "disqualified" in str(response.data["site"])


def test_shares_over_100_percent_answer_400(api_for, scm):
    stage = SupplyStageFactory(volume_share=80)
    payload = {
        "product": stage.product.pk,
        "step": stage.step,
        "site": SiteFactory().pk,
        "capacity_per_year": 10,
        "lead_time_days": 3,
        "volume_share": "30",
    }
    response = api_for(scm).post("/api/supply-stages/", payload, format="json")
    assert response.status_code == 400 and "110 %" in str(response.data["volume_share"])
    single = api_for(scm).patch(
        f"/api/supply-stages/{stage.pk}/", {"volume_share": "101"}, format="json"
    )
    assert single.status_code == 400


def test_an_upload_of_the_wrong_type_answers_400(api_for, scm):
    contract = ContractFactory()
    fake = SimpleUploadedFile(
        "signed.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf"
    )
    response = api_for(scm).patch(
        f"/api/contracts/{contract.pk}/", {"document": fake}, format="multipart"
    )
    assert response.status_code == 400 and "not a PDF" in str(response.data["document"])


def test_a_real_pdf_upload_is_stored_and_served_only_to_logged_in_users(
    api_for, scm, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    contract = ContractFactory()
    pdf = SimpleUploadedFile("signed.pdf", b"%PDF-1.7 signed", content_type="application/pdf")
    assert (
        api_for(scm)
        .patch(f"/api/contracts/{contract.pk}/", {"document": pdf}, format="multipart")
        .status_code
        == 200
    )
    url = f"/contracts/{contract.pk}/document/"
    assert client.get(url).status_code == 302
    client.force_login(scm)
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.7 signed"


def test_deleting_a_record_in_use_answers_409(api_for, scm):
    contract = ContractFactory()
    response = api_for(scm).delete(f"/api/cmos/{contract.cmo.pk}/")
    assert response.status_code == 409 and contract.reference in str(response.data["protected_by"])


def test_token_authentication_works_and_anonymous_is_refused(scm):
    token = Token.objects.create(user=scm)
    api = APIClient()
    assert api.get("/api/cmos/").status_code in (401, 403)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/cmos/").status_code == 200


def test_contract_status_and_notice_date_are_in_the_api_and_filterable(api_for, executive):
    soon = ContractFactory(expiry_date=datetime.date.today() + datetime.timedelta(days=30))
    ContractFactory(expiry_date=datetime.date.today() + datetime.timedelta(days=900))
    data = api_for(executive).get("/api/contracts/?status=expiring").data
    assert [c["reference"] for c in data["results"]] == [soon.reference]
    assert data["results"][0]["status"] == "expiring"


def test_the_openapi_schema_and_swagger_ui_are_served_to_users(api_for, client_for, executive):
    assert api_for(executive).get("/api/schema/").status_code == 200
    page = client_for(executive).get("/api/docs/").content.decode()
    assert "swagger" in page.lower() and "cdn" not in page.lower()


@pytest.mark.parametrize(
    "url", ["/api/cmos/", "/api/sites/", "/api/contracts/", "/api/supply-stages/", "/api/audits/"]
)
def test_api_lists_issue_the_same_queries_for_5_and_50_rows(api_for, scm, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    factory = {
        "/api/cmos/": CmoFactory,
        "/api/sites/": SiteFactory,
        "/api/contracts/": ContractFactory,
        "/api/supply-stages/": SupplyStageFactory,
    }.get(url)
    if factory is None:
        from tests.factories import AuditFindingFactory

        factory = AuditFindingFactory
    api = api_for(scm)
    factory.create_batch(5)
    api.get(url)  # warm the permission cache
    with CaptureQueriesContext(connection) as small:
        api.get(url)
    factory.create_batch(45)
    with CaptureQueriesContext(connection) as large:
        api.get(url)
    assert len(small) == len(large)
