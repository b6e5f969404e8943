"""The resource plan's pages and API: who may read what, and what they show."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from resourcing.models import PersonCapacity, ProductOversightBudget, ProductPhasePlan
from suppliers.models import Cmo
from tests.factories import (
    CmoFactory,
    PersonCapacityFactory,
    ProductFactory,
    SiteFactory,
    SupplyStageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PLAN_PAGES = ["resourcing:what_if", "resourcing:hiring", "resourcing:budgets"]

# (user fixture, page, status)
MATRIX = [
    ("executive", "resourcing:workload", 200),
    ("scm", "resourcing:workload", 200),
    ("admin_user", "resourcing:workload", 200),
    ("rm", "resourcing:workload", 200),
    *[(user, page, 200) for user in ("executive", "scm", "admin_user") for page in PLAN_PAGES],
    *[("rm", page, 403) for page in PLAN_PAGES],
    ("executive", "resourcing:my_capacity", 200),
    ("rm", "resourcing:my_capacity", 200),
]


@pytest.mark.parametrize(("who", "page", "status"), MATRIX)
def test_permission_matrix(request, client_for, who, page, status):
    user = request.getfixturevalue(who)
    assert client_for(user).get(reverse(page)).status_code == status


def test_pages_need_sign_in(client):
    response = client.get(reverse("resourcing:workload"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_user_without_role_is_refused(client_for):
    nobody = UserFactory(username="norole")
    assert client_for(nobody).get(reverse("resourcing:workload")).status_code == 403


def test_workload_page_flags_over_capacity_and_draws_charts(client_for, scm):
    rm = UserFactory(username="overloaded", first_name="Olga", last_name="Over")
    PersonCapacityFactory(user=rm, fte=Decimal("0.1"))
    CmoFactory(oversight_tier="intensive", relationship_manager=rm)
    page = client_for(scm).get(reverse("resourcing:workload")).content.decode()
    assert "Olga Over" in page and "over capacity" in page
    assert "FTE of process expertise short in" in page  # nobody holds the expert role
    assert page.count('class="plotly-figure') == 2
    assert "plotly.min.js" in page
    assert "<script>" not in page  # figures are JSON data, not inline scripts


def test_relationship_manager_sees_only_their_own_workload(client_for, rm, other_rm):
    PersonCapacityFactory(user=rm)
    CmoFactory(oversight_tier="active", relationship_manager=rm, name="Mine AG")
    CmoFactory(oversight_tier="active", relationship_manager=other_rm, name="Theirs SA")
    response = client_for(rm).get(reverse("resourcing:workload"))
    people = response.context["people"]
    assert [p["person"].person_id for p in people] == [rm.pk]
    assert response.context["role_rows"] == []


def test_workload_page_queries_do_not_grow_with_the_portfolio(client_for, scm):
    def build(prefix, n):
        for i in range(n):
            user = UserFactory(username=f"{prefix}{i}")
            PersonCapacityFactory(user=user)
            cmo = CmoFactory(oversight_tier="intensive", relationship_manager=user)
            SupplyStageFactory(site=SiteFactory(cmo=cmo))

    client = client_for(scm)
    build("a", 2)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("resourcing:workload"))
    build("b", 10)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("resourcing:workload"))
    assert len(small.captured_queries) == len(large.captured_queries)


def test_what_if_page_shows_the_delta_and_saves_nothing(client_for, scm):
    cmo = CmoFactory(oversight_tier="active")
    tiers_before = list(Cmo.objects.values_list("pk", "oversight_tier"))
    response = client_for(scm).get(
        reverse("resourcing:what_if"), {"kind": "tier", "cmo": cmo.pk, "tier": "intensive"}
    )
    assert response.status_code == 200
    deltas = {d.role: d.monthly_hours for d in response.context["result"].deltas}
    assert deltas["technical_expert"] == 24
    assert "adds 24 h/month of process expertise" in response.content.decode()
    assert list(Cmo.objects.values_list("pk", "oversight_tier")) == tiers_before


def test_what_if_outsourcing_needs_a_cmo_and_a_product(client_for, scm):
    response = client_for(scm).get(reverse("resourcing:what_if"), {"kind": "outsource"})
    assert response.context["result"] is None
    assert "cmo" in response.context["form"].errors


def test_person_edits_own_capacity_but_not_anothers(client_for, rm, other_rm):
    client = client_for(rm)
    response = client.post(
        reverse("resourcing:my_capacity"),
        {"fte": "0.5", "standard_month_hours": "140", "oversight_share": "50"},
    )
    assert response.status_code == 302
    assert PersonCapacity.objects.get(user=rm).hours_per_month == 35
    assert client.get(reverse("resourcing:capacity_edit", args=[other_rm.pk])).status_code == 403


def test_administrator_edits_anyones_capacity(client_for, admin_user, rm):
    response = client_for(admin_user).post(
        reverse("resourcing:capacity_edit", args=[rm.pk]),
        {"fte": "0.8", "standard_month_hours": "140", "oversight_share": "100"},
    )
    assert response.status_code == 302
    assert PersonCapacity.objects.get(user=rm).fte == Decimal("0.8")


def test_supply_chain_manager_sets_a_budget_and_a_plan(client_for, scm):
    product = ProductFactory()
    client = client_for(scm)
    response = client.post(
        reverse("resourcing:budget_edit", args=[product.pk]), {"hours_per_year": "300"}
    )
    assert response.status_code == 302
    assert ProductOversightBudget.objects.get(product=product).hours_per_year == 300
    launch = datetime.date.today() + datetime.timedelta(days=100)
    response = client.post(
        reverse("resourcing:plan_edit", args=[product.pk]), {"launch": launch.isoformat()}
    )
    assert response.status_code == 302
    assert ProductPhasePlan.objects.get(product=product).launch == launch


@pytest.mark.parametrize("who", ["executive", "rm"])
def test_readers_cannot_edit_budgets(request, client_for, who):
    product = ProductFactory()
    user = request.getfixturevalue(who)
    url = reverse("resourcing:budget_edit", args=[product.pk])
    assert client_for(user).post(url, {"hours_per_year": "1"}).status_code == 403


def test_budget_without_hours_or_money_is_refused(client_for, scm):
    product = ProductFactory()
    response = client_for(scm).post(reverse("resourcing:budget_edit", args=[product.pk]), {})
    assert response.status_code == 200
    assert not ProductOversightBudget.objects.exists()


def test_hiring_page_shows_the_gap(client_for, executive):
    plan = ProductPhasePlan.objects.create(
        product=ProductFactory(code="NEW-1", lifecycle_phase="clinical"),
        cmo_selection=datetime.date.today() + datetime.timedelta(days=90),
    )
    page = client_for(executive).get(reverse("resourcing:hiring")).content.decode()
    assert "NEW-1" in page and "Relationship manager" in page and "Gap" in page
    assert plan.pk


# --- API ------------------------------------------------------------------------------------


def test_api_workload_and_gaps(api_for, scm):
    rm = UserFactory(username="api-rm")
    PersonCapacityFactory(user=rm, fte=Decimal("0.1"))
    CmoFactory(oversight_tier="intensive", relationship_manager=rm)
    api = api_for(scm)
    workload = api.get("/api/resource-workload/").json()["results"]
    row = next(r for r in workload if r["person_id"] == rm.pk)
    assert row["over"] and row["periods"][1]["need"] == 48 and row["periods"][1]["label"]
    gaps = api.get("/api/resource-gaps/").json()
    expert_q1 = next(
        g for g in gaps["results"] if g["role"] == "technical_expert" and g["period"] == "q1"
    )
    assert expert_q1["gap_hours"] == 72 and expert_q1["message"].startswith("0.2 FTE")
    assert gaps["total_gap_fte"] > 0
    assert api.get("/api/resource-budgets/").status_code == 200


def test_api_relationship_manager_reads_own_workload_only(api_for, rm, other_rm):
    CmoFactory(oversight_tier="active", relationship_manager=rm)
    CmoFactory(oversight_tier="active", relationship_manager=other_rm)
    api = api_for(rm)
    rows = api.get("/api/resource-workload/").json()["results"]
    assert [r["person_id"] for r in rows] == [rm.pk]
    assert api.get("/api/resource-gaps/").status_code == 403


def test_api_is_read_only(api_for, admin_user):
    assert api_for(admin_user).post("/api/resource-gaps/", {}).status_code == 405


def test_api_workload_query_count_is_fixed(api_for, scm):
    api = api_for(scm)
    api.get("/api/resource-workload/")  # the user's roles are read once, then cached
    for i in range(2):
        CmoFactory(oversight_tier="active", relationship_manager=UserFactory(username=f"s{i}"))
    with CaptureQueriesContext(connection) as small:
        api.get("/api/resource-workload/")
    for i in range(9):
        CmoFactory(oversight_tier="active", relationship_manager=UserFactory(username=f"l{i}"))
    with CaptureQueriesContext(connection) as large:
        api.get("/api/resource-workload/")
    assert len(small.captured_queries) == len(large.captured_queries)
