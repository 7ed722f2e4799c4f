from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from integrity.org import views as org_views
from integrity.web import accounts
from integrity.web import views as web_views

# Under /api/ an unknown address answers in the API's error format (integrity/api/errors.py).
handler404 = "integrity.api.errors.not_found"

urlpatterns = [
    path("", web_views.home, name="home"),
    path("me/", web_views.profile, name="profile"),
    path("healthz", web_views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin, downloads).
    path("favicon.ico", web_views.favicon),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("staff/", org_views.staff_list, name="staff-list"),
    path("staff/<int:pk>/", org_views.staff_detail, name="staff-detail"),
    path("cases/", org_views.case_list, name="case-list"),
    path("cases/<int:pk>/", org_views.case_detail, name="case-detail"),
    path("ledgers/", include("ledgers.urls")),
    path("alerts/", include("ledgers.alerts.urls")),
    path("declarations/", include("ledgers.declarations.urls")),
    path("notifications/", include("integrity.notify.urls")),
    path("inspections/", include("inspections.urls")),
    path("complaints/", include("inspections.views.public_urls")),
    path("reports/", include("integrity.reports.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("integrity.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
