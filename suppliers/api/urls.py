from suppliers.api import views


def register(router):
    router.register("capabilities", views.CapabilityViewSet)
    router.register("cmos", views.CmoViewSet)
    router.register("sites", views.SiteViewSet)
    router.register("audits", views.AuditViewSet)
    router.register("audit-findings", views.AuditFindingViewSet)
    router.register("capas", views.CapaViewSet)
    router.register("products", views.ProductViewSet)
    router.register("supply-stages", views.SupplyStageViewSet)
