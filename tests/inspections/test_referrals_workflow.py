"""Referrals and dispositions (issue 5 item 5): the stage moves allowed and refused per
disposal way, a stale version refused (409 in the API, nothing written), the printable letter,
the disposition's measure fitting its form, the flow into ledger 2 (the clue's own ContactCase
completed, or a new one created and linked) and the Disposition with its subject for the
integrity file; query counts of the queue."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from inspections import rules
from inspections.models import Clue, Disposition, Referral
from inspections.selectors import clues as selectors
from inspections.services import clues as clue_services
from inspections.services import referrals as services
from integrity.audit.models import AuditEvent
from integrity.concurrency import StaleEdit
from ledgers import services as ledger_services
from ledgers.models import ContactCase

pytestmark = pytest.mark.django_db
S, W = Referral.Stage, Referral.Way


def today() -> datetime.date:
    return timezone.localdate()


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def referred(province, logins, *, source_object=None, summary="法官接受律师宴请") -> Referral:
    clue = clue_services.clue_create(
        actor=None,
        fields={
            "court": province.courts["heping"],
            "subject": province.staff["heping"],
            "summary": summary,
            "source": Clue.Source.LEDGER if source_object else Clue.Source.DIRECT,
        },
        source_object=source_object,
    )
    return services.referral_create(actor=logins.officer, clue=clue, letter="")


def step(referral, logins, target, **kw) -> Referral:
    return services.referral_step(
        actor=logins.discipline,
        referral=referral,
        version=referral.version,
        target=target,
        **kw,
    )


def to_filed(referral, logins) -> Referral:
    step(referral, logins, S.WAY_CHOSEN, way=W.VERIFY)
    step(referral, logins, S.VERIFYING)
    return step(referral, logins, S.FILED, findings="查实")


# --- stages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("way", "allowed", "refused"),
    [
        (W.VERIFY, [S.VERIFYING], [S.CLOSED, S.FILED]),
        (W.CLOSE, [S.CLOSED], [S.VERIFYING, S.FILED]),
        (W.TALK_OR_LETTER, [S.CLOSED, S.VERIFYING], [S.FILED]),
        (W.SHELVE, [S.CLOSED, S.VERIFYING], [S.FILED]),
    ],
)
def test_the_way_decides_the_next_stage(province, logins, way, allowed, refused):
    referral = referred(province, logins)
    step(referral, logins, S.WAY_CHOSEN, way=way)
    assert referral.way_chosen_on == today()
    assert set(services.allowed_steps(referral)) == set(allowed)
    for target in refused:
        with pytest.raises(ValidationError):
            step(referral, logins, target)
    step(referral, logins, allowed[0])
    assert referral.stage == allowed[0]
    assert referral.stage_since == today()


def test_each_step_sets_its_date_and_is_audited(province, logins):
    referral = referred(province, logins)
    to_filed(referral, logins)
    referral.refresh_from_db()
    assert referral.stage == S.FILED
    assert referral.verification_started_on == referral.filed_on == today()
    assert referral.findings == "查实"
    steps = AuditEvent.objects.filter(
        action="inspections.referral.step", object_id=str(referral.pk)
    )
    assert steps.count() == 3
    assert steps.order_by("seq").last().changes["stage"] == [S.VERIFYING, S.FILED]


def test_choosing_needs_one_of_the_four_ways(province, logins):
    referral = referred(province, logins)
    with pytest.raises(ValidationError):
        step(referral, logins, S.WAY_CHOSEN, way="")
    referral.refresh_from_db()
    assert referral.stage == S.RECEIVED
    assert referral.version == 1


def test_a_step_cannot_skip_ahead(province, logins):
    referral = referred(province, logins)
    for target in (S.VERIFYING, S.FILED, S.CLOSED, S.DISPOSED):
        with pytest.raises(ValidationError):
            step(referral, logins, target)


def test_only_the_discipline_team_moves_referrals(client, province, logins):
    referral = referred(province, logins)
    client.force_login(logins.officer)
    assert client.get(f"/inspections/clues/referrals/{referral.pk}/").status_code == 200
    response = client.post(
        f"/inspections/clues/referrals/{referral.pk}/step/way_chosen/",
        {"version": referral.version, "way": W.VERIFY},
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.stage == S.RECEIVED


def test_a_stale_step_is_refused(province, logins):
    referral = referred(province, logins)
    stale = referral.version
    step(referral, logins, S.WAY_CHOSEN, way=W.SHELVE)
    fresh = Referral.objects.get(pk=referral.pk)
    with pytest.raises(StaleEdit):
        services.referral_step(
            actor=logins.discipline, referral=fresh, version=stale, target=S.CLOSED
        )
    assert Referral.objects.get(pk=referral.pk).stage == S.WAY_CHOSEN


def test_the_api_answers_a_stale_step_with_409(province, logins):
    referral = referred(province, logins)
    client = api(logins.discipline)
    url = f"/api/v1/referrals/{referral.pk}/step/"
    first = client.post(url, {"version": 1, "target": "way_chosen", "way": "verify"}, format="json")
    assert first.status_code == 200, first.content
    assert first.json()["stage"] == "way_chosen"
    again = client.post(url, {"version": 1, "target": "verifying"}, format="json")
    assert again.status_code == 409
    assert Referral.objects.get(pk=referral.pk).stage == S.WAY_CHOSEN


def test_the_step_page_moves_the_referral(client, province, logins):
    referral = referred(province, logins)
    client.force_login(logins.discipline)
    url = f"/inspections/clues/referrals/{referral.pk}/step/way_chosen/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"version": 1, "way": W.TALK_OR_LETTER, "on": "2020年1月1日"})
    assert response.status_code == 200  # a date before the referral: refused on the form
    assert "不能早于" in response.content.decode() or "before" in response.content.decode()
    response = client.post(url, {"version": 1, "way": W.TALK_OR_LETTER})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.stage, referral.way) == (S.WAY_CHOSEN, W.TALK_OR_LETTER)


def test_the_printable_letter(client, province, logins):
    referral = referred(province, logins)
    client.force_login(logins.discipline)
    page = client.get(f"/inspections/clues/referrals/{referral.pk}/letter/").content.decode()
    assert referral.number in page
    assert "css/referral_letter.css" in page  # the A4 print rules (static/css)
    assert "data-print" in page
    assert "沈阳市和平区人民法院" in page
    assert "heping法官" in page
    assert "法官接受律师宴请" in page


def test_the_queue_costs_a_fixed_number_of_queries(
    client, province, logins, django_assert_num_queries
):
    for n in range(2):
        referred(province, logins, summary=f"线索{n}")
    client.force_login(logins.discipline)
    client.get("/inspections/clues/referrals/")
    with django_assert_num_queries(8):
        client.get("/inspections/clues/referrals/")
    for n in range(6):
        referred(province, logins, summary=f"更多{n}")
    with django_assert_num_queries(8):
        response = client.get("/inspections/clues/referrals/")
    assert response.content.decode().count("纪移〔") == 8


def test_the_referral_api_list_costs_a_fixed_number_of_queries(
    province, logins, django_assert_num_queries
):
    for n in range(2):
        referred(province, logins, summary=f"线索{n}")
    client = api(logins.discipline)
    client.get("/api/v1/referrals/")
    with django_assert_num_queries(5):
        client.get("/api/v1/referrals/")
    for n in range(6):
        referred(province, logins, summary=f"更多{n}")
    with django_assert_num_queries(5):
        response = client.get("/api/v1/referrals/")
    assert len(response.json()["results"]) == 8


# --- dispositions ------------------------------------------------------------------------------


def dispose(referral, logins, **fields):
    values = {
        "form": Disposition.Form.FIRST,
        "measure": Disposition.Measure.CRITICISM,
        "decided_on": today(),
        "decision": "给予批评教育",
        **fields,
    }
    contact = values.pop("contact", None)
    return services.disposition_create(
        actor=logins.discipline,
        referral=referral,
        version=referral.version,
        fields=values,
        contact=contact,
    )


@pytest.mark.parametrize(
    ("form", "measure", "fits"),
    [
        (1, "criticism", True),
        (1, "light_sanction", False),
        (2, "light_sanction", True),
        (3, "organisational", True),
        (3, "heavy_sanction", True),
        (4, "judicial", True),
        (2, "judicial", False),
    ],
)
def test_the_measure_must_fit_the_form(province, logins, form, measure, fits):
    assert rules.measure_fits_form(measure, form) is fits
    referral = to_filed(referred(province, logins), logins)
    if fits:
        dispose(referral, logins, form=form, measure=measure)
        assert Disposition.objects.count() == 1
    else:
        with pytest.raises(ValidationError) as error:
            dispose(referral, logins, form=form, measure=measure)
        assert "measure" in error.value.message_dict
        assert not Disposition.objects.exists()
        assert Referral.objects.get(pk=referral.pk).stage == S.FILED


def test_a_disposition_only_after_filing_or_closing(province, logins):
    referral = referred(province, logins)
    step(referral, logins, S.WAY_CHOSEN, way=W.VERIFY)
    with pytest.raises(ValidationError):
        dispose(referral, logins)
    assert not Disposition.objects.exists()


def test_a_disposition_closes_the_matter_and_names_its_subject(province, logins):
    referral = to_filed(referred(province, logins), logins)
    disposition = dispose(referral, logins)
    referral.refresh_from_db()
    assert referral.stage == S.DISPOSED
    assert referral.clue.status == Clue.Status.CLOSED
    assert Clue.objects.get(pk=referral.clue_id).status == Clue.Status.CLOSED
    # The integrity file lists it (helper B reads Disposition rows by subject).
    assert disposition.subject == province.staff["heping"]
    listed = selectors.dispositions_of_staff(actor=logins.leader, staff=province.staff["heping"])
    assert list(listed) == [disposition]
    assert not Disposition.objects.filter(contact_case__isnull=False).exists()


def _contact_case(province) -> ContactCase:
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


def test_a_disposition_completes_the_clues_own_ledger_2_record(province, logins):
    record = _contact_case(province)
    referral = to_filed(referred(province, logins, source_object=record), logins)

    disposition = dispose(
        referral,
        logins,
        form=2,
        measure=Disposition.Measure.LIGHT_SANCTION,
        concerns_improper_contact=True,
    )

    record.refresh_from_db()
    assert disposition.contact_case == record
    assert record.status == ContactCase.Status.HANDLED
    assert record.handling == rules.LEDGER_2_HANDLING["light_sanction"] == "sanction"
    assert record.handled_on == disposition.decided_on
    assert record.referral_number == referral.number
    assert ContactCase.objects.count() == 1
    trail = AuditEvent.objects.filter(object_type="ledgers.contactcase", object_id=str(record.pk))
    assert trail.filter(action="ledgers.contactcase.transition").count() == 2


def test_a_disposition_creates_and_links_a_new_ledger_2_record(client, province, logins):
    referral = to_filed(referred(province, logins), logins)
    client.force_login(logins.discipline)
    url = f"/inspections/clues/referrals/{referral.pk}/disposition/"
    base = {
        "version": referral.version,
        "form": "1",
        "measure": "admonition",
        "decided_on": today().isoformat(),
        "decision": "诫勉谈话",
        "concerns_improper_contact": "on",
    }
    assert client.get(url).status_code == 200
    missing = client.post(url, base)
    assert missing.status_code == 200  # the contact's particulars are needed
    assert not Disposition.objects.exists()

    response = client.post(
        url,
        {
            **base,
            "counterpart_type": "party",
            "counterpart_name": "当事人王某",
            "behaviour": ContactCase.Behaviour.PRIVATE_CONTACT,
            "occurred_on": "2026年1月3日",
        },
    )

    assert response.status_code == 302, response.content.decode()
    disposition = Disposition.objects.get()
    record = disposition.contact_case
    assert record is not None
    assert record.staff == province.staff["heping"]
    assert record.counterpart_name == "当事人王某"
    assert record.handling == "admonition"
    assert record.status == ContactCase.Status.HANDLED
    assert record.referral_number == referral.number
    assert record.clue_source == "case_review"  # entered directly


def test_the_api_records_a_disposition(province, logins):
    referral = to_filed(referred(province, logins), logins)
    client = api(logins.discipline)
    response = client.post(
        f"/api/v1/referrals/{referral.pk}/disposition/",
        {
            "version": referral.version,
            "form": 4,
            "measure": "judicial",
            "decided_on": today().isoformat(),
            "decision": "移送司法机关",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["subject"] == province.staff["heping"].pk
    wrong = client.post(
        f"/api/v1/referrals/{referral.pk}/disposition/",
        {
            "version": 99,
            "form": 1,
            "measure": "criticism",
            "decided_on": "2026-01-01",
            "decision": "x",
        },
        format="json",
    )
    assert wrong.status_code in (400, 409)
