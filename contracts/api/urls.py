from contracts.api import views


def register(router):
    router.register("contracts", views.ContractViewSet)
    router.register("obligations", views.ObligationViewSet)
