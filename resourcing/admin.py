from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from resourcing.models import (
    EffortRate,
    EventEffort,
    PersonCapacity,
    ProductOversightBudget,
    ProductPhasePlan,
)


@admin.register(EffortRate)
class EffortRateAdmin(SimpleHistoryAdmin):
    list_display = ["tier", "role", "hours_per_month"]
    list_editable = ["hours_per_month"]
    list_filter = ["tier", "role"]


@admin.register(EventEffort)
class EventEffortAdmin(SimpleHistoryAdmin):
    list_display = ["event", "role", "hours"]
    list_editable = ["hours"]
    list_filter = ["event", "role"]


@admin.register(PersonCapacity)
class PersonCapacityAdmin(SimpleHistoryAdmin):
    list_display = ["user", "fte", "standard_month_hours", "oversight_share", "hours_per_month"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    raw_id_fields = ["user"]


@admin.register(ProductOversightBudget)
class ProductOversightBudgetAdmin(SimpleHistoryAdmin):
    list_display = ["product", "hours_per_year", "amount_per_year"]
    search_fields = ["product__code", "product__name"]


@admin.register(ProductPhasePlan)
class ProductPhasePlanAdmin(SimpleHistoryAdmin):
    list_display = ["product", "sourcing_decision", "cmo_selection", "tech_transfer", "launch"]
    search_fields = ["product__code", "product__name"]
