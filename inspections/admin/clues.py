"""Clues, referrals and dispositions in the admin: read-only and scoped through the policy, so
a clue about a court leader is hidden there as everywhere (its changelist, search and detail
all start from ScopedModelAdmin.get_queryset). Work is done on the pages or the API, where the
services, the version check and the audit live; the admin links to them."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from integrity.access.scoped_admin import ScopedModelAdmin

from ..models import Clue, Disposition, Referral


class _ReadOnly(ScopedModelAdmin):
    show_full_result_count = False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Clue)
class ClueAdmin(_ReadOnly):
    list_display = ["id", "received_on", "court", "subject", "summary", "source", "status", "page"]
    list_select_related = ["court", "subject"]
    list_filter = ["source", "status", "about_leader", "is_confidential"]
    search_fields = ["summary", "subject__name"]
    readonly_fields = ["page"]

    @admin.display(description=_("Open on the clue page"))
    def page(self, obj: Clue) -> str:
        url = reverse("inspections:clue-detail", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open"))


@admin.register(Referral)
class ReferralAdmin(_ReadOnly):
    list_display = ["number", "referred_on", "clue", "way", "stage", "stage_since", "page"]
    list_select_related = ["clue"]
    list_filter = ["stage", "way"]
    search_fields = ["number", "clue__summary"]
    readonly_fields = ["page"]

    @admin.display(description=_("Open on the referral page"))
    def page(self, obj: Referral) -> str:
        url = reverse("inspections:referral-detail", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open"))


@admin.register(Disposition)
class DispositionAdmin(_ReadOnly):
    list_display = ["id", "referral", "subject", "form", "measure", "decided_on"]
    list_select_related = ["referral", "subject"]
    list_filter = ["form", "measure", "concerns_improper_contact"]
