"""The alert queue's pages under /alerts/ (namespace ``alerts``)."""

from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="list"),
    path("<int:pk>/", views.alert_detail, name="detail"),
    path("<int:pk>/dismiss/", views.alert_dismiss, name="dismiss"),
    path("<int:pk>/clue/", views.alert_clue, name="clue"),
    path("<int:pk>/done/", views.alert_done, name="done"),
]
