from portfolio.api import views


def register(router):
    router.register("risk-scores", views.RiskScoreViewSet)
    router.register("oversight-tiers", views.CmoRiskViewSet)
    router.register("product-risks", views.ProductRiskViewSet)
    router.register("oversight-findings", views.OversightFindingViewSet)
    router.register("risk-register", views.RegisteredRiskViewSet)
