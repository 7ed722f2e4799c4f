"""``manage.py run_reminders``: the same sweep by hand; the dry run prints every reminder it
would send and writes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from integrity.notify.models import Notification

from .conftest import SOURCE, person

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("run_reminders", *args, stdout=out)
    return out.getvalue()


def test_dry_run_prints_and_writes_nothing(province, test_source):
    test_source.recipients = [
        person(province, name="张三", email="z@court.example"),
        person(province, "dalian", name="李四"),
    ]
    output = _run("--dry-run", "--date", "2026-03-31", "--only", SOURCE)
    assert Notification.objects.count() == 0
    assert "2026-03-31" in output
    assert f"{SOURCE}：到期 2 条" in output
    line = next(line for line in output.splitlines() if "张三" in line)
    assert "沈阳市和平区人民法院" in line
    assert "请填报：2026年度近亲属从事律师职业报告" in line
    assert "tests.campaign:1:due:2026-03-31" in line
    assert any("李四" in line and "大连市中级人民法院" in line for line in output.splitlines())
    assert "将发送 2 条" in output


def test_run_creates_then_finds_existing_and_sends_emails(province, test_source, mailoutbox):
    test_source.recipients = [person(province, email="z@court.example"), person(province)]
    first = _run("--date", "2026-03-31", "--only", SOURCE)
    assert "新建 2 条通知，已存在 0 条" in first
    assert "邮件：发送 1 封" in first
    assert len(mailoutbox) == 1
    second = _run("--date", "2026-03-31", "--only", SOURCE)
    assert "新建 0 条通知，已存在 2 条" in second
    assert Notification.objects.count() == 2
    assert len(mailoutbox) == 1
    # the dry run now has nothing new to send
    assert "将发送 0 条" in _run("--dry-run", "--date", "2026-03-31", "--only", SOURCE)


def test_bad_date_and_unknown_source_are_refused(province, test_source):
    with pytest.raises(CommandError, match="不是日期"):
        _run("--date", "31/03/2026")
    with pytest.raises(CommandError, match="未知的提醒来源：nope"):
        _run("--only", "nope")
    assert test_source.calls == 0
