from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cmo_portal.api.base import ScopedModelViewSet
from kpis import filters
from kpis.api import serializers
from kpis.models import KpiDefinition, Measurement, Scorecard

BULK_MAX = 1000


class KpiDefinitionViewSet(ScopedModelViewSet):
    queryset = KpiDefinition.objects.all()
    serializer_class = serializers.KpiDefinitionSerializer
    filterset_class = filters.KpiDefinitionFilterSet
    ordering_fields = ["code", "name", "category"]


class MeasurementViewSet(ScopedModelViewSet):
    queryset = Measurement.objects.select_related("kpi", "entered_by")
    serializer_class = serializers.MeasurementSerializer
    filterset_class = filters.MeasurementFilterSet
    ordering_fields = ["period", "value", "updated"]

    def perform_create(self, serializer):
        serializer.save(entered_by=self.request.user, source=Measurement.Source.API)

    def perform_update(self, serializer):
        serializer.save(source=Measurement.Source.API)

    @extend_schema(
        request=serializers.MeasurementSerializer(many=True),
        responses={201: serializers.MeasurementSerializer(many=True)},
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        """Create up to 1,000 measurements in one request: all of them, or none with the
        errors of each item (a list, in the order sent). For larger files use the import."""
        if not isinstance(request.data, list) or not 0 < len(request.data) <= BULK_MAX:
            raise drf_serializers.ValidationError(
                {"non_field_errors": [f"Send a list of 1 to {BULK_MAX} measurements."]}
            )
        serializer = self.get_serializer(data=request.data, many=True)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            serializer.save(entered_by=request.user, source=Measurement.Source.API)
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class ScorecardViewSet(viewsets.ReadOnlyModelViewSet):
    """Scorecards are computed from measurements; they are read, never written."""

    queryset = Scorecard.objects.select_related("basis")
    serializer_class = serializers.ScorecardSerializer
    filterset_class = filters.ScorecardFilterSet
    ordering_fields = ["period", "score", "completeness", "delta"]
