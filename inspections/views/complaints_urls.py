"""The officer side of the public complaint channel under /inspections/complaints/."""

from django.urls import path

from . import complaints

urlpatterns = [
    path("", complaints.complaint_list, name="complaint-list"),
    path("<int:pk>/", complaints.complaint_detail, name="complaint-detail"),
    path("<int:pk>/reply/", complaints.complaint_reply, name="complaint-reply"),
    path("<int:pk>/status/", complaints.complaint_status, name="complaint-status"),
    path("<int:pk>/match/", complaints.complaint_match, name="complaint-match"),
    path("<int:pk>/reporter/", complaints.complaint_reporter, name="complaint-reporter"),
    path("<int:pk>/grant-reporter/", complaints.complaint_grant, name="complaint-grant"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        complaints.complaint_attachment,
        name="complaint-attachment",
    ),
]
