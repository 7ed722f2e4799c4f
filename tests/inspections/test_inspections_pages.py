"""The inspection pages (issue 5, items 1–3): the access matrix (out of scope answers exactly
like not found), planning with targets and team, the notice, the findings, reporting with
evidence, verifying and returning (a stale version and a missing reason are form errors), the
responsible unit's own list, the look-back page, and a fixed number of queries per list."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections.models import Finding, Inspection, LookBackCheck, TeamMember

from .inspection_builders import PDF, days, make_finding, make_inspection, report, today, visitor

pytestmark = pytest.mark.django_db


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


def url(name: str, *args) -> str:
    return reverse(f"inspections:{name}", args=args)


# --- the access matrix -----------------------------------------------------------------------
INSPECTION_PAGES = ["inspection-detail", "inspection-notice"]


@pytest.mark.parametrize(
    ("who", "sees_inspection", "sees_finding"),
    [
        ("supervisor", True, True),
        ("member", True, True),  # by object grant, and the target by temporary assignment
        ("officer", False, True),  # 和平's officer: the finding is theirs, the inspection not
        ("chief", False, True),
        ("vice", False, True),
        ("staff", False, True),  # the responsible person
        ("leader", False, True),  # 沈阳 covers 和平, not the high court
        ("discipline", False, True),
        ("outsider", False, False),
    ],
)
def test_access_matrix(
    client, logins, member, inspection, finding, who, sees_inspection, sees_finding
):
    user = member if who == "member" else getattr(logins, who)
    client.force_login(user)
    for name in INSPECTION_PAGES:
        assert client.get(url(name, inspection.pk)).status_code == (200 if sees_inspection else 404)
    assert client.get(url("finding-detail", finding.pk)).status_code == (
        200 if sees_finding else 404
    )
    # a missing one answers alike
    assert client.get(url("inspection-detail", 999999)).status_code == 404
    assert client.get(url("finding-detail", 999999)).status_code == 404


@pytest.mark.parametrize("who", ["officer", "chief", "staff", "outsider", "leader"])
def test_only_supervision_staff_plan_and_edit(client, logins, inspection, who):
    client.force_login(getattr(logins, who))
    assert client.get(url("inspection-create")).status_code == 404
    assert client.get(url("inspection-edit", inspection.pk)).status_code == 404


# --- planning, editing, the notice -----------------------------------------------------------
def test_plan_an_inspection_with_targets_and_team(client, province, logins, member):
    client.force_login(logins.supervisor)
    assert client.get(url("inspection-create")).status_code == 200
    response = client.post(
        url("inspection-create"),
        {
            "court": province.courts["high"].pk,
            "number": "辽高法督〔2026〕7号",
            "title": "专项督察",
            "kind": "special",
            "starts_on": f"{days(-1).year}年{days(-1).month}月{days(-1).day}日",
            "ends_on": days(10).isoformat(),
            "scope": "执行案款管理",
            "target_courts": [province.courts["shenhe"].pk],
            "target_departments": [province.departments["heping"].pk],
            "team_leader": "supervisor",
            "team_members": "visitor",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    inspection = Inspection.objects.get(title="专项督察")
    assert {(t.court_id, t.department_id) for t in inspection.targets.all()} == {
        (province.courts["shenhe"].pk, None),
        (province.courts["heping"].pk, province.departments["heping"].pk),
    }
    assert {(m.user_id, m.function) for m in inspection.team.all()} == {
        (logins.supervisor.pk, "leader"),
        (member.pk, "member"),
    }


def test_unknown_login_is_a_form_error(client, province, logins):
    client.force_login(logins.supervisor)
    response = client.post(
        url("inspection-create"),
        {
            "court": province.courts["high"].pk,
            "title": "x",
            "kind": "routine",
            "starts_on": "2026-01-01",
            "ends_on": "2026-01-31",
            "scope": "x",
            "target_courts": [province.courts["shenhe"].pk],
            "team_leader": "nobody-such",
        },
    )
    assert response.status_code == 200
    assert not Inspection.objects.exists()


def test_edit_with_a_stale_version_is_a_form_error(client, logins, inspection):
    client.force_login(logins.supervisor)
    data = {
        "version": inspection.version - 1,
        "court": inspection.court_id,
        "title": "改过的标题",
        "kind": inspection.kind,
        "starts_on": inspection.starts_on.isoformat(),
        "ends_on": inspection.ends_on.isoformat(),
        "scope": inspection.scope,
        "target_courts": [t.court_id for t in inspection.targets.all()],
        "team_leader": "supervisor",
        "team_members": "visitor",
    }
    response = client.post(url("inspection-edit", inspection.pk), data)
    assert response.status_code == 200
    assert Inspection.objects.get(pk=inspection.pk).title != "改过的标题"
    data["version"] = inspection.version
    assert client.post(url("inspection-edit", inspection.pk), data).status_code == 302
    assert Inspection.objects.get(pk=inspection.pk).title == "改过的标题"


def test_notice_is_printable_and_names_everything(client, province, logins, member, inspection):
    client.force_login(logins.supervisor)
    html = client.get(url("inspection-notice", inspection.pk)).content.decode()
    assert "data-print" in html  # the print button (static/js/qinglian.js)
    assert '<article class="notice">' in html  # printed on A4 by qinglian.css (@page notice)
    for text in (
        inspection.number,
        inspection.title,
        inspection.scope,
        province.courts["heping"].name,
        province.courts["high"].name,
        "巡查员",
    ):
        assert text in html


def test_detail_shows_counts_and_findings(client, logins, inspection, finding):
    client.force_login(logins.supervisor)
    response = client.get(url("inspection-detail", inspection.pk))
    assert response.context["counts"] == {"found": 1, "rectified": 0, "overdue": 0, "returned": 0}
    assert [f.pk for f in response.context["findings"]] == [finding.pk]


def test_status_step_and_void_from_the_page(client, logins, inspection):
    client.force_login(logins.supervisor)
    response = client.post(
        url("inspection-transition", inspection.pk),
        {"version": inspection.version, "target": "rectifying"},
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.status == "rectifying"
    response = client.post(url("inspection-void", inspection.pk), {"version": inspection.version})
    assert response.status_code == 400  # the reason is required
    response = client.post(
        url("inspection-void", inspection.pk), {"version": inspection.version, "reason": "重复"}
    )
    assert response.status_code == 302
    assert Inspection.objects.get(pk=inspection.pk).is_void


# --- findings and rectification --------------------------------------------------------------
def test_team_member_enters_a_finding(client, province, member, inspection):
    client.force_login(member)
    assert client.get(url("finding-create", inspection.pk)).status_code == 200
    response = client.post(
        url("finding-create", inspection.pk),
        {
            "court": province.courts["heping"].pk,
            "department": province.departments["heping"].pk,
            "responsible_staff": province.staff["heping"].pk,
            "category": "work_style",
            "severity": "serious",
            "description": "庭审迟到",
            "rectification_required": "建立考勤制度",
            "deadline": days(20).isoformat(),
        },
    )
    assert response.status_code == 302
    assert Finding.objects.get().entered_by == member


def test_report_with_evidence_then_verify(client, logins, finding, media):
    client.force_login(logins.chief)
    response = client.post(
        url("rectification-report", finding.pk),
        {
            "version": finding.version,
            "measures": "已补登记并培训",
            "completed_on": today().isoformat(),
            "file": SimpleUploadedFile("整改.pdf", PDF),
            "description": "台账",
        },
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == "reported"
    attachment = finding.reports.get().__class__.objects.get().finding.reports.get()
    page = client.get(url("finding-detail", finding.pk))
    evidence = page.context["reports"][0].evidence[0]
    # the unit and the inspectors download it; others get a 404
    assert client.get(url("rectification-evidence", finding.pk, evidence.pk)).status_code == 200
    client.force_login(logins.outsider)
    assert client.get(url("rectification-evidence", finding.pk, evidence.pk)).status_code == 404
    assert attachment is not None
    # the inspector: a return without a reason is a form error; a stale close too
    client.force_login(logins.supervisor)
    response = client.post(
        url("rectification-return", finding.pk), {"version": finding.version, "reason": ""}
    )
    assert response.status_code == 400
    response = client.post(url("rectification-close", finding.pk), {"version": finding.version - 1})
    assert response.status_code == 400
    assert Finding.objects.get(pk=finding.pk).status == "reported"
    response = client.post(url("rectification-close", finding.pk), {"version": finding.version})
    assert response.status_code == 302
    assert Finding.objects.get(pk=finding.pk).status == "closed"


def test_a_refused_evidence_file_changes_nothing(client, logins, finding, media):
    client.force_login(logins.chief)
    response = client.post(
        url("rectification-report", finding.pk),
        {
            "version": finding.version,
            "measures": "已整改",
            "completed_on": today().isoformat(),
            "file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00" + b"\x00" * 60),
        },
    )
    assert response.status_code == 400
    assert Finding.objects.get(pk=finding.pk).status == "open"


def test_the_unit_cannot_verify_from_the_page(client, logins, finding):
    finding = report(logins.chief, finding)
    client.force_login(logins.chief)
    response = client.post(url("rectification-close", finding.pk), {"version": finding.version})
    assert response.status_code == 400
    assert Finding.objects.get(pk=finding.pk).status == "reported"


def test_my_items_lists_the_units_open_items(client, province, logins, inspection, finding):
    closed = report(logins.chief, make_finding(logins.supervisor, inspection, province))
    from inspections.services import inspections as services

    services.finding_close(actor=logins.supervisor, finding=closed, version=closed.version)
    for who, expected in (("chief", [finding.pk]), ("staff", [finding.pk]), ("outsider", [])):
        client.force_login(getattr(logins, who))
        response = client.get(url("finding-mine"))
        assert [f.pk for f in response.context["page"].rows] == expected


def test_look_back_page_lists_and_records(client, province, logins):
    earlier = make_inspection(logins.supervisor, province, starts=days(-100), ends=days(-90))
    old = make_finding(logins.supervisor, earlier, province)
    look_back = make_inspection(
        logins.supervisor, province, kind=Inspection.Kind.LOOK_BACK, title="回头看"
    )
    client.force_login(logins.supervisor)
    response = client.get(url("inspection-look-back", look_back.pk))
    assert [row["finding"].pk for row in response.context["rows"]] == [old.pk]
    response = client.post(
        url("inspection-look-back", look_back.pk),
        {"finding": old.pk, "result": "unfinished", "note": "未完成"},
    )
    assert response.status_code == 302
    assert LookBackCheck.objects.get().result == "unfinished"
    # a routine inspection has no look-back page
    assert client.get(url("inspection-look-back", earlier.pk)).status_code == 404


# --- query counts ----------------------------------------------------------------------------
def _fill(province, logins, n: int) -> None:
    for i in range(n):
        inspection = make_inspection(logins.supervisor, province, title=f"巡查{i}")
        make_finding(logins.supervisor, inspection, province)


def test_list_pages_cost_a_fixed_number_of_queries(
    client, province, logins, django_assert_num_queries
):
    _fill(province, logins, 2)
    client.force_login(logins.supervisor)
    client.get(url("inspection-list"))
    # session, user, grants, subtree, the page with its counts, notifications, staff, courts
    with django_assert_num_queries(8) as few:
        client.get(url("inspection-list"))
    _fill(province, logins, 4)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(url("inspection-list")).context["page"].rows) == 6
    client.force_login(logins.chief)
    with django_assert_num_queries(6) as mine:
        client.get(url("finding-mine"))
    _fill(province, logins, 3)
    with django_assert_num_queries(len(mine.captured_queries)):
        assert len(client.get(url("finding-mine")).context["page"].rows) == 9


def test_admin_is_read_only_and_scoped(client, province, logins, inspection, finding):
    # The admin is the officers' and administrators' tool: 和平's officer sees the finding of
    # their court, read-only; 大连's officer does not.
    client.force_login(logins.officer)
    assert client.get("/admin/inspections/finding/").status_code == 200
    assert client.get(f"/admin/inspections/finding/{finding.pk}/change/").status_code == 200
    assert client.get("/admin/inspections/finding/add/").status_code == 403
    client.force_login(logins.outsider)
    response = client.get(f"/admin/inspections/finding/{finding.pk}/change/")
    assert response.status_code in (302, 404)
