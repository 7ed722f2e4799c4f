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

from integrity.access import policy
from integrity.access.policy import VIEW
from integrity.access.scoped_admin import ReadOnlyInline, ScopedModelAdmin

from .models import Campaign, Declaration, DeclaredRelative, Signature
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


# --- declarations (issue 4) -------------------------------------------------------------------
# Read-only as well: campaigns are opened, filed, signed, returned and corrected on the
# declaration pages or through the API, where the sign-off chain and the version check live.
class _DeclarationsReadOnly(ScopedModelAdmin):
    show_full_result_count = False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Campaign)
class CampaignAdmin(_DeclarationsReadOnly):
    list_display = [
        "id",
        "title",
        "kind",
        "court",
        "covers_subordinates",
        "period_start",
        "period_end",
        "due_on",
        "status",
        "task_count",
        "voided_at",
        "page_link",
    ]
    list_filter = ["kind", "status", "covers_subordinates", "voided_at"]
    list_select_related = ["court"]
    search_fields = ["title"]
    date_hierarchy = "due_on"
    readonly_fields = ["page_link"]

    @admin.display(description=_("Open on the declaration pages"))
    def page_link(self, obj: Campaign) -> str:
        url = reverse("declarations:campaign", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open"))


class _ScopedInline(ReadOnlyInline):
    """Shown with the declaration it belongs to, to whoever may see that declaration."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        return policy.may_use(user, self.model) and (obj is None or policy.can(user, VIEW, obj))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields


class DeclaredRelativeInline(_ScopedInline):
    model = DeclaredRelative
    fields = [
        "relative_name",
        "relationship",
        "law_firm",
        "licence_number",
        "firm_area",
        "role",
        "acts_in_jurisdiction",
        "practising_since",
        "record",
    ]


class SignatureInline(_ScopedInline):
    model = Signature
    fields = [
        "filing",
        "stage",
        "role",
        "signer_name",
        "decision",
        "statement",
        "reason",
        "decided_at",
    ]


@admin.register(Declaration)
class DeclarationAdmin(_DeclarationsReadOnly):
    list_display = [
        "id",
        "staff",
        "campaign",
        "court",
        "department",
        "revision",
        "status",
        "has_nothing",
        "filed_at",
        "signed_at",
        "page_link",
    ]
    list_filter = ["status", "is_current", "has_nothing", "campaign__kind"]
    list_select_related = ["staff", "campaign", "court", "department"]
    search_fields = ["staff__name", "campaign__title"]
    readonly_fields = ["page_link"]
    inlines = [DeclaredRelativeInline, SignatureInline]

    @admin.display(description=_("Open on the declaration pages"))
    def page_link(self, obj: Declaration) -> str:
        url = reverse("declarations:detail", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open"))
