from django.http import FileResponse, Http404
from django.views import View
from django.views.generic.detail import SingleObjectMixin

from cmo_portal import generic
from contracts import filters, forms, tables
from contracts.models import Contract, Obligation


class ContractListView(generic.ObjectListView):
    model = Contract
    table_class = tables.ContractTable
    filterset_class = filters.ContractFilterSet

    def get_queryset(self):
        return Contract.objects.with_status().select_related("cmo")


class ContractDetailView(generic.ObjectDetailView):
    model = Contract
    template_name = "contracts/contract_detail.html"

    def get_queryset(self):
        return (
            Contract.objects.with_status()
            .select_related("cmo", "owner")
            .prefetch_related("products", "obligations")
        )


class ContractEditView(generic.ObjectEditView):
    model = Contract
    form_class = forms.ContractForm


class ContractDeleteView(generic.ObjectDeleteView):
    model = Contract


class ContractHistoryView(generic.ObjectHistoryView):
    model = Contract


class ObligationListView(generic.ObjectListView):
    model = Obligation
    table_class = tables.ObligationTable
    filterset_class = filters.ObligationFilterSet
    queryset = Obligation.objects.select_related("contract__cmo")


class ObligationEditView(generic.ObjectEditView):
    model = Obligation
    form_class = forms.ObligationForm


class ObligationDeleteView(generic.ObjectDeleteView):
    model = Obligation

    def get_success_url(self):
        return self.object.contract.get_absolute_url()


class ObligationHistoryView(generic.ObjectHistoryView):
    model = Obligation


class ContractDocumentView(generic.ObjectPermissionMixin, SingleObjectMixin, View):
    """The signed document, served only to those who may view the contract (uploads are
    not public media)."""

    model = Contract

    def get(self, request, *args, **kwargs):
        contract = self.get_object()
        if not contract.document:
            raise Http404("No signed document uploaded.")
        filename = contract.document.name.rsplit("/", 1)[-1]
        return FileResponse(contract.document.open("rb"), as_attachment=True, filename=filename)
