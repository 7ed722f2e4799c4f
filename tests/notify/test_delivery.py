"""The email that goes with a notification: sent once, retried with backoff when the server
fails, given up after the last attempt, never at the cost of the in-app notification; claimed
with a compare-and-set so that two workers never send the same email."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from integrity.notify import delivery, reminders, services
from integrity.notify.models import Notification

from ..conftest import on_postgres
from . import backends
from .conftest import due, person

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 3, 31, 9, 0, tzinfo=datetime.UTC)


def _pending(province, n: int = 1, *, email: str = "judge{n}@court.example") -> list[int]:
    members = [person(province, email=email.format(n=i)) for i in range(n)]
    # The writer alone: these tests run the delivery themselves, nothing is queued.
    reminders.write([due(m) for m in members])
    Notification.objects.update(email_next_at=T0)  # written "now": make them due at T0
    return list(Notification.objects.order_by("pk").values_list("pk", flat=True))


def test_an_email_is_sent_once_in_chinese_with_the_link(province, mailoutbox):
    [pk] = _pending(province)
    # When delivery runs twice
    first = delivery.deliver_due(T0)
    second = delivery.deliver_due(T0 + datetime.timedelta(hours=1))
    # Then one email went out, in Chinese, linking to the notification
    assert (first.claimed, first.sent) == (1, 1)
    assert second.claimed == 0
    [mail] = mailoutbox
    assert mail.to == ["judge0@court.example"]
    assert mail.subject == "请填报：2026年度近亲属从事律师职业报告"
    assert "截止日期：2026-03-31。" in mail.body
    assert f"https://qinglian.court.example/notifications/{pk}/open/" in mail.body
    assert "请勿直接回复" in mail.body
    assert mail.extra_headers["X-Qinglian-Notification"] == str(pk)
    row = Notification.objects.get()
    assert row.email_status == Notification.Email.SENT
    assert (row.emailed_at, row.email_attempts, row.email_claim) == (T0, 1, "")
    assert row.read_at is None  # emailing does not read it


def test_the_email_is_in_chinese_whatever_the_active_language(province, mailoutbox):
    from django.utils import translation

    member = person(province, email="a@court.example")
    from .conftest import LANGUAGE_KIND

    event = due(member)
    services.notify_now(
        [
            type(event)(
                recipient_id=member.pk,
                court_id=member.court_id,
                kind=LANGUAGE_KIND,
                key="tests.language:1",
                params={"limit_value": 3},
            )
        ]
    )
    with translation.override("en"):
        delivery.deliver_due(timezone.now())
    assert mailoutbox[0].subject == "确保该值大于或等于3。"


def test_a_failing_server_keeps_the_notification_and_retries_with_backoff(
    province, settings, mailoutbox
):
    # Given a notification waiting for its email and a server that refuses every message
    [pk] = _pending(province)
    settings.EMAIL_BACKEND = "tests.notify.backends.FailingBackend"
    settings.NOTIFY_EMAIL_RETRY_SECONDS = 60
    settings.NOTIFY_EMAIL_MAX_ATTEMPTS = 4
    # When delivery runs
    result = delivery.deliver_due(T0)
    # Then the email failed and waits 60 s, the in-app notification is there and unread
    assert (result.sent, result.failed) == (0, 1)
    row = Notification.objects.get(pk=pk)
    assert row.email_status == Notification.Email.FAILED
    assert row.email_attempts == 1
    assert row.email_next_at == T0 + datetime.timedelta(seconds=60)
    assert "SMTPRecipientsRefused" in row.email_error
    assert row.read_at is None
    # and nothing is retried before that moment
    assert delivery.deliver_due(T0 + datetime.timedelta(seconds=59)).claimed == 0

    # When it fails again, the wait doubles: 120 s, then 240 s
    t1 = T0 + datetime.timedelta(seconds=60)
    delivery.deliver_due(t1)
    row.refresh_from_db()
    assert (row.email_attempts, row.email_next_at) == (2, t1 + datetime.timedelta(seconds=120))
    t2 = t1 + datetime.timedelta(seconds=120)
    delivery.deliver_due(t2)
    row.refresh_from_db()
    assert (row.email_attempts, row.email_next_at) == (3, t2 + datetime.timedelta(seconds=240))

    # When the server works again, the next attempt sends it
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    t3 = t2 + datetime.timedelta(seconds=240)
    assert delivery.deliver_due(t3).sent == 1
    row.refresh_from_db()
    assert (row.email_status, row.email_attempts, row.email_error) == ("sent", 4, "")
    assert len(mailoutbox) == 1


def test_delivery_gives_up_after_the_last_attempt_and_keeps_the_error(province, settings):
    [pk] = _pending(province)
    settings.EMAIL_BACKEND = "tests.notify.backends.FailingBackend"
    settings.NOTIFY_EMAIL_MAX_ATTEMPTS = 3
    now = T0
    outcomes = []
    for _attempt in range(5):
        result = delivery.deliver_due(now)
        outcomes.append((result.claimed, result.failed, result.given_up))
        now += datetime.timedelta(days=1)
    # Three attempts, the third gives up; then it is never tried again
    assert outcomes == [(1, 1, 0), (1, 1, 0), (1, 0, 1), (0, 0, 0), (0, 0, 0)]
    row = Notification.objects.get(pk=pk)
    assert row.email_status == Notification.Email.GIVEN_UP
    assert (row.email_attempts, row.email_next_at) == (3, None)
    assert "mailbox unavailable" in row.email_error
    assert row.read_at is None
    assert services.inbox(actor=row.recipient.user).get() == row  # still in the inbox


def test_a_server_that_cannot_be_reached_fails_the_batch_with_one_attempt(province, settings):
    _pending(province, 3)
    settings.EMAIL_BACKEND = "tests.notify.backends.DownBackend"
    backends.DownBackend.opened = 0
    result = delivery.deliver_due(T0)
    assert (result.claimed, result.failed) == (3, 3)
    assert backends.DownBackend.opened == 1
    assert set(Notification.objects.values_list("email_error", flat=True)) == {
        "ConnectionRefusedError: [Errno 111] Connection refused"
    }


def test_one_refused_address_does_not_hold_up_the_others(province, settings, mailoutbox):
    ok = person(province, email="ok@court.example")
    bad = person(province, email="gone@bounce.example")
    services.notify_now([due(ok), due(bad)])
    settings.EMAIL_BACKEND = "tests.notify.backends.PickyBackend"
    result = delivery.deliver_due(timezone.now())
    assert (result.sent, result.failed) == (1, 1)
    assert [m.to for m in mailoutbox] == [["ok@court.example"]]
    statuses = dict(Notification.objects.values_list("recipient_id", "email_status"))
    assert statuses == {ok.pk: "sent", bad.pk: "failed"}


def test_one_connection_per_batch_and_a_fixed_number_of_queries(
    province, settings, django_assert_max_num_queries
):
    # Given 30 emails waiting, all failing alike but for 10 that are sent
    settings.EMAIL_BACKEND = "tests.notify.backends.CountingBackend"
    backends.CountingBackend.opened = 0
    _pending(province, 30)
    # Then one batch: pick, claim, load, addresses, one UPDATE of the sent rows
    with django_assert_max_num_queries(5):
        result = delivery.deliver_due(T0, limit=50)
    assert result.sent == 30
    assert backends.CountingBackend.opened == 1


def test_an_address_removed_since_is_not_emailed(province, mailoutbox):
    [pk] = _pending(province)
    row = Notification.objects.get(pk=pk)
    row.recipient.user.email = ""
    row.recipient.user.save()
    result = delivery.deliver_due(T0)
    assert (result.claimed, result.no_address, result.sent) == (1, 1, 0)
    assert Notification.objects.get(pk=pk).email_status == Notification.Email.NONE
    assert mailoutbox == []


def test_a_claimed_row_is_not_sent_by_another_worker_until_its_lease_ends(
    province, settings, mailoutbox
):
    # Given a worker claimed a row and died before sending it
    settings.NOTIFY_EMAIL_LEASE_SECONDS = 600
    [pk] = _pending(province)
    token, ids = delivery._claim(T0, 10)
    assert ids == [pk]
    row = Notification.objects.get(pk=pk)
    assert (row.email_status, row.email_claim) == ("sending", token)
    # When another worker runs within the lease, it leaves the row alone
    assert delivery.deliver_due(T0 + datetime.timedelta(seconds=599)).claimed == 0
    # When the lease has run out, the stale claim is taken over and the email sent
    later = T0 + datetime.timedelta(seconds=600)
    result = delivery.deliver_due(later)
    assert (result.claimed, result.sent) == (1, 1)
    row.refresh_from_db()
    assert (row.email_status, row.email_claim, row.emailed_at) == ("sent", "", later)
    assert len(mailoutbox) == 1


class SlowBackend(backends.LocmemBackend):
    """A server so slow that the sender's lease runs out mid-send and another worker takes
    the row over (``steal`` plays that worker)."""

    steal = None

    def send_messages(self, messages):
        type(self).steal()
        return super().send_messages(messages)


def test_a_worker_whose_claim_was_taken_over_does_not_overwrite_the_outcome(
    province, settings, mailoutbox
):
    # Given worker A sending a row while, its lease run out, worker B claims it
    [pk] = _pending(province)
    stolen = []
    SlowBackend.steal = lambda: stolen.append(delivery._claim(T0 + datetime.timedelta(hours=1), 9))
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    # When A finishes
    result = delivery.deliver_due(T0)
    # Then A reports the row lost and leaves it to B: B's claim stands
    [(token_b, ids)] = stolen
    assert ids == [pk]
    assert (result.claimed, result.sent, result.lost) == (1, 0, 1)
    row = Notification.objects.get(pk=pk)
    assert (row.email_status, row.email_claim) == ("sending", token_b)


def test_deliver_all_runs_batches_until_nothing_is_due(province, settings, mailoutbox):
    settings.NOTIFY_EMAIL_BATCH = 4
    _pending(province, 10)
    result = delivery.deliver_all(T0)
    assert (result.claimed, result.sent) == (10, 10)
    assert len(mailoutbox) == 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_deliverers_never_send_the_same_email_twice(province, settings):
    if not on_postgres():
        pytest.skip("SQLite serialises writers in one process; the race needs PostgreSQL")
    # Given 120 emails waiting and four workers starting at the same moment
    settings.EMAIL_BACKEND = "tests.notify.backends.CountingBackend"
    backends.CountingBackend.opened = 0
    from django.core import mail

    mail.outbox = []
    _pending(province, 120)
    workers = 4
    barrier = threading.Barrier(workers)
    results: list[delivery.Delivery] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            for _batch in range(10):
                results.append(delivery.deliver_due(T0, limit=20))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then every email went out exactly once
    assert not errors
    sent_ids = [m.extra_headers["X-Qinglian-Notification"] for m in mail.outbox]
    assert len(sent_ids) == 120
    assert len(set(sent_ids)) == 120
    assert sum(r.sent for r in results) == 120
    assert Notification.objects.filter(email_status="sent").count() == 120
