"""A Celery worker killed in the middle of the reminder sweep loses no reminder and sends none
twice (issue 8, load and concurrency).

A real worker (tests/concurrency/worker.py, the project's Celery app in a process of its own,
through the Redis broker, on the test database) runs a sweep of some 20,000 reminders, which
the writer inserts in batches of ``reminders.PG_BATCH``, each committed on its own. The test
holds an uncommitted notification with the (recipient, key) of one row of the second batch,
so the sweep's ``INSERT … ON CONFLICT DO NOTHING`` waits on it: the first batch is committed,
the second is in flight. Then SIGKILL:

- ``worker``: the whole worker (solo pool). Its message stays unacknowledged in Redis (late
  acknowledgement); a new worker takes it back once its visibility timeout has passed and
  runs the sweep again;
- ``pool-process``: the pool's child running the task (prefork). The worker sees it lost and
  puts the message back at once (``task_reject_on_worker_lost``).

Either way the second run writes exactly what the first did not, each reminder exists once,
the emails of the reminders the killed run wrote go out with the next delivery run, each
once, and the audit chain verifies.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, transaction
from kombu import Exchange, Queue

from integrity.audit.chain import verify_chain
from integrity.celery import app
from integrity.notify import reminders, tasks
from integrity.notify.models import Notification

from ..factories import StaffMemberFactory, UserFactory
from .conftest import needs_postgres
from .worker import KIND, SOURCE, key

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DAY = "2026-03-31"
RECIPIENTS = 50
KEYS = 400  # reminders per recipient
MAILED = 20  # reminders of the first recipient, the one with an email address
WAIT = 180  # seconds, at most, for any one step (a slow shared machine; normally a few)


class Blocker(threading.Thread):
    """Holds one notification uncommitted until released, then rolls it back."""

    def __init__(self, recipient: int, court: int, key: str) -> None:
        super().__init__(daemon=True)
        self.row = {"recipient_id": recipient, "court_id": court, "key": key, "kind": KIND}
        self.holding = threading.Event()
        self.release = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with transaction.atomic():
                Notification.objects.create(**self.row)
                self.holding.set()
                self.release.wait(timeout=2 * WAIT)
                transaction.set_rollback(True)
        except BaseException as error:  # pragma: no cover - reported by the test
            self.error = error
            self.holding.set()
        finally:
            connection.close()


class Worker:
    """``python -m tests.concurrency.worker`` in a process group of its own."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.concurrency.worker"],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # warm shutdown
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        with contextlib.suppress(ProcessLookupError):  # a child left behind
            os.killpg(self.process.pid, signal.SIGKILL)


def database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition, what: str, logs: list[Path]) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    tails = "\n".join(f"--- {log}\n{log.read_text(errors='replace')[-4000:]}" for log in logs)
    pytest.fail(f"timed out waiting for {what}\n{tails}")


def waiting_insert() -> bool:
    """Whether a session of this database waits on a lock in the sweep's INSERT."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE %s",
            ["%INSERT INTO notify_notification%"],
        )
        return cursor.fetchone()[0] > 0


@pytest.fixture
def queue():
    """A queue of the test's own on the broker, deleted afterwards."""
    name = f"tests-killed-{uuid.uuid4().hex[:12]}"
    own = Queue(name, Exchange(name, "direct"), routing_key=name)
    with app.connection_for_write() as conn:
        own.bind(conn.default_channel).declare()
    yield name
    with app.connection_for_write() as conn:
        bound = own.bind(conn.default_channel)
        bound.declare()
        bound.delete()


@pytest.fixture
def recipients(province):
    """Fifty staff members; the first (lowest id, so its reminders are in the first batch)
    has a login with an email address."""
    court, department = province.courts["heping"], province.departments["heping"]
    members = [StaffMemberFactory(court=court, department=department) for _ in range(RECIPIENTS)]
    UserFactory(staff=members[0], email="mailed@court.example")
    return members


@pytest.mark.parametrize("killed", ["worker", "pool-process"])
def test_a_worker_killed_mid_sweep_loses_and_duplicates_no_reminder(
    recipients, queue, tmp_path, killed
):
    needs_postgres()
    if not settings.REDIS_URL:
        pytest.skip("needs the Redis broker: kombu's filesystem transport acknowledges nothing")
    # Given a sweep of 20,000 reminders, in batches of PG_BATCH
    spec = [
        [member.pk, member.court_id, MAILED if n == 0 else KEYS]
        for n, member in enumerate(recipients)
    ]
    expected = sorted((pk, key(n)) for pk, _court, count in spec for n in range(count))
    held = reminders.PG_BATCH + reminders.PG_BATCH // 2  # a row of the second batch
    assert len(expected) > held
    mailbox, pidfile = tmp_path / "mail", tmp_path / "pids"
    mailbox.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "KILLTEST_DUES": json.dumps(spec),
        "KILLTEST_PIDFILE": str(pidfile),
        "KILLTEST_MAILDIR": str(mailbox),
        "KILLTEST_QUEUE": queue,
        "KILLTEST_POOL": "solo" if killed == "worker" else "prefork",
        "PYTHONUNBUFFERED": "1",
    }
    logs = [tmp_path / "worker-1.log"]
    workers: list[Worker] = []
    blocker = Blocker(expected[held][0], recipients[0].court_id, expected[held][1])
    blocker.start()
    try:
        assert blocker.holding.wait(timeout=WAIT)
        assert blocker.error is None
        # When a worker runs it and is killed while the first batch is committed and the
        # second waits on the held row
        tasks.run_sweep.apply_async(
            args=[DAY, [SOURCE]], queue=queue, exchange=queue, routing_key=queue
        )
        workers.append(Worker(env, logs[0]))
        wait_for(
            lambda: waiting_insert() and Notification.objects.count() == reminders.PG_BATCH,
            "the sweep to commit its first batch and wait in the second",
            logs,
        )
        first = int(pidfile.read_text().split()[0])
        if killed == "worker":
            assert first == workers[0].process.pid  # solo: the task runs in the worker
        else:
            assert first != workers[0].process.pid  # prefork: in the pool's child
        os.kill(first, signal.SIGKILL)
        if killed == "worker":
            assert workers[0].process.wait(timeout=WAIT) == -signal.SIGKILL
        blocker.release.set()
        blocker.join(timeout=WAIT)
        if killed == "worker":
            # A new worker takes the unacknowledged message back (after a visibility timeout
            # of seconds here, an hour by default) and runs it
            logs.append(tmp_path / "worker-2.log")
            workers.append(Worker({**env, "KILLTEST_VISIBILITY": "5"}, logs[1]))
        # Then the sweep runs again by itself and writes the rest
        wait_for(lambda: Notification.objects.count() == len(expected), "every reminder", logs)
        runs = pidfile.read_text().split()
        assert len(runs) >= 2
        assert runs[1] != runs[0]
        # Each reminder exists exactly once: the killed run's first batch and the rest
        rows = sorted(Notification.objects.values_list("recipient_id", "key"))
        assert rows == expected
        by_run = collections.Counter(Notification.objects.values_list("sweep", flat=True))
        assert sorted(by_run.values()) == sorted(
            [reminders.PG_BATCH, len(expected) - reminders.PG_BATCH]
        )
        # The killed run's reminders with an email address were never emailed: the next
        # delivery run (every minute by beat) sends each of them once
        mailed = Notification.objects.filter(recipient=recipients[0])
        assert mailed.count() == MAILED
        assert set(mailed.values_list("email_status", flat=True)) == {"pending"}
        tasks.deliver_emails.apply_async(queue=queue, exchange=queue, routing_key=queue)
        wait_for(lambda: mailed.filter(email_status="sent").count() == MAILED, "the emails", logs)
    finally:
        blocker.release.set()
        for worker in workers:
            worker.stop()
    sent = collections.Counter(
        int(found)
        for message in mailbox.iterdir()
        for found in re.findall(r"^X-Qinglian-Notification: (\d+)$", message.read_text(), re.M)
    )
    assert sent == {pk: 1 for pk in mailed.values_list("pk", flat=True)}
    assert verify_chain().ok
