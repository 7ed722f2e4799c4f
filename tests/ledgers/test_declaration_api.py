"""The declarations' API: /api/v1/declarations/campaigns/ (list with filters, open, retrieve,
versioned PATCH, close, void, progress, remind-overdue) and /api/v1/declarations/ (the caller's
own and those in scope, with filters; retrieve with relatives, inquiries and signatures; file,
sign, return, correct). A stale version is a 409 that changes nothing; out of scope is the same
404 as missing; lists cost a fixed number of queries; the OpenAPI schema builds without
warnings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from integrity.access.models import Role
from integrity.notify.models import Notification
from ledgers.declarations import services
from ledgers.models import Campaign, Declaration, RelativePractice, Signature

from ..factories import UserFactory
from .test_declaration_pages import (
    LICENCE,
    Heping,
    Kind,
    Status,
    file_none,
    file_relatives,
    fresh,
    inquiry,
    person,
    relative,
    sign,
    today,
)

pytestmark = pytest.mark.django_db

CAMPAIGNS = "/api/v1/declarations/campaigns/"
DECLARATIONS = "/api/v1/declarations/"


@pytest.fixture
def heping(province) -> Heping:
    return Heping(province)


def api_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)  # each request loads its user and scope, as in production
    return client


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- Campaigns -----------------------------------------------------------------------------


def test_an_officer_opens_a_campaign(heping):
    api = api_for(heping.officer)

    response = api.post(
        CAMPAIGNS,
        {
            "kind": Kind.RELATIVES,
            "court": heping.court.pk,
            "period_start": "2026-01-01",
            "period_end": "2026年12月31日",
            "due_on": "2026-02-28",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    campaign = Campaign.objects.get(pk=body["id"])
    assert body["task_count"] == heping.task_count == campaign.task_count
    assert body["title"] == campaign.title
    assert "2026" in body["title"]  # made from the kind and the period
    assert (body["status"], body["version"], body["is_void"]) == ("open", 1, False)
    assert Declaration.objects.filter(campaign=campaign).count() == heping.task_count


def test_bad_campaigns_are_refused_and_nothing_is_opened(heping, province):
    api = api_for(heping.officer)
    valid = {
        "kind": Kind.RELATIVES,
        "title": "申报",
        "court": heping.court.pk,
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "due_on": "2026-02-28",
    }

    backwards = api.post(
        CAMPAIGNS, {**valid, "period_end": "2025-12-31", "due_on": "2026-01-01"}, format="json"
    )
    no_such_day = api.post(CAMPAIGNS, {**valid, "due_on": "2026年2月30日"}, format="json")
    other_court = api.post(
        CAMPAIGNS, {**valid, "court": province.courts["shenhe"].pk}, format="json"
    )

    assert backwards.status_code == no_such_day.status_code == 400
    assert "due_on" in no_such_day.json()["error"]["fields"]
    assert other_court.status_code == 400
    assert "court" in other_court.json()["error"]["fields"]
    assert not Campaign.objects.exists()
    assert not Declaration.objects.exists()
    # A staff member may not open one at all
    refused = api_for(heping.filer).post(CAMPAIGNS, valid, format="json")
    assert refused.status_code == 403
    assert not Campaign.objects.exists()


def test_campaign_list_filters(heping):
    relatives = heping.campaign()
    three = heping.campaign(Kind.THREE_RULES, title="三个规定报告")
    services.campaign_close(actor=heping.officer, campaign=three, version=three.version)
    api = api_for(heping.officer)

    assert ids(api.get(CAMPAIGNS)) == [three.pk, relatives.pk]
    assert ids(api.get(CAMPAIGNS, {"status": "open"})) == [relatives.pk]
    assert ids(api.get(CAMPAIGNS, {"kind": Kind.THREE_RULES})) == [three.pk]
    assert ids(api.get(CAMPAIGNS, {"court": heping.court.pk + 1000})) == []
    assert api.get(CAMPAIGNS, {"status": "nonsense"}).status_code == 400
    # Staff do not follow campaigns
    assert ids(api_for(heping.filer).get(CAMPAIGNS)) == []


def test_patch_needs_the_current_version(heping):
    campaign = heping.campaign()
    api = api_for(heping.officer)
    url = f"{CAMPAIGNS}{campaign.pk}/"

    missing = api.patch(url, {"title": "新标题"}, format="json")
    stale = api.patch(url, {"version": campaign.version + 5, "title": "新标题"}, format="json")

    assert missing.status_code == 400
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale"
    assert fresh(campaign).title == campaign.title
    done = api.patch(
        url,
        {"version": campaign.version, "title": "新标题", "due_on": "2027年1月5日"},
        format="json",
    )
    assert done.status_code == 200, done.content
    assert (done.json()["title"], done.json()["due_on"]) == ("新标题", "2027-01-05")
    assert done.json()["version"] == campaign.version + 1
    assert api.put(url, {"version": 2, "title": "x"}, format="json").status_code == 405
    assert api.delete(url).status_code == 405


def test_close_and_void(heping):
    campaign = heping.campaign()
    api = api_for(heping.officer)

    closed = api.post(f"{CAMPAIGNS}{campaign.pk}/close/", {"version": 1}, format="json")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    no_reason = api.post(f"{CAMPAIGNS}{campaign.pk}/void/", {"version": 2}, format="json")
    assert no_reason.status_code == 400
    voided = api.post(
        f"{CAMPAIGNS}{campaign.pk}/void/", {"version": 2, "reason": "重复发起"}, format="json"
    )
    assert voided.status_code == 200
    assert (voided.json()["is_void"], voided.json()["void_reason"]) == (True, "重复发起")
    # A signer follows the campaign but cannot close or void it
    other = heping.campaign(title="另一次")
    leader = api_for(heping.leader)
    assert leader.get(f"{CAMPAIGNS}{other.pk}/").status_code == 200
    assert leader.post(f"{CAMPAIGNS}{other.pk}/close/", {"version": 1}).status_code == 403
    assert fresh(other).status == Campaign.Status.OPEN


def test_progress_and_remind_overdue(heping, province):
    # Given the judge filed and the chief signed, the chief's own awaits the leader, the rest
    # are overdue
    campaign = heping.campaign()
    judge = file_none(heping.task(campaign), heping.filer)
    sign(judge, heping.chief)
    file_none(heping.task(campaign, heping.chief_staff), heping.chief)
    Campaign.objects.filter(pk=campaign.pk).update(due_on=today() - dt.timedelta(days=1))
    api = api_for(heping.officer)

    body = api.get(f"{CAMPAIGNS}{campaign.pk}/progress/").json()

    assert body["is_overdue"] is True
    totals = body["totals"]
    assert (totals["tasks"], totals["pending"], totals["overdue"]) == (5, 3, 3)
    assert (totals["awaiting_chief"], totals["awaiting_leader"], totals["nothing"]) == (0, 2, 2)
    [court] = body["courts"]
    assert court["court_name"] == heping.court.name
    assert sum(d["counts"]["tasks"] for d in court["departments"]) == 5
    assert [a["signers"] for a in body["awaited"]] == [["副院长"]]
    assert {row["staff_name"] for row in body["overdue"]} == {"heping法官", "刑庭法官", "副院长"}
    assert {row["id"] for row in body["awaiting"]} == {
        judge.pk,
        heping.task(campaign, heping.chief_staff).pk,
    }

    # When the officer reminds the overdue
    reminded = api.post(f"{CAMPAIGNS}{campaign.pk}/remind-overdue/")

    # Then the three are told, once
    assert reminded.status_code == 200
    assert reminded.json() == {"reminded": 3}
    assert api.post(f"{CAMPAIGNS}{campaign.pk}/remind-overdue/").json() == {"reminded": 0}
    assert Notification.objects.filter(kind=services.REMINDED_KIND).count() == 3


# --- Declarations: filing and signing ------------------------------------------------------


def test_file_sign_and_the_leader_cannot_sign_first(heping):
    campaign = heping.campaign()
    declaration = heping.task(campaign)
    filer = api_for(heping.filer)

    # The judge sees their task and files a relative
    assert ids(filer.get(DECLARATIONS, {"mine": "true"})) == [declaration.pk]
    response = filer.post(
        f"{DECLARATIONS}{declaration.pk}/file/",
        {
            "version": declaration.version,
            "has_nothing": False,
            "relatives": [relative(firm_area=heping.court.pk, practising_since="2015年7月1日")],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == Status.FILED
    assert [r["licence_number"] for r in body["relatives"]] == [LICENCE]
    assert body["relatives"][0]["practising_since"] == "2015-07-01"
    assert [stage["role"] for stage in body["chain"]] == [Role.CHIEF, Role.LEADER]

    # The leader cannot sign before the chief: refused, nothing changes
    leader = api_for(heping.leader)
    early = leader.post(
        f"{DECLARATIONS}{declaration.pk}/sign/", {"version": body["version"]}, format="json"
    )
    assert early.status_code == 400
    assert fresh(declaration).signatures_done == 0
    assert not Signature.objects.exists()

    # The chief signs with the standard attestation, then the leader with their own
    chief = api_for(heping.chief)
    assert ids(chief.get(DECLARATIONS, {"awaiting_me": "true"})) == [declaration.pk]
    first = chief.post(
        f"{DECLARATIONS}{declaration.pk}/sign/", {"version": body["version"]}, format="json"
    )
    assert first.status_code == 200, first.content
    assert first.json()["signatures"][0]["statement"] == str(services.DEFAULT_ATTESTATION)
    last = leader.post(
        f"{DECLARATIONS}{declaration.pk}/sign/",
        {"version": first.json()["version"], "statement": "同意"},
        format="json",
    )
    assert last.status_code == 200, last.content
    final = last.json()
    assert final["status"] == Status.SIGNED
    assert [(s["stage"], s["signer_name"]) for s in final["signatures"]] == [
        (0, "民一庭长"),
        (1, "副院长"),
    ]
    record = RelativePractice.objects.get(staff=heping.judge)
    assert final["relatives"][0]["record"] == record.pk


def test_file_none_zero_report_and_inquiries(heping):
    filer = api_for(heping.filer)
    relatives = heping.task(heping.campaign())
    none = filer.post(
        f"{DECLARATIONS}{relatives.pk}/file/",
        {"version": relatives.version, "has_nothing": True},
        format="json",
    )
    assert none.status_code == 200
    assert (none.json()["has_nothing"], none.json()["relatives"]) == (True, [])

    start = today().replace(day=1) - dt.timedelta(days=1)
    start = start.replace(day=1)
    three = heping.campaign(
        Kind.THREE_RULES,
        title="三个规定报告",
        period_start=start,
        period_end=today().replace(day=1) - dt.timedelta(days=1),
    )
    zero = heping.task(three)
    record = inquiry(heping.judge, start)
    listed = filer.post(
        f"{DECLARATIONS}{zero.pk}/file/",
        {"version": zero.version, "has_nothing": False, "inquiries": [record.pk]},
        format="json",
    )
    assert listed.status_code == 200, listed.content
    assert listed.json()["inquiries"] == [record.pk]
    # Refiled as a zero report while nothing was signed yet
    again = filer.post(
        f"{DECLARATIONS}{zero.pk}/file/",
        {"version": listed.json()["version"], "has_nothing": True},
        format="json",
    )
    assert again.status_code == 200
    assert (again.json()["has_nothing"], again.json()["inquiries"]) == (True, [])
    # Someone else's inquiry cannot be reported
    other = inquiry(heping.chief_staff, start)
    refused = filer.post(
        f"{DECLARATIONS}{zero.pk}/file/",
        {"version": again.json()["version"], "has_nothing": False, "inquiries": [other.pk]},
        format="json",
    )
    assert refused.status_code == 400
    assert fresh(zero).has_nothing is True


def test_a_stale_filing_is_a_409_and_changes_nothing(heping):
    declaration = heping.task(heping.campaign())
    seen = declaration.version
    file_relatives(declaration, heping.filer)
    filed = fresh(declaration)

    response = api_for(heping.filer).post(
        f"{DECLARATIONS}{declaration.pk}/file/",
        {"version": seen, "has_nothing": True},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["error"]["status"] == 409
    after = fresh(declaration)
    assert (after.version, after.has_nothing, after.relatives.count()) == (filed.version, False, 1)


def test_return_refile_and_correct(heping):
    declaration = file_none(heping.task(heping.campaign()), heping.filer)
    chief = api_for(heping.chief)

    no_reason = chief.post(
        f"{DECLARATIONS}{declaration.pk}/return/", {"version": declaration.version}, format="json"
    )
    assert no_reason.status_code == 400
    returned = chief.post(
        f"{DECLARATIONS}{declaration.pk}/return/",
        {"version": declaration.version, "reason": "请补充近亲属情况"},
        format="json",
    )
    assert returned.status_code == 200, returned.content
    assert (returned.json()["status"], returned.json()["return_reason"]) == (
        Status.RETURNED,
        "请补充近亲属情况",
    )

    filer = api_for(heping.filer)
    refiled = filer.post(
        f"{DECLARATIONS}{declaration.pk}/file/",
        {"version": returned.json()["version"], "has_nothing": False, "relatives": [relative()]},
        format="json",
    )
    assert refiled.status_code == 200, refiled.content
    assert (refiled.json()["status"], refiled.json()["next_role"]) == (Status.FILED, Role.CHIEF)
    sign(declaration, heping.chief)
    sign(declaration, heping.leader)

    correction = filer.post(f"{DECLARATIONS}{declaration.pk}/correct/")
    assert correction.status_code == 201, correction.content
    body = correction.json()
    assert (body["revision"], body["previous"], body["status"]) == (2, declaration.pk, "pending")
    assert fresh(declaration).status == Status.SUPERSEDED
    again = filer.post(f"{DECLARATIONS}{declaration.pk}/correct/")
    assert again.status_code == 400


def test_declaration_list_filters(heping, province):
    campaign = heping.campaign()
    three = heping.campaign(Kind.THREE_RULES, title="三个规定报告")
    filed = file_none(heping.task(campaign), heping.filer)
    api = api_for(heping.officer)

    everything = ids(api.get(DECLARATIONS))
    assert len(everything) == 2 * heping.task_count
    assert set(ids(api.get(DECLARATIONS, {"campaign": three.pk}))) == set(
        Declaration.objects.filter(campaign=three).values_list("pk", flat=True)
    )
    assert ids(api.get(DECLARATIONS, {"status": "filed"})) == [filed.pk]
    assert ids(api.get(DECLARATIONS, {"court": province.courts["shenhe"].pk})) == []
    assert api.get(DECLARATIONS, {"status": "nonsense"}).status_code == 400
    # A staff member lists only their own
    assert set(ids(api_for(heping.filer).get(DECLARATIONS))) == {
        filed.pk,
        heping.task(three).pk,
    }


def test_out_of_scope_is_the_same_404_as_missing(heping, province):
    other = services.campaign_open(
        actor=None,
        kind=Kind.RELATIVES,
        title="中山区申报",
        court=province.courts["zhongshan"],
        covers_subordinates=False,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        due_on=dt.date(2026, 2, 1),
    )
    hidden = Declaration.objects.filter(campaign=other).first()
    missing = Declaration.objects.order_by("-pk").first().pk + 1000

    for user in (heping.officer, heping.filer, heping.chief, heping.leader):
        api = api_for(user)
        seen, absent = api.get(f"{DECLARATIONS}{hidden.pk}/"), api.get(f"{DECLARATIONS}{missing}/")
        assert seen.status_code == absent.status_code == 404
        assert seen.json() == absent.json()
        for verb in ("file", "sign", "return", "correct"):
            response = api.post(f"{DECLARATIONS}{hidden.pk}/{verb}/", {"version": 1})
            assert response.status_code == 404
        seen = api.get(f"{CAMPAIGNS}{other.pk}/")
        absent = api.get(f"{CAMPAIGNS}{other.pk + 1000}/")
        assert seen.status_code == absent.status_code == 404
        assert seen.json() == absent.json()
        assert api.get(f"{CAMPAIGNS}{other.pk}/progress/").status_code == 404
    assert fresh(hidden).status == Status.PENDING


# --- Query counts and schema ---------------------------------------------------------------

# session, user, role assignments, the page of campaigns (court joined)
CAMPAIGN_LIST_QUERIES = 4
# session, user, role assignments, the page (campaign, staff, court, department joined)
DECLARATION_LIST_QUERIES = 4


def _same_cost(api, url: str, limit: int, grow, assert_max) -> tuple[list, list]:
    with assert_max(limit) as few:
        small = ids(api.get(url))
    grow()
    with assert_max(limit) as many:
        large = ids(api.get(url))
    assert len(many.captured_queries) == len(few.captured_queries)
    return small, large


def test_campaign_list_queries_are_fixed(heping, django_assert_max_num_queries):
    heping.campaign(title="申报")

    def grow():
        for index in range(6):
            heping.campaign(title=f"申报{index}")

    small, large = _same_cost(
        api_for(heping.officer),
        CAMPAIGNS,
        CAMPAIGN_LIST_QUERIES,
        grow,
        django_assert_max_num_queries,
    )
    assert (len(small), len(large)) == (1, 7)


def test_declaration_list_queries_are_fixed(heping, django_assert_max_num_queries):
    campaign = heping.campaign()

    def grow():
        for _ in range(6):
            member = person(heping.court, heping.civil)
            Declaration.objects.create(
                campaign=campaign, staff=member, court=heping.court, department=heping.civil
            )
        file_none(heping.task(campaign), heping.filer)

    small, large = _same_cost(
        api_for(heping.officer),
        DECLARATIONS,
        DECLARATION_LIST_QUERIES,
        grow,
        django_assert_max_num_queries,
    )
    assert (len(small), len(large)) == (heping.task_count, heping.task_count + 6)


def test_the_schema_describes_the_declarations(heping, tmp_path):
    response = api_for(heping.officer).get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths[CAMPAIGNS]) >= {"get", "post"}
    assert set(paths[CAMPAIGNS + "{id}/"]) == {"get", "patch"}
    for action in ("close", "void", "remind-overdue"):
        assert "post" in paths[f"{CAMPAIGNS}{{id}}/{action}/"]
    assert "get" in paths[CAMPAIGNS + "{id}/progress/"]
    assert "get" in paths[DECLARATIONS]
    assert set(paths[DECLARATIONS + "{id}/"]) == {"get"}
    for action in ("file", "sign", "return", "correct"):
        assert "post" in paths[f"{DECLARATIONS}{{id}}/{action}/"]
    parameters = {p["name"] for p in paths[DECLARATIONS]["get"]["parameters"]}
    assert parameters >= {"campaign", "status", "court", "mine", "awaiting_me"}
    # And the whole schema validates, without a warning
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )


def test_a_staff_member_without_a_login_is_filed_for_by_the_officer(heping, province):
    # The province's 刑庭 judge has no login: the officer files on their behalf
    declaration = heping.task(heping.campaign(), province.staff["heping_criminal"])
    api = api_for(heping.officer)

    response = api.post(
        f"{DECLARATIONS}{declaration.pk}/file/",
        {"version": declaration.version, "has_nothing": True},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert fresh(declaration).filed_by == heping.officer
    assert not UserFactory._meta.model.objects.filter(staff=province.staff["heping_criminal"])
