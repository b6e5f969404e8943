"""One FilterSet per model, shared by the list pages and the API."""

import django_filters

from cmo_portal.filters import PortalFilterSet
from portfolio.models import CmoRisk, OversightFinding, RegisteredRisk, RiskLevel, RiskScore
from suppliers.models import Cmo, Product


class RiskScoreFilterSet(PortalFilterSet):
    search_fields = ("product__code", "product__name", "stage__site__name", "cmo__name")
    level = django_filters.MultipleChoiceFilter(choices=RiskLevel.choices)
    cmo = django_filters.ModelChoiceFilter(queryset=Cmo.objects.all(), label="CMO")
    product = django_filters.ModelChoiceFilter(queryset=Product.objects.all())
    min_score = django_filters.NumberFilter(
        field_name="score", lookup_expr="gte", label="Score at least"
    )
    likelihood = django_filters.NumberFilter()
    impact = django_filters.NumberFilter()

    class Meta:
        model = RiskScore
        fields = ["q", "level", "cmo", "product", "min_score", "likelihood", "impact"]


class CmoRiskFilterSet(PortalFilterSet):
    search_fields = ("cmo__name",)
    tier = django_filters.MultipleChoiceFilter(choices=Cmo.OversightTier.choices)
    worst_level = django_filters.MultipleChoiceFilter(choices=RiskLevel.choices)

    class Meta:
        model = CmoRisk
        fields = ["q", "tier", "worst_level"]


class OversightFindingFilterSet(PortalFilterSet):
    search_fields = ("message", "cmo__name")
    severity = django_filters.MultipleChoiceFilter(
        choices=OversightFinding._meta.get_field("severity").choices
    )
    kind = django_filters.MultipleChoiceFilter(choices=OversightFinding.Kind.choices)
    cmo = django_filters.ModelChoiceFilter(queryset=Cmo.objects.all(), label="CMO")

    class Meta:
        model = OversightFinding
        fields = ["q", "severity", "kind", "cmo"]


class RegisteredRiskFilterSet(PortalFilterSet):
    search_fields = ("title", "description", "mitigation")
    status = django_filters.MultipleChoiceFilter(choices=RegisteredRisk.Status.choices)
    cmo = django_filters.ModelChoiceFilter(queryset=Cmo.objects.all(), label="CMO")
    product = django_filters.ModelChoiceFilter(queryset=Product.objects.all())
    review_before = django_filters.DateFilter(
        field_name="review_date", lookup_expr="lte", label="Review due by"
    )

    class Meta:
        model = RegisteredRisk
        fields = ["q", "status", "cmo", "product", "owner", "review_before"]
