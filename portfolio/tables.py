"""List-page tables (django-tables2): columns, sorting and links. Every score is shown with
its reasons."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from portfolio.models import OversightFinding, RegisteredRisk, RiskScore


def _badge(kind: str, value: str, label: str, extra: str = "") -> str:
    return render_to_string(
        "portfolio/includes/badge.html",
        {"kind": kind, "value": value, "label": label, "extra": extra},
    )


class RiskScoreTable(tables.Table):
    product = tables.Column(
        linkify=lambda record: reverse("portfolio:supply_chain", args=[record.product_id]),
        order_by=("product__code",),
    )
    stage = tables.Column(
        verbose_name="Stage", accessor="stage__step", order_by=("stage__sequence",)
    )
    site = tables.Column(
        accessor="stage__site",
        linkify=True,
        order_by=("stage__site__name",),
        verbose_name="Site",
    )
    cmo = tables.Column(
        linkify=lambda record: reverse("portfolio:cmo_oversight", args=[record.cmo_id]),
        order_by=("cmo__name",),
        verbose_name="CMO",
    )
    level = tables.Column(order_by=("score", "likelihood"), verbose_name="Risk")
    likelihood = tables.Column(verbose_name="L", attrs={"td": {"class": "text-end"}})
    impact = tables.Column(verbose_name="I", attrs={"td": {"class": "text-end"}})
    reasons = tables.Column(empty_values=(), orderable=False, verbose_name="Why")

    class Meta:
        model = RiskScore
        fields = ("level", "likelihood", "impact", "product", "stage", "site", "cmo", "reasons")
        order_by = ("-level",)

    def render_product(self, record):
        return record.product.code

    def render_stage(self, record):
        return f"{record.stage.sequence}. {record.stage.get_step_display()}"

    def render_site(self, record):
        return record.stage.site.name

    def render_level(self, record):
        return _badge("level", record.level, record.get_level_display(), f"{record.score}")

    def render_reasons(self, record):
        return render_to_string("portfolio/includes/reasons.html", {"score": record})


class OversightFindingTable(tables.Table):
    severity = tables.Column(order_by=("severity_rank",))
    cmo = tables.Column(
        linkify=lambda record: reverse("portfolio:cmo_oversight", args=[record.cmo_id]),
        order_by=("cmo__name",),
        verbose_name="CMO",
    )
    kind = tables.Column(verbose_name="Finding")
    message = tables.Column(orderable=False)
    fix = tables.Column(empty_values=(), orderable=False, verbose_name="")
    first_seen = tables.DateTimeColumn(format="d M Y", verbose_name="Since")

    class Meta:
        model = OversightFinding
        fields = ("severity", "cmo", "kind", "message", "first_seen", "fix")
        order_by = ("severity",)

    def render_severity(self, record):
        return _badge("severity", record.severity, record.get_severity_display())

    def render_fix(self, record):
        return format_html(
            '<a class="btn btn-sm btn-outline-primary text-nowrap" href="{}">Fix</a>',
            record.fix_url,
        )


class RegisteredRiskTable(tables.Table):
    title = tables.Column(linkify=True)
    cmo = tables.Column(linkify=True, verbose_name="CMO", order_by=("cmo__name",))
    product = tables.Column(linkify=True, order_by=("product__code",))
    score = tables.Column(empty_values=(), verbose_name="Risk", order_by=("likelihood", "impact"))
    owner = tables.Column(order_by=("owner__last_name",))

    class Meta:
        model = RegisteredRisk
        fields = ("title", "cmo", "product", "score", "owner", "status", "review_date")
        order_by = ("-score",)

    def render_score(self, record):
        return _badge(
            "level",
            record.level,
            record.get_level_display(),
            f"{record.likelihood}×{record.impact}",
        )

    def render_product(self, value):
        return value.code

    def render_owner(self, value):
        return value.get_full_name() or value.username
