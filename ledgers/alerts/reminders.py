"""Unhandled alerts (issue 7: "reminders for unhandled alerts"): an alert still open
ALERT_REMIND_AFTER_DAYS days after its facts last changed is reminded to the discipline team
reaching its court, and again every ALERT_REMIND_EVERY_DAYS days while it stays open. Each
repetition has its own key (the day the facts changed and the repetition's number), so each is
one notification; facts that change (a reopened alert) start the count again. The staff member
concerned is never told, even if they are of the team.

Two queries whatever the number of alerts: the open alerts that are due, and the team's role
assignments (ledgers.reminders.Holders). The reminder names the rule, the court and the day,
never the people: notifications may go out by email, the evidence stays on the alert's page."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from integrity.access.models import Role
from integrity.notify.kinds import Kind, register
from integrity.notify.reminders import Due, source
from ledgers.reminders import DayLabels, Holders, _in_site_language

from .models import Alert


class Kinds:
    OPEN = "alerts.alert.open"


register(
    Kind(
        Kinds.OPEN,
        _("Alert waiting to be handled: %(rule)s"),
        _(
            "An early-warning alert (%(rule)s, severity %(severity)s) at %(court)s has been open "
            "since %(since)s, %(days)s days without being handled. Dismiss it with a reason, "
            "turn it into a clue, or mark the recusal done."
        ),
    ),
)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@source("alerts_open")
@_in_site_language
def open_alert_reminders(today: datetime.date) -> list[Due]:
    """Open alerts unhandled for ALERT_REMIND_AFTER_DAYS days since their facts changed, to the
    discipline team reaching the alert's court (and its department), never to the staff
    member concerned; again every ALERT_REMIND_EVERY_DAYS days."""
    after = settings.ALERT_REMIND_AFTER_DAYS
    every = max(settings.ALERT_REMIND_EVERY_DAYS, 1)
    # Due once the facts' day + ``after`` days has come: changed before the start of the day
    # after (today - after).
    changed_before = _start_of(today - datetime.timedelta(days=after - 1))
    rows = Alert.objects.filter(
        status=Alert.Status.OPEN, changed_at__lt=changed_before
    ).values_list(
        "pk",
        "rule",
        "severity",
        "court_id",
        "court__path",
        "court__name",
        "department_id",
        "subject_id",
        "changed_at",
    )
    rules, severities = dict(Alert.Rule.choices), dict(Alert.Severity.choices)
    labels = DayLabels()
    holders: Holders | None = None
    dues: list[Due] = []
    for pk, rule, severity, court_id, path, court, department_id, subject_id, changed in rows:
        since = timezone.localdate(changed)
        waited = (today - since).days
        if waited < after:
            continue
        repetition = (waited - after) // every
        if holders is None:
            holders = Holders.load(Role.DISCIPLINE)
        team = holders.reaching(Role.DISCIPLINE, court_id, path, department_id) - {subject_id}
        params = {
            "rule": str(rules.get(rule, rule)),
            "severity": str(severities.get(severity, severity)),
            "court": court,
            "since": labels[since],
            "days": after + repetition * every,
        }
        key = f"alerts.alert:{pk}:{since.isoformat()}:open:{repetition}"
        url = reverse("alerts:detail", args=[pk])
        dues += [
            Due(
                recipient_id=staff_id,
                court_id=court_id,
                kind=Kinds.OPEN,
                key=key,
                params=params,
                url=url,
                subject_type="alerts.alert",
                subject_id=str(pk),
            )
            for staff_id in sorted(team)
        ]
    return dues
