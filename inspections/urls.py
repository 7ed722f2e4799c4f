"""Pages of the supervision side under /inspections/ (namespace ``inspections``)."""

from django.urls import include, path

app_name = "inspections"

urlpatterns = [
    path("", include("inspections.views.inspections_urls")),
    path("visits/", include("inspections.views.visits_urls")),
    path("clues/", include("inspections.views.clues_urls")),
    path("complaints/", include("inspections.views.complaints_urls")),
    path("files/", include("inspections.views.files_urls")),
]
