"""What each ledger shows and asks for: one declaration per ledger, read by the pages, the API
and the admin, so the three doors offer the same fields."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import (
    ContactApproval,
    ContactCase,
    DepartureRecord,
    FollowUp,
    InterferenceRecord,
    LedgerRecord,
    RelativePractice,
    ReminderTalk,
    UnplannedContactReport,
)

# Every ledger record names these; the forms put them first.
PLACE_FIELDS = ("court", "department", "staff")


@dataclass(frozen=True)
class LedgerSpec:
    slug: str
    model: type[LedgerRecord]
    title: object
    fields: tuple[str, ...]  # what officers enter and edit, besides court/department/staff
    columns: tuple[str, ...]  # the list's columns, after the staff member
    own_fields: tuple[str, ...] = ()  # what staff fill in about themselves; () = officers only
    child: type[models.Model] | None = None  # talks, follow-ups
    child_fields: tuple[str, ...] = ()

    @property
    def edit_fields(self) -> tuple[str, ...]:
        return (*PLACE_FIELDS, *self.fields, "notes", "is_confidential")


_COUNTERPART = (
    "counterpart_type",
    "counterpart_name",
    "counterpart_firm",
    "licence_number",
    "intermediary_kind",
    "case_number",
)

SPECS: tuple[LedgerSpec, ...] = (
    LedgerSpec(
        slug="interference",
        model=InterferenceRecord,
        title=_("Interference and inquiries"),
        fields=(
            "regulation",
            "report_form",
            "case_number",
            "case_stage",
            "interferer_kind",
            "interferer_name",
            "interferer_unit",
            "interferer_post",
            "interferer_contact",
            "interferer_relation",
            "occurred_on",
            "place",
            "method",
            "content",
            "materials_kept",
        ),
        columns=("occurred_on", "case_number", "interferer_name", "interferer_kind", "nature"),
        own_fields=(
            "case_number",
            "interferer_kind",
            "interferer_name",
            "interferer_unit",
            "interferer_post",
            "occurred_on",
            "method",
            "content",
        ),
    ),
    LedgerSpec(
        slug="contacts",
        model=ContactCase,
        title=_("Improper contact cases"),
        fields=(
            *_COUNTERPART,
            "behaviour",
            "occurred_on",
            "description",
            "clue_source",
            "referral_number",
        ),
        columns=("occurred_on", "counterpart_name", "behaviour", "handling"),
    ),
    LedgerSpec(
        slug="approvals",
        model=ContactApproval,
        title=_("Contact approvals"),
        fields=(*_COUNTERPART, "planned_on", "place", "purpose"),
        columns=("planned_on", "counterpart_name", "counterpart_type", "place"),
        own_fields=(*_COUNTERPART, "planned_on", "place", "purpose"),
    ),
    LedgerSpec(
        slug="reports",
        model=UnplannedContactReport,
        title=_("Unplanned contact reports"),
        fields=(*_COUNTERPART, "contact_on", "reported_on", "place", "circumstances"),
        columns=("contact_on", "reported_on", "counterpart_name", "counterpart_type"),
        own_fields=(*_COUNTERPART, "contact_on", "place", "circumstances"),
    ),
    LedgerSpec(
        slug="relatives",
        model=RelativePractice,
        title=_("Relatives practising law"),
        fields=(
            "relative_name",
            "relationship",
            "law_firm",
            "licence_number",
            "firm_area",
            "role",
            "acts_in_jurisdiction",
            "practising_since",
            "reported_on",
        ),
        columns=("relative_name", "relationship", "law_firm", "role"),
        child=ReminderTalk,
        child_fields=("talked_on", "talked_by", "agreed"),
    ),
    LedgerSpec(
        slug="departures",
        model=DepartureRecord,
        title=_("Departed staff"),
        fields=(
            "left_on",
            "how",
            "last_post",
            "last_grade",
            "was_leadership",
            "was_leading_cadre",
            "senior_assistant",
            "served_courts",
            "briefing_on",
            "pledge_signed_on",
            "current_employer",
            "current_activity",
            "licence_number",
        ),
        columns=("left_on", "how", "last_post", "current_employer"),
        child=FollowUp,
        child_fields=(
            "followed_on",
            "method",
            "employer",
            "activity",
            "violation_found",
            "violation",
            "case_number",
        ),
    ),
)

BY_SLUG = {spec.slug: spec for spec in SPECS}
BY_MODEL = {spec.model: spec for spec in SPECS}


def spec_for(model: type[models.Model]) -> LedgerSpec:
    return BY_MODEL[model._meta.concrete_model]
