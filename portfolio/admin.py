from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portfolio.models import RegisteredRisk, RiskSettings


@admin.register(RiskSettings)
class RiskSettingsAdmin(SimpleHistoryAdmin):
    """The risk model's weights and cut-offs: one row of overrides over the documented
    defaults (docs/risk.md). The next recompute uses them."""

    list_display = ["__str__", "updated"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not RiskSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RegisteredRisk)
class RegisteredRiskAdmin(SimpleHistoryAdmin):
    list_display = ["title", "cmo", "product", "likelihood", "impact", "status", "review_date"]
    list_filter = ["status"]
    search_fields = ["title", "description"]
    raw_id_fields = ["cmo", "product", "owner"]
