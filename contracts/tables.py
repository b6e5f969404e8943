import django_tables2 as tables
from django.template.loader import render_to_string

from contracts.models import Contract, Obligation


class ContractTable(tables.Table):
    reference = tables.Column(linkify=True)
    cmo = tables.Column(linkify=True, verbose_name="CMO", order_by=("cmo__name",))
    status = tables.Column(accessor="current_status", verbose_name="Status")
    last_notice_date = tables.DateColumn(verbose_name="Notice by")

    class Meta:
        model = Contract
        fields = (
            "reference",
            "title",
            "cmo",
            "contract_type",
            "status",
            "effective_date",
            "expiry_date",
            "last_notice_date",
            "auto_renewal",
        )
        order_by = "expiry_date"

    def render_status(self, record):
        return render_to_string("contracts/includes/status_badge.html", {"contract": record})


class ObligationTable(tables.Table):
    description = tables.Column(linkify=lambda record: record.get_absolute_url())
    contract = tables.Column(linkify=True, order_by=("contract__reference",))
    cmo = tables.Column(
        accessor="contract__cmo", verbose_name="CMO", order_by=("contract__cmo__name",)
    )

    class Meta:
        model = Obligation
        fields = ("description", "contract", "cmo", "kind", "due_date", "status")
        order_by = "due_date"
        row_attrs = {"class": lambda record: "table-danger" if record.is_overdue else ""}

    def render_contract(self, value):
        return value.reference
