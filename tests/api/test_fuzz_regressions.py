"""Regression tests for what the API fuzzing (test_fuzz.py) found, each a plain test: the
request that failed, sent as the role that met it, and its answer checked as the fuzzing checks
every answer (no server error, a documented status, content type and body)."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import call_command
from django.test import Client

from integrity.web.paging import MAX_ID, int_param
from ledgers.models import ContactCase
from ledgers.specs import SPECS

from .fuzzing import OPERATIONS, RAW, call, path_kinds, world_for_module

pytestmark = pytest.mark.django_db

OVERFLOW = 2**63  # one more than the largest id
PDF = b"%PDF-1.4\n% regression\n" + b"0" * 64


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with world_for_module(django_db_blocker, tmp_path_factory.mktemp("fuzz")) as built:
        yield built


def _error(response) -> dict:
    return response.json()["error"]


# --- server errors -----------------------------------------------------------------------------


def test_a_relatives_record_without_staff_member_is_refused_not_a_crash(world):
    """The recusal rules read the staff member's post before the record was validated."""
    response = call(
        OPERATIONS["POST /api/v1/ledgers/relatives/"],
        world,
        "officer",
        body={
            "relative_name": "李某",
            "relationship": "son",
            "law_firm": "辽宁正义律师事务所",
            "role": "lawyer",
            "reported_on": "2025-01-10",
        },
        media_type="application/json",
    )
    assert response.status_code == 400
    assert set(_error(response)["fields"]) == {"court", "staff"}


# Every integer query parameter of a read.
INTEGER_QUERIES = [
    (label, parameter["name"])
    for label, operation in OPERATIONS.items()
    if operation.method.upper() == "GET"
    for parameter in RAW["paths"][operation.path]["get"].get("parameters", [])
    if parameter["in"] == "query" and parameter.get("schema", {}).get("type") == "integer"
]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(OVERFLOW, id="beyond-64-bits"),
        pytest.param(-OVERFLOW - 1, id="below-64-bits"),
        pytest.param("²", id="superscript-digit"),
    ],
)
@pytest.mark.parametrize(("label", "name"), INTEGER_QUERIES)
def test_integer_filters_out_of_range_are_not_a_crash(world, label, name, value):
    """An id filter beyond the database's integers overflowed the query (findings, campaigns,
    declarations, the ledgers' court, visits' plan…); a superscript digit passed isdigit() and
    then failed int() (visits' plan, visit plans' and complaints' court)."""
    operation = OPERATIONS[label]
    path = {name: world.at[kind]["heping"] for name, kind in path_kinds(operation.path).items()}
    response = call(operation, world, "officer", path_parameters=path, query={name: value})
    # (a look-back of an inspection that is not one is a 404)
    assert response.status_code in (200, 400, 404)


def test_int_param_ignores_numbers_beyond_the_ids(world):
    assert int_param(str(MAX_ID)) == MAX_ID
    assert int_param(str(MAX_ID + 1)) is None
    assert int_param(str(-MAX_ID - 1)) is None
    assert int_param("²") is None


def test_a_ledger_page_filtered_by_an_overflowing_court_is_not_a_crash(world, client):
    """The pages share int_param with the API."""
    client.force_login(world.users["officer"])
    response = client.get("/ledgers/interference/", {"court": str(OVERFLOW)})
    assert response.status_code == 200


def test_inquiries_beyond_64_bits_are_refused_not_a_crash(world):
    declaration = _three_rules_declaration(world)
    response = call(
        OPERATIONS["POST /api/v1/declarations/{id}/file/"],
        world,
        "staff",
        path_parameters={"id": declaration.pk},
        body={"version": declaration.version, "has_nothing": False, "inquiries": [OVERFLOW]},
        media_type="application/json",
    )
    assert response.status_code == 400
    assert list(_error(response)["fields"]) == ["inquiries"]


def _three_rules_declaration(world):
    model = world.models["declaration"]
    return model.objects.get(
        pk__in=world.ids["declaration"],
        campaign__kind="three_rules",
        staff=world.users["staff"].staff,
    )


# --- out of scope reads like missing -----------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "field", "kind", "body"),
    [
        (
            "POST /api/v1/findings/",
            "inspection",
            "inspection",
            {
                "category": "three_rules",
                "severity": "minor",
                "description": "过问案件未登记",
                "rectification_required": "补登记",
                "deadline": "2030-01-01",
            },
        ),
        (
            "POST /api/v1/visits/",
            "sampled",
            "sampled",
            {
                "respondent_kind": "party",
                "respondent_name": "原告",
                "method": "phone",
                "visited_on": "2025-01-01",
                "answers": {},
            },
        ),
    ],
)
def test_an_object_named_in_the_body_out_of_scope_reads_like_a_missing_one(
    world, label, field, kind, body
):
    """Out of scope it was a 404 (undocumented) where a missing id is a 400: the answer told
    that the object exists."""
    court = world.courts["heping"]
    body = {**body, "court": court.pk}

    def answer(pk: int) -> tuple[int, dict]:
        response = call(
            OPERATIONS[label],
            world,
            "officer",
            body={**body, field: pk},
            media_type="application/json",
        )
        error = _error(response)
        return response.status_code, {
            name: [message.replace(str(pk), "{pk}") for message in messages]
            for name, messages in error["fields"].items()
        }

    out_of_scope, missing = world.at[kind]["dalian"], 2_000_000_000
    assert answer(out_of_scope) == answer(missing)
    assert answer(missing)[0] == 400


# --- answers that did not match the schema -----------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/ledgers/interference/abc/",
        "/api/v1/reports/imports/templates/%C3%A9/",
        "/api/v1/no-such-list/",
    ],
)
def test_an_unknown_address_under_the_api_answers_in_the_error_format(world, path):
    """Django's HTML page answered an id that is not a number, an unknown template target…"""
    client = Client(HTTP_AUTHORIZATION=f"Token {world.tokens['officer']}")
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["error"] == {
        "status": 404,
        "code": "not_found",
        "message": "未找到。",
        "fields": {},
    }


def test_an_unknown_page_outside_the_api_is_still_a_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_alert_nobody_handled_yet(world):
    """``handled_by`` is null until someone handles the alert."""
    response = call(
        OPERATIONS["GET /api/v1/alerts/{id}/"],
        world,
        "discipline",
        path_parameters={"id": world.at["alert"]["heping"]},
    )
    assert response.status_code == 200
    assert response.json()["handled_by"] is None


def test_a_referral_whose_way_is_not_chosen_yet(world):
    """``way`` is empty until the discipline team chooses it."""
    response = call(
        OPERATIONS["GET /api/v1/referrals/{id}/"],
        world,
        "discipline",
        path_parameters={"id": world.at["referral"]["heping"]},
    )
    assert response.status_code == 200
    assert response.json()["way"] == ""


def test_a_reporter_without_email(world):
    """An empty e-mail address is not an e-mail address (the schema said format: email)."""
    response = call(
        OPERATIONS["GET /api/v1/complaints/{id}/reporter/"],
        world,
        "discipline",
        path_parameters={"id": world.at["complaint"]["heping"]},
    )
    assert response.status_code == 200
    assert response.json()["email"] == ""


def test_an_improper_contact_records_clue_source(world):
    """Two enums were both named ClueSourceEnum: contacts' clue sources failed the schema."""
    response = call(
        OPERATIONS["GET /api/v1/ledgers/contacts/{id}/"],
        world,
        "officer",
        path_parameters={"id": world.at["ledger:contacts"]["heping"]},
    )
    assert response.status_code == 200
    assert response.json()["clue_source"] == ContactCase.ClueSource.PUBLIC_REPORT


@pytest.mark.parametrize("slug", ["interference", "relatives", "departures"])
def test_a_ledger_records_attachments_history_and_entries(world, slug):
    """Attachment and history lists are plain arrays (the schema said paginated), an upload
    answers 201 (the schema said 200), a file is served as its type (the schema said
    octet-stream), and the entries of ledgers 3 and 4 are talks and follow-ups (the schema said
    the record)."""
    pk = world.at[f"ledger:{slug}"]["heping"]
    path = f"/api/v1/ledgers/{slug}/{{id}}"

    listed = call(
        OPERATIONS[f"GET {path}/attachments/"], world, "officer", path_parameters={"id": pk}
    )
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()] == [world.at[f"ledger:{slug}:attachment"]["heping"]]

    uploaded = call(
        OPERATIONS[f"POST {path}/attachments/"],
        world,
        "officer",
        path_parameters={"id": pk},
        body={"file": PDF, "description": "补充材料"},
        media_type="multipart/form-data",
    )
    assert uploaded.status_code == 201

    served = call(
        OPERATIONS[f"GET {path}/attachments/{{aid}}/"],
        world,
        "officer",
        path_parameters={"id": pk, "aid": uploaded.json()["id"]},
    )
    assert served.status_code == 200
    assert served.headers["content-type"] == ["application/pdf"]

    history = call(OPERATIONS[f"GET {path}/history/"], world, "officer", path_parameters={"id": pk})
    assert history.status_code == 200
    assert isinstance(history.json(), list)

    if slug == "relatives":
        entry = {"talked_on": "2025-02-01", "talked_by": "纪检组", "agreed": "按期申请回避"}
    elif slug == "departures":
        entry = {"followed_on": "2025-02-01", "method": "phone"}
    else:
        return
    added = call(
        OPERATIONS[f"POST {path}/entries/"],
        world,
        "officer",
        path_parameters={"id": pk},
        body=entry,
        media_type="application/json",
    )
    assert added.status_code == 201
    entries = call(OPERATIONS[f"GET {path}/entries/"], world, "officer", path_parameters={"id": pk})
    assert [row["id"] for row in entries.json()] == [added.json()["id"]]


@pytest.mark.parametrize("method", ["put", "patch"])
@pytest.mark.parametrize("slug", [spec.slug for spec in SPECS])
def test_a_ledger_update_documents_the_version_it_is_based_on(slug, method):
    """The schema documented no request body for PUT and no ``version`` for PATCH (the record's
    version is read-only), though an update without it is refused."""
    operation = RAW["paths"][f"/api/v1/ledgers/{slug}/{{id}}/"][method]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    request = RAW["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert request["properties"]["version"]["type"] == "integer"
    assert ("version" in request.get("required", [])) is (method == "put")


def test_a_ledger_update_with_the_current_version(world):
    model = world.models["ledger:interference"]
    record = model.objects.get(pk=world.at["ledger:interference"]["heping"])
    response = call(
        OPERATIONS["PATCH /api/v1/ledgers/interference/{id}/"],
        world,
        "officer",
        path_parameters={"id": record.pk},
        body={"version": record.version, "notes": "补记"},
        media_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["version"] == record.version + 1


def test_the_dashboard_is_one_object_and_none_for_plain_staff(world):
    """The schema said an array of dashboards, and had no 404 for a role without one."""
    operation = OPERATIONS["GET /api/v1/reports/dashboard/"]
    board = call(operation, world, "officer")
    assert board.status_code == 200
    assert board.json()["court"]["id"] == world.courts["heping"].pk
    assert call(operation, world, "staff").status_code == 404


def test_export_jobs_with_and_without_a_file(world):
    """``download_url`` is null until the file is written, then a path on this site (the
    schema said a URI, never null)."""
    started = call(
        OPERATIONS["POST /api/v1/reports/exports/"],
        world,
        "officer",
        body={"source": "ledger:interference", "format": "csv", "filters": {}},
        media_type="application/json",
    )
    assert started.status_code == 201
    assert re.fullmatch(r"/api/v1/reports/exports/\d+/download/", started.json()["download_url"])
    listed = call(OPERATIONS["GET /api/v1/reports/exports/"], world, "officer")
    assert {row["download_url"] is None for row in listed.json()["results"]} == {True, False}


def test_a_visit_turned_into_a_clue_answers_201(world):
    model = world.models["visit"]
    visit = model.objects.get(pk=world.at["visit"]["heping"])
    response = call(
        OPERATIONS["POST /api/v1/visits/{id}/clue/"],
        world,
        "supervisor",
        path_parameters={"id": visit.pk},
        body={"version": visit.version},
        media_type="application/json",
    )
    assert response.status_code == 201


def test_the_schema_is_generated_without_warnings(tmp_path):
    """Enum names that collided (ClueSourceEnum twice, then the follow-ups' and inquiries'
    methods) are named in ENUM_NAME_OVERRIDES."""
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "s.yaml"))
