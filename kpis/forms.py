from django import forms

from cmo_portal.forms import PortalFormMixin, PortalModelForm
from kpis.models import KpiDefinition, Measurement
from kpis.periods import parse_period, quarter_slug


class MeasurementForm(PortalModelForm):
    """A value entered by hand. The period is written as a quarter (2025Q3) or, for a
    monthly value, a month (2025-08)."""

    reporting_period = forms.CharField(
        label="Period", max_length=10, help_text="A quarter (2025Q3) or a month (2025-08)."
    )

    class Meta:
        model = Measurement
        fields = [
            "cmo",
            "site",
            "product",
            "kpi",
            "reporting_period",
            "value",
            "numerator",
            "denominator",
            "comment",
        ]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = self.fields["site"].queryset.select_related("cmo")
        self.fields["kpi"].queryset = KpiDefinition.objects.active()
        if self.instance.pk:
            month = self.instance.month
            self.initial["reporting_period"] = (
                f"{self.instance.period.year}-{month:02d}"
                if month
                else quarter_slug(self.instance.period)
            )

    def _get_validation_exclusions(self):
        # The period and month come from `reporting_period`: validate the constraints
        # over them (one value per CMO, site, product, KPI and period) like any field.
        exclude = super()._get_validation_exclusions()
        if "reporting_period" in self.cleaned_data:  # else its own error says what is wrong
            exclude -= {"period", "month"}
        return exclude

    def clean_reporting_period(self):
        try:
            period, month = parse_period(self.cleaned_data["reporting_period"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        # Set before the model's own validation (clean and constraints) runs.
        self.instance.period, self.instance.month = period, month
        return period


class KpiDefinitionForm(PortalModelForm):
    class Meta:
        model = KpiDefinition
        fields = [
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
        ]
        widgets = {"measurement": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "target": "Changing a target does not change past scorecards.",
        }


class CmoKpiForm(PortalFormMixin, forms.Form):
    """Which KPIs apply to one CMO and their weights: one checkbox and weight per KPI."""

    def __init__(self, *args, kpis, settings, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpis = kpis
        for kpi in kpis:
            setting = settings.get(kpi.pk)
            self.fields[f"applies_{kpi.pk}"] = forms.BooleanField(
                required=False, initial=setting.applies if setting else True, label=kpi.name
            )
            self.fields[f"weight_{kpi.pk}"] = forms.DecimalField(
                required=False,
                min_value=0,
                max_digits=6,
                decimal_places=2,
                initial=setting.weight if setting else None,
                widget=forms.NumberInput(attrs={"placeholder": f"{kpi.default_weight:g}"}),
                label=f"Weight of {kpi.name}",
            )
        self._style_widgets()

    def rows(self):
        return [(kpi, self[f"applies_{kpi.pk}"], self[f"weight_{kpi.pk}"]) for kpi in self.kpis]
