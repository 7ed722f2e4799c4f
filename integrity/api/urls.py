from django.urls import include, path
from rest_framework.routers import DefaultRouter

from inspections.api import ROUTES as INSPECTION_ROUTES
from integrity.notify.api.views import NotificationViewSet
from integrity.org.api import views as org
from integrity.reports.api import ROUTES as REPORT_ROUTES
from ledgers.alerts.api import ROUTES as ALERT_ROUTES
from ledgers.api.views import VIEWSETS as LEDGER_VIEWSETS
from ledgers.declarations.api import CampaignViewSet, DeclarationViewSet

from .auth import TokenView

router = DefaultRouter()
router.register("courts", org.CourtViewSet, basename="api-court")
router.register("departments", org.DepartmentViewSet, basename="api-department")
router.register("staff", org.StaffMemberViewSet, basename="api-staff")
router.register("cases", org.CaseViewSet, basename="api-case")
for slug, viewset in LEDGER_VIEWSETS.items():
    router.register(f"ledgers/{slug}", viewset, basename=f"ledger-{slug}")
# Campaigns first: their prefix lies under the declarations'.
router.register("declarations/campaigns", CampaignViewSet, basename="declaration-campaign")
router.register("declarations", DeclarationViewSet, basename="declaration")
router.register("notifications", NotificationViewSet, basename="notification")
for prefix, viewset, basename in (*INSPECTION_ROUTES, *REPORT_ROUTES, *ALERT_ROUTES):
    router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
