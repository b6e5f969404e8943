"""The dashboards: the executive's portfolio, a relationship manager's own CMOs, the CMOs
behind a tile, a CMO's health and the risk views. Each view checks permission, calls the
selectors of `portfolio.dashboards`, builds its figures and renders."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.generic import TemplateView, View

from portfolio import dashboard_charts as charts
from portfolio import dashboards, selectors
from portfolio.dashboard_exports import dashboard_response
from portfolio.dashboard_forms import PortfolioFilterForm
from portfolio.models import ProductRisk, RiskLevel, RiskScore
from resourcing.selectors import ResourcePlan
from suppliers.models import Cmo, Product

TIER_LABELS = dict(Cmo.OversightTier.choices)
RESOURCING_GAP_KEY = "dashboards:resourcing-gap-fte"
RESOURCING_GAP_TTL = 300


class DashboardPermissionMixin(PermissionRequiredMixin):
    permission_required = ("suppliers.view_cmo", "portfolio.view_riskscore")
    raise_exception = True


def risk_list_url(likelihood: int, impact: int) -> str:
    """The arrangement risks of one cell of the matrix."""
    query = urlencode({"likelihood": likelihood, "impact": impact})
    return f"{reverse('portfolio:riskscore_list')}?{query}"


def cmo_health_url(pk: int) -> str:
    return reverse("dashboards:cmo_health", args=[pk])


class PortfolioDashboardView(DashboardPermissionMixin, TemplateView):
    """The executive's view of the portfolio: where the health, the risk, the spend and
    the deadlines are, every tile linking to the records behind it."""

    template_name = "dashboards/portfolio.html"
    title = "Portfolio dashboard"

    def get_filters(self, form) -> dashboards.PortfolioFilters:
        return form.filters()

    def get_context_data(self, **kwargs):
        form = PortfolioFilterForm(self.request.GET or None)
        filters = self.get_filters(form)
        board = dashboards.portfolio_dashboard(filters)

        def drill(**extra):
            return f"{reverse('dashboards:cmo_list')}?{filters.query(**extra)}"

        health = {row["health"]: row for row in board.health_counts}
        tiles = [
            *(
                {
                    "key": f"health-{row['health']}",
                    "label": row["label"],
                    "value": row["count"],
                    "url": drill(health=row["health"]),
                    "tone": {"healthy": "success", "at_risk": "warning", "critical": "danger"}.get(
                        row["health"], "secondary"
                    ),
                    "hint": "CMOs",
                }
                for row in health.values()
                if row["health"] != dashboards.Health.UNKNOWN or row["count"]
            ),
            {
                "key": "notice",
                "label": "Notice due in 90 days",
                "value": len(board.notice_contracts),
                "url": board.links["notice"],
                "tone": "warning" if len(board.notice_contracts) else "secondary",
                "hint": "contracts",
            },
            {
                "key": "overdue-reviews",
                "label": "Overdue reviews",
                "value": len(board.overdue_reviews),
                "url": board.links["overdue_reviews"],
                "tone": "danger" if len(board.overdue_reviews) else "secondary",
                "hint": "business reviews",
            },
            {
                "key": "overdue-actions",
                "label": "Overdue actions",
                "value": len(board.overdue_actions),
                "url": board.links["overdue_actions"],
                "tone": "danger" if len(board.overdue_actions) else "secondary",
                "hint": "review actions",
            },
            {
                "key": "findings",
                "label": "Oversight findings",
                "value": board.open_findings,
                "url": board.links["findings"],
                "tone": "warning" if board.open_findings else "secondary",
                "hint": "open",
            },
        ]
        tiles.append(self.resourcing_tile())
        figures = {
            "health_tier": charts.health_by_tier(
                board.tier_health, dashboards.Health.LABELS, TIER_LABELS, drill
            ),
            "scores": charts.score_distribution(board.score_bins, drill),
            "heatmap": charts.risk_heatmap(board.matrix, risk_list_url),
            "spend_cmo": charts.spend_by_cmo(board.spend_by_cmo, cmo_health_url)
            if len(board.spend_by_cmo)
            else None,
            "spend_country": charts.spend_by_country(board.spend_by_country, drill)
            if len(board.spend_by_country)
            else None,
        }
        return super().get_context_data(
            title=self.title,
            form=form,
            board=board,
            tiles=tiles,
            figures=figures,
            notice_rows=board.notice_contracts.head(dashboards.LIST_ROWS).to_dict("records"),
            review_rows=board.overdue_reviews.head(dashboards.LIST_ROWS).to_dict("records"),
            action_rows=board.overdue_actions.head(dashboards.LIST_ROWS).to_dict("records"),
            finding_rows=board.findings.head(dashboards.LIST_ROWS).to_dict("records"),
            export_url=f"{reverse('dashboards:export')}?{filters.query()}",
            all_cmos_url=drill(),
            **kwargs,
        )

    def resourcing_tile(self) -> dict:
        """The oversight staff the portfolio lacks this quarter (the resource plan)."""
        # The plan reads the whole portfolio (~0.2 s at 1,000 CMOs) and changes slowly:
        # kept for a few minutes rather than recomputed on every view of the dashboard.
        gap = cache.get_or_set(
            RESOURCING_GAP_KEY, lambda: ResourcePlan.load().total_gap_fte(), RESOURCING_GAP_TTL
        )
        url = reverse("resourcing:workload")
        return {
            "key": "resourcing-gap",
            "label": "Oversight staff gap",
            "value": f"{gap:g} FTE",
            "url": url,
            "tone": "danger" if gap > 0 else "success",
            "hint": "this quarter",
        }


class MyDashboardView(PortfolioDashboardView):
    """A relationship manager's start page: the portfolio dashboard over their own CMOs,
    with their open business reviews."""

    title = "My CMOs"

    def get_filters(self, form):
        filters = form.filters()
        return dashboards.PortfolioFilters(
            country=filters.country,
            capability=filters.capability,
            tier=filters.tier,
            relationship_manager=self.request.user.pk,
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            my_reviews=dashboards.my_reviews(self.request.user), mine=True, **kwargs
        )


class PortfolioExportView(DashboardPermissionMixin, View):
    """The dashboard's tables as an XLSX workbook, with the filters on screen."""

    def get(self, request):
        filters = PortfolioFilterForm(request.GET or None).filters()
        return dashboard_response(dashboards.portfolio_dashboard(filters))


def _number(value: str) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class DrilldownCmoListView(DashboardPermissionMixin, TemplateView):
    """The CMOs behind a dashboard tile: a health, a tier, a score band, a country."""

    template_name = "dashboards/cmo_list.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        form = PortfolioFilterForm(self.request.GET or None)
        filters = form.filters()
        health = self.request.GET.get("health", "")
        if health not in dashboards.Health.LABELS:
            health = ""
        score_min = _number(self.request.GET.get("score_min"))
        score_max = _number(self.request.GET.get("score_max"))
        cmos = dashboards.drilldown_cmos(filters, health, score_min, score_max)
        page = Paginator(cmos, self.paginate_by).get_page(self.request.GET.get("page"))
        described = [
            dashboards.Health.LABELS[health] if health else "",
            TIER_LABELS.get(filters.tier, "") and f"{TIER_LABELS[filters.tier]} tier",
            filters.country,
            f"score {score_min:g}–{score_max:g}" if score_min is not None and score_max else "",
        ]
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            title="CMOs",
            subtitle=" · ".join(d for d in described if d),
            form=form,
            page=page,
            health_labels=dashboards.Health.LABELS,
            query=query.urlencode(),
            back_url=f"{reverse('dashboards:portfolio')}?{filters.query()}",
            **kwargs,
        )


class CmoHealthView(DashboardPermissionMixin, TemplateView):
    """One CMO at a glance: health, tier, risk and owner; the score over time and each
    KPI; the latest review and its open actions; contracts, sites, products, findings."""

    template_name = "dashboards/cmo_health.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        try:
            health = dashboards.cmo_health(self.kwargs["pk"], today)
        except Cmo.DoesNotExist as exc:
            raise Http404("No such CMO.") from exc
        return super().get_context_data(
            title=f"{health.cmo.name} — health",
            h=health,
            cmo=health.cmo,
            today=today,
            score_figure=charts.score_history(health.scorecards),
            kpi_charts=charts.kpi_small_multiples(health.scorecards),
            contract_figure=charts.contract_timeline(health.contracts, today),
            **kwargs,
        )


class RiskView(DashboardPermissionMixin, TemplateView):
    """The portfolio's risk: the 5 × 5 heat map of supply arrangements, the count per
    level and a product's supply chain as a flow, its bottleneck highlighted."""

    template_name = "dashboards/risk.html"
    product_choices = 30

    def get_context_data(self, **kwargs):
        form = PortfolioFilterForm(self.request.GET or None)
        filters = form.filters()
        scores = RiskScore.objects.filter(cmo__in=filters.cmos())
        riskiest = list(
            ProductRisk.objects.exclude(worst_score=None)
            .select_related("product")
            .order_by("-worst_score", "product__code")[: self.product_choices]
        )
        product = self._product(riskiest)
        chain = selectors.product_supply_chain(product) if product else None
        return super().get_context_data(
            title="Risk heat map",
            form=form,
            heatmap=charts.risk_heatmap(selectors.risk_matrix(scores), risk_list_url, 420),
            level_counts=selectors.level_counts(scores),
            risk_levels=RiskLevel,
            risk_list=reverse("portfolio:riskscore_list"),
            riskiest=riskiest,
            product=product,
            chain=chain,
            **kwargs,
        )

    def _product(self, riskiest):
        pk = self.request.GET.get("product", "")
        if pk.isdigit():
            return Product.objects.filter(pk=int(pk)).first()
        return riskiest[0].product if riskiest else None
