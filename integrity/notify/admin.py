"""Notifications in the admin: a read-only list for administrators (their jurisdiction, through
the scoping policy) to see whether a reminder reached someone and why its email failed."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from integrity.access.scoped_admin import ScopedModelAdmin

from .kinds import body_of, title_of
from .models import Notification


@admin.register(Notification)
class NotificationAdmin(ScopedModelAdmin):
    list_display = [
        "id",
        "created_at",
        "recipient",
        "court",
        "title",
        "read_at",
        "email_status",
        "email_attempts",
        "email_next_at",
    ]
    # A filter on the kind would list the distinct kinds over the whole table on every page.
    list_filter = ["email_status"]
    list_select_related = ["recipient", "court"]
    show_full_result_count = False  # no COUNT over the whole table
    readonly_fields = ["title", "body"]
    fields = [
        "recipient",
        "court",
        "kind",
        "title",
        "body",
        "key",
        "url",
        "subject_type",
        "subject_id",
        "sweep",
        "created_at",
        "read_at",
        "email_status",
        "email_attempts",
        "email_next_at",
        "emailed_at",
        "email_error",
    ]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("notification title"))
    def title(self, obj: Notification) -> str:
        return title_of(obj.kind, obj.params)

    @admin.display(description=_("notification text"))
    def body(self, obj: Notification) -> str:
        return body_of(obj.kind, obj.params)
