from rest_framework import viewsets

from cmo_portal.api.base import ScopedModelViewSet
from portfolio import filters
from portfolio.api import serializers
from portfolio.models import CmoRisk, OversightFinding, ProductRisk, RegisteredRisk, RiskScore


class RiskScoreViewSet(viewsets.ReadOnlyModelViewSet):
    """Computed arrangement risks, with reasons. Read-only: the recompute writes them."""

    queryset = RiskScore.objects.select_related("product", "cmo", "stage__site").order_by(
        "-score", "-likelihood", "stage_id"
    )
    serializer_class = serializers.RiskScoreSerializer
    filterset_class = filters.RiskScoreFilterSet
    ordering_fields = ["score", "likelihood", "impact", "computed"]


class CmoRiskViewSet(viewsets.ReadOnlyModelViewSet):
    """Oversight tiers of the CMOs, with their reasons, roles and cadence."""

    queryset = CmoRisk.objects.select_related("cmo").order_by("cmo__name")
    serializer_class = serializers.CmoRiskSerializer
    filterset_class = filters.CmoRiskFilterSet
    ordering_fields = ["worst_score", "tier", "red_quarters"]


class ProductRiskViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ProductRisk.objects.select_related("product").order_by("product__code")
    serializer_class = serializers.ProductRiskSerializer
    ordering_fields = ["worst_score", "lead_time_days", "bottleneck_utilisation"]


class OversightFindingViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = OversightFinding.objects.select_related("cmo").order_by(
        "severity_rank", "cmo__name", "kind", "pk"
    )
    serializer_class = serializers.OversightFindingSerializer
    filterset_class = filters.OversightFindingFilterSet
    ordering_fields = ["severity_rank", "first_seen"]


class RegisteredRiskViewSet(ScopedModelViewSet):
    queryset = RegisteredRisk.objects.all().order_by("pk")
    serializer_class = serializers.RegisteredRiskSerializer
    filterset_class = filters.RegisteredRiskFilterSet
    ordering_fields = ["likelihood", "impact", "review_date", "status"]
