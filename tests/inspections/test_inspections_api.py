"""The API of inspections and findings (/api/v1/inspections/, /api/v1/findings/): scoped
lists and details (out of scope is 404), create and update with a version (409 when stale),
transitions, void, report with evidence, close and return, counts, the look-back checks, and a
fixed number of queries per list."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from inspections.models import Finding, Inspection, LookBackCheck, TeamMember

from .inspection_builders import PDF, days, make_finding, make_inspection, today, visitor

pytestmark = pytest.mark.django_db


def api_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)  # each request loads its user and scope, as in production
    return client


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(root)}},
    }
    return root


@pytest.fixture
def member(province):
    return visitor(province)


@pytest.fixture
def inspection(province, logins, member):
    return make_inspection(
        logins.supervisor,
        province,
        team=[
            (logins.supervisor, TeamMember.Function.LEADER),
            (member, TeamMember.Function.MEMBER),
        ],
    )


@pytest.fixture
def finding(province, logins, inspection):
    return make_finding(logins.supervisor, inspection, province)


@pytest.mark.parametrize(
    ("who", "sees_inspection", "sees_finding"),
    [
        ("supervisor", True, True),
        ("member", True, True),
        ("officer", False, True),
        ("chief", False, True),
        ("staff", False, True),
        ("outsider", False, False),
    ],
)
def test_access_matrix(logins, member, inspection, finding, who, sees_inspection, sees_finding):
    api = api_for(member if who == "member" else getattr(logins, who))
    assert api.get(f"/api/v1/inspections/{inspection.pk}/").status_code == (
        200 if sees_inspection else 404
    )
    ids = [row["id"] for row in api.get("/api/v1/inspections/").json()["results"]]
    assert ids == ([inspection.pk] if sees_inspection else [])
    assert api.get(f"/api/v1/findings/{finding.pk}/").status_code == (200 if sees_finding else 404)
    ids = [row["id"] for row in api.get("/api/v1/findings/").json()["results"]]
    assert ids == ([finding.pk] if sees_finding else [])


def test_create_update_stale_transition_void(province, logins, member):
    api = api_for(logins.supervisor)
    response = api.post(
        "/api/v1/inspections/",
        {
            "court": province.courts["high"].pk,
            "number": "辽高法督〔2026〕9号",
            "title": "机动式督察",
            "kind": "unannounced",
            "starts_on": days(0).isoformat(),
            "ends_on": "2099年1月1日",
            "scope": "执行",
            "targets": [{"court": province.courts["heping"].pk}],
            "team": [
                {"user": logins.supervisor.pk, "function": "leader"},
                {"user": member.pk},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "planned"
    assert body["counts"]["found"] == 0
    assert {m["user"] for m in body["team"]} == {logins.supervisor.pk, member.pk}
    pk, version = body["id"], body["version"]
    response = api.patch(
        f"/api/v1/inspections/{pk}/", {"version": version, "title": "改"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["title"] == "改"
    response = api.patch(
        f"/api/v1/inspections/{pk}/", {"version": version, "title": "旧"}, format="json"
    )
    assert response.status_code == 409
    assert Inspection.objects.get(pk=pk).title == "改"
    version = response = api.get(f"/api/v1/inspections/{pk}/").json()["version"]
    response = api.post(
        f"/api/v1/inspections/{pk}/transition/",
        {"version": version, "target": "closed"},
        format="json",
    )
    assert response.status_code == 400
    response = api.post(
        f"/api/v1/inspections/{pk}/transition/",
        {"version": version, "target": "in_progress"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"
    response = api.post(
        f"/api/v1/inspections/{pk}/void/",
        {"version": response.json()["version"], "reason": "误建"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["is_void"] is True


def test_others_cannot_create(province, logins):
    response = api_for(logins.officer).post(
        "/api/v1/inspections/",
        {
            "court": province.courts["heping"].pk,
            "title": "x",
            "kind": "routine",
            "starts_on": "2026-01-01",
            "ends_on": "2026-01-02",
            "scope": "x",
            "targets": [{"court": province.courts["heping"].pk}],
            "team": [{"user": logins.officer.pk, "function": "leader"}],
        },
        format="json",
    )
    assert response.status_code in (400, 403)
    assert not Inspection.objects.exists()


def test_finding_cycle_through_the_api(province, logins, member, inspection, media):
    # The visiting member enters a finding
    response = api_for(member).post(
        "/api/v1/findings/",
        {
            "inspection": inspection.pk,
            "court": province.courts["heping"].pk,
            "department": province.departments["heping"].pk,
            "responsible_staff": province.staff["heping"].pk,
            "category": "integrity",
            "severity": "major",
            "description": "收受礼品",
            "rectification_required": "退还并说明",
            "deadline": days(-1).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    finding = response.json()
    assert finding["sequence"] == 1
    pk = finding["id"]
    # The chief reports with evidence (multipart)
    chief = api_for(logins.chief)
    response = chief.post(
        f"/api/v1/findings/{pk}/report/",
        {
            "version": finding["version"],
            "measures": "已退还",
            "completed_on": today().isoformat(),
            "files": [SimpleUploadedFile("退还凭证.pdf", PDF)],
        },
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "reported"
    assert body["reports"][0]["evidence"][0]["mime_type"] == "application/pdf"
    # A wrong file is refused
    response = chief.post(
        f"/api/v1/findings/{pk}/evidence/",
        {"file": SimpleUploadedFile("x.pdf", b"GIF89a" + b"\x00" * 40)},
        format="multipart",
    )
    assert response.status_code == 400
    # The counts
    counts = api_for(logins.supervisor).get(f"/api/v1/inspections/{inspection.pk}/counts/").json()
    assert counts == {"found": 1, "rectified": 0, "overdue": 1, "returned": 0}
    # Return without a reason: 400; with: returned; stale: 409
    sup = api_for(logins.supervisor)
    version = body["version"]
    assert (
        sup.post(f"/api/v1/findings/{pk}/return/", {"version": version, "reason": ""}).status_code
        == 400
    )
    response = sup.post(f"/api/v1/findings/{pk}/return/", {"version": version, "reason": "不完整"})
    assert response.status_code == 200
    assert response.json()["times_returned"] == 1
    returned_version = response.json()["version"]
    # The unit cannot close (and closing needs a report first)
    assert chief.post(
        f"/api/v1/findings/{pk}/close/", {"version": returned_version}
    ).status_code in (400, 403)
    # The unit reports again; a close based on an older version is refused with 409
    response = chief.post(
        f"/api/v1/findings/{pk}/report/",
        {"version": returned_version, "measures": "补充说明", "completed_on": today().isoformat()},
        format="multipart",
    )
    assert response.status_code == 200
    assert (
        sup.post(f"/api/v1/findings/{pk}/close/", {"version": returned_version}).status_code == 409
    )
    assert Finding.objects.get(pk=pk).status == "reported"
    response = sup.post(f"/api/v1/findings/{pk}/close/", {"version": response.json()["version"]})
    assert response.status_code == 200
    assert response.json()["status"] == "closed"


def test_look_back_through_the_api(province, logins):
    earlier = make_inspection(logins.supervisor, province, starts=days(-60), ends=days(-50))
    old = make_finding(logins.supervisor, earlier, province)
    look_back = make_inspection(logins.supervisor, province, kind="look_back", title="回头看")
    api = api_for(logins.supervisor)
    rows = api.get(f"/api/v1/inspections/{look_back.pk}/look-back/").json()
    assert [r["finding"] for r in rows] == [old.pk]
    assert rows[0]["result"] is None
    response = api.post(
        f"/api/v1/inspections/{look_back.pk}/look-back/",
        {"finding": old.pk, "result": "held"},
        format="json",
    )
    assert response.status_code == 200
    assert LookBackCheck.objects.get().result == "held"
    rows = api.get(f"/api/v1/inspections/{look_back.pk}/look-back/").json()
    assert rows[0]["result"] == "held"
    assert api.get(f"/api/v1/inspections/{earlier.pk}/look-back/").status_code == 404


def test_lists_cost_a_fixed_number_of_queries(province, logins, django_assert_num_queries):
    def fill(n):
        for i in range(n):
            inspection = make_inspection(logins.supervisor, province, title=f"巡查{i}")
            make_finding(logins.supervisor, inspection, province)

    fill(2)
    api = api_for(logins.supervisor)
    # session, user, grants, subtree, the page with its counts
    with django_assert_num_queries(5):
        assert len(api.get("/api/v1/inspections/").json()["results"]) == 2
    fill(3)
    with django_assert_num_queries(5):
        assert len(api.get("/api/v1/inspections/").json()["results"]) == 5
    with django_assert_num_queries(5):
        assert len(api.get("/api/v1/findings/").json()["results"]) == 5
