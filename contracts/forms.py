from django import forms

from cmo_portal.forms import PortalModelForm
from contracts.models import Contract, Obligation


class ContractForm(PortalModelForm):
    class Meta:
        model = Contract
        fields = [
            "cmo",
            "contract_type",
            "reference",
            "title",
            "effective_date",
            "expiry_date",
            "signed_on",
            "terminated_on",
            "auto_renewal",
            "notice_period_days",
            "value",
            "currency",
            "products",
            "owner",
            "document",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "products": forms.SelectMultiple(attrs={"size": 8}),
        }


class ObligationForm(PortalModelForm):
    class Meta:
        model = Obligation
        fields = ["contract", "kind", "description", "due_date", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
