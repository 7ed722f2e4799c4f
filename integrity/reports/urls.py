"""The reports' pages under /reports/: dashboards, the quarterly bulletin, exports, imports."""

from django.urls import include, path

from .bulletin.urls import urlpatterns as bulletin
from .dashboards.urls import urlpatterns as dashboards
from .exports.urls import urlpatterns as exports
from .imports.urls import urlpatterns as imports

app_name = "reports"

urlpatterns = [
    path("", include(dashboards)),
    path("bulletin/", include(bulletin)),
    path("exports/", include(exports)),
    path("imports/", include(imports)),
]
