from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from suppliers.models import Audit, AuditFinding, Capa, Capability, Cmo, Product, Site, SupplyStage


@admin.register(Capability)
class CapabilityAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Cmo)
class CmoAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "country",
        "status",
        "sourcing_objective",
        "relationship_manager",
        "oversight_tier",
    ]
    list_filter = ["status", "sourcing_objective", "oversight_tier", "country"]
    search_fields = ["name", "country"]
    autocomplete_fields = ["capabilities"]
    raw_id_fields = [
        "relationship_manager",
        "strategic_sourcing_manager",
        "technical_expert",
        "quality_contact",
    ]


@admin.register(Site)
class SiteAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "cmo",
        "country",
        "qualification_status",
        "open_483",
        "open_warning_letter",
    ]
    list_filter = ["qualification_status", "open_483", "open_warning_letter"]
    search_fields = ["name", "cmo__name"]
    list_select_related = ["cmo"]


class AuditFindingInline(admin.TabularInline):
    model = AuditFinding
    extra = 0


@admin.register(Audit)
class AuditAdmin(SimpleHistoryAdmin):
    list_display = ["site", "audit_date", "audit_type", "outcome", "next_due_date"]
    list_filter = ["audit_type", "outcome"]
    list_select_related = ["site__cmo"]
    inlines = [AuditFindingInline]


@admin.register(Capa)
class CapaAdmin(SimpleHistoryAdmin):
    list_display = ["description", "owner", "due_date", "status", "closed_date"]
    list_filter = ["status"]


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "product_type", "lifecycle_phase", "patient_criticality"]
    list_filter = ["product_type", "lifecycle_phase", "patient_criticality"]
    search_fields = ["code", "name"]


@admin.register(SupplyStage)
class SupplyStageAdmin(SimpleHistoryAdmin):
    list_display = ["product", "sequence", "step", "site", "capacity_per_year", "volume_share"]
    list_select_related = ["product", "site__cmo"]
