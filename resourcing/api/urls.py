from resourcing.api import views


def register(router):
    router.register("resource-workload", views.WorkloadViewSet, basename="resource-workload")
    router.register("resource-gaps", views.GapViewSet, basename="resource-gaps")
    router.register("resource-budgets", views.BudgetViewSet, basename="resource-budgets")
