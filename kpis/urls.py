from django.urls import path

from cmo_portal.routes import object_routes
from kpis import views as v

app_name = "kpis"

urlpatterns = [
    path("", v.ScorecardListView.as_view(), name="scorecard_list"),
    path("scorecards/<int:cmo>/", v.ScorecardDetailView.as_view(), name="scorecard_latest"),
    path(
        "scorecards/<int:cmo>/<str:period>/",
        v.ScorecardDetailView.as_view(),
        name="scorecard_detail",
    ),
    path("cmos/<int:cmo>/kpis/", v.CmoKpiSettingsView.as_view(), name="cmokpi_settings"),
    *object_routes(
        "measurements",
        "measurement",
        list=v.MeasurementListView,
        detail=v.MeasurementDetailView,
        edit=v.MeasurementEditView,
        delete=v.MeasurementDeleteView,
        history=v.MeasurementHistoryView,
    ),
    *object_routes(
        "definitions",
        "kpidefinition",
        list=v.KpiDefinitionListView,
        detail=v.KpiDefinitionDetailView,
        edit=v.KpiDefinitionEditView,
        delete=v.KpiDefinitionDeleteView,
        history=v.KpiDefinitionHistoryView,
    ),
    path("import/", v.ImportStartView.as_view(), name="import_start"),
    path(
        "import/template.<str:fmt>",
        v.ImportTemplateView.as_view(),
        name="import_template",
    ),
    path("import/<int:pk>/", v.ImportDetailView.as_view(), name="import_detail"),
    path("import/<int:pk>/confirm/", v.ImportConfirmView.as_view(), name="import_confirm"),
    path("import/<int:pk>/progress/", v.ImportProgressView.as_view(), name="import_progress"),
]
