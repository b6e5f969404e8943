from django import forms
from django.contrib.auth import get_user_model

from cmo_portal import roles
from cmo_portal.forms import PortalModelForm
from suppliers.models import Audit, AuditFinding, Capa, Cmo, Product, Site, SupplyStage


def people_in(*role_names):
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=role_names)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class CmoForm(PortalModelForm):
    class Meta:
        model = Cmo
        fields = [
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
            "review_cadence",
            "notes",
        ]
        field_classes = {
            "relationship_manager": UserChoiceField,
            "strategic_sourcing_manager": UserChoiceField,
            "technical_expert": UserChoiceField,
            "quality_contact": UserChoiceField,
        }
        widgets = {
            "sourcing_rationale": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = people_in(*roles.ALL_ROLES)
        self.fields["relationship_manager"].queryset = people_in(
            roles.RELATIONSHIP_MANAGER, roles.ADMINISTRATOR
        )
        for name in ("strategic_sourcing_manager", "technical_expert", "quality_contact"):
            self.fields[name].queryset = everyone
        if self.user and not self.user.has_perm("suppliers.manage_all_cmos"):
            # A relationship manager cannot hand their CMO to someone else.
            self.fields["relationship_manager"].disabled = True


class SiteForm(PortalModelForm):
    class Meta:
        model = Site
        fields = [
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
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}


class AuditForm(PortalModelForm):
    class Meta:
        model = Audit
        fields = [
            "site",
            "audit_date",
            "audit_type",
            "lead_auditor",
            "outcome",
            "next_due_date",
            "summary",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = self.fields["site"].queryset.select_related("cmo")


class AuditFindingForm(PortalModelForm):
    class Meta:
        model = AuditFinding
        fields = ["audit", "classification", "reference", "description"]
        widgets = {"audit": forms.HiddenInput, "description": forms.Textarea(attrs={"rows": 3})}


class CapaForm(PortalModelForm):
    class Meta:
        model = Capa
        fields = ["finding", "description", "owner", "due_date", "status", "closed_date"]
        widgets = {"finding": forms.HiddenInput, "description": forms.Textarea(attrs={"rows": 3})}


class ProductForm(PortalModelForm):
    class Meta:
        model = Product
        fields = [
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
        ]


class SupplyStageForm(PortalModelForm):
    class Meta:
        model = SupplyStage
        fields = [
            "product",
            "step",
            "sequence",
            "site",
            "capacity_per_year",
            "lead_time_days",
            "volume_share",
            "is_qualified_backup",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sequence"].required = False
        self.fields["site"].queryset = self.fields["site"].queryset.select_related("cmo")


class CmoReassignForm(forms.Form):
    """Hand every CMO of one relationship manager, or a chosen few, to another."""

    cmos = forms.ModelMultipleChoiceField(
        queryset=Cmo.objects.order_by("name"),
        label="CMOs",
        widget=forms.SelectMultiple(attrs={"size": 12, "class": "form-select"}),
    )
    relationship_manager = UserChoiceField(
        queryset=people_in(roles.RELATIONSHIP_MANAGER, roles.ADMINISTRATOR),
        label="New relationship manager",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reason = forms.CharField(
        max_length=500,
        help_text="Kept in the history of every CMO that changes hands.",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
