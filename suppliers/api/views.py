from rest_framework import viewsets

from cmo_portal.api.base import ScopedModelViewSet
from suppliers import filters
from suppliers.api import serializers
from suppliers.models import Audit, AuditFinding, Capa, Capability, Cmo, Product, Site, SupplyStage


class CapabilityViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Capability.objects.all()
    serializer_class = serializers.CapabilitySerializer
    search_fields = ["name"]


class CmoViewSet(ScopedModelViewSet):
    queryset = Cmo.objects.prefetch_related("capabilities")
    serializer_class = serializers.CmoSerializer
    filterset_class = filters.CmoFilterSet
    ordering_fields = ["name", "country", "status", "annual_spend"]


class SiteViewSet(ScopedModelViewSet):
    queryset = Site.objects.prefetch_related("capabilities")
    serializer_class = serializers.SiteSerializer
    filterset_class = filters.SiteFilterSet
    ordering_fields = ["name", "country", "qualification_status", "last_inspection_date"]


class AuditViewSet(ScopedModelViewSet):
    queryset = Audit.objects.prefetch_related("findings")
    serializer_class = serializers.AuditSerializer
    filterset_class = filters.AuditFilterSet
    ordering_fields = ["audit_date", "next_due_date"]


class AuditFindingViewSet(ScopedModelViewSet):
    queryset = AuditFinding.objects.all()
    serializer_class = serializers.AuditFindingSerializer
    filterset_class = filters.AuditFindingFilterSet


class CapaViewSet(ScopedModelViewSet):
    queryset = Capa.objects.all()
    serializer_class = serializers.CapaSerializer
    filterset_class = filters.CapaFilterSet
    ordering_fields = ["due_date", "status"]


class ProductViewSet(ScopedModelViewSet):
    queryset = Product.objects.all()
    serializer_class = serializers.ProductSerializer
    filterset_class = filters.ProductFilterSet
    ordering_fields = ["code", "name", "lifecycle_phase", "annual_demand"]


class SupplyStageViewSet(ScopedModelViewSet):
    queryset = SupplyStage.objects.all()
    serializer_class = serializers.SupplyStageSerializer
    filterset_class = filters.SupplyStageFilterSet
    ordering_fields = ["product", "sequence", "capacity_per_year"]
