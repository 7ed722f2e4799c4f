"""Pages of inspections, findings and rectification under /inspections/."""

from django.urls import path

from . import inspections as views

urlpatterns = [
    path("", views.inspection_list, name="inspection-list"),
    path("new/", views.inspection_create, name="inspection-create"),
    path("<int:pk>/", views.inspection_detail, name="inspection-detail"),
    path("<int:pk>/edit/", views.inspection_edit, name="inspection-edit"),
    path("<int:pk>/notice/", views.inspection_notice, name="inspection-notice"),
    path("<int:pk>/status/", views.inspection_transition, name="inspection-transition"),
    path("<int:pk>/void/", views.inspection_void, name="inspection-void"),
    path("<int:pk>/look-back/", views.look_back, name="inspection-look-back"),
    path("<int:pk>/findings/new/", views.finding_create, name="finding-create"),
    path("findings/mine/", views.finding_mine, name="finding-mine"),
    path("findings/<int:pk>/", views.finding_detail, name="finding-detail"),
    path("findings/<int:pk>/edit/", views.finding_edit, name="finding-edit"),
    path("findings/<int:pk>/void/", views.finding_void, name="finding-void"),
    path("findings/<int:pk>/report/", views.rectification_report, name="rectification-report"),
    path("findings/<int:pk>/close/", views.rectification_close, name="rectification-close"),
    path("findings/<int:pk>/return/", views.rectification_return, name="rectification-return"),
    path(
        "findings/<int:pk>/evidence/",
        views.rectification_evidence_add,
        name="rectification-evidence-add",
    ),
    path(
        "findings/<int:pk>/evidence/<int:aid>/",
        views.rectification_evidence,
        name="rectification-evidence",
    ),
]
