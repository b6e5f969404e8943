from rest_framework import serializers

from cmo_portal.api.base import PortalModelSerializer
from portfolio.models import CmoRisk, OversightFinding, ProductRisk, RegisteredRisk, RiskScore
from portfolio.oversight import required_roles

# Levels, severities and tiers are plain strings here: the same choice sets appear under
# several field names, which drf-spectacular warns about (and `check --deploy` fails on).
LEVEL_HELP = "low, medium, high or critical"
TIER_HELP = "intensive, active or monitor"


class RiskScoreSerializer(serializers.ModelSerializer):
    """The risk of one arrangement, with the reasons for its likelihood and impact."""

    level = serializers.CharField(read_only=True, help_text=LEVEL_HELP)

    product_code = serializers.CharField(source="product.code", read_only=True)
    cmo_name = serializers.CharField(source="cmo.name", read_only=True)
    site = serializers.IntegerField(source="stage.site_id", read_only=True)
    site_name = serializers.CharField(source="stage.site.name", read_only=True)
    step = serializers.CharField(source="stage.step", read_only=True)
    sequence = serializers.IntegerField(source="stage.sequence", read_only=True)

    class Meta:
        model = RiskScore
        fields = [
            "id",
            "stage",
            "cmo",
            "cmo_name",
            "product",
            "product_code",
            "site",
            "site_name",
            "step",
            "sequence",
            "likelihood",
            "impact",
            "score",
            "level",
            "likelihood_reasons",
            "impact_reasons",
            "utilisation",
            "computed",
        ]
        read_only_fields = fields


class CmoRiskSerializer(serializers.ModelSerializer):
    """A CMO's risk roll-up, oversight tier with its reasons, roles and cadence."""

    cmo_name = serializers.CharField(source="cmo.name", read_only=True)
    review_cadence = serializers.CharField(source="cmo.review_cadence", read_only=True)
    required_roles = serializers.SerializerMethodField()
    tier = serializers.CharField(read_only=True, help_text=TIER_HELP)
    base_tier = serializers.CharField(read_only=True, help_text=TIER_HELP)
    worst_level = serializers.CharField(read_only=True, help_text=LEVEL_HELP)

    class Meta:
        model = CmoRisk
        fields = [
            "id",
            "cmo",
            "cmo_name",
            "tier",
            "base_tier",
            "tier_reasons",
            "required_roles",
            "review_cadence",
            "worst_stage",
            "worst_score",
            "worst_level",
            "level_counts",
            "red_quarters",
            "escalated_for",
            "computed",
        ]
        read_only_fields = fields

    def get_required_roles(self, obj) -> list[str]:
        return list(required_roles(obj.tier))


class ProductRiskSerializer(serializers.ModelSerializer):
    product_code = serializers.CharField(source="product.code", read_only=True)
    worst_level = serializers.CharField(read_only=True, help_text=LEVEL_HELP)

    class Meta:
        model = ProductRisk
        fields = [
            "id",
            "product",
            "product_code",
            "riskiest_stage",
            "worst_score",
            "worst_level",
            "bottleneck_step",
            "bottleneck_utilisation",
            "lead_time_days",
            "computed",
        ]
        read_only_fields = fields


class OversightFindingSerializer(serializers.ModelSerializer):
    cmo_name = serializers.CharField(source="cmo.name", read_only=True)
    severity = serializers.CharField(read_only=True, help_text=LEVEL_HELP)

    class Meta:
        model = OversightFinding
        fields = [
            "id",
            "key",
            "cmo",
            "cmo_name",
            "kind",
            "severity",
            "message",
            "fix_url",
            "product",
            "site",
            "stage",
            "first_seen",
            "computed",
        ]
        read_only_fields = fields


class RegisteredRiskSerializer(PortalModelSerializer):
    score = serializers.IntegerField(read_only=True)
    level = serializers.CharField(read_only=True, help_text=LEVEL_HELP)

    class Meta:
        model = RegisteredRisk
        fields = [
            "id",
            "title",
            "description",
            "cmo",
            "product",
            "likelihood",
            "impact",
            "score",
            "level",
            "owner",
            "mitigation",
            "status",
            "review_date",
            "created",
            "updated",
            "change_reason",
        ]
        read_only_fields = ["created", "updated"]
