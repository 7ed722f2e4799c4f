"""The public complaint channel at /complaints/ (no login; namespace ``complaints``)."""

from django.urls import path

from . import public

app_name = "complaints"

urlpatterns = [
    path("", public.complaint_form, name="form"),
    path("follow/", public.follow, name="follow"),
    path("follow/message/", public.follow_message, name="follow-message"),
]
