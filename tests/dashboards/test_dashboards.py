import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cmo_portal import roles
from kpis.models import Scorecard
from portfolio import dashboards
from portfolio.dashboard_views import risk_list_url
from portfolio.models import RiskScore
from tests.dashboards.conftest import build_portfolio, scorecards_for
from tests.factories import CmoFactory, UserFactory


def _queries(client, url) -> int:
    # Measured after one request: the staff-gap tile is cached for a few minutes, and the
    # first request after a change fills it (a fixed number of queries of its own).
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.django_db
def test_portfolio_dashboard_queries_do_not_grow_with_the_portfolio(client_for, executive):
    client = client_for(executive)
    build_portfolio(2)
    small = _queries(client, reverse("dashboards:portfolio"))
    build_portfolio(
        6, per_cmo=2, rm=UserFactory(username="rm-b", roles=[roles.RELATIONSHIP_MANAGER])
    )
    large = _queries(client, reverse("dashboards:portfolio"))
    assert small == large


@pytest.mark.django_db
def test_dashboard_selector_is_nine_queries(django_assert_num_queries):
    build_portfolio(3)
    with django_assert_num_queries(8):
        board = dashboards.portfolio_dashboard()
    assert len(board.cmos) == 3


@pytest.mark.django_db
def test_cmo_health_page_queries_do_not_grow_with_the_cmo(client_for, executive):
    client = client_for(executive)
    small, large = build_portfolio(1, per_cmo=1)[0], build_portfolio(1, per_cmo=4)[0]
    assert _queries(client, reverse("dashboards:cmo_health", args=[small.pk])) == _queries(
        client, reverse("dashboards:cmo_health", args=[large.pk])
    )


@pytest.mark.django_db
def test_filtered_and_drilldown_pages_issue_fixed_queries(client_for, executive):
    client = client_for(executive)
    build_portfolio(2)
    urls = [reverse("dashboards:cmo_list") + "?country=Germany", reverse("dashboards:risk")]
    first = [_queries(client, u) for u in urls]
    build_portfolio(5, rm=UserFactory(username="rm-c", roles=[roles.RELATIONSHIP_MANAGER]))
    assert [_queries(client, u) for u in urls] == first


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("scores", "expected"),
    [([80], "healthy"), ([70], "at_risk"), ([45], "critical"), ([], "unknown")],
)
def test_health_follows_the_latest_scorecard(scores, expected):
    cmo = CmoFactory()
    scorecards_for(cmo, [90, *scores] if scores else [])
    assert (
        dashboards.cmos_with_health(dashboards.PortfolioFilters().cmos()).get().health == expected
    )


@pytest.mark.django_db
def test_dashboard_counts_health_tiles_notice_and_overdue(client_for, executive):
    build_portfolio(3)
    board = dashboards.portfolio_dashboard()
    counts = {row["health"]: row["count"] for row in board.health_counts}
    assert sum(counts.values()) == 3
    assert len(board.notice_contracts) == 3
    assert len(board.overdue_reviews) == 3
    assert len(board.overdue_actions) == 3
    assert len(board.top_risks) == 3
    assert sum(c["count"] for row in board.matrix for c in row["cells"]) == 3
    response = client_for(executive).get(reverse("dashboards:portfolio"))
    assert b'data-tile="overdue-reviews"' in response.content
    assert b"<script>" not in response.content  # no inline script: the CSP forbids it


@pytest.mark.django_db
def test_filters_narrow_every_tile():
    build_portfolio(3)
    board = dashboards.portfolio_dashboard(dashboards.PortfolioFilters(country="India"))
    assert list(board.cmos["country"]) == ["India"]
    assert len(board.notice_contracts) == 1
    assert len(board.overdue_actions) == 1


@pytest.mark.django_db
def test_heat_map_cell_links_to_the_arrangements_in_it(client_for, executive):
    build_portfolio(2)
    score = RiskScore.objects.first()
    response = client_for(executive).get(risk_list_url(score.likelihood, score.impact))
    assert response.status_code == 200
    shown = {row.record.pk for row in response.context["table"].page.object_list}
    expected = set(
        RiskScore.objects.filter(likelihood=score.likelihood, impact=score.impact).values_list(
            "pk", flat=True
        )
    )
    assert shown == expected


@pytest.mark.django_db
def test_drilldown_lists_the_cmos_of_a_health(client_for, executive):
    cmos = build_portfolio(3)
    health = dashboards.cmos_with_health(dashboards.PortfolioFilters().cmos())
    critical = {c.pk for c in health if c.health == "critical"}
    response = client_for(executive).get(reverse("dashboards:cmo_list") + "?health=critical")
    assert {c.pk for c in response.context["page"].object_list} == critical
    assert critical <= {c.pk for c in cmos}


@pytest.mark.django_db
def test_cmo_health_page_shows_the_review_actions_and_charts(client_for, executive):
    cmo = build_portfolio(1)[0]
    response = client_for(executive).get(reverse("dashboards:cmo_health", args=[cmo.pk]))
    body = response.content.decode()
    assert "Review summary 0-0" in body
    assert "Send the revised capacity plan" in body
    assert response.context["score_figure"] is not None
    assert len(response.context["kpi_charts"]) == 2
    assert response.context["contract_figure"] is not None


@pytest.mark.django_db
def test_cmo_health_of_unknown_cmo_is_404(client_for, executive):
    assert (
        client_for(executive).get(reverse("dashboards:cmo_health", args=[999999])).status_code
        == 404
    )


@pytest.mark.django_db
def test_export_escapes_formula_cells(client_for, executive):
    build_portfolio(1)
    CmoFactory(name='=HYPERLINK("http://evil")', annual_spend=5)
    CmoFactory(name="@SUM(A1)")
    response = client_for(executive).get(reverse("dashboards:export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert {"CMOs", "Top risks", "Overdue actions", "Notice in 90 days"} <= set(book.sheetnames)
    names = [row[0].value for row in book["CMOs"].iter_rows(min_row=2)]
    assert '\'=HYPERLINK("http://evil")' in names
    assert "'@SUM(A1)" in names
    assert not any(isinstance(n, str) and n[:1] in "=+-@" for n in names)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "target"),
    [
        (roles.EXECUTIVE, "dashboards:portfolio"),
        (roles.RELATIONSHIP_MANAGER, "dashboards:mine"),
        (roles.SUPPLY_CHAIN_MANAGER, "kpis:scorecard_list"),
    ],
)
def test_home_sends_each_role_to_its_start_page(client_for, role, target):
    user = UserFactory(username=f"home-{role[:5]}", roles=[role])
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(target)


@pytest.mark.django_db
def test_relationship_manager_sees_only_their_cmos(client_for):
    rm = UserFactory(username="mine-rm", roles=[roles.RELATIONSHIP_MANAGER])
    own = build_portfolio(2, rm=rm)
    build_portfolio(2, rm=UserFactory(username="other-rm", roles=[roles.RELATIONSHIP_MANAGER]))
    response = client_for(rm).get(reverse("dashboards:mine"))
    assert set(response.context["board"].cmos["id"]) == {c.pk for c in own}
    assert len(response.context["my_reviews"]) == 2


@pytest.mark.django_db
def test_dashboards_need_a_login(client):
    response = client.get(reverse("dashboards:portfolio"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.django_db
def test_score_bins_keep_a_perfect_score():
    cmo = CmoFactory()
    scorecards_for(cmo, [100.0])
    Scorecard.objects.filter(cmo=cmo).update(score=100.0)
    bins = dashboards.portfolio_dashboard().score_bins
    assert bins[-1]["count"] == 1
