"""The supplier pages, per role: who may see, create, change and delete what."""

import pytest

from suppliers.models import Cmo, Site, SupplyStage
from tests.factories import (
    AuditFactory,
    CapaFactory,
    CmoFactory,
    ContractFactory,
    ProductFactory,
    SiteFactory,
    SupplyStageFactory,
)

pytestmark = pytest.mark.django_db

CMO_FORM = {
    "name": "Siegfried Evionnaz",
    "country": "Switzerland",
    "status": "approved",
    "annual_spend": "2500000",
    "sourcing_objective": "capability",
    "review_cadence": "quarterly",
}


def test_supply_chain_manager_creates_a_cmo_and_the_history_names_them(client_for, scm):
    response = client_for(scm).post("/suppliers/cmos/add/", CMO_FORM)
    cmo = Cmo.objects.get(name="Siegfried Evionnaz")
    assert response.status_code == 302 and response["Location"] == cmo.get_absolute_url()
    created = cmo.history.get()
    assert created.history_type == "+" and created.history_user == scm


def test_a_change_records_old_and_new_values_and_the_reason(client_for, scm):
    cmo = CmoFactory(country="Germany")
    client = client_for(scm)
    client.post(
        f"/suppliers/cmos/{cmo.pk}/edit/",
        {**CMO_FORM, "name": cmo.name, "country": "Austria", "change_reason": "HQ moved"},
    )
    page = client.get(f"/suppliers/cmos/{cmo.pk}/history/").content.decode()
    assert "Germany" in page and "Austria" in page and "HQ moved" in page
    change = cmo.history.latest()
    assert change.history_change_reason == "HQ moved" and change.history_user == scm


def test_duplicate_cmo_name_is_refused_on_the_field_and_nothing_saved(client_for, scm):
    CmoFactory(name="Siegfried Evionnaz")
    response = client_for(scm).post(
        "/suppliers/cmos/add/", {**CMO_FORM, "name": "siegfried evionnaz"}
    )
    assert response.status_code == 200
    assert "A CMO with this name already exists." in response.content.decode()
    assert Cmo.objects.count() == 1


def test_executive_reads_but_cannot_open_forms(client_for, executive):
    cmo = CmoFactory()
    client = client_for(executive)
    assert client.get(cmo.get_absolute_url()).status_code == 200
    assert client.get("/suppliers/cmos/add/").status_code == 403
    assert client.get(f"/suppliers/cmos/{cmo.pk}/edit/").status_code == 403
    assert client.post(f"/suppliers/cmos/{cmo.pk}/edit/", CMO_FORM).status_code == 403
    assert client.post(f"/suppliers/cmos/{cmo.pk}/delete/", {"reason": "x"}).status_code == 403
    assert Cmo.objects.filter(pk=cmo.pk).exists()


def test_relationship_manager_changes_their_own_cmo(client_for, rm, own_cmo):
    response = client_for(rm).post(
        f"/suppliers/cmos/{own_cmo.pk}/edit/",
        {**CMO_FORM, "name": own_cmo.name, "notes": "QBR moved"},
    )
    assert response.status_code == 302
    own_cmo.refresh_from_db()
    assert own_cmo.notes == "QBR moved"
    assert own_cmo.relationship_manager == rm  # the disabled field keeps its value


def test_relationship_manager_gets_404_on_another_managers_cmo(client_for, rm, foreign_cmo):
    client = client_for(rm)
    assert client.get(foreign_cmo.get_absolute_url()).status_code == 200  # reading is open
    assert client.get(f"/suppliers/cmos/{foreign_cmo.pk}/edit/").status_code == 404
    response = client.post(
        f"/suppliers/cmos/{foreign_cmo.pk}/edit/", {**CMO_FORM, "name": "Hijacked"}
    )
    assert response.status_code == 404
    foreign_cmo.refresh_from_db()
    assert foreign_cmo.name == "Foreign Fill SA"


def test_relationship_manager_cannot_attach_a_site_to_another_managers_cmo(
    client_for, rm, foreign_cmo
):
    response = client_for(rm).post(
        "/suppliers/sites/add/", {"cmo": foreign_cmo.pk, "name": "Sneaky", "country": "FR"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Site.objects.filter(name="Sneaky").exists()


def test_relationship_manager_cannot_create_or_delete_cmos(client_for, rm, own_cmo):
    client = client_for(rm)
    assert client.get("/suppliers/cmos/add/").status_code == 403
    assert client.post(f"/suppliers/cmos/{own_cmo.pk}/delete/", {"reason": "x"}).status_code == 403


def test_a_stage_at_a_disqualified_cmo_is_refused_with_a_message(client_for, scm):
    site = SiteFactory(cmo=CmoFactory(name="Gone Ltd", status=Cmo.Status.DISQUALIFIED))
    response = client_for(scm).post(
        "/suppliers/stages/add/",
        {
            "product": ProductFactory().pk,
            "step": "packaging",
            "site": site.pk,
            "capacity_per_year": 1000,
            "lead_time_days": 10,
            "volume_share": "100",
        },
    )
    assert response.status_code == 200
    assert "Gone Ltd is disqualified" in response.content.decode()
    assert not SupplyStage.objects.exists()


def test_a_cmo_still_used_by_a_contract_cannot_be_deleted(client_for, scm):
    contract = ContractFactory()
    response = client_for(scm).post(
        f"/suppliers/cmos/{contract.cmo.pk}/delete/", {"reason": "duplicate"}, follow=True
    )
    assert "cannot be deleted while other records use it" in response.content.decode()
    assert Cmo.objects.filter(pk=contract.cmo.pk).exists()


def test_deletion_keeps_the_history_with_its_reason(client_for, scm):
    cmo = CmoFactory()
    response = client_for(scm).post(
        f"/suppliers/cmos/{cmo.pk}/delete/", {"reason": "entered twice"}
    )
    assert response.status_code == 302
    deleted = Cmo.history.filter(id=cmo.pk).latest()
    assert deleted.history_type == "-" and deleted.history_change_reason == "entered twice"
    assert deleted.history_user == scm


def test_the_cmo_page_gathers_sites_audits_capas_products_and_contracts(client_for, executive):
    stage = SupplyStageFactory(product=ProductFactory(code="ONC-101"))
    cmo = stage.site.cmo
    capa = CapaFactory(finding__audit__site=stage.site, description="Requalify the isolator")
    contract = ContractFactory(cmo=cmo, reference="QA-2026-7")
    page = client_for(executive).get(cmo.get_absolute_url()).content.decode()
    for text in (stage.site.name, "ONC-101", capa.description, contract.reference, "Recent audits"):
        assert text in page


def test_the_product_page_shows_its_chain_stage_by_stage(client_for, executive):
    product = ProductFactory(annual_demand=95_000)
    SupplyStageFactory(product=product, step="api_synthesis", capacity_per_year=100_000)
    SupplyStageFactory(product=product, step="packaging", capacity_per_year=400_000)
    page = client_for(executive).get(product.get_absolute_url()).content.decode()
    assert page.index("API synthesis") < page.index("Packaging")
    assert "95 %" in page  # utilisation of the API stage


def test_lists_search_filter_and_sort(client_for, executive):
    CmoFactory(name="Alpha Pharma", country="India", status=Cmo.Status.APPROVED)
    CmoFactory(name="Beta Bio", country="Ireland", status=Cmo.Status.QUALIFYING)
    client = client_for(executive)
    assert "Beta Bio" not in client.get("/suppliers/cmos/?q=alpha").content.decode()
    assert "Alpha Pharma" not in client.get("/suppliers/cmos/?status=qualifying").content.decode()
    page = client.get("/suppliers/cmos/?sort=-name").content.decode()
    assert page.index("Beta Bio") < page.index("Alpha Pharma")
    assert "No CMOs match these filters" in client.get("/suppliers/cmos/?q=zzz").content.decode()


@pytest.mark.parametrize(
    ("url", "factory"),
    [
        ("/suppliers/cmos/", CmoFactory),
        ("/suppliers/sites/", SiteFactory),
        ("/suppliers/audits/", AuditFactory),
        ("/suppliers/capas/", CapaFactory),
        ("/suppliers/products/", ProductFactory),
        ("/suppliers/stages/", SupplyStageFactory),
        ("/contracts/", ContractFactory),
    ],
)
def test_list_pages_issue_the_same_queries_for_5_and_50_rows(client_for, scm, url, factory):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(scm)
    factory.create_batch(5)
    client.get(url)  # warm the session and content types
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    factory.create_batch(45)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]


def test_the_cmo_page_issues_the_same_queries_for_a_small_and_a_large_cmo(client_for, scm):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def build(n):
        cmo = CmoFactory()
        for _ in range(n):
            stage = SupplyStageFactory(site=SiteFactory(cmo=cmo))
            CapaFactory(finding__audit__site=stage.site)
            ContractFactory(cmo=cmo)
        return cmo

    client = client_for(scm)
    small, large = build(1), build(8)
    client.get(small.get_absolute_url())
    with CaptureQueriesContext(connection) as q_small:
        client.get(small.get_absolute_url())
    with CaptureQueriesContext(connection) as q_large:
        client.get(large.get_absolute_url())
    assert len(q_small) == len(q_large)
