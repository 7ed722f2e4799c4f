"""/reports/exports/: the user's exports, starting one from a list, a job's page, its progress
fragment and its download."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.export_list, name="export-list"),
    path("new/", views.export_new, name="export-new"),
    path("<int:pk>/", views.export_detail, name="export-detail"),
    path("<int:pk>/progress/", views.export_progress, name="export-progress"),
    path("<int:pk>/download/", views.export_download, name="export-download"),
]
