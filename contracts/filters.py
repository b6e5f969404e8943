import django_filters

from cmo_portal.filters import PortalFilterSet
from contracts.models import Contract, Obligation
from suppliers.models import Cmo, Product


class ContractFilterSet(PortalFilterSet):
    search_fields = ("reference", "title", "cmo__name", "notes")
    cmo = django_filters.ModelChoiceFilter(queryset=Cmo.objects.all(), label="CMO")
    contract_type = django_filters.MultipleChoiceFilter(choices=Contract.Type.choices, label="Type")
    status = django_filters.MultipleChoiceFilter(
        field_name="current_status", choices=Contract.Status.choices, label="Status"
    )
    product = django_filters.ModelChoiceFilter(
        field_name="products", queryset=Product.objects.all()
    )
    expires_before = django_filters.DateFilter(
        field_name="expiry_date", lookup_expr="lte", label="Expires by"
    )
    notice_before = django_filters.DateFilter(
        field_name="last_notice_date", lookup_expr="lte", label="Notice due by"
    )
    notice_after = django_filters.DateFilter(
        field_name="last_notice_date", lookup_expr="gte", label="Notice due from"
    )

    class Meta:
        model = Contract
        fields = [
            "q",
            "cmo",
            "contract_type",
            "status",
            "product",
            "auto_renewal",
            "expires_before",
            "notice_before",
        ]


class ObligationFilterSet(PortalFilterSet):
    search_fields = ("description", "contract__reference", "contract__cmo__name")
    cmo = django_filters.ModelChoiceFilter(
        field_name="contract__cmo", queryset=Cmo.objects.all(), label="CMO"
    )
    kind = django_filters.ChoiceFilter(choices=Obligation.Kind.choices)
    status = django_filters.MultipleChoiceFilter(choices=Obligation.Status.choices)
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label="Due by")

    class Meta:
        model = Obligation
        fields = ["q", "cmo", "contract", "kind", "status", "due_before"]
