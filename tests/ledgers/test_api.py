"""The ledgers' API, /api/v1/ledgers/<slug>/: scoped lists with the pages' filters and cursor
pages, create with the rules' results as read-only fields, versioned updates (409 when stale),
workflow transitions, void instead of delete, history, attachments and entries; the OpenAPI
schema."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from integrity.access.models import Role
from integrity.audit.models import AuditEvent
from ledgers import services
from ledgers.models import Attachment

from ..factories import UserFactory, assign
from .test_pages import (
    CASE_SLUGS,
    DAY,
    EXE,
    FILTER_KINDS,
    LATER,
    PDF,
    SEARCHES,
    SLUGS,
    STEPS,
    dated,
    filter_case,
    ledger_fields,
    make,
    make_many,
    make_pair,
    model_of,
    search_case,
    spread,
)

pytestmark = pytest.mark.django_db

# The step each ledger's workflow cannot take from its first status.
DISALLOWED = {
    "interference": "closed",
    "contacts": "handled",
    "approvals": "requested",
    "reports": "submitted",
    "relatives": "pending",
    "departures": "following",
}


@pytest.fixture
def officer(province):
    """A discipline officer of 辽01 who keeps the ledgers of the courts below too."""
    user = UserFactory()
    assign(user, Role.OFFICER, province.courts["shenyang"], covers=True)
    return user


@pytest.fixture
def api(officer):
    client = APIClient()
    client.force_login(officer)  # each request loads its user and scope, as in production
    return client


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {**settings.STORAGES["default"].get("OPTIONS", {}), "location": tmp_path},
        },
    }
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def url(slug: str, pk: Any = None, action: str = "") -> str:
    path = f"/api/v1/ledgers/{slug}/"
    if pk is not None:
        path += f"{pk}/"
    if action:
        path += f"{action}/"
    return path


def json_value(value: Any) -> Any:
    if isinstance(value, list):
        return [json_value(item) for item in value]
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def payload(slug: str, province, key: str = "heping", **overrides: Any) -> dict[str, Any]:
    fields = ledger_fields(slug, province, key, **overrides)
    return {name: json_value(value) for name, value in fields.items()}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- Lists ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", FILTER_KINDS)
@pytest.mark.parametrize("slug", SLUGS)
def test_list_filters(api, province, slug, kind):
    # Given a record that matches the filter and one that does not
    matching, other, params = filter_case(kind, slug, province)
    wanted, unwanted = make_pair(slug, province, matching, other)

    # When the list is filtered (dates written as 2025年3月1日)
    response = api.get(url(slug), params)

    # Then only the matching record comes back
    assert ids(response) == [wanted.pk]
    assert unwanted.pk not in ids(response)


@pytest.mark.parametrize("slug", SLUGS)
def test_list_period_filter_takes_iso_dates(api, province, slug):
    wanted = make(slug, province, **dated(slug, DAY))
    make(slug, province, **dated(slug, LATER))

    response = api.get(url(slug), {"date_from": "2025-03-01", "date_to": "2025-03-31"})

    assert ids(response) == [wanted.pk]


@pytest.mark.parametrize(("slug", "kind"), SEARCHES)
def test_list_free_text_search(api, province, slug, kind):
    overrides, query = search_case(kind, slug, province)
    ordinary = make(slug, province)
    found = make(slug, province, **overrides)

    response = api.get(url(slug), {"q": query})

    assert ids(response) == [found.pk]
    assert ordinary.pk not in ids(response)


@pytest.mark.parametrize("slug", SLUGS)
def test_an_invalid_date_is_a_400_naming_the_field(api, province, slug):
    make(slug, province)

    response = api.get(url(slug), {"date_from": "2025年13月1日"})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400
    assert error["code"] == "invalid"
    assert list(error["fields"]) == ["date_from"]


def test_a_court_out_of_scope_is_a_400(api, province):
    make("interference", province, "dalian")

    response = api.get(url("interference"), {"court": province.courts["dalian"].pk})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["court"]


def test_a_non_numeric_court_is_a_400(api, province):
    api.raise_request_exception = False

    response = api.get(url("interference"), {"court": "abc"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["court"]


@pytest.mark.parametrize("slug", SLUGS)
def test_cursor_pages_walk_every_record_once(api, province, slug):
    # Given 55 records at 辽0102 and 3 at 辽0103
    wanted = {row.pk for row in make_many(slug, province, 55)}
    make_many(slug, province, 3, "shenhe")

    # When the client follows "next" from the court's list
    seen, pages = [], []
    link = f"{url(slug)}?court={province.courts['heping'].pk}"
    while link:
        body = api.get(link).json()
        pages.append(len(body["results"]))
        seen += [row["id"] for row in body["results"]]
        link = body["next"]

    # Then every record of the court comes once, newest first, with no count
    assert pages == [50, 5]
    assert seen == sorted(wanted, reverse=True)
    assert "count" not in api.get(url(slug)).json()


def test_page_size_can_be_chosen(api, province):
    make_many("interference", province, 7)

    body = api.get(url("interference"), {"page_size": 3}).json()

    assert len(body["results"]) == 3
    assert body["next"]


@pytest.mark.parametrize("slug", SLUGS)
def test_voided_records_are_hidden_unless_asked_for(api, province, slug):
    kept, voided = make(slug, province), make(slug, province)

    response = api.post(url(slug, voided.pk, "void"), {"version": 1, "reason": "重复录入"})

    assert response.status_code == 200, response.content
    assert response.json()["void_reason"] == "重复录入"
    assert response.json()["voided_at"]
    assert ids(api.get(url(slug))) == [kept.pk]
    assert ids(api.get(url(slug), {"voided": "include"})) == [voided.pk, kept.pk]
    assert ids(api.get(url(slug), {"voided": "only"})) == [voided.pk]
    assert api.get(url(slug, voided.pk)).json()["void_reason"] == "重复录入"


# --- Create --------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_create(api, province, officer, slug):
    # When an officer posts a record (a case number with full-width brackets, if any)
    data = payload(slug, province)
    if slug in CASE_SLUGS:
        data["case_number"] = "（2025）辽0102民初1号"
    response = api.post(url(slug), data, format="json")

    # Then it is created, normalised, at version 1, entered by the officer
    assert response.status_code == 201, response.content
    body = response.json()
    record = model_of(slug).objects.get()
    assert body["id"] == record.pk
    assert body["version"] == 1
    assert body["entered_by"] == officer.pk
    assert body["staff_name"] == province.staff["heping"].name
    assert body["court_name"] == province.courts["heping"].name
    assert body[model_of(slug).date_field] == DAY.isoformat()
    if slug in CASE_SLUGS:
        assert body["case_number"] == "(2025)辽0102民初1号"
    assert AuditEvent.objects.filter(
        action=f"{record._meta.label_lower}.create", actor=officer
    ).exists()


def test_create_relatives_returns_the_recusal_rule_results(api, province):
    response = api.post(url("relatives"), payload("relatives", province), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["recusal_required"] is True
    assert body["recusal_reason"]
    assert body["must_report"] is True
    assert body["status"] == "pending"
    assert body["application_due"] == "2025-04-05"
    assert body["post_change_due"] == "2025-09-05"


def test_create_departures_returns_the_restriction_results(api, province):
    data = payload(
        "departures",
        province,
        left_on=datetime.date(2024, 6, 30),
        served_courts=[province.courts["shenyang"]],
    )

    response = api.post(url("departures"), data, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["restriction_ends"] == "2027-06-29"
    assert body["agent_ban_ends"] == "2026-06-29"
    assert body["senior"] is True
    assert sorted(body["lifetime_courts"]) == sorted(
        [province.courts["heping"].pk, province.courts["shenyang"].pk]
    )
    assert body["served_courts"] == [province.courts["shenyang"].pk]


def test_create_reports_returns_the_deadline(api, province):
    data = payload(
        "reports", province, contact_on=datetime.date(2025, 3, 1), reported_on="2025年3月20日"
    )

    response = api.post(url("reports"), data, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reported_on"] == "2025-03-20"  # a Chinese date is accepted too
    assert body["report_due"] == "2025-03-04"
    assert body["reported_late"] is True


@pytest.mark.parametrize("slug", SLUGS)
def test_status_version_and_rule_results_are_read_only(api, province, slug):
    # Given a payload that also tries to set what the system decides
    data = payload(slug, province)
    forged = {
        "status": "closed",
        "version": 42,
        "void_reason": "x",
        "entered_by": None,
        "recusal_required": False,
        "recusal_reason": "forged",
        "application_due": "2099-01-01",
        "restriction_ends": "2000-01-01",
        "lifetime_courts": [],
        "report_due": "2099-01-01",
        "reported_late": False,
    }

    # When it is posted
    response = api.post(url(slug), {**data, **forged}, format="json")

    # Then those values are ignored
    assert response.status_code == 201, response.content
    record = model_of(slug).objects.get()
    body = response.json()
    assert record.status == body["status"]
    assert record.status != "closed"
    assert record.version == 1
    assert record.void_reason == ""
    assert body["entered_by"] is not None
    computed = record.computed_values
    for name, value in computed.items():
        assert body[name] == (value.isoformat() if isinstance(value, datetime.date) else value)


def test_a_record_about_staff_of_another_court_is_refused(api, province):
    data = payload("interference", province, staff=province.staff["shenhe"])

    response = api.post(url("interference"), data, format="json")

    assert response.status_code == 400
    assert "staff" in response.json()["error"]["fields"]


def test_a_bad_case_number_is_a_400_in_chinese(api, province):
    data = payload("interference", province, case_number="民初第一号")

    response = api.post(url("interference"), data, format="json")

    assert response.status_code == 400
    assert "不是有效的案号" in response.json()["error"]["fields"]["case_number"][0]


# --- Update --------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_patch_with_the_current_version(api, province, officer, slug):
    record = make(slug, province)

    response = api.patch(url(slug, record.pk), {"version": 1, "notes": "已核"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    assert response.json()["notes"] == "已核"
    record.refresh_from_db()
    assert record.version == 2
    assert record.notes == "已核"
    event = AuditEvent.objects.get(action=f"{record._meta.label_lower}.update")
    assert event.changes["notes"] == ["", "已核"]


@pytest.mark.parametrize("slug", SLUGS)
def test_patch_with_a_stale_version_is_a_409_and_changes_nothing(api, province, slug):
    # Given a record someone changed since the client read version 1
    record = make(slug, province)
    services.ledger_update(actor=None, record=record, version=1, fields={"notes": "他人的修改"})

    # When the client patches version 1
    response = api.patch(url(slug, record.pk), {"version": 1, "notes": "我的修改"}, format="json")

    # Then it is refused with 409 and the other change stands
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["status"] == 409
    assert error["code"] == "stale"
    assert error["message"]
    record.refresh_from_db()
    assert record.notes == "他人的修改"
    assert record.version == 2
    assert not AuditEvent.objects.filter(
        action=f"{record._meta.label_lower}.update", actor__isnull=False
    ).exists()


@pytest.mark.parametrize("slug", SLUGS)
def test_patch_without_a_version_is_a_400(api, province, slug):
    record = make(slug, province)

    response = api.patch(url(slug, record.pk), {"notes": "我的修改"}, format="json")

    assert response.status_code == 400
    assert "version" in response.json()["error"]["fields"]
    record.refresh_from_db()
    assert record.notes == ""
    assert record.version == 1


def test_put_replaces_the_record(api, province):
    record = make("interference", province)
    data = payload("interference", province, interferer_name="王某某", version=1)

    response = api.put(url("interference", record.pk), data, format="json")

    assert response.status_code == 200, response.content
    record.refresh_from_db()
    assert record.interferer_name == "王某某"
    assert record.version == 2


def test_patch_of_a_voided_record_is_refused(api, province):
    record = make("interference", province)
    services.ledger_void(actor=None, record=record, version=1, reason="重复")

    response = api.patch(url("interference", record.pk), {"version": 2, "notes": "x"})

    assert response.status_code == 400
    record.refresh_from_db()
    assert record.notes == ""


@pytest.mark.parametrize("slug", SLUGS)
def test_records_are_never_deleted(api, province, slug):
    record = make(slug, province)

    response = api.delete(url(slug, record.pk))

    assert response.status_code == 405
    assert model_of(slug).objects.filter(pk=record.pk).exists()


# --- Workflow, void, history ---------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_transition(api, province, slug):
    overrides, target, data = STEPS[slug]
    record = make(slug, province, **overrides)

    response = api.post(
        url(slug, record.pk, "transition"),
        {"version": 1, "target": target, **data},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == target
    assert response.json()["version"] == 2
    record.refresh_from_db()
    assert record.status == target


def test_a_form_encoded_screening_is_accepted(api, province):
    # Given a recorded inquiry
    record = make("interference", province)

    # When the officer screens it with a form-encoded body (not JSON)
    response = api.post(
        url("interference", record.pk, "transition"),
        {"version": 1, "target": "screened", "nature": "within_duty", "screened_on": "2025-03-06"},
        format="multipart",
    )

    # Then it is screened like with JSON
    assert response.status_code == 200, response.content
    record.refresh_from_db()
    assert record.status == "screened"


@pytest.mark.parametrize("slug", SLUGS)
def test_a_transition_not_allowed_from_the_status_is_a_400(api, province, slug):
    record = make(slug, province)
    before = record.status

    response = api.post(
        url(slug, record.pk, "transition"),
        {"version": 1, "target": DISALLOWED[slug]},
        format="json",
    )
    unknown = api.post(
        url(slug, record.pk, "transition"), {"version": 1, "target": "deleted"}, format="json"
    )

    assert response.status_code == 400
    assert unknown.status_code == 400
    assert "target" in unknown.json()["error"]["fields"]
    record.refresh_from_db()
    assert record.status == before
    assert record.version == 1


def test_a_transition_with_a_stale_version_is_a_409(api, province):
    record = make("contacts", province)
    services.ledger_update(actor=None, record=record, version=1, fields={"notes": "改"})

    response = api.post(
        url("contacts", record.pk, "transition"), {"version": 1, "target": "verifying"}
    )

    assert response.status_code == 409
    record.refresh_from_db()
    assert record.status == "registered"


def test_void_needs_a_reason(api, province):
    record = make("interference", province)

    response = api.post(url("interference", record.pk, "void"), {"version": 1, "reason": ""})

    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    record.refresh_from_db()
    assert not record.is_void


@pytest.mark.parametrize("slug", SLUGS)
def test_history_lists_the_events_newest_first(api, province, officer, slug):
    # Given a record created, corrected and voided through the API
    created = api.post(url(slug), payload(slug, province), format="json").json()
    pk = created["id"]
    api.patch(url(slug, pk), {"version": 1, "notes": "补充"}, format="json")
    api.post(url(slug, pk, "void"), {"version": 2, "reason": "重复"}, format="json")

    # When the client reads the history
    response = api.get(url(slug, pk, "history"))

    # Then every event is there, newest first, with who and why
    assert response.status_code == 200
    label = model_of(slug)._meta.label_lower
    events = response.json()
    assert [event["action"] for event in events] == [
        f"{label}.void",
        f"{label}.update",
        f"{label}.create",
    ]
    assert events[0]["reason"] == "重复"
    assert events[1]["changes"]["notes"] == ["", "补充"]
    assert {event["actor_name"] for event in events} == {officer.username}
    assert events[0]["seq"] > events[1]["seq"] > events[2]["seq"]


# --- Attachments and entries ---------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_attachments_upload_list_and_download(api, province, media, slug):
    record = make(slug, province)
    upload = SimpleUploadedFile("询问笔录.pdf", PDF, content_type="application/pdf")

    created = api.post(
        url(slug, record.pk, "attachments"),
        {"file": upload, "description": "笔录"},
        format="multipart",
    )
    listing = api.get(url(slug, record.pk, "attachments"))
    aid = created.json()["id"]
    download = api.get(f"{url(slug, record.pk, 'attachments')}{aid}/")

    assert created.status_code == 201, created.content
    assert created.json()["mime_type"] == "application/pdf"
    assert created.json()["size"] == len(PDF)
    assert [row["id"] for row in listing.json()] == [aid]
    assert listing.json()[0]["original_name"] == "询问笔录.pdf"
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"


def test_an_executable_disguised_as_a_pdf_is_a_400(api, province, media):
    record = make("interference", province)
    upload = SimpleUploadedFile("扫描件.pdf", EXE, content_type="application/pdf")

    response = api.post(
        url("interference", record.pk, "attachments"), {"file": upload}, format="multipart"
    )

    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]
    assert not Attachment.objects.exists()


def test_an_attachment_of_another_record_is_not_found(api, province, media):
    first, second = make("interference", province), make("interference", province)
    response = api.post(
        url("interference", first.pk, "attachments"),
        {"file": SimpleUploadedFile("a.pdf", PDF)},
        format="multipart",
    )

    download = api.get(f"{url('interference', second.pk, 'attachments')}{response.json()['id']}/")

    assert download.status_code == 404


@pytest.mark.parametrize(
    ("slug", "entry", "key", "value"),
    [
        (
            "relatives",
            {"talked_on": "2025年3月10日", "talked_by": "纪检组长", "agreed": "不代理本院案件"},
            "talked_on",
            "2025-03-10",
        ),
        (
            "departures",
            {
                "followed_on": "2025-06-01",
                "method": "bar_check",
                "employer": "某律师事务所",
                "case_number": "（2025）辽0102民初9号",
            },
            "case_number",
            "(2025)辽0102民初9号",
        ),
    ],
)
def test_entries(api, province, slug, entry, key, value):
    record = make(slug, province)

    created = api.post(url(slug, record.pk, "entries"), entry, format="json")
    listing = api.get(url(slug, record.pk, "entries"))

    assert created.status_code == 201, created.content
    assert created.json()[key] == value
    assert [row["id"] for row in listing.json()] == [created.json()["id"]]
    label = model_of(slug)._meta.label_lower
    child = model_of(slug)._meta.get_field("talks" if slug == "relatives" else "follow_ups")
    action = f"{label}.{child.related_model._meta.model_name}.add"
    assert AuditEvent.objects.filter(action=action, object_id=str(record.pk)).exists()


def test_a_follow_up_with_an_undescribed_violation_is_a_400(api, province):
    record = make("departures", province)

    response = api.post(
        url("departures", record.pk, "entries"),
        {"followed_on": "2025-06-01", "method": "visit", "violation_found": True},
        format="json",
    )

    assert response.status_code == 400
    assert not record.follow_ups.exists()


@pytest.mark.parametrize("slug", ["interference", "contacts", "approvals", "reports"])
def test_ledgers_without_entries_have_no_entries_route(api, province, slug):
    record = make(slug, province)

    assert api.get(url(slug, record.pk, "entries")).status_code == 404


# --- Schema --------------------------------------------------------------------------------


def test_the_schema_describes_every_ledger(api):
    response = api.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    for slug in SLUGS:
        base = f"/api/v1/ledgers/{slug}/"
        assert set(paths[base]) >= {"get", "post"}
        assert set(paths[base + "{id}/"]) >= {"get", "put", "patch"}
        assert "delete" not in paths[base + "{id}/"]
        assert "post" in paths[base + "{id}/void/"]
        assert "post" in paths[base + "{id}/transition/"]
        assert "get" in paths[base + "{id}/history/"]
        assert set(paths[base + "{id}/attachments/"]) >= {"get", "post"}
        assert "get" in paths[base + "{id}/attachments/{aid}/"]
    for slug in ("relatives", "departures"):
        assert set(paths[f"/api/v1/ledgers/{slug}/{{id}}/entries/"]) >= {"get", "post"}
    list_parameters = {
        p["name"] for p in paths["/api/v1/ledgers/interference/"]["get"]["parameters"]
    }
    assert list_parameters >= {"court", "department", "date_from", "date_to", "q", "voided"}


# --- Query counts --------------------------------------------------------------------------

# session, user, role assignments, the page (every relation joined), and for departures the
# courts served (one prefetch)
# session, user, role assignments, the ids of the courts below, the page (+ the courts served)
API_LIST_QUERIES = {slug: 6 if slug == "departures" else 5 for slug in SLUGS}


@pytest.mark.parametrize("slug", SLUGS)
def test_list_queries_do_not_grow_with_the_records(
    api, province, slug, django_assert_max_num_queries
):
    # Given 5 records, each about another judge, at two courts and two departments
    spread(slug, province, 5)
    with django_assert_max_num_queries(API_LIST_QUERIES[slug]) as few:
        assert len(ids(api.get(url(slug)))) == 5

    # When there are 30
    spread(slug, province, 25)
    with django_assert_max_num_queries(API_LIST_QUERIES[slug]) as many:
        assert len(ids(api.get(url(slug)))) == 30

    # Then the list costs the same
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("slug", SLUGS)
def test_detail_queries_are_fixed(api, province, slug, django_assert_max_num_queries):
    record = make(slug, province)

    with django_assert_max_num_queries(API_LIST_QUERIES[slug]):
        assert api.get(url(slug, record.pk)).status_code == 200
