from django.urls import path

from cmo_portal.routes import object_routes
from contracts import views as v

app_name = "contracts"

urlpatterns = [
    *object_routes(
        "",
        "contract",
        list=v.ContractListView,
        detail=v.ContractDetailView,
        edit=v.ContractEditView,
        delete=v.ContractDeleteView,
        history=v.ContractHistoryView,
    ),
    *object_routes(
        "obligations",
        "obligation",
        list=v.ObligationListView,
        edit=v.ObligationEditView,
        delete=v.ObligationDeleteView,
        history=v.ObligationHistoryView,
    ),
    path("<int:pk>/document/", v.ContractDocumentView.as_view(), name="contract_document"),
]
