from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cmo_portal import views
from cmo_portal.api.auth import TokenSignInView
from cmo_portal.autocomplete import AutocompleteView

handler403 = "cmo_portal.views.permission_denied"
handler404 = "cmo_portal.views.page_not_found"
handler500 = "cmo_portal.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("autocomplete/<str:source>/", AutocompleteView.as_view(), name="autocomplete"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("suppliers/", include("suppliers.urls")),
    path("contracts/", include("contracts.urls")),
    path("reviews/", include("reviews.urls")),
    path("portfolio/", include("portfolio.urls")),
    path("kpis/", include("kpis.urls")),
    path("dashboard/", include("portfolio.dashboard_urls")),
    path("resourcing/", include("resourcing.urls")),
    path("api/token/", TokenSignInView.as_view(), name="api-token"),
    path("api/", include("cmo_portal.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
