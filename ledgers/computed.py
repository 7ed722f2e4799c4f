"""The regulation rules' results for one record, as read-only values shown on the detail page
and in the API: recusal_required and its reason, the deadlines, restriction_ends and
lifetime_courts. Computed from ledgers/rules.py on every read, never stored."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import DepartureRecord, LedgerRecord, RelativePractice, UnplannedContactReport


@dataclass(frozen=True)
class Computed:
    name: str
    label: object
    value: Any
    help: object = ""
    alert: bool = False


def _relatives(record: RelativePractice, today: datetime.date) -> list[Computed]:
    decision = record.recusal()
    application_due, change_due = record.application_due, record.post_change_due
    pending = record.status == record.Status.PENDING
    return [
        Computed(
            "must_report",
            _("must be reported"),
            record.must_report,
            _("法发〔2020〕13号 art. 1"),
        ),
        Computed(
            "recusal_required",
            _("post recusal required"),
            decision.required,
            _("法发〔2020〕13号 art. 2; 法官法 art. 24"),
            alert=decision.required,
        ),
        Computed("recusal_reason", _("why"), str(decision.reason)),
        Computed(
            "application_due",
            _("recusal application due"),
            application_due,
            ngettext(
                "Within %(n)d month of the date recusal became required.",
                "Within %(n)d months of the date recusal became required.",
                settings.RECUSAL_APPLICATION_MONTHS,
            )
            % {"n": settings.RECUSAL_APPLICATION_MONTHS},
            alert=bool(
                pending and not record.applied_on and application_due and today > application_due
            ),
        ),
        Computed(
            "post_change_due",
            _("post change due"),
            change_due,
            ngettext(
                "Within %(n)d month of the date recusal became required.",
                "Within %(n)d months of the date recusal became required.",
                settings.RECUSAL_POST_CHANGE_MONTHS,
            )
            % {"n": settings.RECUSAL_POST_CHANGE_MONTHS},
            alert=bool(pending and change_due and today > change_due),
        ),
    ]


def _departures(record: DepartureRecord, today: datetime.date) -> list[Computed]:
    restrictions = record.restrictions()
    return [
        Computed(
            "restriction_ends",
            _("restrictions end"),
            restrictions.restriction_ends,
            _("法官法 art. 36; 司发通〔2021〕61号. Empty: lifelong (dismissed)."),
            alert=restrictions.restricted_on(today),
        ),
        Computed(
            "agent_ban_ends",
            _("no agent or defender as a lawyer until"),
            restrictions.agent_ban_ends,
            _("Two years after leaving (法官法 art. 36, 律师法 art. 41)."),
        ),
        Computed(
            "employment_ban_ends",
            _("no work in the former court's area until"),
            restrictions.employment_ban_ends,
            _("Three years for leadership and senior grades, two otherwise (司发通〔2021〕61号)."),
        ),
        Computed(
            "law_firm_ban_lifetime",
            _("banned from law firms for life"),
            restrictions.law_firm_ban_lifetime,
            _("Dismissed staff may not work in a law firm (司发通〔2021〕61号)."),
        ),
        Computed(
            "senior",
            _("three-year restriction"),
            restrictions.senior,
        ),
        Computed(
            "lifetime_courts",
            _("courts where acting as agent or defender is banned for life"),
            list(restrictions.lifetime_courts),
            _("法释〔2011〕12号 art. 8: every court where the person served."),
        ),
    ]


def _reports(record: UnplannedContactReport, today: datetime.date) -> list[Computed]:
    return [
        Computed(
            "report_due",
            _("report due"),
            record.report_due,
            ngettext(
                "Within %(n)d day of the contact.",
                "Within %(n)d days of the contact.",
                settings.UNPLANNED_CONTACT_REPORT_DAYS,
            )
            % {"n": settings.UNPLANNED_CONTACT_REPORT_DAYS},
        ),
        Computed(
            "reported_late", _("reported late"), record.reported_late, alert=record.reported_late
        ),
    ]


_BY_MODEL = {
    RelativePractice: _relatives,
    DepartureRecord: _departures,
    UnplannedContactReport: _reports,
}


def computed_fields(record: LedgerRecord, today: datetime.date | None = None) -> list[Computed]:
    compute = _BY_MODEL.get(record._meta.model)
    if compute is None:
        return []
    return compute(record, today or timezone.localdate())


def computed_names(model: type[LedgerRecord]) -> list[str]:
    """The names of the computed values a model's API representation carries."""
    return {
        RelativePractice: [
            "must_report",
            "recusal_required",
            "recusal_reason",
            "application_due",
            "post_change_due",
        ],
        DepartureRecord: [
            "restriction_ends",
            "agent_ban_ends",
            "employment_ban_ends",
            "law_firm_ban_lifetime",
            "senior",
            "lifetime_courts",
        ],
        UnplannedContactReport: ["report_due", "reported_late"],
    }.get(model, [])
