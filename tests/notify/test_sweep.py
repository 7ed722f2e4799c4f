"""The sweep and notify_now share one writer: one notification per recipient and key, however
often or however concurrently they run; only new rows wait for an email."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from integrity.notify import reminders, services
from integrity.notify.models import Notification

from ..conftest import on_postgres
from .conftest import DAY, KIND, SOURCE, due, person

pytestmark = pytest.mark.django_db


def test_sweep_writes_one_notification_per_due(province, test_source):
    # Given two staff members due a reminder, one with an email address
    with_mail = person(province, email="a@court.example")
    without = person(province, "dalian")
    test_source.recipients = [with_mail, without]
    # When the sweep runs
    result = reminders.sweep(DAY, only=[SOURCE])
    # Then each has one notification, at their court, and only the first waits for an email
    assert result.found == {SOURCE: 2}
    assert (result.unique, result.created, result.existed, result.emails) == (2, 2, 0, 1)
    rows = {n.recipient_id: n for n in Notification.objects.all()}
    assert rows[with_mail.pk].court == province.courts["heping"]
    assert rows[with_mail.pk].email_status == Notification.Email.PENDING
    assert rows[with_mail.pk].email_next_at is not None
    assert rows[without.pk].court == province.courts["dalian"]
    assert rows[without.pk].email_status == Notification.Email.NONE
    assert rows[with_mail.pk].params["campaign"] == "2026年度近亲属从事律师职业报告"
    assert {n.sweep for n in rows.values()} == {result.run}


def test_a_duplicated_sweep_writes_nothing_new(province, test_source):
    test_source.recipients = [person(province, email="a@court.example"), person(province)]
    first = reminders.sweep(DAY, only=[SOURCE])
    # When the same sweep runs again (beat fired twice, a task redelivered)
    second = reminders.sweep(DAY, only=[SOURCE])
    # Then nothing is added and the email of the first run is not queued again
    assert first.created == 2
    assert (second.created, second.existed, second.emails) == (0, 2, 0)
    assert Notification.objects.count() == 2
    assert not Notification.objects.filter(sweep=second.run).exists()


def test_a_new_period_is_a_new_reminder(province, test_source):
    test_source.recipients = [person(province)]
    reminders.sweep(DAY, only=[SOURCE])
    later = reminders.sweep(DAY.replace(day=30), only=[SOURCE])
    assert later.created == 1
    assert Notification.objects.count() == 2


def test_sources_yielding_the_same_reminder_write_it_once(province, test_source):
    member = person(province)
    test_source.recipients = [member, member]
    reminders.source("tests.notify.twin")(lambda today: [due(member, today)])
    try:
        result = reminders.sweep(DAY, only=[SOURCE, "tests.notify.twin"])
    finally:
        reminders.unregister("tests.notify.twin")
    assert result.found == {SOURCE: 2, "tests.notify.twin": 1}
    assert (result.unique, result.created) == (1, 1)


def test_only_runs_the_named_sources(province, test_source):
    test_source.recipients = [person(province)]
    result = reminders.sweep(DAY, only=["tests.notify.nothing"])
    assert test_source.calls == 0
    assert result.found == {}
    assert Notification.objects.count() == 0


def test_dry_run_reports_only_what_is_new_and_writes_nothing(province, test_source):
    old, new = person(province), person(province)
    test_source.recipients = [old]
    reminders.sweep(DAY, only=[SOURCE])
    test_source.recipients = [old, new]
    result = reminders.sweep(DAY, dry_run=True, only=[SOURCE])
    assert [d.recipient_id for d in result.dues] == [new.pk]
    assert (result.unique, result.existed, result.created) == (2, 1, 0)
    assert Notification.objects.count() == 1


def test_an_overlong_key_is_cut_identically_for_write_and_dry_run(province):
    member = person(province)
    long_key = "k" * 250
    assert services.notify_now([due(member, key=long_key)]) == 1
    assert Notification.objects.get().key == "k" * 200
    # the same key again is recognised as existing, however long it was given
    assert services.notify_now([due(member, key=long_key)]) == 0


def test_sweep_queries_are_bounded(province, test_source, django_assert_max_num_queries):
    # Given 40 staff members, half with an email address
    test_source.recipients = [
        person(province, email=f"p{n}@court.example" if n % 2 else "") for n in range(40)
    ]
    # Then the sweep costs a fixed number of queries: addresses, savepoint + insert + release,
    # the count of new rows and of those awaiting an email; not one per person
    with django_assert_max_num_queries(6):
        result = reminders.sweep(DAY, only=[SOURCE])
    assert (result.created, result.emails) == (40, 20)


# --- notify_now: events ---------------------------------------------------------------------


def test_notify_now_ignores_duplicates(province, django_capture_on_commit_callbacks):
    member = person(province, email="a@court.example")
    event = due(member, key="tests.declaration:7:returned:1")
    with django_capture_on_commit_callbacks() as first_callbacks:
        assert services.notify_now([event, event]) == 1
    with django_capture_on_commit_callbacks() as second_callbacks:
        assert services.notify_now([event]) == 0
    assert Notification.objects.count() == 1
    # the email is scheduled after commit for the new row, not for the duplicate
    assert len(first_callbacks) == 1
    assert second_callbacks == []


def test_notify_now_without_email_schedules_nothing(province, django_capture_on_commit_callbacks):
    member = person(province, email="")
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.notify_now([due(member)]) == 1
    assert callbacks == []


def test_notify_now_is_part_of_the_callers_transaction(province):
    member = person(province, email="a@court.example")

    class Refused(Exception):
        pass

    @transaction.atomic
    def change_that_fails() -> None:
        services.notify_now([due(member)])
        raise Refused

    # When the caller's change fails after notifying
    with pytest.raises(Refused):
        change_that_fails()
    # Then the notification is rolled back with it
    assert Notification.objects.count() == 0


def test_notify_now_after_commit_delivers_the_email(
    province, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    member = person(province, email="a@court.example")
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            services.notify_now([due(member)])
        assert mailoutbox == []  # nothing leaves before the commit
    assert [m.to for m in mailoutbox] == [["a@court.example"]]
    assert Notification.objects.get().email_status == Notification.Email.SENT


# --- concurrency ------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_write_each_reminder_once(province, test_source):
    if not on_postgres():
        pytest.skip("SQLite serialises writers in one process; the race needs PostgreSQL")
    # Given 300 staff members due a reminder
    test_source.recipients = [
        person(province, email=f"p{n}@court.example", login=n % 3 == 0) for n in range(300)
    ]
    sweepers = 4
    barrier = threading.Barrier(sweepers)
    results: list[reminders.SweepResult] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(reminders.sweep(DAY, only=[SOURCE]))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    # When four sweeps run at the same moment
    threads = [threading.Thread(target=run) for _ in range(sweepers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then there are 300 notifications, and the runs' "created" add up to exactly that
    assert not errors
    assert Notification.objects.count() == 300
    assert sum(r.created for r in results) == 300
    assert sum(r.emails for r in results) == 100
    assert Notification.objects.filter(kind=KIND).values("recipient").distinct().count() == 300


@pytest.mark.parametrize("lookup_ids", [5000, 1], ids=["by-id", "all-logins"])
def test_email_addresses_of_active_logins_only(province, monkeypatch, lookup_ids):
    # Both ways of finding addresses (by id for a few recipients, one pass over all logins for
    # a campaign) answer alike
    monkeypatch.setattr(services, "EMAIL_LOOKUP_IDS", lookup_ids)
    with_mail = person(province, email="a@court.example")
    inactive = person(province, email="gone@court.example")
    inactive.login.is_active = False
    inactive.login.save()
    no_login = person(province, login=False)
    no_address = person(province, email="")
    not_asked = person(province, email="other@court.example")
    found = services.email_addresses([with_mail.pk, inactive.pk, no_login.pk, no_address.pk])
    assert found == {with_mail.pk: "a@court.example"}
    assert not_asked.pk not in found
