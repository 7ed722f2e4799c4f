"""Export and import jobs in the admin: read-only, each login's own (integrity/reports/scopes.py),
to see what ran, for how long and why it failed."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from integrity.access.scoped_admin import ScopedModelAdmin

from .models import ExportJob, ImportJob

_JOB_FIELDS = [
    "created_by",
    "court",
    "status",
    "total",
    "done",
    "error",
    "created_at",
    "started_at",
    "finished_at",
]


class _JobAdmin(ScopedModelAdmin):
    list_select_related = ["created_by", "court"]
    show_full_result_count = False
    list_filter = ["status"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # jobs are started from the lists and the import page

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ExportJob)
class ExportJobAdmin(_JobAdmin):
    list_display = ["id", "created_at", "created_by", "source", "format", "status", "total"]
    fields = ["source", "format", "filters", "filename", "size", *_JOB_FIELDS]


@admin.register(ImportJob)
class ImportJobAdmin(_JobAdmin):
    list_display = [
        "id",
        "created_at",
        "created_by",
        "target",
        "original_name",
        "stage",
        "rows_ok",
        "written",
    ]
    fields = [
        "target",
        "original_name",
        "sha256",
        "stage",
        "rows_ok",
        "duplicates",
        "written",
        "problems",
        *_JOB_FIELDS,
    ]
