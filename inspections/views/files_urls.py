"""The integrity file under /inspections/files/ (namespace ``inspections``)."""

from django.urls import path

from . import files

urlpatterns = [
    path("<int:pk>/", files.file_detail, name="file-detail"),
]
