"""Public complaints in the admin: scoped and read-only (integrity/access/scoped_admin.py).
Complaints are handled on their pages or through the API, where the version check and the
audit live. The reporter's identity (Reporter) is deliberately not registered and not shown
inline: it is shown only on the complaint's page and through the API, to the discipline team
and named grantees, and each view is recorded."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from integrity.access import policy
from integrity.access.policy import VIEW
from integrity.access.scoped_admin import ReadOnlyInline, ScopedModelAdmin

from ..models import Complaint, ComplaintMessage


class _ReadOnly(ScopedModelAdmin):
    show_full_result_count = False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ComplaintMessageInline(ReadOnlyInline):
    model = ComplaintMessage
    fields = ["sent_on", "from_public", "author", "body"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        return policy.may_use(user, Complaint) and (obj is None or policy.can(user, VIEW, obj))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields


@admin.register(Complaint)
class ComplaintAdmin(_ReadOnly):
    list_display = [
        "locator",
        "received_on",
        "court",
        "department",
        "subject_name",
        "subject",
        "status",
        "page_link",
    ]
    list_filter = ["status", "about_leader"]
    list_select_related = ["court", "department", "subject"]
    search_fields = ["locator", "subject_name"]
    date_hierarchy = "received_on"
    # code_hash is left out: not even the slow hash is shown.
    fields = [
        "locator",
        "received_on",
        "court",
        "department",
        "subject_name",
        "subject_description",
        "subject",
        "about_leader",
        "case_number",
        "occurred_on",
        "account",
        "clue",
        "status",
        "version",
        "page_link",
    ]
    readonly_fields = fields
    inlines = [ComplaintMessageInline]

    @admin.display(description=_("Open on the complaint's page"))
    def page_link(self, obj: Complaint) -> str:
        url = reverse("inspections:complaint-detail", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open"))
