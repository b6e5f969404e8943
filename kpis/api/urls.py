from kpis.api import views


def register(router):
    router.register("kpi-definitions", views.KpiDefinitionViewSet)
    router.register("measurements", views.MeasurementViewSet)
    router.register("scorecards", views.ScorecardViewSet)
