from django.urls import path

from cmo_portal.routes import object_routes
from portfolio import views as v

app_name = "portfolio"

urlpatterns = [
    path("risks/", v.RiskScoreListView.as_view(), name="riskscore_list"),
    path("findings/", v.OversightFindingListView.as_view(), name="oversightfinding_list"),
    path("products/<int:pk>/supply-chain/", v.SupplyChainView.as_view(), name="supply_chain"),
    path("cmos/<int:pk>/oversight/", v.CmoOversightView.as_view(), name="cmo_oversight"),
    *object_routes(
        "register",
        "registeredrisk",
        list=v.RegisteredRiskListView,
        detail=v.RegisteredRiskDetailView,
        edit=v.RegisteredRiskEditView,
        delete=v.RegisteredRiskDeleteView,
        history=v.RegisteredRiskHistoryView,
    ),
]
