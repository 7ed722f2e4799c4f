"""The clue pages and API writes: register directly, raise from a ledger record (the record's
page offers it), edit with a version (stale → a form error, 409 in the API, nothing written),
void with a reason, refer with a letter, attach evidence; every page renders."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from inspections.models import Clue, Referral
from inspections.services import clues as services
from integrity.audit.models import AuditEvent
from ledgers import services as ledger_services
from ledgers.models import ContactCase

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def contact_case(province) -> ContactCase:
    return ledger_services.ledger_create(
        actor=None,
        model=ContactCase,
        fields={
            "court": province.courts["heping"],
            "staff": province.staff["heping"],
            "counterpart_type": "lawyer",
            "counterpart_name": "李律师",
            "behaviour": ContactCase.Behaviour.GIFTS,
            "occurred_on": datetime.date(2026, 1, 5),
            "description": "接受律师宴请",
            "clue_source": ContactCase.ClueSource.CASE_REVIEW,
        },
    )


def test_an_officer_registers_a_clue(client, logins, province):
    client.force_login(logins.officer)
    court = province.courts["heping"]
    assert client.get("/inspections/clues/new/").status_code == 200
    reload = client.post("/inspections/clues/new/", {"court": court.pk, "reload": "1"})
    assert province.staff["heping"].name in reload.content.decode()
    response = client.post(
        "/inspections/clues/new/",
        {
            "court": court.pk,
            "subject": province.staff["heping"].pk,
            "source": Clue.Source.DIRECT,
            "summary": "法官迟到早退",
            "received_on": "2026年3月5日",
            "is_confidential": "on",
        },
    )
    clue = Clue.objects.get()
    assert response["Location"] == f"/inspections/clues/{clue.pk}/"
    assert clue.received_on == datetime.date(2026, 3, 5)
    assert clue.department == province.staff["heping"].department
    assert AuditEvent.objects.filter(action="inspections.clue.create").count() == 1


def test_an_officer_cannot_register_at_another_court(client, logins, province):
    client.force_login(logins.outsider)
    response = client.post(
        "/inspections/clues/new/",
        {
            "court": province.courts["heping"].pk,
            "source": Clue.Source.DIRECT,
            "summary": "越权登记",
        },
    )
    assert response.status_code == 200
    assert not Clue.objects.exists()


def test_a_ledger_record_becomes_a_clue(client, logins, province):
    record = contact_case(province)
    client.force_login(logins.officer)
    page = client.get(f"/ledgers/contacts/{record.pk}/").content.decode()
    link = f"/inspections/clues/from-record/?model=contacts&amp;pk={record.pk}"
    assert link in page
    url = f"/inspections/clues/from-record/?model=ledgers.contactcase&pk={record.pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, {"summary": "接受律师宴请", "subject": province.staff["heping"].pk})
    assert response.status_code == 302
    clue = Clue.objects.get()
    assert clue.source == Clue.Source.LEDGER
    assert clue.source_object == record
    assert (clue.court, clue.subject) == (record.court, record.staff)


@pytest.mark.parametrize(
    ("login", "offered"),
    [("officer", True), ("supervisor", True), ("discipline", True), ("leader", False)],
)
def test_the_clue_button_is_offered_to_those_who_register_clues(
    client, logins, province, login, offered
):
    record = contact_case(province)
    client.force_login(getattr(logins, login))
    page = client.get(f"/ledgers/contacts/{record.pk}/")
    assert page.status_code == 200
    link = f"/inspections/clues/from-record/?model=contacts&amp;pk={record.pk}"
    assert (link in page.content.decode()) is offered


def test_a_record_out_of_scope_cannot_become_a_clue(client, logins, province):
    record = contact_case(province)
    client.force_login(logins.outsider)
    url = f"/inspections/clues/from-record/?model=ledgers.contactcase&pk={record.pk}"
    assert client.get(url).status_code == 404


def test_a_stale_edit_is_refused_on_the_page_and_in_the_api(client, logins, province):
    clue = services.clue_create(
        actor=None,
        fields={
            "court": province.courts["heping"],
            "summary": "原摘要",
            "source": Clue.Source.DIRECT,
        },
    )
    client.force_login(logins.officer)
    assert client.get(f"/inspections/clues/{clue.pk}/edit/").status_code == 200
    ok = client.post(f"/inspections/clues/{clue.pk}/edit/", {"version": 1, "summary": "新摘要"})
    assert ok.status_code == 302
    stale = client.post(f"/inspections/clues/{clue.pk}/edit/", {"version": 1, "summary": "旧"})
    assert stale.status_code == 200
    conflict = api(logins.officer).patch(
        f"/api/v1/clues/{clue.pk}/", {"version": 1, "summary": "旧"}, format="json"
    )
    assert conflict.status_code == 409
    clue.refresh_from_db()
    assert (clue.summary, clue.version) == ("新摘要", 2)


def test_void_with_a_reason(client, logins, province):
    clue = services.clue_create(
        actor=None,
        fields={"court": province.courts["heping"], "summary": "重复登记", "source": "direct"},
    )
    client.force_login(logins.officer)
    client.post(f"/inspections/clues/{clue.pk}/void/", {"version": 1, "reason": ""})
    clue.refresh_from_db()
    assert not clue.is_void
    client.post(f"/inspections/clues/{clue.pk}/void/", {"version": 1, "reason": "重复"})
    clue.refresh_from_db()
    assert clue.is_void
    assert clue.void_reason == "重复"
    assert "重复登记" not in client.get("/inspections/clues/").content.decode()
    assert "重复登记" in client.get("/inspections/clues/?voided=include").content.decode()


def test_refer_with_a_letter_on_the_page_and_in_the_api(client, logins, province):
    first, second = (
        services.clue_create(
            actor=None,
            fields={"court": province.courts["heping"], "summary": s, "source": "direct"},
        )
        for s in ("线索甲", "线索乙")
    )
    client.force_login(logins.officer)
    form = client.get(f"/inspections/clues/{first.pk}/refer/").content.decode()
    assert "线索甲" in form
    response = client.post(
        f"/inspections/clues/{first.pk}/refer/", {"letter": "特此移送。", "referred_on": ""}
    )
    referral = Referral.objects.get(clue=first)
    assert response["Location"] == f"/inspections/clues/referrals/{referral.pk}/"
    assert referral.letter == "特此移送。"
    answer = api(logins.officer).post(f"/api/v1/clues/{second.pk}/refer/", {}, format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["number"].endswith("2号")
    again = api(logins.officer).post(f"/api/v1/clues/{second.pk}/refer/", {}, format="json")
    assert again.status_code == 400


def test_the_api_registers_and_shares(logins, province):
    client = api(logins.discipline)
    created = client.post(
        "/api/v1/clues/",
        {
            "court": province.courts["heping"].pk,
            "subject": province.staff["heping"].pk,
            "summary": "接口登记",
            "source": "direct",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    shared = client.post(f"/api/v1/clues/{pk}/share/", {"username": "chief"}, format="json")
    assert shared.status_code == 200, shared.content
    assert api(logins.chief).get(f"/api/v1/clues/{pk}/").status_code == 200
    refused = api(logins.officer).post(
        f"/api/v1/clues/{pk}/share/", {"username": "outsider"}, format="json"
    )
    assert refused.status_code == 403


def test_evidence_is_attached_by_content(client, logins, province):
    clue = services.clue_create(
        actor=None,
        fields={"court": province.courts["heping"], "summary": "有证据", "source": "direct"},
    )
    client.force_login(logins.officer)
    bad = SimpleUploadedFile("x.pdf", b"not a pdf at all, really", content_type="application/pdf")
    client.post(f"/inspections/clues/{clue.pk}/attachments/", {"file": bad})
    good = SimpleUploadedFile("证据.pdf", b"%PDF-1.4\n" + b"0" * 40)
    client.post(f"/inspections/clues/{clue.pk}/attachments/", {"file": good})
    page = client.get(f"/inspections/clues/{clue.pk}/").content.decode()
    assert "证据.pdf" in page
    assert "x.pdf" not in page


def test_pages_render_in_english_too(client, logins, province, settings):
    settings.LANGUAGE_CODE = "en"
    clue = services.clue_create(
        actor=None,
        fields={"court": province.courts["heping"], "summary": "s", "source": "direct"},
    )
    client.force_login(logins.discipline)
    for url in (
        "/inspections/clues/",
        f"/inspections/clues/{clue.pk}/",
        "/inspections/clues/referrals/",
    ):
        assert client.get(url).status_code == 200
