from django.urls import include, path
from rest_framework.routers import DefaultRouter

from integrity.org.api import views as org

from .auth import TokenView

router = DefaultRouter()
router.register("courts", org.CourtViewSet, basename="court")
router.register("departments", org.DepartmentViewSet, basename="department")
router.register("staff", org.StaffMemberViewSet, basename="staff")
router.register("cases", org.CaseViewSet, basename="case")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
