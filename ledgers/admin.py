"""The ledgers in the admin: a scoped, read-only view for administrators and officers (lists,
filters, search, every field). Records are entered and corrected on the ledger pages or through
the API, where the workflow steps, the version check and the void-with-reason live; the admin
links to them."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from integrity.access.scoped_admin import ScopedModelAdmin

from .specs import SPECS, LedgerSpec


class LedgerAdmin(ScopedModelAdmin):
    spec: LedgerSpec
    list_select_related = ["court", "department", "staff"]
    search_fields = ["search_text"]
    show_full_result_count = False  # no COUNT over millions of rows

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("Open on the ledger page"))
    def page_link(self, obj: Any) -> str:
        url = reverse("ledgers:detail", args=[self.spec.slug, obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open"))

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> Any:
        from .selectors import search_term as normalise

        if not search_term:
            return queryset, False
        return queryset.filter(search_text__contains=normalise(search_term)), False


def _register(spec: LedgerSpec) -> None:
    model = spec.model
    filters = ["status", "voided_at"]
    if model.category_field:
        filters.insert(1, model.category_field)
    attrs = {
        "spec": spec,
        "list_display": ["id", "court", "staff", *spec.columns, "status", "page_link"],
        "list_filter": filters,
        "date_hierarchy": model.date_field,
        "readonly_fields": ["page_link"],
    }
    admin.site.register(model, type(f"{model.__name__}Admin", (LedgerAdmin,), attrs))


for _spec in SPECS:
    _register(_spec)
