"""A real Celery worker in a process of its own, for test_worker_killed.py:
``python -m tests.concurrency.worker``, configured by the environment.

It is the project's worker (integrity.celery, the settings of DATABASE_URL and REDIS_URL) with
three additions for the test: a reminder source that yields the reminders listed in
``KILLTEST_DUES`` and appends the id of the process running it to ``KILLTEST_PIDFILE`` (the
process to kill: the worker itself with the solo pool, the pool's child with prefork); emails
written to files under ``KILLTEST_MAILDIR``; the notification tasks routed to the test's own
queue ``KILLTEST_QUEUE``. ``KILLTEST_VISIBILITY`` shortens the Redis visibility timeout, so
that this worker takes back a message a killed worker left unacknowledged within seconds
rather than the hour of the default.
"""

from __future__ import annotations

import json
import os
import sys

SOURCE = "tests.concurrency.bulk"
KIND = "tests.concurrency.reminder"


def configure() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integrity.settings")
    django.setup()
    from django.conf import settings

    from integrity.notify import kinds, reminders
    from integrity.notify.reminders import Due

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = os.environ["KILLTEST_MAILDIR"]
    kinds.register(kinds.Kind(KIND, "提醒 %(n)s", "测试提醒。"))
    spec = json.loads(os.environ["KILLTEST_DUES"])
    pidfile = os.environ["KILLTEST_PIDFILE"]

    @reminders.source(SOURCE)
    def bulk(today):
        with open(pidfile, "a") as f:
            f.write(f"{os.getpid()}\n")
        return [
            Due(
                recipient_id=recipient,
                court_id=court,
                kind=KIND,
                key=key(n),
                params={"n": n},
                url="/notifications/",
                subject_type="tests.concurrency",
                subject_id=str(n),
            )
            for recipient, court, count in spec
            for n in range(count)
        ]


def key(n: int) -> str:
    """The n-th reminder's key; zero-padded, so that keys sort like their numbers."""
    return f"tests.concurrency:{n:05d}"


def main() -> None:
    configure()
    from integrity.celery import app

    queue = os.environ["KILLTEST_QUEUE"]
    app.conf.task_routes = {"integrity.notify.tasks.*": {"queue": queue}}
    app.conf.worker_enable_remote_control = False  # no pidbox queues left behind in Redis
    visibility = os.environ.get("KILLTEST_VISIBILITY")
    if visibility:
        app.conf.broker_transport_options = {
            "visibility_timeout": int(visibility),
            "unacked_restore_interval": 1,
            "unacked_restore_throttle": 1,
        }
    app.worker_main(
        [
            "worker",
            "--pool",
            os.environ.get("KILLTEST_POOL", "solo"),
            "--concurrency",
            "1",
            "--queues",
            queue,
            "--hostname",
            f"{queue}-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "INFO",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
