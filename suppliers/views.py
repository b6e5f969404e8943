from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Count, Max, Q
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView

from cmo_portal import generic
from suppliers import filters, forms, services, tables
from suppliers.models import Audit, AuditFinding, Capa, Cmo, Product, Site, SupplyStage


def _finding_counts(prefix: str = "findings") -> dict:
    return {
        level: Count(prefix, filter=Q(**{f"{prefix}__classification": level}))
        for level in AuditFinding.Classification.values
    }


# --- CMOs -------------------------------------------------------------------------------


class CmoListView(generic.ObjectListView):
    model = Cmo
    template_name = "suppliers/cmo_list.html"
    table_class = tables.CmoTable
    filterset_class = filters.CmoFilterSet

    def get_queryset(self):
        return (
            Cmo.objects.select_related("relationship_manager")
            .annotate(site_count=Count("sites", distinct=True))
            .order_by("name")
        )


class CmoDetailView(generic.ObjectDetailView):
    """Everything about one CMO on one page: sites, audits, open CAPAs, the products it
    makes, its contracts and their obligations."""

    model = Cmo
    template_name = "suppliers/cmo_detail.html"
    queryset = Cmo.objects.select_related(
        "relationship_manager", "strategic_sourcing_manager", "technical_expert", "quality_contact"
    ).prefetch_related("capabilities")

    def get_context_data(self, **kwargs):
        cmo = self.object
        return super().get_context_data(
            sites=cmo.sites.prefetch_related("capabilities").annotate(
                last_audit=Max("audits__audit_date"), next_audit_due=Max("audits__next_due_date")
            ),
            audits=Audit.objects.filter(site__cmo=cmo)
            .select_related("site")
            .annotate(**_finding_counts())[:10],
            open_capas=Capa.objects.open()
            .filter(finding__audit__site__cmo=cmo)
            .select_related("finding__audit__site"),
            stages=SupplyStage.objects.filter(site__cmo=cmo)
            .select_related("product", "site")
            .order_by("product__code", "sequence"),
            # Contracts are reached through the reverse relation: suppliers imports
            # nothing from the apps above it.
            contracts=cmo.contracts.with_status()
            .select_related("owner")
            .prefetch_related("obligations"),
            **kwargs,
        )


class CmoReassignView(PermissionRequiredMixin, FormView):
    """Bulk change of relationship manager: a portfolio handed over in one step."""

    permission_required = "suppliers.manage_all_cmos"
    raise_exception = True
    form_class = forms.CmoReassignForm
    template_name = "suppliers/cmo_reassign.html"

    def get_initial(self):
        return {"cmos": self.request.GET.getlist("cmo")}

    def form_valid(self, form):
        changed = services.cmos_reassign(
            [cmo.pk for cmo in form.cleaned_data["cmos"]],
            relationship_manager=form.cleaned_data["relationship_manager"],
            by=self.request.user,
            reason=form.cleaned_data["reason"],
        )
        manager = form.cleaned_data["relationship_manager"]
        messages.success(
            self.request,
            f"{changed} CMO{'s' if changed != 1 else ''} handed to "
            f"{manager.get_full_name() or manager.username}.",
        )
        return redirect(f"{reverse('suppliers:cmo_list')}?relationship_manager={manager.pk}")


class CmoEditView(generic.ObjectEditView):
    model = Cmo
    form_class = forms.CmoForm


class CmoDeleteView(generic.ObjectDeleteView):
    model = Cmo


class CmoHistoryView(generic.ObjectHistoryView):
    model = Cmo


# --- Sites ------------------------------------------------------------------------------


class SiteListView(generic.ObjectListView):
    model = Site
    table_class = tables.SiteTable
    filterset_class = filters.SiteFilterSet
    queryset = Site.objects.select_related("cmo")


class SiteDetailView(generic.ObjectDetailView):
    model = Site
    template_name = "suppliers/site_detail.html"
    queryset = Site.objects.select_related("cmo").prefetch_related("capabilities")

    def get_context_data(self, **kwargs):
        site = self.object
        return super().get_context_data(
            audits=site.audits.annotate(**_finding_counts()),
            open_capas=Capa.objects.open()
            .filter(finding__audit__site=site)
            .select_related("finding__audit"),
            stages=site.supply_stages.select_related("product").order_by(
                "product__code", "sequence"
            ),
            **kwargs,
        )


class SiteEditView(generic.ObjectEditView):
    model = Site
    form_class = forms.SiteForm


class SiteDeleteView(generic.ObjectDeleteView):
    model = Site


class SiteHistoryView(generic.ObjectHistoryView):
    model = Site


# --- Audits, findings and CAPAs -------------------------------------------------------------


class AuditListView(generic.ObjectListView):
    model = Audit
    table_class = tables.AuditTable
    filterset_class = filters.AuditFilterSet

    def get_queryset(self):
        return (
            Audit.objects.select_related("site__cmo")
            .annotate(finding_count=Count("findings"))
            .order_by("-audit_date")
        )


class AuditDetailView(generic.ObjectDetailView):
    model = Audit
    template_name = "suppliers/audit_detail.html"
    queryset = Audit.objects.select_related("site__cmo")

    def get_context_data(self, **kwargs):
        audit = self.object
        user = self.request.user
        can_add_finding = (
            user.has_perm("suppliers.add_auditfinding")
            and Audit.objects.editable_by(user).filter(pk=audit.pk).exists()
        )
        return super().get_context_data(
            findings=audit.findings.prefetch_related("capas"),
            can_add_finding=can_add_finding,
            **kwargs,
        )


class AuditEditView(generic.ObjectEditView):
    model = Audit
    form_class = forms.AuditForm


class AuditDeleteView(generic.ObjectDeleteView):
    model = Audit


class AuditHistoryView(generic.ObjectHistoryView):
    model = Audit


class AuditFindingEditView(generic.ObjectEditView):
    model = AuditFinding
    form_class = forms.AuditFindingForm
    template_name = "suppliers/child_edit.html"


class AuditFindingDeleteView(generic.ObjectDeleteView):
    model = AuditFinding

    def get_success_url(self):
        return self.object.audit.get_absolute_url()


class CapaListView(generic.ObjectListView):
    model = Capa
    table_class = tables.CapaTable
    filterset_class = filters.CapaFilterSet
    queryset = Capa.objects.select_related("finding__audit__site__cmo")


class CapaEditView(generic.ObjectEditView):
    model = Capa
    form_class = forms.CapaForm
    template_name = "suppliers/child_edit.html"


class CapaDeleteView(generic.ObjectDeleteView):
    model = Capa

    def get_success_url(self):
        return self.object.finding.audit.get_absolute_url()


# --- Products and supply stages ---------------------------------------------------------


class ProductListView(generic.ObjectListView):
    model = Product
    table_class = tables.ProductTable
    filterset_class = filters.ProductFilterSet

    def get_queryset(self):
        return Product.objects.annotate(stage_count=Count("supply_stages", distinct=True)).order_by(
            "code"
        )


class ProductDetailView(generic.ObjectDetailView):
    """A product and its supply chain, stage by stage."""

    model = Product
    template_name = "suppliers/product_detail.html"

    def get_context_data(self, **kwargs):
        product = self.object
        stages = list(
            product.supply_stages.select_related("site__cmo").order_by("sequence", "-volume_share")
        )
        for stage in stages:
            stage.product = product  # utilisation needs the demand; no query per stage
        return super().get_context_data(
            stages=stages,
            contracts=product.contracts.with_status().select_related("cmo"),
            **kwargs,
        )


class ProductEditView(generic.ObjectEditView):
    model = Product
    form_class = forms.ProductForm


class ProductDeleteView(generic.ObjectDeleteView):
    model = Product


class ProductHistoryView(generic.ObjectHistoryView):
    model = Product


class SupplyStageListView(generic.ObjectListView):
    model = SupplyStage
    table_class = tables.SupplyStageTable
    filterset_class = filters.SupplyStageFilterSet
    queryset = SupplyStage.objects.select_related("product", "site__cmo")


class SupplyStageEditView(generic.ObjectEditView):
    model = SupplyStage
    form_class = forms.SupplyStageForm
    template_name = "suppliers/child_edit.html"


class SupplyStageDeleteView(generic.ObjectDeleteView):
    model = SupplyStage

    def get_success_url(self):
        return self.object.product.get_absolute_url()


class SupplyStageHistoryView(generic.ObjectHistoryView):
    model = SupplyStage


class AuditFindingHistoryView(generic.ObjectHistoryView):
    model = AuditFinding


class CapaHistoryView(generic.ObjectHistoryView):
    model = Capa
