"""Follow-up visit pages under /inspections/visits/ (namespace ``inspections``)."""

from django.urls import path

from . import visits

urlpatterns = [
    path("", visits.plan_list, name="visit-plan-list"),
    path("plans/new/", visits.plan_create, name="visit-plan-create"),
    path("plans/<int:pk>/", visits.plan_detail, name="visit-plan-detail"),
    path("plans/<int:pk>/edit/", visits.plan_edit, name="visit-plan-edit"),
    path("plans/<int:pk>/draw/", visits.plan_draw, name="visit-plan-draw"),
    path("plans/<int:pk>/verify/", visits.plan_verify, name="visit-plan-verify"),
    path("plans/<int:pk>/close/", visits.plan_close, name="visit-plan-close"),
    path("plans/<int:pk>/void/", visits.plan_void, name="visit-plan-void"),
    path("sample/<int:sampled>/visit/", visits.visit_create, name="visit-create"),
    path("<int:pk>/", visits.visit_detail, name="visit-detail"),
    path("<int:pk>/clue/", visits.visit_raise_clue, name="visit-raise-clue"),
    path("<int:pk>/void/", visits.visit_void, name="visit-void"),
    path("questionnaires/", visits.questionnaire_list, name="questionnaire-list"),
    path("questionnaires/new/", visits.questionnaire_create, name="questionnaire-create"),
    path("questionnaires/<int:pk>/", visits.questionnaire_detail, name="questionnaire-detail"),
]
