"""The audit chain: written with the change, rolled back with it, verifiable, append-only."""

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from integrity.audit import events
from integrity.audit.chain import verify_chain
from integrity.audit.models import AuditEvent, AuditHead
from integrity.org import services
from integrity.org.models import Court

from ..conftest import on_postgres

pytestmark = pytest.mark.django_db


def _court(code: str) -> Court:
    return services.court_create(actor=None, name=f"测试法院{code}", code=code, level="basic")


def _tamper(sql: str, params: list) -> None:
    """Change the table behind the application's back (on PostgreSQL, past the trigger)."""
    with connection.cursor() as cursor:
        if on_postgres():
            # As a database superuser could: replica mode skips ordinary triggers.
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if on_postgres():
            cursor.execute("SET session_replication_role = origin")


def test_event_is_written_with_the_change():
    court = _court("测1")
    event = AuditEvent.objects.get(action="org.court.create")
    assert event.object_id == str(court.pk)
    assert event.court_id == court.pk
    assert event.changes["name"] == [None, "测试法院测1"]


def test_event_is_rolled_back_with_the_change():
    def write_then_fail() -> None:
        with transaction.atomic():
            _court("测2")
            raise RuntimeError("the service's caller fails after the write")

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert not Court.objects.filter(code="测2").exists()
    assert not AuditEvent.objects.exists()
    assert verify_chain().ok


def test_field_level_changes_are_recorded():
    court = _court("测3")
    services.court_update(actor=None, court=court, name="改名后的法院")
    event = AuditEvent.objects.get(action="org.court.update")
    assert event.changes == {"name": ["测试法院测3", "改名后的法院"]}


def test_unchanged_save_writes_no_event():
    court = _court("测4")
    services.court_update(actor=None, court=court, name=court.name)
    assert not AuditEvent.objects.filter(action="org.court.update").exists()


def test_verify_passes_on_an_intact_chain(capsys):
    for n in range(5):
        _court(f"链{n}")
    report = verify_chain()
    assert report.ok
    assert report.checked == 5
    call_command("verify_audit")
    assert "5" in capsys.readouterr().out


def test_verify_names_the_altered_event():
    for n in range(5):
        _court(f"改{n}")
    third = AuditEvent.objects.get(seq=3)
    _tamper("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["篡改", third.pk])
    report = verify_chain()
    assert not report.ok
    assert report.broken_seq == 3
    assert report.checked == 2
    with pytest.raises(CommandError, match="3"):
        call_command("verify_audit")


def test_verify_names_a_removed_event():
    for n in range(4):
        _court(f"删{n}")
    _tamper("DELETE FROM audit_auditevent WHERE seq = %s", [2])
    report = verify_chain()
    assert report.broken_seq == 2


def test_verify_notices_a_removed_tail():
    for n in range(3):
        _court(f"尾{n}")
    _tamper("DELETE FROM audit_auditevent WHERE seq = %s", [3])
    assert not verify_chain().ok


def test_verify_notices_a_relinked_event():
    for n in range(3):
        _court(f"链接{n}")
    forged = AuditEvent.objects.get(seq=2)
    forged.reason = "伪造"
    forged_hash = forged.compute_hash()
    _tamper(
        "UPDATE audit_auditevent SET reason = %s, hash = %s WHERE seq = 2", ["伪造", forged_hash]
    )
    report = verify_chain()
    assert report.broken_seq == 3  # event 2 hashes well now, but 3 no longer links to it


@pytest.mark.postgres
def test_postgres_refuses_update_and_delete():
    if not on_postgres():
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    _court("触发")
    event = AuditEvent.objects.get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get().reason == ""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_leave_one_valid_chain():
    if not on_postgres():
        pytest.skip("SQLite serialises writers in one process; the race needs PostgreSQL")
    writers, per_writer = 4, 15
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            barrier.wait()
            for n in range(per_writer):
                with transaction.atomic():
                    events.record(
                        actor=None, action="test.concurrent", changes={"worker": worker, "n": n}
                    )
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    report = verify_chain()
    assert report.ok
    assert report.checked == writers * per_writer
    assert AuditHead.objects.get().seq == writers * per_writer
