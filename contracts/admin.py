from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from contracts.models import Contract, Obligation


class ObligationInline(admin.TabularInline):
    model = Obligation
    extra = 0


@admin.register(Contract)
class ContractAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "cmo", "contract_type", "effective_date", "expiry_date"]
    list_filter = ["contract_type", "auto_renewal"]
    search_fields = ["reference", "title", "cmo__name"]
    list_select_related = ["cmo"]
    filter_horizontal = ["products"]
    inlines = [ObligationInline]
