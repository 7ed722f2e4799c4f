"""Fifty people edit one ledger record at the same moment (issue 8, load and concurrency).

Every edit names the version it was based on (integrity/concurrency.py ``claim_version``: one
compare-and-set UPDATE that also takes the row lock). Of fifty edits based on the same version
exactly one wins and the others are refused as stale, through the service and through the API
(409); when each refused editor reloads and tries again, fifty edits make fifty versions and
no edit is lost. The audit chain verifies after each race."""

from __future__ import annotations

import itertools
import threading

import pytest
from rest_framework.test import APIClient

from integrity.access.models import User
from integrity.audit.chain import verify_chain
from integrity.audit.models import AuditEvent
from integrity.concurrency import StaleEdit
from ledgers import services
from ledgers.models import InterferenceRecord

from ..ledgers.test_services import valid_fields
from .conftest import needs_postgres, race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

EDITORS = 50


@pytest.fixture
def record(province):
    return services.ledger_create(
        actor=None, model=InterferenceRecord, fields=valid_fields(province, InterferenceRecord)
    )


def updates(record) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action="ledgers.interferencerecord.update", object_id=str(record.pk)
        ).order_by("seq")
    )


def test_fifty_edits_of_one_version_through_the_service_leave_one_winner(officer, record):
    needs_postgres()
    barrier = threading.Barrier(EDITORS, timeout=120)

    def edit(n: int) -> str:
        # Each editor loads the record (version 1) on its own connection, as its own user
        actor = User.objects.get(pk=officer.pk)
        mine = InterferenceRecord.objects.get(pk=record.pk)
        assert mine.version == 1
        barrier.wait()
        # When all fifty save at once, each based on version 1
        try:
            services.ledger_update(
                actor=actor,
                record=mine,
                version=1,
                fields={"notes": f"第{n}号的更正", "interferer_name": f"编辑者{n}"},
            )
        except StaleEdit:
            return "stale"
        return "won"

    results, errors = race(EDITORS, edit)

    # Then exactly one wins; the forty-nine others are refused as stale, nothing else fails
    assert errors == []
    [winner] = [n for n, outcome in results.items() if outcome == "won"]
    assert sorted(results.values()).count("stale") == EDITORS - 1
    # The record holds the winner's values, one version on
    final = InterferenceRecord.objects.get(pk=record.pk)
    assert (final.version, final.notes, final.interferer_name) == (
        2,
        f"第{winner}号的更正",
        f"编辑者{winner}",
    )
    # One audit event, describing exactly that change
    [event] = updates(record)
    assert event.changes["version"] == [1, 2]
    assert event.changes["notes"] == ["", f"第{winner}号的更正"]
    assert event.changes["interferer_name"] == ["王某", f"编辑者{winner}"]
    assert verify_chain().ok


def test_fifty_api_edits_of_one_version_give_one_200_and_forty_nine_409(officer, record):
    needs_postgres()
    barrier = threading.Barrier(EDITORS, timeout=120)
    url = f"/api/v1/ledgers/interference/{record.pk}/"

    def edit(n: int) -> tuple[int, dict]:
        api = APIClient()
        api.force_authenticate(User.objects.get(pk=officer.pk))
        barrier.wait()
        response = api.patch(url, {"version": 1, "notes": f"接口{n}"}, format="json")
        return response.status_code, response.json()

    results, errors = race(EDITORS, edit)

    assert errors == []
    statuses = sorted(status for status, _body in results.values())
    assert statuses == [200] + [409] * (EDITORS - 1)
    [winner] = [n for n, (status, _body) in results.items() if status == 200]
    assert results[winner][1]["version"] == 2
    refused = [body for status, body in results.values() if status == 409]
    assert {body["error"]["status"] for body in refused} == {409}
    final = InterferenceRecord.objects.get(pk=record.pk)
    assert (final.version, final.notes) == (2, f"接口{winner}")
    assert len(updates(record)) == 1
    assert verify_chain().ok


def test_fifty_editors_retrying_with_the_fresh_version_lose_no_update(officer, record):
    needs_postgres()
    barrier = threading.Barrier(EDITORS, timeout=120)

    def edit(n: int) -> int:
        # Each editor loads the record (version 1) and appends its own line to the notes; a
        # refused editor reloads the record and appends again to what it finds, as a user
        # would after the form error
        actor = User.objects.get(pk=officer.pk)
        current = InterferenceRecord.objects.get(pk=record.pk)
        barrier.wait()
        for attempt in range(1, EDITORS + 1):
            lines = [*current.notes.splitlines(), f"编辑者{n}"]
            try:
                services.ledger_update(
                    actor=actor,
                    record=current,
                    version=current.version,
                    fields={"notes": "\n".join(lines)},
                )
            except StaleEdit:
                current = InterferenceRecord.objects.get(pk=record.pk)
                continue
            return attempt
        # A refusal means another editor's edit committed since the reload, and each of the
        # other 49 commits once: nobody can be refused fifty times
        raise AssertionError(f"editor {n} was refused {EDITORS} times")

    results, errors = race(EDITORS, edit)

    assert errors == []
    assert len(results) == EDITORS
    # Fifty edits, fifty versions, and every editor's line is there exactly once
    final = InterferenceRecord.objects.get(pk=record.pk)
    assert final.version == 1 + EDITORS
    assert sorted(final.notes.splitlines()) == sorted(f"编辑者{n}" for n in range(EDITORS))
    # All fifty first tried version 1: one got through at once, the others retried
    assert sorted(results.values()).count(1) == 1
    # The trail: fifty updates, each based on the one before (no edit overwrote another)
    events = updates(record)
    assert [e.changes["version"] for e in events] == [[v, v + 1] for v in range(1, 1 + EDITORS)]
    for before, after in itertools.pairwise(events):
        assert after.changes["notes"][0] == before.changes["notes"][1]
    assert events[-1].changes["notes"][1] == final.notes
    assert verify_chain().ok
