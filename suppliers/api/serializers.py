from rest_framework import serializers

from cmo_portal.api.base import PortalModelSerializer
from suppliers.models import Audit, AuditFinding, Capa, Capability, Cmo, Product, Site, SupplyStage


class CapabilitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Capability
        fields = ["id", "name", "description"]


class CmoSerializer(PortalModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="cmo-detail")
    capabilities = serializers.SlugRelatedField(
        many=True, slug_field="name", queryset=Capability.objects.all(), required=False
    )
    # Declared, not derived: a read-only model field loses `allow_blank`, and the schema
    # would then omit "" (a CMO whose risk has not been computed yet).
    oversight_tier = serializers.ChoiceField(
        choices=Cmo.OversightTier.choices,
        allow_blank=True,
        read_only=True,
        help_text=Cmo._meta.get_field("oversight_tier").help_text,
    )

    class Meta:
        model = Cmo
        fields = [
            "id",
            "url",
            "name",
            "country",
            "status",
            "capabilities",
            "annual_spend",
            "sourcing_objective",
            "sourcing_rationale",
            "relationship_manager",
            "strategic_sourcing_manager",
            "technical_expert",
            "quality_contact",
            "oversight_tier",
            "review_cadence",
            "notes",
            "created",
            "updated",
            "change_reason",
        ]
        read_only_fields = ["created", "updated"]


class SiteSerializer(PortalModelSerializer):
    capabilities = serializers.SlugRelatedField(
        many=True, slug_field="name", queryset=Capability.objects.all(), required=False
    )

    class Meta:
        model = Site
        fields = [
            "id",
            "cmo",
            "name",
            "address",
            "country",
            "capabilities",
            "qualification_status",
            "last_inspection_date",
            "last_inspection_agency",
            "last_inspection_outcome",
            "open_483",
            "open_warning_letter",
            "change_reason",
        ]


class CapaSerializer(PortalModelSerializer):
    class Meta:
        model = Capa
        fields = [
            "id",
            "finding",
            "description",
            "owner",
            "due_date",
            "status",
            "closed_date",
            "change_reason",
        ]


class AuditFindingSerializer(PortalModelSerializer):
    class Meta:
        model = AuditFinding
        fields = ["id", "audit", "classification", "reference", "description", "change_reason"]


class AuditSerializer(PortalModelSerializer):
    findings = AuditFindingSerializer(many=True, read_only=True)

    class Meta:
        model = Audit
        fields = [
            "id",
            "site",
            "audit_date",
            "audit_type",
            "lead_auditor",
            "outcome",
            "next_due_date",
            "summary",
            "findings",
            "change_reason",
        ]


class ProductSerializer(PortalModelSerializer):
    class Meta:
        model = Product
        fields = [
            "id",
            "code",
            "name",
            "product_type",
            "lifecycle_phase",
            "patient_criticality",
            "manufacturing_lead_time_days",
            "unit_cost",
            "api_stability",
            "market_availability",
            "annual_demand",
            "change_reason",
        ]


class SupplyStageSerializer(PortalModelSerializer):
    class Meta:
        model = SupplyStage
        fields = [
            "id",
            "product",
            "step",
            "sequence",
            "site",
            "capacity_per_year",
            "lead_time_days",
            "volume_share",
            "is_qualified_backup",
            "change_reason",
        ]
        extra_kwargs = {"sequence": {"required": False}}
