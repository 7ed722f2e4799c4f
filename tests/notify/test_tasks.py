"""The reminder engine on a real Celery worker through the configured broker (kombu's
filesystem transport locally, Redis when REDIS_URL is set, as in CI), and the beat schedule."""

from __future__ import annotations

import os
import sys
import threading
import traceback
import uuid
from contextlib import contextmanager

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_failure, task_success
from django.core import mail
from kombu import Exchange, Queue

from integrity.celery import app
from integrity.notify import services, tasks
from integrity.notify.models import Notification

from .conftest import DAY, KIND, SOURCE, person


@contextmanager
def own_queue():
    """Route the notification tasks to a queue of this test's own, so that a worker started
    by another test run at the same moment (sharing var/celery/ or the Redis database) never
    takes these messages, and this worker never takes theirs. The queue is bound to the
    default exchange and deleted afterwards; the app's routes and queues are restored."""
    name = f"tests-notify-{uuid.uuid4().hex[:12]}"
    exchange = Exchange(app.conf.task_default_exchange or app.conf.task_default_queue, "direct")
    queue = Queue(name, exchange, routing_key=name)
    routes_before = app.conf.task_routes
    app.conf.task_routes = {"integrity.notify.tasks.*": {"queue": name}}
    _reset_routing()
    app.amqp.queues.add(queue)
    try:
        yield name
    finally:
        app.conf.task_routes = routes_before
        _reset_routing()
        with app.connection_for_write() as connection:
            bound = queue.bind(connection.default_channel)
            bound.declare()  # this connection learns the binding, so that delete removes it
            bound.delete()


def _diagnosis(queue: str, finished: dict) -> str:
    """What a timeout looked like: the tasks that finished, the messages still waiting in the
    queue (filesystem transport) and where every thread was."""
    folder = (app.conf.broker_transport_options or {}).get("data_folder_in")
    waiting = [n for n in os.listdir(folder) if queue in n] if folder else "n/a"
    stacks = "\n".join(
        f"--- thread {ident}\n" + "".join(traceback.format_stack(frame))
        for ident, frame in sys._current_frames().items()
    )
    return f"the worker did not deliver: {finished}; waiting: {waiting}\n{stacks}"


def _reset_routing() -> None:
    amqp = app.amqp
    amqp.flush_routes()
    for cached in ("router", "queues"):  # rebuilt from the configuration on next use
        amqp.__dict__.pop(cached, None)


@pytest.mark.django_db(transaction=True)
def test_worker_runs_the_sweep_and_delivers_through_the_broker(province, test_source, settings):
    # Given two staff members due a reminder, one with an email address
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    test_source.recipients = [person(province, email="z@court.example"), person(province)]
    finished: dict[str, list] = {tasks.run_sweep.name: [], tasks.deliver_emails.name: []}
    delivered = threading.Event()

    def collect(sender=None, result=None, **kwargs):
        if sender is not None and sender.name in finished:
            finished[sender.name].append(result)
            if sender.name == tasks.deliver_emails.name and result["sent"]:
                delivered.set()

    def failed(sender=None, exception=None, **kwargs):
        if sender is not None and sender.name in finished:
            finished[sender.name].append(repr(exception))
            delivered.set()

    task_success.connect(collect, weak=False)
    task_failure.connect(failed, weak=False)
    try:
        with own_queue() as queue:
            # When the sweep is queued, as beat does (before the worker starts: kombu's
            # filesystem transport writes a message file in place, and a worker polling at that
            # very moment could read it half-written, celery/kombu#1551)
            tasks.run_sweep.delay(DAY.isoformat(), [SOURCE])
            with start_worker(
                app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]
            ):
                # Then the worker runs it, and the delivery it schedules sends the email
                assert delivered.wait(timeout=60), _diagnosis(queue, finished)
    finally:
        task_success.disconnect(collect)
        task_failure.disconnect(failed)
    [sweep] = finished[tasks.run_sweep.name]
    assert (sweep["created"], sweep["existed"], sweep["found"]) == (2, 0, {SOURCE: 2})
    assert Notification.objects.count() == 2
    assert [m.to for m in mail.outbox] == [["z@court.example"]]
    assert Notification.objects.filter(email_status="sent").count() == 1


@pytest.mark.django_db
def test_run_sweep_twice_creates_once_and_schedules_delivery(
    province, test_source, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    test_source.recipients = [person(province, email="z@court.example")]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = tasks.run_sweep.delay(DAY.isoformat(), [SOURCE]).get()
    assert len(callbacks) == 1  # delivery scheduled after the sweep's commit
    with django_capture_on_commit_callbacks(execute=True) as again:
        second = tasks.run_sweep.delay(DAY.isoformat(), [SOURCE]).get()
    assert (first["created"], second["created"], second["existed"]) == (1, 0, 1)
    assert again == []  # nothing new, nothing to send
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_sweep_soon_queues_one_sweep_after_commit(
    province, test_source, celery_eager, django_capture_on_commit_callbacks
):
    member = person(province)
    test_source.recipients = [member]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.sweep_soon()
        assert test_source.calls == 0  # nothing before the commit
    assert len(callbacks) == 1
    assert test_source.calls == 1
    assert Notification.objects.filter(recipient=member, kind=KIND).count() == 1


def test_beat_schedules_the_sweep_and_the_emails(settings):
    sweep = app.conf.beat_schedule["reminder-sweep"]
    assert sweep["task"] == tasks.run_sweep.name
    assert sweep["schedule"] == settings.REMINDER_SWEEP_INTERVAL_SECONDS == 3600
    emails = app.conf.beat_schedule["deliver-notification-emails"]
    assert emails["task"] == tasks.deliver_emails.name
    assert emails["schedule"] == settings.NOTIFY_EMAIL_INTERVAL_SECONDS == 60
    assert app.conf.task_acks_late  # a task whose worker died runs again: both are idempotent
