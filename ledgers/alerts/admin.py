"""Alerts in the admin: read-only and scoped through the policy (ScopedModelAdmin), so the
changelist, its search and the detail show only what the user reaches — an alert about a court
leader hidden from that court's leaders, never an alert about oneself. Alerts are raised by the
engine and handled on the pages or the API, where the version check and the audit live; the
admin links to them and never adds, changes or deletes one."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from integrity.access.scoped_admin import ScopedModelAdmin

from .models import Alert


@admin.register(Alert)
class AlertAdmin(ScopedModelAdmin):
    show_full_result_count = False
    list_display = [
        "id",
        "changed_at",
        "rule",
        "severity",
        "strength",
        "status",
        "court",
        "subject",
        "page",
    ]
    list_select_related = ["court", "subject"]
    list_filter = ["rule", "status", "severity", "strength", "about_leader"]
    search_fields = ["subject__name", "case__number"]
    readonly_fields = ["page"]
    exclude = ["digest"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("Open on the alert page"))
    def page(self, obj: Alert) -> str:
        url = reverse("alerts:detail", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open"))
