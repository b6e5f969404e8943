from django.urls import path

from resourcing import views as v

app_name = "resourcing"

urlpatterns = [
    path("", v.WorkloadView.as_view(), name="workload"),
    path("what-if/", v.WhatIfView.as_view(), name="what_if"),
    path("hiring/", v.HiringView.as_view(), name="hiring"),
    path("budgets/", v.BudgetListView.as_view(), name="budgets"),
    path("budgets/<int:product_pk>/", v.BudgetEditView.as_view(), name="budget_edit"),
    path("plans/<int:product_pk>/", v.PhasePlanEditView.as_view(), name="plan_edit"),
    path("capacity/", v.CapacityEditView.as_view(), name="my_capacity"),
    path("capacity/<int:user_pk>/", v.CapacityEditView.as_view(), name="capacity_edit"),
]
