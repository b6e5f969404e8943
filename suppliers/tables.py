"""List-page tables (django-tables2): columns, sorting and links."""

import django_tables2 as tables

from suppliers.models import Audit, Capa, Cmo, Product, Site, SupplyStage


class CmoTable(tables.Table):
    name = tables.Column(linkify=True)
    status = tables.Column(verbose_name="Status")
    relationship_manager = tables.Column(
        verbose_name="Relationship manager", order_by=("relationship_manager__last_name",)
    )
    annual_spend = tables.Column(attrs={"td": {"class": "text-end"}})
    site_count = tables.Column(verbose_name="Sites", attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Cmo
        fields = (
            "name",
            "country",
            "status",
            "sourcing_objective",
            "relationship_manager",
            "site_count",
            "annual_spend",
        )
        order_by = "name"

    def render_annual_spend(self, value):
        return f"{value:,.0f}"

    def render_relationship_manager(self, value):
        return value.get_full_name() or value.username


class SiteTable(tables.Table):
    name = tables.Column(linkify=True)
    cmo = tables.Column(linkify=True, verbose_name="CMO")
    open_483 = tables.BooleanColumn(verbose_name="483")
    open_warning_letter = tables.BooleanColumn(verbose_name="Warning letter")

    class Meta:
        model = Site
        fields = (
            "name",
            "cmo",
            "country",
            "qualification_status",
            "last_inspection_date",
            "last_inspection_outcome",
            "open_483",
            "open_warning_letter",
        )


class AuditTable(tables.Table):
    audit_date = tables.Column(linkify=True)
    site = tables.Column(linkify=True)
    finding_count = tables.Column(verbose_name="Findings", attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Audit
        fields = (
            "audit_date",
            "site",
            "audit_type",
            "lead_auditor",
            "outcome",
            "finding_count",
            "next_due_date",
        )
        order_by = "-audit_date"


class CapaTable(tables.Table):
    description = tables.Column(linkify=lambda record: record.get_absolute_url())
    cmo = tables.Column(
        accessor="finding__audit__site__cmo",
        verbose_name="CMO",
        order_by=("finding__audit__site__cmo__name",),
    )
    classification = tables.Column(accessor="finding__classification", verbose_name="Finding")

    class Meta:
        model = Capa
        fields = (
            "description",
            "cmo",
            "classification",
            "owner",
            "due_date",
            "status",
            "closed_date",
        )
        order_by = "due_date"

    def render_description(self, value):
        return value if len(value) <= 80 else value[:77] + "…"

    def render_classification(self, record):
        return record.finding.get_classification_display()


class ProductTable(tables.Table):
    code = tables.Column(linkify=True)
    stage_count = tables.Column(verbose_name="Stages", attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Product
        fields = (
            "code",
            "name",
            "product_type",
            "lifecycle_phase",
            "patient_criticality",
            "market_availability",
            "manufacturing_lead_time_days",
            "annual_demand",
            "stage_count",
        )


class SupplyStageTable(tables.Table):
    product = tables.Column(linkify=True, order_by=("product__code",))
    site = tables.Column(linkify=True, order_by=("site__cmo__name", "site__name"))
    volume_share = tables.Column(verbose_name="Share %")
    is_qualified_backup = tables.BooleanColumn(verbose_name="Backup")

    class Meta:
        model = SupplyStage
        fields = (
            "product",
            "sequence",
            "step",
            "site",
            "capacity_per_year",
            "lead_time_days",
            "volume_share",
            "is_qualified_backup",
        )
        order_by = ("product", "sequence")
