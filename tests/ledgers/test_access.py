"""Who sees which ledger records, through every door: the list page, the API list, the detail
page, the API detail and the attachment downloads of both. Out of scope looks exactly like
not found, and an attempt on a record out of scope is recorded in the audit trail."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from integrity.access.models import Role
from integrity.audit.models import AuditEvent
from ledgers import services
from ledgers.models import InterferenceRecord

from ..factories import UserFactory, assign
from .test_pages import SLUGS, attach, bound_data, ledger_fields, listed, make, model_of

pytestmark = pytest.mark.django_db

# One record of every ledger at each of these places ("heping_criminal" is the criminal
# division of 辽0102; the staff member of "heping" is the one with the staff login).
PLACES = ["high", "shenyang", "heping", "heping_criminal", "shenhe", "dalian", "zhongshan"]

# role, court, department (a place key), covers the courts below
ROLES = {
    "officer@heping": (Role.OFFICER, "heping", None, False),
    "officer@shenyang": (Role.OFFICER, "shenyang", None, False),
    "leader@shenyang+below": (Role.LEADER, "shenyang", None, True),
    "supervisor@high+below": (Role.SUPERVISOR, "high", None, True),
    "chief@heping-civil": (Role.CHIEF, "heping", "heping", False),
    "staff@heping": (Role.STAFF, "heping", None, False),
    "discipline@dalian": (Role.DISCIPLINE, "dalian", None, False),
}

# Ledgers a staff member never sees about themselves: disciplinary cases under verification,
# and the records kept on departed staff.
HIDDEN_FROM_STAFF = {"contacts", "departures"}


def expected(role: str, slug: str) -> set[str]:
    if role == "staff@heping":
        return set() if slug in HIDDEN_FROM_STAFF else {"heping"}
    return {
        "officer@heping": {"heping", "heping_criminal"},
        "officer@shenyang": {"shenyang"},
        "leader@shenyang+below": {"shenyang", "heping", "heping_criminal", "shenhe"},
        "supervisor@high+below": set(PLACES),
        "chief@heping-civil": {"heping"},
        "discipline@dalian": {"dalian"},
    }[role]


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


def login(province, role: str):
    """A user holding ``role`` (a key of ROLES), logged in to a page client and an API
    client."""
    code, court, department, covers = ROLES[role]
    staff = province.staff["heping"] if code == Role.STAFF else None
    user = UserFactory(staff=staff)
    assign(
        user,
        code,
        province.courts[court],
        department=province.departments[department] if department else None,
        covers=covers,
    )
    web, api = Client(), APIClient()
    web.force_login(user)
    api.force_login(user)
    return user, web, api


def records_everywhere(slug: str, province, *, with_files: bool = False) -> dict[str, object]:
    records = {place: make(slug, province, place) for place in PLACES}
    if with_files:
        for record in records.values():
            attach(record)
    return records


def _attachment_id(record) -> int:
    from ledgers.selectors import attachments_of

    return attachments_of(record).get().pk


@pytest.mark.parametrize("slug", SLUGS)
def test_scope_matrix(province, media, slug):
    # Given a record of this ledger, with a file, at every place of the province
    records = records_everywhere(slug, province, with_files=True)
    by_pk = {record.pk: place for place, record in records.items()}
    files = {place: _attachment_id(record) for place, record in records.items()}

    for role in ROLES:
        _user, web, api = login(province, role)
        sees = expected(role, slug)

        # Then the list page and the API list show exactly the records in scope
        page_list = listed(web.get(f"/ledgers/{slug}/"), slug)
        api_list = api.get(f"/api/v1/ledgers/{slug}/").json()["results"]
        assert {by_pk[pk] for pk in page_list} == sees, (role, "page list")
        assert {by_pk[row["id"]] for row in api_list} == sees, (role, "api list")

        # and every detail and download is open in scope and "not found" outside it
        for place, record in records.items():
            status = 200 if place in sees else 404
            page = f"/ledgers/{slug}/{record.pk}/"
            endpoint = f"/api/v1/ledgers/{slug}/{record.pk}/"
            doors = {
                "page": web.get(page),
                "api": api.get(endpoint),
                "file": web.get(f"{page}attachments/{files[place]}/"),
                "api file": api.get(f"{endpoint}attachments/{files[place]}/"),
            }
            for door, response in doors.items():
                assert response.status_code == status, (role, place, door)


@pytest.mark.parametrize("role", [role for role in ROLES if role != "supervisor@high+below"])
def test_out_of_scope_looks_exactly_like_not_found(province, role):
    # Given a record out of the user's scope, and an id no record has
    # (辽0202: outside every role's scope but the province's supervision bureau's)
    out_of_scope = make("interference", province, "zhongshan")
    _user, web, api = login(province, role)
    missing = InterferenceRecord.objects.order_by("-pk").first().pk + 1000

    # When the user asks for both
    api_hidden = api.get(f"/api/v1/ledgers/interference/{out_of_scope.pk}/")
    api_missing = api.get(f"/api/v1/ledgers/interference/{missing}/")
    page_hidden = web.get(f"/ledgers/interference/{out_of_scope.pk}/")
    page_missing = web.get(f"/ledgers/interference/{missing}/")

    # Then the answers cannot be told apart
    assert api_hidden.status_code == api_missing.status_code == 404
    assert api_hidden.json() == api_missing.json()
    assert page_hidden.status_code == page_missing.status_code == 404
    assert page_hidden.content == page_missing.content


@pytest.mark.parametrize(
    "action",
    ["history", "attachments", "transition", "void"],
)
def test_actions_on_a_record_out_of_scope_are_not_found(province, action):
    out_of_scope = make("interference", province, "dalian")
    _user, _web, api = login(province, "officer@heping")

    if action in {"history", "attachments"}:
        response = api.get(f"/api/v1/ledgers/interference/{out_of_scope.pk}/{action}/")
    else:
        data = {"version": 1, "target": "screened", "reason": "x"}
        response = api.post(f"/api/v1/ledgers/interference/{out_of_scope.pk}/{action}/", data)

    assert response.status_code == 404
    out_of_scope.refresh_from_db()
    assert out_of_scope.version == 1


def test_a_patch_out_of_scope_is_not_found_and_changes_nothing(province):
    out_of_scope = make("relatives", province, "shenhe")
    _user, _web, api = login(province, "officer@heping")

    response = api.patch(
        f"/api/v1/ledgers/relatives/{out_of_scope.pk}/", {"version": 1, "notes": "x"}
    )

    assert response.status_code == 404
    out_of_scope.refresh_from_db()
    assert out_of_scope.notes == ""


@pytest.mark.parametrize("slug", sorted(HIDDEN_FROM_STAFF))
def test_staff_never_see_disciplinary_or_departure_records_about_themselves(province, slug):
    # Given a record about the staff member with the login
    record = make(slug, province, "heping")
    _user, web, api = login(province, "staff@heping")

    # Then no door shows it to them
    assert listed(web.get(f"/ledgers/{slug}/"), slug) == []
    assert api.get(f"/api/v1/ledgers/{slug}/").json()["results"] == []
    assert web.get(f"/ledgers/{slug}/{record.pk}/").status_code == 404
    assert api.get(f"/api/v1/ledgers/{slug}/{record.pk}/").status_code == 404
    assert api.get(f"/api/v1/ledgers/{slug}/{record.pk}/history/").status_code == 404


@pytest.mark.parametrize("slug", ["interference", "approvals", "reports", "relatives"])
def test_staff_see_their_own_records_but_not_a_colleagues(province, slug):
    own = make(slug, province, "heping")
    colleague = make(slug, province, "heping_criminal")  # same court, another judge
    _user, web, api = login(province, "staff@heping")

    assert listed(web.get(f"/ledgers/{slug}/"), slug) == [own.pk]
    assert [row["id"] for row in api.get(f"/api/v1/ledgers/{slug}/").json()["results"]] == [own.pk]
    assert web.get(f"/ledgers/{slug}/{colleague.pk}/").status_code == 404
    assert api.get(f"/api/v1/ledgers/{slug}/{own.pk}/").status_code == 200


def test_staff_record_their_own_inquiry_through_the_api(province):
    # Given a staff member who names another court and judge in their request
    user, _web, api = login(province, "staff@heping")
    data = {
        "court": province.courts["dalian"].pk,
        "staff": province.staff["dalian"].pk,
        "case_number": "（2025）辽0102民初1号",
        "interferer_kind": "other",
        "interferer_name": "张三",
        "occurred_on": "2025年3月5日",
        "method": "phone",
        "content": "请托",
    }

    # When they post the inquiry
    response = api.post("/api/v1/ledgers/interference/", data, format="json")

    # Then it is recorded about themselves
    assert response.status_code == 201, response.content
    record = InterferenceRecord.objects.get()
    assert record.staff == province.staff["heping"]
    assert record.court == province.courts["heping"]
    assert record.entered_by == user


def test_staff_record_their_own_inquiry_with_a_form_encoded_body(province):
    _user, _web, api = login(province, "staff@heping")
    data = {
        "case_number": "(2025)辽0102民初1号",
        "interferer_kind": "other",
        "interferer_name": "张三",
        "occurred_on": "2025-03-05",
        "method": "phone",
        "content": "请托",
    }

    response = api.post("/api/v1/ledgers/interference/", data, format="multipart")

    assert response.status_code == 201, response.content
    assert InterferenceRecord.objects.get().staff == province.staff["heping"]


def test_a_record_cannot_be_moved_out_of_scope(province):
    # Given an officer of 和平 and a record of 和平
    record = make("interference", province, "heping")
    _user, _web, api = login(province, "officer@heping")

    # When they move it to 大连
    response = api.patch(
        f"/api/v1/ledgers/interference/{record.pk}/",
        {
            "version": 1,
            "court": province.courts["dalian"].pk,
            "department": province.departments["dalian"].pk,
            "staff": province.staff["dalian"].pk,
        },
        format="json",
    )

    # Then it is refused and nothing changes, not even the version
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.court == province.courts["heping"]
    assert record.version == 1


def test_a_record_cannot_be_created_out_of_scope(province):
    _user, web, api = login(province, "officer@heping")
    data = {
        name: getattr(value, "pk", value)
        for name, value in ledger_fields("interference", province, "dalian").items()
    }
    data["occurred_on"] = "2025-03-05"

    response = api.post("/api/v1/ledgers/interference/", data, format="json")
    page = web.post("/ledgers/interference/new/", data)

    assert response.status_code == 400
    assert "staff" in response.json()["error"]["fields"]
    assert page.status_code == 200
    assert "court" in page.context["form"].errors
    assert not InterferenceRecord.objects.exists()
    assert not AuditEvent.objects.filter(action="ledgers.interferencerecord.create").exists()


@pytest.mark.parametrize("slug", ["approvals", "reports"])
def test_staff_ask_for_approval_and_report_contact_through_the_page(province, slug):
    # Given a staff member; the form asks only what they fill in about themselves
    user, web, _api = login(province, "staff@heping")
    form = web.get(f"/ledgers/{slug}/new/")
    assert 'name="staff"' not in form.text
    assert 'name="court"' not in form.text

    # When they submit it, naming someone else's court in the request
    data = {
        "counterpart_type": "lawyer",
        "counterpart_name": "赵律师",
        "case_number": "（2025）辽0102民初1号",
        "planned_on": "2025年3月5日",
        "contact_on": "2025年3月5日",
        "place": "某茶馆",
        "purpose": "同学聚会",
        "circumstances": "偶遇",
        "court": province.courts["dalian"].pk,
    }
    response = web.post(f"/ledgers/{slug}/new/", data)

    # Then the record is about themselves, entered by them
    record = model_of(slug).objects.get()
    assert response.status_code == 302
    assert record.staff == province.staff["heping"]
    assert record.court == province.courts["heping"]
    assert record.entered_by == user


def test_staff_cannot_enter_a_disciplinary_case(province):
    _user, web, api = login(province, "staff@heping")
    data = {
        name: getattr(value, "pk", value)
        for name, value in ledger_fields("contacts", province).items()
    }
    data["occurred_on"] = "2025-03-05"

    assert web.get("/ledgers/contacts/new/").status_code == 404
    assert api.post("/api/v1/ledgers/contacts/", data, format="json").status_code == 403
    assert not model_of("contacts").objects.exists()


def test_staff_cannot_void_their_own_record(province):
    record = make("interference", province, "heping")
    _user, web, api = login(province, "staff@heping")

    page = web.post(f"/ledgers/interference/{record.pk}/void/", {"version": 1, "reason": "x"})
    response = api.post(
        f"/api/v1/ledgers/interference/{record.pk}/void/", {"version": 1, "reason": "x"}
    )

    assert page.status_code == 404
    assert response.status_code == 403
    record.refresh_from_db()
    assert not record.is_void


def test_a_leader_reads_but_does_not_edit(province):
    record = make("relatives", province, "heping")
    _user, web, api = login(province, "leader@shenyang+below")

    assert web.get(f"/ledgers/relatives/{record.pk}/").status_code == 200
    assert web.get(f"/ledgers/relatives/{record.pk}/edit/").status_code == 404
    response = api.patch(f"/api/v1/ledgers/relatives/{record.pk}/", {"version": 1, "notes": "x"})
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.notes == ""


def test_a_chief_sees_their_own_department_only(province):
    civil = make("approvals", province, "heping")
    criminal = make("approvals", province, "heping_criminal")
    _user, web, api = login(province, "chief@heping-civil")

    assert listed(web.get("/ledgers/approvals/"), "approvals") == [civil.pk]
    # even when filtering explicitly on the other department
    other = {"department": province.departments["heping_criminal"].pk}
    assert civil.pk not in listed(web.get("/ledgers/approvals/", other), "approvals")
    listing = api.get("/api/v1/ledgers/approvals/", {"voided": "include"}).json()
    assert [row["id"] for row in listing["results"]] == [civil.pk]
    assert web.get(f"/ledgers/approvals/{criminal.pk}/").status_code == 404
    assert api.get(f"/api/v1/ledgers/approvals/{criminal.pk}/").status_code == 404


def test_an_out_of_scope_attempt_is_audited(province):
    # Given a record at 大连 and an officer of 和平
    record = make("relatives", province, "dalian")
    user, web, api = login(province, "officer@heping")
    missing = record.pk + 1000

    # When the officer tries the detail page and the API, and a missing id
    web.get(f"/ledgers/relatives/{record.pk}/")
    api.get(f"/api/v1/ledgers/relatives/{record.pk}/")
    web.get(f"/ledgers/relatives/{missing}/")

    # Then both attempts on the existing record are recorded, and nothing for the missing id
    denied = AuditEvent.objects.filter(action="access.denied").order_by("seq")
    assert [(e.actor_id, e.object_type, e.object_id) for e in denied] == [
        (user.pk, "ledgers.relativepractice", str(record.pk)),
        (user.pk, "ledgers.relativepractice", str(record.pk)),
    ]
    assert denied.first().court == province.courts["dalian"]


def test_a_chief_decides_contact_approvals_of_their_department_only(province):
    # Given requests for approval in the chief's division and in another one
    civil = make("approvals", province, "heping")
    criminal = make("approvals", province, "heping_criminal")
    _user, _web, api = login(province, "chief@heping-civil")
    approve = {"version": 1, "target": "approved", "decided_on": "2025-03-01"}

    # When the chief approves both
    mine = api.post(f"/api/v1/ledgers/approvals/{civil.pk}/transition/", approve)
    other = api.post(f"/api/v1/ledgers/approvals/{criminal.pk}/transition/", approve)

    # Then only their own division's request is decided
    assert mine.status_code == 200, mine.content
    assert other.status_code == 404
    civil.refresh_from_db()
    criminal.refresh_from_db()
    assert civil.status == "approved"
    assert criminal.status == "requested"


def test_staff_withdraw_but_do_not_approve_their_own_request(province):
    record = make("approvals", province, "heping")
    _user, web, api = login(province, "staff@heping")

    approve = api.post(
        f"/api/v1/ledgers/approvals/{record.pk}/transition/",
        {"version": 1, "target": "approved", "decided_on": "2025-03-01"},
    )
    detail = web.get(f"/ledgers/approvals/{record.pk}/")
    withdraw = web.post(f"/ledgers/approvals/{record.pk}/step/withdrawn/", {"version": 1})

    assert approve.status_code == 403
    assert f"/ledgers/approvals/{record.pk}/step/approved/" not in detail.text
    assert f"/ledgers/approvals/{record.pk}/step/withdrawn/" in detail.text
    assert withdraw.status_code == 302
    record.refresh_from_db()
    assert record.status == "withdrawn"


def test_staff_cannot_correct_their_record_once_the_office_took_it_up(province):
    # Given an inquiry the staff member recorded, screened since by the office
    _user, web, api = login(province, "staff@heping")
    record = make("interference", province, "heping")
    services.ledger_transition(
        actor=None,
        record=record,
        version=1,
        target="screened",
        fields={"nature": "within_duty", "screened_on": record.occurred_on},
    )

    # When they try to change it through the API and the page
    response = api.patch(
        f"/api/v1/ledgers/interference/{record.pk}/", {"version": 2, "content": "改"}
    )
    form = web.get(f"/ledgers/interference/{record.pk}/edit/").context["form"]
    page = web.post(f"/ledgers/interference/{record.pk}/edit/", bound_data(form, content="改"))

    # Then it is refused and unchanged
    assert response.status_code == 400
    assert page.status_code == 200
    assert page.context["form"].non_field_errors()
    record.refresh_from_db()
    assert record.content == "打听案情"
    assert record.version == 2
