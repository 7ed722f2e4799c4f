"""The public complaint channel (issue 5 item 7), the officer side: who sees complaints (scope,
404 out of scope), the reporter's identity only for the discipline team and named grantees on
the pages, in the API and in the admin, each view audited; matching the staff member (a
complaint about a court leader is then hidden from that leader and routed to the discipline
team); the status transitions with the version check; fixed query counts on the lists."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.cache import cache
from rest_framework.test import APIClient

from inspections.models import Clue, Complaint, Referral, Reporter
from inspections.services import complaints as services
from integrity.audit.models import AuditEvent

from ..factories import StaffMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

REPORTER_NAME = "举报人李四"
REPORTER_PHONE = "13912345678"
ROLES = ("supervisor", "officer", "chief", "leader", "vice", "discipline", "staff", "outsider")
SEE_COMPLAINT = {"officer", "leader", "vice", "discipline"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def make_complaint(province, court="heping", **fields):
    complaint, _code = services.complaint_submit(
        fields={
            "court": province.courts[court],
            "subject_name": "王某",
            "account": "接受当事人宴请。",
            **fields,
        },
        contact={"name": REPORTER_NAME, "phone": REPORTER_PHONE, "relation": "当事人"},
    )
    return complaint


@pytest.fixture
def complaint(province):
    return make_complaint(province)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def views_of_reporter() -> int:
    return AuditEvent.objects.filter(action="inspections.reporter.view").count()


# --- who sees the complaint ------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_complaints_are_seen_by_officers_leaders_and_discipline_of_the_court(
    client, logins, complaint, role
):
    user = getattr(logins, role)
    client.force_login(user)
    expected = 200 if role in SEE_COMPLAINT else 404
    assert client.get(f"/inspections/complaints/{complaint.pk}/").status_code == expected
    assert api(user).get(f"/api/v1/complaints/{complaint.pk}/").status_code == expected
    listed = api(user).get("/api/v1/complaints/").json()
    ids = [row["id"] for row in listed.get("results", [])]
    assert (complaint.pk in ids) == (role in SEE_COMPLAINT)


def test_the_page_links_the_complaint_to_its_clue(client, logins, complaint):
    client.force_login(logins.officer)
    page = client.get(f"/inspections/complaints/{complaint.pk}/").content.decode()
    assert f"/inspections/clues/{complaint.clue_id}/" in page


def test_out_of_scope_is_the_same_404_as_missing(client, logins, complaint):
    client.force_login(logins.outsider)
    missing = client.get("/inspections/complaints/999999/")
    hidden = client.get(f"/inspections/complaints/{complaint.pk}/")
    assert missing.status_code == hidden.status_code == 404
    for path in ("", "messages/", "reporter/"):
        assert (
            api(logins.outsider).get(f"/api/v1/complaints/{complaint.pk}/{path}").status_code == 404
        )


# --- the reporter's identity -----------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_reporter_is_invisible_to_every_role_but_discipline(client, logins, complaint, role):
    user = getattr(logins, role)
    client.force_login(user)
    allowed = role == "discipline"
    page = client.get(f"/inspections/complaints/{complaint.pk}/")
    assert REPORTER_NAME not in page.content.decode()  # never on the page by default
    shown = client.post(f"/inspections/complaints/{complaint.pk}/reporter/")
    assert shown.status_code == (200 if allowed else 404)
    assert (REPORTER_NAME in shown.content.decode()) == allowed
    detail = api(user).get(f"/api/v1/complaints/{complaint.pk}/")
    assert REPORTER_NAME not in detail.content.decode()
    assert REPORTER_PHONE not in detail.content.decode()
    answer = api(user).get(f"/api/v1/complaints/{complaint.pk}/reporter/")
    assert answer.status_code == (200 if allowed else 404)
    if allowed:
        assert answer.json()["name"] == REPORTER_NAME
        assert answer.json()["anonymous"] is False
    assert views_of_reporter() == (2 if allowed else 0)


def test_each_view_of_the_reporter_is_audited_without_naming_them(client, logins, complaint):
    client.force_login(logins.discipline)
    client.post(f"/inspections/complaints/{complaint.pk}/reporter/")
    client.post(f"/inspections/complaints/{complaint.pk}/reporter/")
    api(logins.discipline).get(f"/api/v1/complaints/{complaint.pk}/reporter/")
    views = AuditEvent.objects.filter(action="inspections.reporter.view").order_by("seq")
    assert [(v.actor, v.changes["door"]) for v in views] == [
        (logins.discipline, "page"),
        (logins.discipline, "page"),
        (logins.discipline, "api"),
    ]
    assert all(v.object_id == str(complaint.pk) for v in views)
    for event in AuditEvent.objects.all():  # the identity never enters the audit log
        text = f"{event.object_repr} {event.changes} {event.reason}"
        assert REPORTER_NAME not in text
        assert REPORTER_PHONE not in text


def test_the_button_is_offered_only_to_those_allowed(client, logins, complaint):
    client.force_login(logins.officer)
    page = client.get(f"/inspections/complaints/{complaint.pk}/").content.decode()
    assert f"/inspections/complaints/{complaint.pk}/reporter/" not in page
    client.force_login(logins.discipline)
    page = client.get(f"/inspections/complaints/{complaint.pk}/").content.decode()
    assert f"/inspections/complaints/{complaint.pk}/reporter/" in page
    assert REPORTER_NAME not in page  # hidden until asked for
    assert views_of_reporter() == 0


def test_an_anonymous_report_shows_as_anonymous_to_the_discipline_team(logins, province):
    complaint, _code = services.complaint_submit(
        fields={"court": province.courts["heping"], "account": "匿名举报"}
    )
    answer = api(logins.discipline).get(f"/api/v1/complaints/{complaint.pk}/reporter/")
    assert answer.json()["anonymous"] is True
    assert (
        api(logins.officer).get(f"/api/v1/complaints/{complaint.pk}/reporter/").status_code == 404
    )


def test_the_discipline_team_names_a_grantee_and_the_grant_is_audited(client, logins, complaint):
    client.force_login(logins.discipline)
    response = client.post(
        f"/inspections/complaints/{complaint.pk}/grant-reporter/", {"username": "officer"}
    )
    assert response.status_code == 302
    grant = AuditEvent.objects.get(action="inspections.reporter.grant")
    assert grant.actor == logins.discipline
    assert grant.changes["user"] == logins.officer.pk
    answer = api(logins.officer).get(f"/api/v1/complaints/{complaint.pk}/reporter/")
    assert answer.status_code == 200
    assert answer.json()["name"] == REPORTER_NAME
    assert AuditEvent.objects.get(action="inspections.reporter.view").actor == logins.officer
    # Another officer of the same court is still refused.
    other = UserFactory(username="officer2", staff=StaffMemberFactory(court=complaint.court))
    from integrity.access.models import Role

    from ..factories import assign

    assign(other, Role.OFFICER, complaint.court)
    assert api(other).get(f"/api/v1/complaints/{complaint.pk}/reporter/").status_code == 404


def test_a_grantee_outside_the_scope_reaches_the_complaint_and_its_reporter(logins, complaint):
    assert api(logins.outsider).get(f"/api/v1/complaints/{complaint.pk}/").status_code == 404
    answer = api(logins.discipline).post(
        f"/api/v1/complaints/{complaint.pk}/grant-reporter/", {"user": logins.outsider.pk}
    )
    assert answer.status_code == 204
    assert api(logins.outsider).get(f"/api/v1/complaints/{complaint.pk}/").status_code == 200
    assert (
        api(logins.outsider).get(f"/api/v1/complaints/{complaint.pk}/reporter/").status_code == 200
    )


def test_only_the_discipline_team_names_grantees(client, logins, complaint):
    client.force_login(logins.officer)
    response = client.post(
        f"/inspections/complaints/{complaint.pk}/grant-reporter/", {"username": "leader"}
    )
    assert response.status_code == 404
    answer = api(logins.officer).post(
        f"/api/v1/complaints/{complaint.pk}/grant-reporter/", {"user": logins.leader.pk}
    )
    assert answer.status_code == 404
    assert api(logins.leader).get(f"/api/v1/complaints/{complaint.pk}/reporter/").status_code == 404


def test_a_superuser_does_not_see_the_reporter_by_the_flag_alone(complaint):
    root = UserFactory(is_superuser=True, is_staff=True)
    assert api(root).get(f"/api/v1/complaints/{complaint.pk}/").status_code == 200
    assert api(root).get(f"/api/v1/complaints/{complaint.pk}/reporter/").status_code == 404


def test_the_admin_never_shows_the_reporter(client, logins, complaint):
    assert Reporter not in admin.site._registry
    for user in (logins.officer, UserFactory(is_superuser=True, is_staff=True)):
        client.force_login(user)
        page = client.get(f"/admin/inspections/complaint/{complaint.pk}/change/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "王某" in html
        assert REPORTER_NAME not in html
        assert REPORTER_PHONE not in html
        assert complaint.code_hash not in html
        listing = client.get("/admin/inspections/complaint/")
        assert REPORTER_NAME not in listing.content.decode()
    assert client.get("/admin/inspections/reporter/").status_code == 404


def test_the_admin_is_scoped_and_read_only(client, logins, complaint):
    client.force_login(logins.outsider)
    assert client.get(f"/admin/inspections/complaint/{complaint.pk}/change/").status_code in (
        302,
        404,
    )
    client.force_login(logins.officer)
    response = client.post(
        f"/admin/inspections/complaint/{complaint.pk}/change/", {"account": "改写"}
    )
    assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.account == "接受当事人宴请。"


# --- matching the staff member; complaints about a court leader ------------------------------


def test_matching_sets_the_subject_on_the_complaint_and_its_clue(logins, complaint, province):
    judge = province.staff["heping"]
    answer = api(logins.officer).post(
        f"/api/v1/complaints/{complaint.pk}/match/", {"version": 1, "subject": judge.pk}
    )
    assert answer.status_code == 200, answer.content
    complaint.refresh_from_db()
    assert complaint.subject == judge
    assert not complaint.about_leader
    assert complaint.clue.subject == judge
    assert not complaint.clue.about_leader
    assert AuditEvent.objects.filter(action="inspections.complaint.match").exists()


def test_a_staff_member_of_another_court_cannot_be_matched(logins, complaint, province):
    answer = api(logins.officer).post(
        f"/api/v1/complaints/{complaint.pk}/match/",
        {"version": 1, "subject": province.staff["dalian"].pk},
    )
    assert answer.status_code == 400
    complaint.refresh_from_db()
    assert complaint.subject is None
    assert complaint.version == 1


def test_a_complaint_about_a_leader_once_matched_is_hidden_from_that_leader(
    client, logins, complaint
):
    vice = logins.vice
    assert api(vice).get(f"/api/v1/complaints/{complaint.pk}/").status_code == 200
    client.force_login(logins.officer)
    response = client.post(
        f"/inspections/complaints/{complaint.pk}/match/",
        {"version": 1, "subject": vice.staff_id},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.about_leader
    assert complaint.clue.about_leader
    # Routed to the discipline team at once.
    assert Referral.objects.filter(clue=complaint.clue).exists()
    assert Clue.objects.get(pk=complaint.clue_id).status == Clue.Status.REFERRED
    # Hidden from the leader (and from the officer of that court below them): list, detail, API.
    for user in (vice, logins.officer):
        client.force_login(user)
        assert client.get(f"/inspections/complaints/{complaint.pk}/").status_code == 404
        assert complaint.locator not in client.get("/inspections/complaints/").content.decode()
        assert api(user).get(f"/api/v1/complaints/{complaint.pk}/").status_code == 404
        assert api(user).get(f"/api/v1/clues/{complaint.clue_id}/").status_code == 404
    # Still with the discipline team and the court above.
    for user in (logins.discipline, logins.leader):
        assert api(user).get(f"/api/v1/complaints/{complaint.pk}/").status_code == 200


# --- status and replies ----------------------------------------------------------------------

S = Complaint.Status
ALLOWED = {
    (S.RECEIVED, S.HANDLING),
    (S.RECEIVED, S.CLOSED),
    (S.HANDLING, S.ANSWERED),
    (S.HANDLING, S.CLOSED),
    (S.ANSWERED, S.HANDLING),
    (S.ANSWERED, S.CLOSED),
}


@pytest.mark.parametrize("start", S.values)
@pytest.mark.parametrize("target", S.values)
def test_status_transitions(logins, province, start, target):
    complaint = make_complaint(province)
    Complaint.objects.filter(pk=complaint.pk).update(status=start)
    complaint.refresh_from_db()
    answer = api(logins.officer).post(
        f"/api/v1/complaints/{complaint.pk}/status/", {"version": 1, "status": target}
    )
    if (start, target) in ALLOWED:
        assert answer.status_code == 200
        assert answer.json()["status"] == target
        assert answer.json()["version"] == 2
    else:
        assert answer.status_code == 400
        complaint.refresh_from_db()
        assert complaint.status == start
        assert complaint.version == 1


def test_a_stale_status_change_is_refused_with_409_and_nothing_written(logins, complaint):
    client = api(logins.officer)
    assert (
        client.post(
            f"/api/v1/complaints/{complaint.pk}/status/", {"version": 1, "status": "handling"}
        ).status_code
        == 200
    )
    events = AuditEvent.objects.count()
    stale = client.post(
        f"/api/v1/complaints/{complaint.pk}/status/", {"version": 1, "status": "answered"}
    )
    assert stale.status_code == 409
    complaint.refresh_from_db()
    assert complaint.status == "handling"
    assert complaint.version == 2
    assert AuditEvent.objects.count() == events


def test_a_stale_status_change_on_the_page_is_a_form_error(client, logins, complaint):
    services.complaint_set_status(
        actor=logins.officer, complaint=complaint, version=1, status="handling"
    )
    client.force_login(logins.officer)
    response = client.post(
        f"/inspections/complaints/{complaint.pk}/status/", {"version": 1, "status": "answered"}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == "handling"


def test_the_leader_reads_but_does_not_handle(logins, complaint):
    client = api(logins.leader)
    assert client.get(f"/api/v1/complaints/{complaint.pk}/messages/").status_code == 200
    reply = client.post(f"/api/v1/complaints/{complaint.pk}/reply/", {"body": "你好"})
    assert reply.status_code == 403
    status = client.post(
        f"/api/v1/complaints/{complaint.pk}/status/", {"version": 1, "status": "handling"}
    )
    assert status.status_code == 403


def test_replies_reach_the_messages(client, logins, complaint):
    client.force_login(logins.discipline)
    client.post(f"/inspections/complaints/{complaint.pk}/reply/", {"body": "请补充证据"})
    messages = api(logins.officer).get(f"/api/v1/complaints/{complaint.pk}/messages/").json()
    assert [(m["from_public"], m["body"]) for m in messages] == [(False, "请补充证据")]
    event = AuditEvent.objects.get(action="inspections.complaint.reply")
    assert event.actor == logins.discipline


# --- lists: a fixed number of queries --------------------------------------------------------

# session, user, role assignments, the courts of the filter form, the page of complaints (court,
# department and subject joined), the header's unread count and the user's staff record
LIST_PAGE_QUERIES = 7
# role assignments, the page of complaints (court, department and subject joined)
LIST_API_QUERIES = 2


def _same_cost(django_assert_num_queries, get, count, grow):
    with django_assert_num_queries(count):
        small = get()
    grow()
    with django_assert_num_queries(count):
        large = get()
    assert small.status_code == large.status_code == 200
    return small, large


def _grow(province):
    def grow():
        for _n in range(6):
            make_complaint(province, department=province.departments["heping"])
        Complaint.objects.update(subject=province.staff["heping"])

    return grow


def test_the_list_page_costs_the_same_for_few_and_many(
    client, logins, province, django_assert_num_queries
):
    make_complaint(province)
    client.force_login(logins.officer)
    small, large = _same_cost(
        django_assert_num_queries,
        lambda: client.get("/inspections/complaints/"),
        LIST_PAGE_QUERIES,
        _grow(province),
    )
    assert (len(small.context["page"].rows), len(large.context["page"].rows)) == (1, 7)


def test_the_api_list_costs_the_same_for_few_and_many(logins, province, django_assert_num_queries):
    make_complaint(province)

    def get():
        logins.officer.__dict__.pop("_qinglian_grants", None)  # as in a new request
        return api(logins.officer).get("/api/v1/complaints/")

    small, large = _same_cost(django_assert_num_queries, get, LIST_API_QUERIES, _grow(province))
    assert (len(small.json()["results"]), len(large.json()["results"])) == (1, 7)
