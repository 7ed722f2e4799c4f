"""``python manage.py check_alerts [--cases] [--patterns] [--today YYYY-MM-DD]``: the
early-warning checks by hand (both when neither is named): the conflict rules over every open
case (ledgers/alerts/detect.py check_open_cases) and the patterns over time
(ledgers/alerts/patterns.py, the same check Celery beat runs nightly). Prints what each did."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ledgers.alerts import detect, patterns
from ledgers.alerts.services import Outcome

COUNTS = ("created", "reopened", "changed", "confirmed", "lapsed")


class Command(BaseCommand):
    help = (
        "Run the early-warning checks now: the conflict rules over every open case (--cases), "
        "the patterns over time (--patterns), or both; print the alerts created, reopened, "
        "changed, confirmed and lapsed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--cases", action="store_true", help="Check every open case against the rules."
        )
        parser.add_argument(
            "--patterns",
            action="store_true",
            help="Check the patterns: zero reports, the same person across many records.",
        )
        parser.add_argument("--today", help="Check as on this day (YYYY-MM-DD); today by default.")

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
        today = self._day(options["today"])
        both = not options["cases"] and not options["patterns"]
        done: list[tuple[str, Outcome]] = []
        if options["cases"] or both:
            done.append((_("Open cases"), detect.check_open_cases(today=today)))
        if options["patterns"] or both:
            done.append((_("Patterns"), patterns.check_patterns(today=today)))
        self.stdout.write(_("Early-warning checks as on %(date)s.") % {"date": today.isoformat()})
        headings = [
            _("Check"),
            _("Created"),
            _("Reopened"),
            _("Changed"),
            _("Confirmed"),
            _("Lapsed"),
        ]
        rows = [
            [name, *(str(getattr(outcome, count)) for count in COUNTS)] for name, outcome in done
        ]
        widths = [max(_width(row[column]) for row in [headings, *rows]) for column in range(6)]
        for row in [headings, *rows]:
            cells = [_pad(row[0], widths[0], left=True)]
            cells += [_pad(cell, width) for cell, width in zip(row[1:], widths[1:], strict=True)]
            self.stdout.write("  ".join(cells).rstrip())


def _width(text: str) -> int:
    """Columns on a terminal: a Chinese character takes two."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def _pad(text: str, width: int, *, left: bool = False) -> str:
    space = " " * (width - _width(text))
    return text + space if left else space + text
