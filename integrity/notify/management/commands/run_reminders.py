"""``python manage.py run_reminders [--dry-run] [--date YYYY-MM-DD] [--only SOURCE ...]``: the
reminder sweep by hand, the same one Celery beat runs."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from integrity.notify import delivery, reminders
from integrity.notify.kinds import title_of
from integrity.org.models import Court, StaffMember

CHUNK = 5000


def _names(model: Any, ids: set[int]) -> dict[int, str]:
    ordered = sorted(ids)
    found: dict[int, str] = {}
    for start in range(0, len(ordered), CHUNK):
        found.update(
            model.objects.filter(pk__in=ordered[start : start + CHUNK]).values_list("pk", "name")
        )
    return found


class Command(BaseCommand):
    help = (
        "Run the reminder sweep now: per source, how many reminders are due; with --dry-run, "
        "each reminder it would send, writing nothing; else how many were new, then the emails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be sent; write nothing."
        )
        parser.add_argument("--date", help="Sweep as on this day (YYYY-MM-DD); today by default.")
        parser.add_argument(
            "--only", nargs="+", metavar="SOURCE", help="Only these sources (names as listed)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self._run(options)

    def _day(self, value: str | None) -> datetime.date:
        if not value:
            return timezone.localdate()
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise CommandError(
                _("%(value)s is not a date; write it as YYYY-MM-DD, e.g. 2026-03-31.")
                % {"value": value}
            ) from None

    def _run(self, options: dict[str, Any]) -> None:
        today = self._day(options["date"])
        known = reminders.sources()
        only = options["only"]
        unknown = sorted(set(only or ()) - set(known))
        if unknown:
            raise CommandError(
                _("Unknown reminder source: %(names)s. The sources are: %(known)s.")
                % {"names": ", ".join(unknown), "known": ", ".join(sorted(known)) or "—"}
            )
        dry_run = options["dry_run"]
        result = reminders.sweep(today, dry_run=dry_run, only=only)
        if dry_run:
            self.stdout.write(
                _("Reminder sweep for %(date)s (dry run: nothing is written).")
                % {"date": today.isoformat()}
            )
        else:
            self.stdout.write(_("Reminder sweep for %(date)s.") % {"date": today.isoformat()})
        for name in sorted(result.found):
            self.stdout.write(
                "  "
                + _("%(source)s: %(count)s due") % {"source": name, "count": result.found[name]}
            )
        if dry_run:
            self._print_dues(result.dues)
            self.stdout.write(
                _("%(new)s would be sent; %(existing)s were sent before.")
                % {"new": len(result.dues), "existing": result.existed}
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                _("%(created)s notifications created; %(existing)s existed already.")
                % {"created": result.created, "existing": result.existed}
            )
        )
        sent = delivery.deliver_all()
        self.stdout.write(
            _("Emails: %(sent)s sent, %(failed)s failed (will be retried), %(given_up)s given up.")
            % {"sent": sent.sent, "failed": sent.failed, "given_up": sent.given_up}
        )

    def _print_dues(self, dues: list[reminders.Due]) -> None:
        people = _names(StaffMember, {due.recipient_id for due in dues})
        courts = _names(Court, {due.court_id for due in dues})
        for due in sorted(dues, key=lambda d: (d.court_id, d.recipient_id, d.key)):
            self.stdout.write(
                "  "
                + " · ".join(
                    [
                        people.get(due.recipient_id, str(due.recipient_id)),
                        courts.get(due.court_id, str(due.court_id)),
                        title_of(due.kind, due.params),
                        due.key,
                    ]
                )
            )
