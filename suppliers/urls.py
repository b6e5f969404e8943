from django.urls import path

from cmo_portal.routes import object_routes
from suppliers import views as v

app_name = "suppliers"

urlpatterns = [
    path("cmos/reassign/", v.CmoReassignView.as_view(), name="cmo_reassign"),
    *object_routes(
        "cmos",
        "cmo",
        list=v.CmoListView,
        detail=v.CmoDetailView,
        edit=v.CmoEditView,
        delete=v.CmoDeleteView,
        history=v.CmoHistoryView,
    ),
    *object_routes(
        "sites",
        "site",
        list=v.SiteListView,
        detail=v.SiteDetailView,
        edit=v.SiteEditView,
        delete=v.SiteDeleteView,
        history=v.SiteHistoryView,
    ),
    *object_routes(
        "audits",
        "audit",
        list=v.AuditListView,
        detail=v.AuditDetailView,
        edit=v.AuditEditView,
        delete=v.AuditDeleteView,
        history=v.AuditHistoryView,
    ),
    *object_routes(
        "findings",
        "auditfinding",
        edit=v.AuditFindingEditView,
        delete=v.AuditFindingDeleteView,
        history=v.AuditFindingHistoryView,
    ),
    *object_routes(
        "capas",
        "capa",
        list=v.CapaListView,
        edit=v.CapaEditView,
        delete=v.CapaDeleteView,
        history=v.CapaHistoryView,
    ),
    *object_routes(
        "products",
        "product",
        list=v.ProductListView,
        detail=v.ProductDetailView,
        edit=v.ProductEditView,
        delete=v.ProductDeleteView,
        history=v.ProductHistoryView,
    ),
    *object_routes(
        "stages",
        "supplystage",
        list=v.SupplyStageListView,
        edit=v.SupplyStageEditView,
        delete=v.SupplyStageDeleteView,
        history=v.SupplyStageHistoryView,
    ),
]
