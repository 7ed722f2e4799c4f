"""Clue, referral and disposition pages under /inspections/clues/ (namespace ``inspections``)."""

from django.urls import path

from . import clues as views

urlpatterns: list = [
    path("", views.clue_list, name="clue-list"),
    path("new/", views.clue_create, name="clue-create"),
    path("from-record/", views.clue_from_record, name="clue-from-record"),
    path("<int:pk>/", views.clue_detail, name="clue-detail"),
    path("<int:pk>/edit/", views.clue_edit, name="clue-edit"),
    path("<int:pk>/void/", views.clue_void, name="clue-void"),
    path("<int:pk>/share/", views.clue_share, name="clue-share"),
    path("<int:pk>/share/<int:user_id>/withdraw/", views.clue_unshare, name="clue-unshare"),
    path("<int:pk>/refer/", views.clue_refer, name="clue-refer"),
    path("<int:pk>/attachments/", views.clue_attachment_upload, name="clue-attachment-upload"),
    path(
        "<int:pk>/attachments/<int:aid>/",
        views.clue_attachment_download,
        name="clue-attachment-download",
    ),
    path("referrals/", views.referral_list, name="referral-list"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral-detail"),
    path("referrals/<int:pk>/letter/", views.referral_letter, name="referral-letter"),
    path("referrals/<int:pk>/step/<slug:target>/", views.referral_step, name="referral-step"),
    path(
        "referrals/<int:pk>/disposition/",
        views.disposition_create,
        name="disposition-create",
    ),
]
