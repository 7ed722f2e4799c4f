"""The nightly audit check runs on a real Celery worker through the configured broker
(kombu's filesystem transport locally, Redis when REDIS_URL is set, as in CI)."""

import threading

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_success

from integrity.audit.tasks import verify_audit_chain
from integrity.celery import app
from integrity.org import services


@pytest.mark.django_db(transaction=True)
def test_worker_runs_the_audit_check_through_the_broker():
    services.court_create(actor=None, name="测试法院", code="测", level="basic")
    done = threading.Event()
    results = []

    def collect(sender=None, result=None, **kwargs):
        if sender is not None and sender.name == verify_audit_chain.name:
            results.append(result)
            done.set()

    task_success.connect(collect, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            verify_audit_chain.delay()
            assert done.wait(timeout=30), "the worker did not run the task"
    finally:
        task_success.disconnect(collect)
    assert results == [{"ok": True, "checked": 1, "broken_seq": None}]


def test_beat_schedules_the_audit_check():
    entry = app.conf.beat_schedule["verify-audit-chain-nightly"]
    assert entry["task"] == verify_audit_chain.name
    assert entry["schedule"] == 24 * 3600
