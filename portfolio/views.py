"""Pages of risk and oversight: arrangement risks, findings, a product's supply chain, a
CMO's oversight, and the risk register. Views check permission, read through querysets
with their joins, and render."""

from django.db.models import Count

from cmo_portal import generic
from portfolio import filters, forms, oversight, selectors, tables
from portfolio.models import (
    CmoRisk,
    OversightFinding,
    RegisteredRisk,
    RiskLevel,
    RiskScore,
    Severity,
)
from suppliers.models import Cmo, Product


class ComputedListView(generic.ObjectListView):
    """A list of computed records: nobody adds them by hand."""

    template_name = "portfolio/computed_list.html"
    title = ""
    intro = ""

    def get_add_url(self):
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(can_add=False, title=self.title or context["title"], intro=self.intro)
        return context


class RiskScoreListView(ComputedListView):
    model = RiskScore
    table_class = tables.RiskScoreTable
    filterset_class = filters.RiskScoreFilterSet
    title = "Arrangement risks"
    intro = (
        "The risk of every supply arrangement — a product's stage at a site — as "
        "likelihood (L) × impact (I), with the reasons for each."
    )

    def get_queryset(self):
        return RiskScore.objects.select_related("product", "cmo", "stage__site__cmo").order_by(
            "-score", "-likelihood", "stage_id"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["matrix"] = selectors.risk_matrix(self.object_list)
        context["level_counts"] = selectors.level_counts(self.object_list)
        return context


class OversightFindingListView(ComputedListView):
    model = OversightFinding
    table_class = tables.OversightFindingTable
    filterset_class = filters.OversightFindingFilterSet
    title = "Oversight findings"
    intro = (
        "Where the way a CMO is managed does not match its oversight tier, its sourcing "
        "objective or its supply chain. Each finding links to where it is fixed."
    )

    def get_queryset(self):
        return OversightFinding.objects.select_related("cmo").order_by(
            "severity_rank", "cmo__name", "kind", "pk"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(self.object_list.order_by().values_list("severity").annotate(n=Count("pk")))
        context["severity_counts"] = [
            (value, label, counts.get(value, 0)) for value, label in Severity.choices
        ]
        return context


class SupplyChainView(generic.ObjectDetailView):
    """A product's supply chain: its steps in order, the bottleneck, the end-to-end lead
    time and the riskiest stage, each stage with its risk and reasons."""

    model = Product
    template_name = "portfolio/supply_chain.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**selectors.product_supply_chain(self.object), **kwargs)
        context["active_tab"] = "supply_chain"
        return context


class CmoOversightView(generic.ObjectDetailView):
    """A CMO's risk, oversight tier (with its roles and cadence) and findings."""

    model = Cmo
    template_name = "portfolio/cmo_oversight.html"
    queryset = Cmo.objects.select_related(
        "relationship_manager", "strategic_sourcing_manager", "technical_expert", "quality_contact"
    )

    def get_context_data(self, **kwargs):
        cmo = self.object
        rollup = CmoRisk.objects.filter(cmo=cmo).select_related("worst_stage__product").first()
        tier = rollup.tier if rollup else cmo.oversight_tier
        roles = [
            {
                "label": oversight.ROLE_LABELS[field],
                "person": getattr(cmo, field),
            }
            for field in oversight.required_roles(tier)
        ]
        context = super().get_context_data(
            rollup=rollup,
            tier=tier,
            required_roles=roles,
            cadence_text=oversight.CADENCE_TEXT.get(tier, ""),
            level_rows=[
                (level, label, (rollup.level_counts if rollup else {}).get(level, 0))
                for level, label in reversed(RiskLevel.choices)
            ],
            scores=RiskScore.objects.filter(cmo=cmo)
            .select_related("product", "stage__site")
            .order_by("-score", "-likelihood"),
            findings=OversightFinding.objects.filter(cmo=cmo).order_by("severity_rank", "kind"),
            register=RegisteredRisk.objects.filter(cmo=cmo)
            .exclude(status=RegisteredRisk.Status.CLOSED)
            .select_related("product", "owner"),
            **kwargs,
        )
        context["active_tab"] = "oversight"
        return context


# --- Risk register --------------------------------------------------------------------------


class RegisteredRiskListView(generic.ObjectListView):
    model = RegisteredRisk
    table_class = tables.RegisteredRiskTable
    filterset_class = filters.RegisteredRiskFilterSet

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": "Risk register"}

    def get_queryset(self):
        return RegisteredRisk.objects.select_related("cmo", "product", "owner").order_by(
            "status", "-likelihood", "-impact", "title"
        )


class RegisteredRiskDetailView(generic.ObjectDetailView):
    model = RegisteredRisk
    template_name = "portfolio/registeredrisk_detail.html"
    queryset = RegisteredRisk.objects.select_related("cmo", "product", "owner")


class RegisteredRiskEditView(generic.ObjectEditView):
    model = RegisteredRisk
    form_class = forms.RegisteredRiskForm

    def get_success_url(self):
        return self.object.get_absolute_url()


class RegisteredRiskDeleteView(generic.ObjectDeleteView):
    model = RegisteredRisk


class RegisteredRiskHistoryView(generic.ObjectHistoryView):
    model = RegisteredRisk
