"""The dashboards in a real browser (Debian's Chromium) against a live server: each role
logs in through the form, lands on its start page, sees the charts drawn, and clicks
through. Screenshots go to var/screenshots/ for a person to look at."""

import datetime
import os
from pathlib import Path

import pytest

from portfolio.demo import demo_logins_ensure, seed_demo
from portfolio.models import RiskScore
from portfolio.services import risk_recompute
from reviews.models import BusinessReview
from tests.factories import ActionItemFactory, BusinessReviewFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHART = ".plotly-figure svg.main-svg"


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests
    # make between browser steps are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1400, "height": 1000}
    )
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    # Offline: any request leaving the live server is a failure.
    page.route(
        lambda url: not url.startswith(live_server.url),
        lambda route: (errors.append(f"external request {route.request.url}"), route.abort()),
    )
    page.errors = errors
    yield page
    context.close()
    assert errors == []


@pytest.fixture
def demo():
    """The demo portfolio (scale 1: scorecards, reviews and risk included) with its
    logins, and an overdue review with an open action on the CMO with the worst risk."""
    seed_demo(seed=42, scale=1)
    logins = {login.role: login for login, _ in demo_logins_ensure()}
    worst = RiskScore.objects.order_by("-score", "-likelihood").first()
    review = BusinessReviewFactory(
        cmo=worst.cmo,
        owner=worst.cmo.relationship_manager,
        period=datetime.date(2025, 4, 1),
        status=BusinessReview.Status.OVERDUE,
        due_date=datetime.date.today() - datetime.timedelta(days=20),
        summary="Capacity at the fill/finish site is the risk to watch.",
    )
    ActionItemFactory(
        review=review,
        owner=review.owner,
        description="Qualify the second filling line",
        due_date=datetime.date.today() - datetime.timedelta(days=5),
    )
    risk_recompute()
    return {"logins": logins, "worst": worst, "review": review}


def login(page, login):
    page.goto("/accounts/login/")
    page.fill("#id_username", login.username)
    page.fill("#id_password", login.password)
    page.click("form button[type=submit], form input[type=submit]")
    page.wait_for_load_state("networkidle")


def charts_drawn(page, at_least: int = 1) -> int:
    page.wait_for_selector(CHART, timeout=15_000)
    page.wait_for_load_state("networkidle")
    count = page.locator(".plotly-figure").count()
    drawn = page.locator(CHART).count()
    assert drawn >= at_least
    return count


def shot(page, name: str):
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_executive_sees_the_portfolio_and_clicks_through(page, demo):
    login(page, demo["logins"]["Executive"])
    assert page.url.endswith("/dashboard/")
    figures = charts_drawn(page, at_least=5)
    assert page.locator(".plotly-figure[data-drawn]").count() == figures
    shot(page, "executive-portfolio-dashboard")

    # A tile through to its records: the overdue reviews.
    page.click('[data-tile="overdue-reviews"]')
    page.wait_for_load_state("networkidle")
    assert "/reviews/" in page.url
    assert demo["review"].cmo.name in page.content()
    shot(page, "executive-overdue-reviews")

    # From the dashboard to the CMO behind the top risk, and on to its review.
    page.go_back()
    page.wait_for_load_state("networkidle")
    page.locator("#top-risks a", has_text=demo["worst"].cmo.name).first.click()
    page.wait_for_load_state("networkidle")
    assert f"/dashboard/cmos/{demo['worst'].cmo_id}/" in page.url
    charts_drawn(page, at_least=3)
    assert "Qualify the second filling line" in page.content()
    shot(page, "executive-cmo-health")
    page.click("#latest-review .card-header a")
    page.wait_for_load_state("networkidle")
    # The CMO's latest review (the demo has signed ones besides the fixture's).
    latest = BusinessReview.objects.filter(cmo=demo["worst"].cmo).order_by("-period", "-pk").first()
    assert "/reviews/" in page.url and demo["worst"].cmo.name in page.content()
    assert latest is not None


def test_heat_map_cell_opens_its_list(page, demo):
    login(page, demo["logins"]["Executive"])
    page.goto("/dashboard/risk/")
    charts_drawn(page, at_least=2)  # the heat map and the supply chain Sankey
    assert page.locator(".supply-chain-sankey svg.main-svg").count() >= 1
    shot(page, "risk-heat-map")
    cell = demo["worst"]
    plot = page.locator("#chart-heatmap .nsewdrag").first.bounding_box()
    x = plot["x"] + (cell.impact - 0.5) / 5 * plot["width"]
    y = plot["y"] + (5.5 - cell.likelihood) / 5 * plot["height"]
    page.mouse.click(x, y)
    page.wait_for_url(f"**likelihood={cell.likelihood}&impact={cell.impact}", timeout=10_000)
    page.wait_for_load_state("networkidle")
    expected = RiskScore.objects.filter(likelihood=cell.likelihood, impact=cell.impact).count()
    assert f"{expected} arrangement" in page.content()
    shot(page, "risk-heat-map-cell-list")


def test_relationship_manager_lands_on_their_cmos(page, demo):
    login(page, demo["logins"]["Relationship manager"])
    assert page.url.endswith("/dashboard/mine/")
    charts_drawn(page, at_least=3)
    assert page.locator("#my-reviews").count() == 1
    shot(page, "relationship-manager-my-cmos")


def test_supply_chain_manager_lands_on_scorecards_and_opens_a_cmo(page, demo):
    login(page, demo["logins"]["Supply chain manager"])
    assert page.url.endswith("/kpis/")
    shot(page, "supply-chain-manager-scorecards")
    page.goto(f"/dashboard/cmos/{demo['worst'].cmo_id}/")
    charts_drawn(page, at_least=3)
    page.emulate_media(media="print")
    shot(page, "cmo-health-print")


def test_a_cmo_is_found_by_typing_in_the_list_filter(page, demo):
    cmo = demo["worst"].cmo
    login(page, demo["logins"]["Supply chain manager"])
    page.goto("/kpis/measurements/")
    page.click("#filter-form .ts-wrapper:has(#id_cmo-ts-control) .ts-control")
    page.keyboard.type(cmo.name.split()[0])
    page.wait_for_selector(f"#id_cmo-ts-dropdown .option:has-text('{cmo.name}')")
    page.click(f"#id_cmo-ts-dropdown .option:has-text('{cmo.name}')")
    with page.expect_navigation():
        page.click("#filter-form button.btn-primary")
    assert f"cmo={cmo.pk}" in page.url
    assert page.locator("#filter-form .ts-control .item").inner_text() == cmo.name
    shot(page, "measurements-filtered-by-typing")
