from django.urls import path

from portfolio import dashboard_views as v

app_name = "dashboards"

urlpatterns = [
    path("", v.PortfolioDashboardView.as_view(), name="portfolio"),
    path("mine/", v.MyDashboardView.as_view(), name="mine"),
    path("export.xlsx", v.PortfolioExportView.as_view(), name="export"),
    path("cmos/", v.DrilldownCmoListView.as_view(), name="cmo_list"),
    path("cmos/<int:pk>/", v.CmoHealthView.as_view(), name="cmo_health"),
    path("risk/", v.RiskView.as_view(), name="risk"),
]
