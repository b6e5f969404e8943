from django import forms

from cmo_portal.forms import PortalFormMixin, PortalModelForm
from resourcing.models import (
    ROLE_CHOICES,
    TIER_CHOICES,
    PersonCapacity,
    ProductOversightBudget,
    ProductPhasePlan,
)
from suppliers.models import Cmo, Product


class PersonCapacityForm(PortalModelForm):
    roles = forms.MultipleChoiceField(
        label="Oversight roles",
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The roles you can take on; the CMOs you are assigned to add theirs.",
    )

    class Meta:
        model = PersonCapacity
        fields = ["fte", "standard_month_hours", "oversight_share", "roles"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Checkboxes keep their own classes, not Bootstrap's form-control.
        self.fields["roles"].widget.attrs.pop("class", None)


class ProductOversightBudgetForm(PortalModelForm):
    class Meta:
        model = ProductOversightBudget
        fields = ["hours_per_year", "amount_per_year", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class ProductPhasePlanForm(PortalModelForm):
    class Meta:
        model = ProductPhasePlan
        fields = [
            "sourcing_decision",
            "cmo_selection",
            "tech_transfer",
            "launch",
            "commercial",
            "strategic_sourcing_manager",
            "relationship_manager",
            "technical_expert",
            "quality_contact",
        ]


class WhatIfForm(PortalFormMixin, forms.Form):
    """A decision to weigh before it is taken. Read from the query string: a what-if
    saves nothing."""

    OUTSOURCE, TIER, PHASE = "outsource", "tier", "phase"
    KINDS = [
        (OUTSOURCE, "Outsource a product to a CMO (add supply stages)"),
        (TIER, "Move a CMO to another oversight tier"),
        (PHASE, "Move a product into tech transfer, launch or commercial supply"),
    ]
    PHASES = [
        ("tech_transfer", "Tech transfer"),
        ("launch", "Launch"),
        ("commercial", "Commercial"),
    ]

    kind = forms.ChoiceField(label="Decision", choices=KINDS)
    cmo = forms.ModelChoiceField(
        label="CMO", queryset=Cmo.objects.exclude(status=Cmo.Status.DISQUALIFIED), required=False
    )
    product = forms.ModelChoiceField(
        queryset=Product.objects.exclude(lifecycle_phase=Product.Phase.DISCONTINUED),
        required=False,
    )
    stages = forms.IntegerField(
        label="Supply stages added", min_value=1, max_value=10, initial=1, required=False
    )
    tier = forms.ChoiceField(
        label="Oversight tier after the decision",
        choices=[("", "as the CMO is now (Active for a new CMO)"), *TIER_CHOICES],
        required=False,
        help_text="The risk model sets the tier once the decision is recorded; "
        "choose the one you expect.",
    )
    phase = forms.ChoiceField(label="Phase after the decision", choices=PHASES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        needed = {
            self.OUTSOURCE: ("cmo", "product", "stages"),
            self.TIER: ("cmo", "tier"),
            self.PHASE: ("product", "phase"),
        }.get(kind, ())
        for name in needed:
            if not data.get(name):
                self.add_error(name, "Needed for this decision.")
        return data
