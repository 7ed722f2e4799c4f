from django.urls import path

from . import views

app_name = "ledgers"

urlpatterns = [
    path("", views.ledger_index, name="index"),
    path("staff-options/", views.staff_options, name="staff-options"),
    path("interference/quick/", views.quick_inquiry, name="quick-inquiry"),
    path("<slug:slug>/", views.ledger_list, name="list"),
    path("<slug:slug>/new/", views.ledger_create, name="create"),
    path("<slug:slug>/<int:pk>/", views.ledger_detail, name="detail"),
    path("<slug:slug>/<int:pk>/edit/", views.ledger_edit, name="edit"),
    path("<slug:slug>/<int:pk>/void/", views.ledger_void, name="void"),
    path("<slug:slug>/<int:pk>/step/<slug:target>/", views.ledger_step, name="step"),
    path("<slug:slug>/<int:pk>/entries/", views.child_add, name="child-add"),
    path("<slug:slug>/<int:pk>/attachments/", views.attachment_upload, name="attachment-upload"),
    path(
        "<slug:slug>/<int:pk>/attachments/<int:aid>/",
        views.attachment_download,
        name="attachment-download",
    ),
    path(
        "<slug:slug>/<int:pk>/attachments/<int:aid>/void/",
        views.attachment_void,
        name="attachment-void",
    ),
]
