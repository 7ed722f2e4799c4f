"""Admin of the follow-up visits (integrity/access/scoped_admin.py): read-only and scoped.
Plans are drawn, visits recorded and clues raised on the pages or through the API, where the
draw, the version check and the audit live."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from integrity.access.scoped_admin import ScopedModelAdmin

from ..models import Questionnaire, SampledCase, Visit, VisitPlan


class _ReadOnly(ScopedModelAdmin):
    show_full_result_count = False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Questionnaire)
class QuestionnaireAdmin(_ReadOnly):
    list_display = ["id", "name", "court", "is_active", "voided_at"]
    list_filter = ["is_active"]
    list_select_related = ["court"]
    search_fields = ["name"]


@admin.register(VisitPlan)
class VisitPlanAdmin(_ReadOnly):
    list_display = [
        "id",
        "title",
        "court",
        "closed_from",
        "closed_to",
        "sample_size",
        "population",
        "seed",
        "status",
        "voided_at",
        "page_link",
    ]
    list_filter = ["status"]
    list_select_related = ["court"]
    search_fields = ["title"]
    readonly_fields = ["page_link"]

    @admin.display(description=_("Open on the visit pages"))
    def page_link(self, obj: VisitPlan) -> str:
        url = reverse("inspections:visit-plan-detail", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open"))


@admin.register(SampledCase)
class SampledCaseAdmin(_ReadOnly):
    list_display = ["id", "plan", "position", "case", "court", "stratum"]
    list_select_related = ["plan", "case", "court"]
    search_fields = ["case__number"]


@admin.register(Visit)
class VisitAdmin(_ReadOnly):
    list_display = [
        "id",
        "plan",
        "sampled",
        "respondent_kind",
        "method",
        "visited_on",
        "has_problem",
        "voided_at",
    ]
    list_filter = ["has_problem", "method", "respondent_kind"]
    list_select_related = ["plan", "sampled__plan"]
    date_hierarchy = "visited_on"
