"""One FilterSet per model, shared by the list pages and the API."""

import django_filters
from django.contrib.auth import get_user_model

from cmo_portal.filters import PortalFilterSet
from cmo_portal.roles import RELATIONSHIP_MANAGER
from suppliers.models import Audit, AuditFinding, Capa, Capability, Cmo, Product, Site, SupplyStage


def relationship_managers(request):
    return get_user_model().objects.filter(groups__name=RELATIONSHIP_MANAGER).order_by("username")


class CmoFilterSet(PortalFilterSet):
    search_fields = ("name", "country", "sourcing_rationale", "notes")
    status = django_filters.MultipleChoiceFilter(choices=Cmo.Status.choices)
    country = django_filters.CharFilter(lookup_expr="iexact")
    capability = django_filters.ModelChoiceFilter(
        field_name="capabilities", queryset=Capability.objects.all()
    )
    sourcing_objective = django_filters.ChoiceFilter(choices=Cmo.SourcingObjective.choices)
    relationship_manager = django_filters.ModelChoiceFilter(queryset=relationship_managers)

    class Meta:
        model = Cmo
        fields = [
            "q",
            "status",
            "country",
            "capability",
            "sourcing_objective",
            "relationship_manager",
        ]


class SiteFilterSet(PortalFilterSet):
    search_fields = ("name", "address", "country", "cmo__name")
    cmo = django_filters.ModelChoiceFilter(queryset=Cmo.objects.all(), label="CMO")
    country = django_filters.CharFilter(lookup_expr="iexact")
    qualification_status = django_filters.MultipleChoiceFilter(choices=Site.Qualification.choices)
    capability = django_filters.ModelChoiceFilter(
        field_name="capabilities", queryset=Capability.objects.all()
    )

    class Meta:
        model = Site
        fields = ["q", "cmo", "country", "qualification_status", "open_483", "open_warning_letter"]


class AuditFilterSet(PortalFilterSet):
    search_fields = ("site__name", "site__cmo__name", "lead_auditor", "summary")
    cmo = django_filters.ModelChoiceFilter(
        field_name="site__cmo", queryset=Cmo.objects.all(), label="CMO"
    )
    audit_type = django_filters.ChoiceFilter(choices=Audit.Type.choices)
    outcome = django_filters.ChoiceFilter(choices=Audit.Outcome.choices)
    site = django_filters.ModelChoiceFilter(queryset=Site.objects.select_related("cmo"))
    audit_date = django_filters.DateFromToRangeFilter(label="Audit date (from – to)")

    class Meta:
        model = Audit
        fields = ["q", "cmo", "site", "audit_type", "outcome", "audit_date"]


class AuditFindingFilterSet(PortalFilterSet):
    search_fields = ("reference", "description")
    classification = django_filters.ChoiceFilter(choices=AuditFinding.Classification.choices)

    class Meta:
        model = AuditFinding
        fields = ["q", "audit", "classification"]


class CapaFilterSet(PortalFilterSet):
    search_fields = ("description", "owner", "finding__description")
    cmo = django_filters.ModelChoiceFilter(
        field_name="finding__audit__site__cmo", queryset=Cmo.objects.all(), label="CMO"
    )
    status = django_filters.MultipleChoiceFilter(choices=Capa.Status.choices)
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label="Due by")

    class Meta:
        model = Capa
        fields = ["q", "cmo", "finding", "status", "due_before"]


class ProductFilterSet(PortalFilterSet):
    search_fields = ("code", "name")
    product_type = django_filters.ChoiceFilter(choices=Product.Type.choices)
    lifecycle_phase = django_filters.MultipleChoiceFilter(choices=Product.Phase.choices)
    patient_criticality = django_filters.ChoiceFilter(choices=Product.Criticality.choices)
    market_availability = django_filters.ChoiceFilter(choices=Product.Availability.choices)
    cmo = django_filters.ModelChoiceFilter(
        field_name="supply_stages__site__cmo",
        queryset=Cmo.objects.all(),
        label="Made by CMO",
        distinct=True,
    )

    class Meta:
        model = Product
        fields = [
            "q",
            "product_type",
            "lifecycle_phase",
            "patient_criticality",
            "market_availability",
            "cmo",
        ]


class SupplyStageFilterSet(PortalFilterSet):
    search_fields = ("product__code", "product__name", "site__name", "site__cmo__name")
    cmo = django_filters.ModelChoiceFilter(
        field_name="site__cmo", queryset=Cmo.objects.all(), label="CMO"
    )
    site = django_filters.ModelChoiceFilter(queryset=Site.objects.select_related("cmo"))
    step = django_filters.ChoiceFilter(choices=SupplyStage.Step.choices)

    class Meta:
        model = SupplyStage
        fields = ["q", "product", "cmo", "site", "step", "is_qualified_backup"]
