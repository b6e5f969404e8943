"""List-page tables (django-tables2): columns, sorting and links."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse

from kpis.models import KpiDefinition, Measurement
from kpis.periods import quarter_label, quarter_slug


class PortfolioScorecardTable(tables.Table):
    """Every CMO with its latest scorecard."""

    name = tables.Column(verbose_name="CMO", linkify=lambda record: record.get_absolute_url())
    country = tables.Column()
    relationship_manager = tables.Column(
        verbose_name="Relationship manager", order_by=("relationship_manager__last_name",)
    )
    latest_period = tables.Column(verbose_name="Quarter")
    latest_score = tables.Column(
        verbose_name="Score",
        attrs={"td": {"class": "text-end"}},
        linkify=lambda record: (
            reverse("kpis:scorecard_detail", args=[record.pk, quarter_slug(record.latest_period)])
            if record.latest_period
            else reverse("kpis:scorecard_latest", args=[record.pk])
        ),
    )
    latest_status = tables.Column(
        verbose_name="Status", order_by=("status_rank", "latest_score"), empty_values=()
    )
    latest_delta = tables.Column(
        verbose_name="Trend", attrs={"td": {"class": "text-nowrap"}}, empty_values=()
    )
    latest_completeness = tables.Column(
        verbose_name="Completeness", attrs={"td": {"class": "text-end"}}
    )

    class Meta:
        order_by = ("latest_status",)
        empty_text = "No CMOs."

    def render_latest_period(self, value):
        return quarter_label(value)

    def render_latest_score(self, value):
        return f"{value:.1f}"

    def render_latest_status(self, value, record):
        return render_to_string("kpis/includes/rag_badge.html", {"status": value, "score": None})

    def render_latest_delta(self, value):
        return render_to_string("kpis/includes/trend.html", {"delta": value})

    def render_latest_completeness(self, value):
        return f"{value:.0f} %"

    def render_relationship_manager(self, value):
        return value.get_full_name() or value.username


class MeasurementTable(tables.Table):
    kpi = tables.Column(
        verbose_name="KPI",
        linkify=lambda record: record.get_absolute_url(),
        order_by=("kpi__code",),
    )
    cmo = tables.Column(verbose_name="CMO", order_by=("cmo__name",))
    period = tables.Column(verbose_name="Period")
    value = tables.Column(attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Measurement
        fields = ("kpi", "cmo", "site", "product", "period", "value", "source", "entered_by")
        order_by = ("-period",)

    def render_kpi(self, value):
        return value.name

    def render_period(self, record):
        return record.period_label

    def render_value(self, value, record):
        return f"{value.normalize():f} {record.kpi.unit}"

    def render_entered_by(self, value):
        return value.get_full_name() or value.username


class KpiDefinitionTable(tables.Table):
    name = tables.Column(linkify=True)
    default_weight = tables.Column(verbose_name="Weight", attrs={"td": {"class": "text-end"}})
    is_active = tables.BooleanColumn()

    class Meta:
        model = KpiDefinition
        fields = (
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
            "is_active",
        )
        order_by = ("category", "code")

    def render_target(self, value):
        return f"{value.normalize():f}"

    render_amber_threshold = render_target
    render_red_threshold = render_target
    render_default_weight = render_target
