"""One FilterSet per model, shared by the list pages and the API."""

import django_filters
from django import forms
from django.db.models import Q

from cmo_portal.filters import PortalFilterSet
from kpis.models import KpiDefinition, Measurement, Scorecard
from kpis.periods import parse_period
from suppliers.filters import relationship_managers
from suppliers.models import Capability, Cmo, Product, Site


class QuarterField(forms.CharField):
    """Refuses text that is not a period while the form is cleaned, so that a bad value
    is a form error (a 400 naming the parameter in the API), not a failure of the query."""

    def clean(self, value):
        value = super().clean(value)
        if value:
            try:
                parse_period(value)
            except ValueError as exc:
                # A parameter, not part of the message: the text may hold a "%".
                raise forms.ValidationError(
                    "%(reason)s", code="invalid", params={"reason": str(exc)}
                ) from exc
        return value


class QuarterFilter(django_filters.CharFilter):
    """A quarter written as 2025Q3 (or 2025 Q3)."""

    field_class = QuarterField

    def filter(self, qs, value):
        if not value:
            return qs
        start, month = parse_period(value)
        return qs.filter(**{self.field_name: start})


class KpiDefinitionFilterSet(PortalFilterSet):
    search_fields = ("code", "name", "measurement")
    category = django_filters.MultipleChoiceFilter(choices=KpiDefinition.Category.choices)
    direction = django_filters.ChoiceFilter(choices=KpiDefinition.Direction.choices)

    class Meta:
        model = KpiDefinition
        fields = ["q", "category", "direction", "is_active"]


class MeasurementFilterSet(PortalFilterSet):
    search_fields = ("cmo__name", "kpi__name", "kpi__code", "comment")
    cmo = django_filters.ModelChoiceFilter(queryset=Cmo.objects.all(), label="CMO")
    kpi = django_filters.ModelChoiceFilter(queryset=KpiDefinition.objects.all(), label="KPI")
    period = QuarterFilter(label="Quarter (2025Q3)")
    period_from = django_filters.DateFilter(field_name="period", lookup_expr="gte", label="From")
    site = django_filters.ModelChoiceFilter(queryset=Site.objects.select_related("cmo"))
    product = django_filters.ModelChoiceFilter(queryset=Product.objects.all())
    source = django_filters.ChoiceFilter(choices=Measurement.Source.choices)

    class Meta:
        model = Measurement
        fields = ["q", "cmo", "kpi", "period", "site", "product", "source"]


STATUS_CHOICES = Scorecard.Status.choices


class ScorecardFilterSet(PortalFilterSet):
    """Scorecards as records (the API)."""

    search_fields = ("cmo__name",)
    cmo = django_filters.ModelChoiceFilter(queryset=Cmo.objects.all(), label="CMO")
    period = QuarterFilter(label="Quarter (2025Q3)")
    status = django_filters.MultipleChoiceFilter(choices=STATUS_CHOICES)
    latest = django_filters.BooleanFilter(field_name="is_latest")

    class Meta:
        model = Scorecard
        fields = ["q", "cmo", "period", "status", "latest"]


class PortfolioScorecardFilterSet(PortalFilterSet):
    """The scorecard list page: every CMO with its latest scorecard (annotated as
    `latest_*` by `kpis.selectors.cmos_with_latest_scorecard`)."""

    search_fields = ("name", "country")
    status = django_filters.MultipleChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", label="Latest status"
    )
    country = django_filters.CharFilter(lookup_expr="iexact")
    capability = django_filters.ModelChoiceFilter(
        field_name="capabilities", queryset=Capability.objects.all()
    )
    relationship_manager = django_filters.ModelChoiceFilter(queryset=relationship_managers)
    cmo_status = django_filters.MultipleChoiceFilter(
        field_name="status", choices=Cmo.Status.choices, label="CMO lifecycle status"
    )

    class Meta:
        model = Cmo
        fields = ["q", "status", "country", "capability", "relationship_manager", "cmo_status"]

    def filter_status(self, queryset, name, value):
        condition = Q(latest_status__in=value)
        if Scorecard.Status.NONE in value:
            condition |= Q(latest_status__isnull=True)
        return queryset.filter(condition)
