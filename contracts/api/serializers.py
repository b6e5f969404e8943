from rest_framework import serializers

from cmo_portal.api.base import PortalModelSerializer
from contracts.models import Contract, Obligation
from contracts.validators import validate_signed_document


class ObligationSerializer(PortalModelSerializer):
    class Meta:
        model = Obligation
        fields = ["id", "contract", "kind", "description", "due_date", "status", "change_reason"]


class ContractSerializer(PortalModelSerializer):
    status = serializers.CharField(read_only=True, help_text="Derived from the dates.")
    last_notice_date = serializers.DateField(read_only=True, source="notice_date")
    document = serializers.FileField(
        required=False, allow_null=True, validators=[validate_signed_document]
    )
    obligations = ObligationSerializer(many=True, read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            "cmo",
            "contract_type",
            "reference",
            "title",
            "effective_date",
            "expiry_date",
            "signed_on",
            "terminated_on",
            "status",
            "last_notice_date",
            "auto_renewal",
            "notice_period_days",
            "value",
            "currency",
            "products",
            "owner",
            "document",
            "notes",
            "obligations",
            "created",
            "updated",
            "change_reason",
        ]
        read_only_fields = ["created", "updated"]
