"""The integrity file (廉政档案): who may open it, what each viewer sees of it (every section
through its own scope: a clue about the viewer is never shown, even in their own file), a
disposition in the file, audited views, the API and fixed query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.models import Disposition
from inspections.services.clues import clue_create
from inspections.services.referrals import referral_create
from integrity.audit.models import AuditEvent
from ledgers import services as ledger_services

from ..ledgers.test_pages import ledger_fields, model_of


def file_url(staff) -> str:
    return reverse("inspections:file-detail", args=[staff.pk])


def clue_about(actor, staff, summary="收受礼品"):
    return clue_create(
        actor=actor,
        fields={"court": staff.court, "subject": staff, "summary": summary, "source": "direct"},
    )


def fill(province, logins, key="heping"):
    """Ledger records, a clue, its referral and a disposition about the judge of ``key``."""
    for slug in ("interference", "contacts", "approvals", "reports", "relatives", "departures"):
        fields = ledger_fields(slug, province, key)
        many = {"served_courts": fields.pop("served_courts")} if "served_courts" in fields else {}
        record = model_of(slug)(**fields)
        record.refresh_search_text()
        record.save()
        if many:
            record.served_courts.set(many["served_courts"])
    judge = province.staff[key]
    clue = clue_about(logins.discipline, judge)
    referral = referral_create(actor=logins.discipline, clue=clue)
    Disposition.objects.create(
        referral=referral,
        subject=judge,
        form=Disposition.Form.FIRST,
        measure=Disposition.Measure.REMINDER_TALK,
        decided_on=datetime.date(2026, 10, 1),
        decision="谈话提醒",
    )
    return clue


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("leader", 200),
        ("discipline", 200),
        ("vice", 200),
        ("officer", 404),
        ("chief", 404),
        ("staff", 404),
        ("supervisor", 404),
        ("outsider", 404),
    ],
)
def test_who_may_open_a_file(client, province, logins, who, status):
    client.force_login(getattr(logins, who))
    assert client.get(file_url(province.staff["heping"])).status_code == status
    api = client.get(f"/api/v1/integrity-files/{province.staff['heping'].pk}/")
    assert api.status_code == status


def test_out_of_jurisdiction_is_404(client, province, logins):
    client.force_login(logins.leader)  # 沈阳 and below, not 大连
    assert client.get(file_url(province.staff["zhongshan"])).status_code == 404


def test_the_file_shows_the_records_and_a_disposition(client, province, logins):
    clue = fill(province, logins)
    client.force_login(logins.discipline)
    response = client.get(file_url(province.staff["heping"]))
    data = response.context["file"]
    assert [c.pk for c in data.clues] == [clue.pk]
    assert len(data.referrals) == 1
    assert [d.measure for d in data.dispositions] == [Disposition.Measure.REMINDER_TALK]
    for section in ("interference", "contact_cases", "approvals", "unplanned", "relatives"):
        assert len(getattr(data, section)) == 1, section
    assert len(data.departures) == 1
    assert data.departures[0].agent_ban_ends


def test_a_clue_about_the_viewer_never_appears_even_in_their_own_file(client, province, logins):
    leader = logins.leader.staff
    clue_about(logins.discipline, leader, "院长问题")
    client.force_login(logins.leader)
    own = client.get(file_url(leader))
    assert own.status_code == 200
    assert own.context["file"].clues == []
    assert own.context["file"].referrals == []
    client.force_login(logins.discipline)
    assert len(client.get(file_url(leader)).context["file"].clues) == 1


def test_a_leader_above_sees_a_clue_about_a_basic_court_leader(client, province, logins):
    vice = logins.vice.staff
    clue_about(logins.discipline, vice, "副院长问题")
    client.force_login(logins.leader)  # 沈阳 president, above 和平
    assert len(client.get(file_url(vice)).context["file"].clues) == 1
    client.force_login(logins.vice)
    assert client.get(file_url(vice)).context["file"].clues == []


def test_each_view_is_audited(client, province, logins):
    client.force_login(logins.discipline)
    client.get(file_url(province.staff["heping"]))
    client.get(f"/api/v1/integrity-files/{province.staff['heping'].pk}/")
    events = AuditEvent.objects.filter(
        action="inspections.integrityfile.view", object_id=str(province.staff["heping"].pk)
    )
    assert sorted(e.changes["door"][1] for e in events) == ["api", "page"]


def test_the_api_returns_the_sections(client, province, logins):
    fill(province, logins)
    client.force_login(logins.discipline)
    body = client.get(f"/api/v1/integrity-files/{province.staff['heping'].pk}/").json()
    assert body["staff"]["id"] == province.staff["heping"].pk
    assert body["dispositions"][0]["measure"] == "reminder_talk"
    assert body["dispositions"][0]["form"] == 1
    assert body["departures"][0]["agent_ban_ends"]
    assert len(body["clues"]) == 1
    assert body["clues"][0]["source"] == "direct"


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_fixed_number_of_queries(client, province, logins, django_assert_num_queries):
    client.force_login(logins.discipline)
    empty = province.staff["shenhe"]
    client.get(file_url(empty))  # warm the session
    fill(province, logins)
    fill(province, logins)
    full = _queries(client, file_url(province.staff["heping"]))
    assert full == _queries(client, file_url(empty))
    with django_assert_num_queries(full):
        client.get(file_url(province.staff["heping"]))
    assert full == 27  # session, user, scope, file, 15 sections, the audit event, savepoints


def test_the_staff_page_links_the_file_for_those_who_may_open_it(client, province, logins):
    url = reverse("staff-detail", args=[province.staff["heping"].pk])
    client.force_login(logins.leader)
    assert file_url(province.staff["heping"]) in client.get(url).content.decode()
    client.force_login(logins.officer)
    assert file_url(province.staff["heping"]) not in client.get(url).content.decode()


def test_voided_records_are_left_out(client, province, logins):
    fill(province, logins)
    record = model_of("interference").objects.get()
    ledger_services.ledger_void(
        actor=None, record=record, version=record.version, reason="录入错误"
    )
    client.force_login(logins.discipline)
    assert client.get(file_url(province.staff["heping"])).context["file"].interference == []
