"""Every read of alerts starts from the scoping policy (ledgers/alerts/scopes.py): the
discipline team and the leaders of the courts in scope; an alert about a court leader hidden
from that court's leaders; never an alert about oneself — in lists, details, counts, the admin
and the API alike.

The queue is ordered by when the facts last changed, newest first, and paged by that key
(``changed_at``, ``id``): no OFFSET, no COUNT over the table, the same cost on every page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from integrity.access import policy
from integrity.audit import display
from integrity.audit.models import AuditEvent
from integrity.audit.selectors import labelled_history
from integrity.org.casenumbers import fold_text, normalize_case_number
from ledgers import conflicts
from ledgers.reminders import day_label

from .evidence import STATUS_LABELS
from .models import Alert

_RELATED = ("court", "department", "subject", "case", "case__court")
ALL = "all"  # the status filter's value for every status


def alert_list(*, actor: Any, filters: dict[str, Any] | None = None) -> QuerySet[Alert]:
    """The alerts in the actor's scope with the queue's filters: rule, status (open unless
    asked otherwise; ``all`` for every status), severity, court, weaker evidence only, case
    number (as users write it: full-width brackets folded) and free text on the staff member's,
    the agent's or the relative's name and the case number. Newest change first."""
    filters = filters or {}
    qs = policy.scope(actor, Alert.objects.select_related(*_RELATED))
    status = filters.get("status") or Alert.Status.OPEN
    if status != ALL:
        qs = qs.filter(status=status)
    if filters.get("rule"):
        qs = qs.filter(rule=filters["rule"])
    if filters.get("severity"):
        qs = qs.filter(severity=filters["severity"])
    if filters.get("court"):
        qs = qs.filter(court_id=filters["court"])
    if filters.get("weaker"):
        qs = qs.filter(
            Q(strength__in=list(conflicts.WEAKER_MATCHES)) | Q(rule=conflicts.Rule.UNDECLARED)
        )
    number = (filters.get("case") or "").strip()
    if number:
        qs = qs.filter(_case_number(number))
    text = (filters.get("q") or "").strip()
    if text:
        qs = qs.filter(
            Q(subject__name__icontains=text)
            | Q(agent__name__icontains=text)
            | Q(relative__relative_name__icontains=text)
            | Q(case__number__icontains=fold_text(text))
        )
    return qs.order_by("-changed_at", "-id")


def _case_number(text: str) -> Q:
    """A case number in any written form: the canonical one exactly; a fragment (辽0102民初)
    as part of it."""
    try:
        number = normalize_case_number(text)
    except ValidationError:  # not a whole number: searched as a fragment
        return Q(case__number__icontains=fold_text(text))
    return Q(case__number=number) | Q(case__isnull=True, facts__case=number)


def alert_get(*, actor: Any, pk: Any) -> Alert:
    """One alert through the scope (out of scope = the same 404 as missing), with what its
    page shows."""
    return policy.get_or_404(
        actor,
        Alert.objects.select_related(
            *_RELATED,
            "agent",
            "relative",
            "departure",
            "interference",
            "handled_by",
            "clue",
        ),
        pk,
    )


def open_counts(*, actor: Any) -> dict[str, int]:
    """How many open alerts of each rule the actor reaches (one grouped query over the open
    ones, which the status index narrows)."""
    rows = (
        policy.scope(actor, Alert.objects.filter(status=Alert.Status.OPEN))
        .order_by()
        .values_list("rule")
        .annotate(n=Count("id"))
    )
    return dict(rows)


# --- the queue's pages ------------------------------------------------------------------------
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MICROSECOND = datetime.timedelta(microseconds=1)


def cursor_of(alert: Alert) -> str:
    """The position of an alert in the queue: its change time (microseconds) and id."""
    return f"{(alert.changed_at - _EPOCH) // _MICROSECOND}-{alert.pk}"


def _position(value: str | None) -> tuple[datetime.datetime, int] | None:
    try:
        micros, pk = (value or "").split("-")
        return _EPOCH + int(micros) * _MICROSECOND, int(pk)
    except (ValueError, OverflowError):
        return None


@dataclass
class AlertPage:
    rows: list[Alert]
    next_after: str | None
    prev_before: str | None
    query: str

    def link(self, key: str, value: str | None) -> str | None:
        if value is None:
            return None
        params = QueryDict(self.query, mutable=True)
        params.pop("after", None)
        params.pop("before", None)
        params[key] = value
        return "?" + params.urlencode()

    @cached_property
    def next_url(self) -> str | None:
        return self.link("after", self.next_after)

    @cached_property
    def prev_url(self) -> str | None:
        return self.link("before", self.prev_before)


def alert_page(queryset: QuerySet[Alert], params: QueryDict, *, size: int = 50) -> AlertPage:
    """One page of the queue: ``?after=`` continues after the position of the last row seen,
    ``?before=`` goes back."""
    after, before = _position(params.get("after")), _position(params.get("before"))
    if before is not None:
        moment, pk = before
        later = Q(changed_at__gt=moment) | Q(changed_at=moment, pk__gt=pk)
        rows = list(queryset.filter(later).order_by("changed_at", "id")[: size + 1])
        has_more = len(rows) > size
        rows = list(reversed(rows[:size]))
        next_after = cursor_of(rows[-1]) if rows else None
        prev_before = cursor_of(rows[0]) if rows and has_more else None
    else:
        if after is not None:
            moment, pk = after
            queryset = queryset.filter(Q(changed_at__lt=moment) | Q(changed_at=moment, pk__lt=pk))
        rows = list(queryset.order_by("-changed_at", "-id")[: size + 1])
        has_more = len(rows) > size
        rows = rows[:size]
        next_after = cursor_of(rows[-1]) if rows and has_more else None
        prev_before = cursor_of(rows[0]) if rows and after is not None else None
    return AlertPage(rows, next_after, prev_before, params.urlencode())


# --- one alert's page -------------------------------------------------------------------------
@dataclass(frozen=True)
class Link:
    label: Any
    text: str
    url: str


def links_of(*, actor: Any, alert: Alert) -> list[Link]:
    """The records behind the alert that the viewer may open themselves (each asked of the
    policy): the case, the relative record (ledger 3), the departure record (ledger 4), the
    interference record (ledger 1) and the clue it became."""
    found: list[Link] = []
    candidates = [
        (alert.case, _("Case"), "case-detail", ()),
        (alert.relative, _("Relative practising law (ledger 3)"), "ledgers:detail", ("relatives",)),
        (alert.departure, _("Departure record (ledger 4)"), "ledgers:detail", ("departures",)),
        (
            alert.interference,
            _("Interference record (ledger 1)"),
            "ledgers:detail",
            ("interference",),
        ),
        (alert.clue, _("Clue"), "inspections:clue-detail", ()),
    ]
    for record, label, name, prefix in candidates:
        if record is None or not policy.can(actor, policy.VIEW, record):
            continue
        found.append(Link(label, str(record), reverse(name, args=[*prefix, record.pk])))
    return found


def recusal_status(alert: Alert) -> tuple[str, str] | None:
    """The post recusal's state in ledger 3 (code, label), for a post-recusal alert."""
    if alert.rule != conflicts.Rule.POST_RECUSAL or alert.relative is None:
        return None
    return alert.relative.status, str(alert.relative.get_status_display())


def recusal_recorded(alert: Alert) -> bool:
    """Whether ledger 3 shows the post recusal carried out (or the relative stopped)."""
    status = recusal_status(alert)
    return status is not None and status[0] in ("implemented", "resolved")


_EVENT_LABELS = {
    "raise": _("Raised by the early-warning check"),
    "update": _("The facts changed"),
    "reopen": _("Reopened: the facts changed"),
    "lapse": _("The facts no longer hold"),
    "view": _("Viewed"),
    "dismiss": pgettext_lazy("alert event", "Dismissed"),
    "clue": _("Turned into a clue"),
    "done": _("Marked done"),
    "access.denied": _("Refused access attempt"),
}
# Changes shown on the timeline: the evidence itself is on the page, not repeated per event.
_SHOWN_CHANGES = ("status", "strength", "done_on", "clue")
_CHANGE_LABELS = {
    "status": _("status"),
    "strength": _("Match"),
    "done_on": _("done on"),
    "clue": _("clue"),
}


def _readable(name: str, value: Any) -> tuple[str, str]:
    """(before, after) of one change in words; a single value is the "after"."""
    before, after = value if isinstance(value, list) and len(value) == 2 else (None, value)
    if name == "status":
        words = STATUS_LABELS
    elif name == "strength":
        words = dict(Alert.Strength.choices)
    else:
        words = {}
    if name == "done_on" and after:
        after = day_label(datetime.date.fromisoformat(str(after)[:10]))
    return (
        str(words.get(before, before)) if before not in (None, "") else "",
        str(words.get(after, after)) if after not in (None, "") else "",
    )


def history_of(alert: Alert, *, limit: int = 200) -> list[AuditEvent]:
    """The alert's trail in the audit chain, newest first, each event with a readable
    ``label``, who did it (``actor_shown``: a name, not a login) and the ``shown`` changes
    (status, strength, day done, clue)."""
    events = labelled_history(alert, _EVENT_LABELS, limit=limit)
    for event, actor in zip(events, display.actors(events), strict=True):
        event.actor_shown = actor
        changes = event.changes if isinstance(event.changes, dict) else {}
        event.shown = [
            (_CHANGE_LABELS[name], *_readable(name, changes[name]))
            for name in _SHOWN_CHANGES
            if name in changes
        ]
    return events
