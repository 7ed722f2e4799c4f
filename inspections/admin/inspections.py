"""Inspections and findings in the admin: read-only and scoped through the policy. Work is done
on the pages or the API, where the services, the version check, the team's temporary access and
the audit live; the admin links to them."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from integrity.access.scoped_admin import ReadOnlyInline, ScopedModelAdmin

from ..models import Finding, Inspection, InspectionTarget, RectificationReport, TeamMember


class _ReadOnly(ScopedModelAdmin):
    show_full_result_count = False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TargetInline(ReadOnlyInline):
    model = InspectionTarget
    fields = ["court", "department"]


class TeamInline(ReadOnlyInline):
    model = TeamMember
    fields = ["user", "function"]


@admin.register(Inspection)
class InspectionAdmin(_ReadOnly):
    list_display = ["id", "number", "title", "court", "kind", "starts_on", "ends_on", "status"]
    list_select_related = ["court"]
    list_filter = ["kind", "status", "voided_at"]
    search_fields = ["title", "number"]
    readonly_fields = ["page"]
    inlines = [TargetInline, TeamInline]

    @admin.display(description=_("Open on the inspection page"))
    def page(self, obj: Inspection) -> str:
        url = reverse("inspections:inspection-detail", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open"))


class ReportInline(ReadOnlyInline):
    model = RectificationReport
    fields = ["measures", "completed_on", "reported_by", "outcome", "reviewed_by", "review_note"]


@admin.register(Finding)
class FindingAdmin(_ReadOnly):
    list_display = ["id", "inspection", "sequence", "court", "category", "deadline", "status"]
    list_select_related = ["inspection", "court"]
    list_filter = ["category", "severity", "status", "voided_at"]
    search_fields = ["description"]
    readonly_fields = ["page"]
    inlines = [ReportInline]

    @admin.display(description=_("Open on the finding page"))
    def page(self, obj: Finding) -> str:
        url = reverse("inspections:finding-detail", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open"))
