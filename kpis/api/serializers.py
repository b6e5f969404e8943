from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cmo_portal.api.base import PortalModelSerializer
from kpis.models import KpiDefinition, Measurement, Scorecard
from kpis.periods import parse_period, quarter_slug


class KpiDefinitionSerializer(PortalModelSerializer):
    class Meta:
        model = KpiDefinition
        fields = [
            "id",
            "code",
            "name",
            "category",
            "unit",
            "direction",
            "target",
            "amber_threshold",
            "red_threshold",
            "default_weight",
            "rollup",
            "measurement",
            "is_active",
            "change_reason",
        ]


@extend_schema_field(OpenApiTypes.STR)
class PeriodField(serializers.Field):
    """A quarter "2025Q3" or a month "2025-08", read and written as text."""

    def to_representation(self, measurement):
        if measurement.month:
            return f"{measurement.period.year}-{measurement.month:02d}"
        return quarter_slug(measurement.period)

    def get_attribute(self, instance):
        return instance

    def to_internal_value(self, data):
        try:
            period, month = parse_period(data)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc
        return {"period": period, "month": month}


class MeasurementSerializer(PortalModelSerializer):
    period = PeriodField(help_text="A quarter (2025Q3) or a month (2025-08).")
    kpi = serializers.SlugRelatedField(slug_field="code", queryset=KpiDefinition.objects.all())
    entered_by = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Who entered it; null if unknown or the account was deleted.",
    )

    class Meta:
        model = Measurement
        fields = [
            "id",
            "cmo",
            "site",
            "product",
            "kpi",
            "period",
            "value",
            "numerator",
            "denominator",
            "source",
            "comment",
            "entered_by",
            "updated",
            "change_reason",
        ]
        read_only_fields = ["source", "entered_by", "updated"]

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        values.update(values.pop("period", {}))
        return values


class ScorecardSerializer(serializers.ModelSerializer):
    period = serializers.SerializerMethodField()
    basis = serializers.JSONField(source="basis.kpis", read_only=True)

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "cmo",
            "period",
            "score",
            "status",
            "completeness",
            "measured_count",
            "kpi_count",
            "delta",
            "lines",
            "basis",
            "is_latest",
            "computed",
        ]

    def get_period(self, card) -> str:
        return quarter_slug(card.period)
