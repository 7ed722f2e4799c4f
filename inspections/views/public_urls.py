"""The public complaint channel at /complaints/ (no login; namespace ``complaints``)."""

from django.urls import path  # noqa: F401

app_name = "complaints"

urlpatterns: list = []
