"""The executive dashboard's filters: country, capability, oversight tier and
relationship manager, each narrowing the CMOs every tile is computed over."""

from django import forms
from django.contrib.auth import get_user_model

from cmo_portal.forms import PortalFormMixin
from cmo_portal.roles import RELATIONSHIP_MANAGER
from portfolio.dashboards import PortfolioFilters
from suppliers.models import Capability, Cmo


class PortfolioFilterForm(PortalFormMixin, forms.Form):
    country = forms.ChoiceField(required=False)
    capability = forms.ModelChoiceField(
        queryset=Capability.objects.order_by("name"), required=False, empty_label="Any"
    )
    tier = forms.ChoiceField(
        label="Oversight tier",
        required=False,
        choices=[("", "Any"), *Cmo.OversightTier.choices],
    )
    relationship_manager = forms.ModelChoiceField(
        queryset=get_user_model()
        .objects.filter(groups__name=RELATIONSHIP_MANAGER)
        .order_by("last_name", "first_name", "username"),
        required=False,
        empty_label="Anyone",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The countries of the CMOs in the portfolio, not a list of every country.
        self.fields["country"].choices = [("", "Any")] + [
            (c, c)
            for c in Cmo.objects.active()
            .order_by("country")
            .values_list("country", flat=True)
            .distinct()
        ]
        self.fields["relationship_manager"].label_from_instance = lambda u: (
            u.get_full_name() or u.username
        )
        self._style_widgets()
        for field in self.fields.values():
            field.widget.attrs["class"] = field.widget.attrs["class"].replace(
                "form-select", "form-select form-select-sm"
            )

    def filters(self) -> PortfolioFilters:
        """The filters chosen; invalid choices are ignored rather than refused."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})  # the valid fields; none when unbound
        capability = data.get("capability")
        manager = data.get("relationship_manager")
        return PortfolioFilters(
            country=data.get("country") or "",
            capability=capability.pk if capability else None,
            tier=data.get("tier") or "",
            relationship_manager=manager.pk if manager else None,
        )
