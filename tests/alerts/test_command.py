"""``manage.py check_alerts``: runs the checks asked for (both by default) as on the day given,
and prints what each did."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ledgers.alerts import detect, patterns
from ledgers.alerts.models import Alert
from ledgers.alerts.services import Outcome

from .conftest import D, agent, relative


def run(*args):
    out = StringIO()
    call_command("check_alerts", *args, stdout=out)
    return out.getvalue().splitlines()


def counts(line):
    """The five counts at the end of a row of the table."""
    return [int(cell) for cell in line.split()[-5:]]


@pytest.fixture
def calls(monkeypatch):
    """The checks the command ran, with the day, each answering with its own counts."""
    made = []

    def fake(name, outcome):
        def check(*, today):
            made.append((name, today))
            return outcome

        return check

    monkeypatch.setattr(detect, "check_open_cases", fake("cases", Outcome(created=2, lapsed=1)))
    monkeypatch.setattr(
        patterns, "check_patterns", fake("patterns", Outcome(confirmed=7, reopened=3))
    )
    return made


def test_both_checks_by_default_with_a_row_each(calls):
    lines = run("--today", "2026-03-10")
    assert calls == [("cases", D(2026, 3, 10)), ("patterns", D(2026, 3, 10))]
    assert "2026-03-10" in lines[0]
    assert len(lines) == 4  # the date, the headings, a row per check
    assert counts(lines[2]) == [2, 0, 0, 0, 1]
    assert counts(lines[3]) == [0, 3, 0, 7, 0]


@pytest.mark.parametrize(("option", "ran"), [("--cases", "cases"), ("--patterns", "patterns")])
def test_only_the_check_asked_for(calls, option, ran):
    lines = run(option, "--today", "2026-03-10")
    assert [name for name, _ in calls] == [ran]
    assert len(lines) == 3


def test_today_by_default(calls, settings):
    from django.utils import timezone

    run("--patterns")
    assert calls == [("patterns", timezone.localdate())]


def test_a_day_that_is_no_date_is_refused(calls):
    with pytest.raises(CommandError, match="2026-13-01"):
        run("--today", "2026-13-01")
    assert calls == []


def test_the_real_checks_on_the_data(province, heping_case):
    """The open cases' check finds a judge's wife acting before him; the command counts it."""
    relative(province)
    agent(heping_case)
    lines = run("--cases", "--today", "2026-03-10")
    assert counts(lines[2]) == [Alert.objects.count(), 0, 0, 0, 0]
    assert Alert.objects.count() == 2
    again = run("--today", "2026-03-10")
    assert counts(again[2]) == [0, 0, 0, 2, 0]
    assert counts(again[3]) == [0, 0, 0, 0, 0]
