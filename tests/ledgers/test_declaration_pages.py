"""The declaration pages under /declarations/ and the home page's tasks: an officer opens a
campaign, staff see their task on the home page and file it ("none", relatives, a zero report,
inquiries), the division chief then the court leader sign (the leader cannot sign first),
return and refile, correction, progress counts, the one-click reminder, the signer's queue;
out of scope answers exactly like not found; a stale version is a form error; lists cost a
fixed number of queries.

The builders at the top are shared with tests/ledgers/test_declaration_api.py. New strings may
not be translated yet when these tests run: they assert on structure, values, ids and strings
the project already translates, never on the Chinese of a new string."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from integrity.access.models import Role
from integrity.audit.models import AuditEvent
from integrity.concurrency import StaleEdit
from integrity.notify.models import Notification
from integrity.org.models import StaffMember
from ledgers import services as ledger_services
from ledgers.declarations import services
from ledgers.models import (
    Campaign,
    Declaration,
    DeclaredRelative,
    InterferenceRecord,
    RelativePractice,
    Signature,
)

from ..factories import StaffMemberFactory, UserFactory, assign

pytestmark = pytest.mark.django_db

D = dt.date
Kind = Campaign.Kind
Status = Declaration.Status
Post = StaffMember.Post
LICENCE = "12101201510000001"
FIRM = "辽宁正义律师事务所"

# --- Builders (shared with test_declaration_api.py) ------------------------------------------


def today() -> dt.date:
    return timezone.localdate()


def person(court, department=None, post=Post.JUDGE, **fields) -> StaffMember:
    return StaffMemberFactory(court=court, department=department, post=post, **fields)


def login_for(member: StaffMember, *roles: str, department=None) -> Any:
    """A login for ``member``: the staff role at their court, and ``roles`` there (a chief's
    limited to ``department``)."""
    user = UserFactory(staff=member)
    assign(user, Role.STAFF, member.court)
    for role in roles:
        assign(user, role, member.court, department=department if role == Role.CHIEF else None)
    return user


def officer_of(court, covers: bool = False) -> Any:
    user = UserFactory()
    assign(user, Role.OFFICER, court, covers=covers)
    return user


class Heping:
    """The basic court 辽0102: a judge of 民一庭 who files, its division chief and a vice
    president who sign, and a discipline officer of the court, each with a login. The province
    fixture adds two more judges (民一庭 and 刑事审判庭) without logins."""

    def __init__(self, province) -> None:
        self.province = province
        self.court = province.courts["heping"]
        self.civil = province.departments["heping"]
        self.judge = person(self.court, self.civil, name="审判员甲")
        self.chief_staff = person(self.court, self.civil, Post.CHIEF, name="民一庭长")
        self.leader_staff = person(self.court, None, Post.VICE_PRESIDENT, name="副院长")
        self.filer = login_for(self.judge)
        self.chief = login_for(self.chief_staff, Role.CHIEF, department=self.civil)
        self.leader = login_for(self.leader_staff, Role.LEADER)
        self.officer = officer_of(self.court)
        # Every serving staff member of the court: the province's two judges and these three.
        self.task_count = StaffMember.objects.filter(court=self.court).count()

    def campaign(self, kind: str = Kind.RELATIVES, **fields: Any) -> Campaign:
        start, end = (D(today().year, 1, 1), D(today().year, 12, 31))
        values = {
            "kind": kind,
            "title": "近亲属从事律师职业申报",
            "court": self.court,
            "covers_subordinates": False,
            "period_start": start,
            "period_end": end,
            "due_on": today() + dt.timedelta(days=20),
            **fields,
        }
        return services.campaign_open(actor=self.officer, **values)

    def task(self, campaign: Campaign, member: StaffMember | None = None) -> Declaration:
        return Declaration.objects.get(
            campaign=campaign, staff=member or self.judge, is_current=True
        )


@pytest.fixture
def heping(province) -> Heping:
    return Heping(province)


def fresh(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


def relative(**overrides: Any) -> dict[str, Any]:
    return {
        "relative_name": "王某",
        "relationship": "spouse",
        "law_firm": FIRM,
        "licence_number": LICENCE,
        "role": "lawyer",
        "acts_in_jurisdiction": False,
        **overrides,
    }


def file_none(declaration: Declaration, actor: Any) -> Declaration:
    return services.declaration_file(
        actor=actor, declaration=declaration, version=declaration.version, has_nothing=True
    )


def file_relatives(declaration: Declaration, actor: Any, *rows: dict) -> Declaration:
    return services.declaration_file(
        actor=actor,
        declaration=declaration,
        version=declaration.version,
        has_nothing=False,
        relatives=list(rows or [relative()]),
    )


def sign(declaration: Declaration, actor: Any) -> Declaration:
    declaration = fresh(declaration)
    return services.declaration_sign(
        actor=actor,
        declaration=declaration,
        version=declaration.version,
        statement=str(services.DEFAULT_ATTESTATION),
    )


def inquiry(member: StaffMember, day: dt.date, **overrides: Any) -> InterferenceRecord:
    """An inquiry about one of ``member``'s cases, recorded on ``day`` (逢问必录)."""
    fields = {
        "court": member.court,
        "department": member.department,
        "staff": member,
        "regulation": "internal",
        "report_form": "three_rules",
        "case_number": f"(2025){member.court.code}民初9号",
        "case_stage": "trial",
        "interferer_kind": "internal",
        "interferer_name": "王某",
        "occurred_on": day,
        "method": "phone",
        "content": "打听案情",
        **overrides,
    }
    return ledger_services.ledger_create(actor=None, model=InterferenceRecord, fields=fields)


def chinese(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def relatives_post(declaration: Declaration, rows: list[dict], **fields: Any) -> dict[str, Any]:
    """The filing form as a browser posts it: the management form, one row per relative and
    the spare empty rows."""
    data: dict[str, Any] = {
        "version": declaration.version,
        "relatives-TOTAL_FORMS": str(len(rows) + 1),
        "relatives-INITIAL_FORMS": "0",
        "relatives-MIN_NUM_FORMS": "0",
        "relatives-MAX_NUM_FORMS": "30",
        "statement": "",
        **fields,
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            if isinstance(value, bool):
                if value:
                    data[f"relatives-{index}-{name}"] = "on"
            elif value is not None:
                data[f"relatives-{index}-{name}"] = getattr(value, "pk", value)
    return data


def web(client, user) -> Any:
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def form_errors(response, name: str = "form") -> list[str]:
    form = response.context[name]
    return [str(e) for errors in form.errors.values() for e in errors]


# --- Opening a campaign --------------------------------------------------------------------


def test_an_officer_opens_a_campaign_from_the_page(client, heping):
    # Given the court's discipline officer on the "open a campaign" page
    page = web(client, heping.officer).get("/declarations/campaigns/new/")
    assert page.status_code == 200
    assert page.context["form"]["court"].value() == heping.court.pk
    due = today() + dt.timedelta(days=10)

    # When they open the yearly relatives declaration, dates written the Chinese way
    response = client.post(
        "/declarations/campaigns/new/",
        {
            "kind": Kind.RELATIVES,
            "title": "",
            "court": heping.court.pk,
            "period_start": f"{today().year}年1月1日",
            "period_end": f"{today().year}-12-31",
            "due_on": chinese(due),
            "notes": "请如实申报",
        },
    )

    # Then every serving staff member of the court has a task, and the campaign is audited
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/declarations/campaigns/{campaign.pk}/"
    assert campaign.task_count == heping.task_count == 5
    assert Declaration.objects.filter(campaign=campaign, status=Status.PENDING).count() == 5
    assert campaign.due_on == due
    assert campaign.opened_by == heping.officer
    assert str(today().year) in campaign.title  # made from the kind and the period
    assert AuditEvent.objects.filter(
        action="ledgers.campaign.open", object_id=str(campaign.pk)
    ).exists()
    assert client.get(response["Location"]).status_code == 200


def test_the_three_regulations_report_defaults_to_the_configured_months(client, heping, settings):
    # Given reports of three months
    settings.THREE_RULES_REPORT_MONTHS = 3

    # When the officer chooses the three regulations report
    page = web(client, heping.officer).get(
        "/declarations/campaigns/new/", {"kind": Kind.THREE_RULES}
    )

    # Then the period proposed is the last three full months
    form = page.context["form"]
    end = today().replace(day=1) - dt.timedelta(days=1)
    index = end.year * 12 + end.month - 1 - 2
    start = D(index // 12, index % 12 + 1, 1)
    assert form["period_end"].value() == chinese(end)
    assert form["period_start"].value() == chinese(start)
    assert form["kind"].value() == Kind.THREE_RULES
    assert form["title"].value()


def test_a_campaign_with_a_bad_period_is_refused_and_nothing_is_opened(client, heping):
    response = web(client, heping.officer).post(
        "/declarations/campaigns/new/",
        {
            "kind": Kind.RELATIVES,
            "title": "错误的申报",
            "court": heping.court.pk,
            "period_start": "2026年12月31日",
            "period_end": "2026年1月1日",
            "due_on": "2026年2月30日",
        },
    )

    assert response.status_code == 200
    assert "due_on" in response.context["form"].errors  # no such day

    # With real days, the period that ends before it starts is refused by the service
    response = client.post(
        "/declarations/campaigns/new/",
        {
            "kind": Kind.RELATIVES,
            "title": "",
            "court": heping.court.pk,
            "period_start": "2026年12月31日",
            "period_end": "2026年1月1日",
            "due_on": "2027年1月10日",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    # Without a kind, nothing is made up
    empty = client.post("/declarations/campaigns/new/", {"court": heping.court.pk})
    assert empty.status_code == 200
    assert "kind" in empty.context["form"].errors
    assert not Campaign.objects.exists()
    assert not Declaration.objects.exists()


def test_staff_and_signers_cannot_open_campaigns(client, heping):
    for user in (heping.filer, heping.chief, heping.leader):
        client.force_login(user)
        assert client.get("/declarations/campaigns/new/").status_code == 404
        assert (
            client.post("/declarations/campaigns/new/", {"kind": Kind.RELATIVES}).status_code == 404
        )
    assert not Campaign.objects.exists()


def test_the_campaign_list_filters_by_status_kind_and_court(client, heping, province):
    relatives = heping.campaign()
    three = heping.campaign(Kind.THREE_RULES, title="三个规定报告")
    services.campaign_close(actor=heping.officer, campaign=three, version=three.version)
    admin = UserFactory()
    assign(admin, Role.ADMIN, province.courts["shenyang"], covers=True)
    shenhe = services.campaign_open(
        actor=admin,
        kind=Kind.RELATIVES,
        title="沈河区申报",
        court=province.courts["shenhe"],
        covers_subordinates=False,
        period_start=D(2026, 1, 1),
        period_end=D(2026, 12, 31),
        due_on=D(2026, 2, 1),
    )
    client.force_login(admin)

    def listed(**params):
        response = client.get("/declarations/", params)
        assert response.status_code == 200
        return [
            int(pk) for pk in re.findall(r'href="/declarations/campaigns/(\d+)/"', response.text)
        ]

    assert listed() == [shenhe.pk, three.pk, relatives.pk]
    assert listed(status="open") == [shenhe.pk, relatives.pk]
    assert listed(status="closed") == [three.pk]
    assert listed(kind=Kind.THREE_RULES) == [three.pk]
    assert listed(court=province.courts["shenhe"].pk) == [shenhe.pk]
    # The heping officer sees the campaigns of their own court only
    client.force_login(heping.officer)
    assert listed() == [three.pk, relatives.pk]


# --- Filing --------------------------------------------------------------------------------


def test_staff_see_their_task_on_the_home_page_and_file_none(client, heping):
    # Given an open campaign
    campaign = heping.campaign()
    declaration = heping.task(campaign)

    # When the judge opens the home page
    home = web(client, heping.filer).get("/")

    # Then the task is there, with its due date and a link to the filing form
    assert home.status_code == 200
    assert [row["declaration"].pk for row in home.context["tasks"]] == [declaration.pk]
    assert home.context["tasks"][0]["overdue"] is False
    assert f'href="/declarations/{declaration.pk}/file/"' in home.text
    assert campaign.title in home.text

    # When they declare that they have no relative practising law
    form = client.get(f"/declarations/{declaration.pk}/file/")
    assert form.status_code == 200
    response = client.post(
        f"/declarations/{declaration.pk}/file/",
        relatives_post(declaration, [], has_nothing="on"),
    )

    # Then it is filed, awaiting the chief then the leader
    assert response.status_code == 302
    assert response["Location"] == f"/declarations/{declaration.pk}/"
    declaration = fresh(declaration)
    assert declaration.status == Status.FILED
    assert declaration.has_nothing is True
    assert [stage["role"] for stage in declaration.chain] == [Role.CHIEF, Role.LEADER]
    assert declaration.filed_by == heping.filer
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'class="declared-nothing"' in page.text
    # And the home page shows it as awaiting signature, with nothing more to file
    row = client.get("/").context["tasks"][0]
    assert row["declaration"].status == Status.FILED
    assert row["overdue"] is False


def test_an_overdue_task_is_marked_on_the_home_page(client, heping):
    campaign = heping.campaign(due_on=today() - dt.timedelta(days=1))

    home = web(client, heping.filer).get("/")

    assert home.context["tasks"][0]["declaration"].campaign_id == campaign.pk
    assert home.context["tasks"][0]["overdue"] is True
    assert "overdue" in home.text


def test_staff_file_their_relatives_practising_law(client, heping, province):
    campaign = heping.campaign()
    declaration = heping.task(campaign)
    client = web(client, heping.filer)
    page = client.get(f"/declarations/{declaration.pk}/file/")
    # The firm's area is a court of the province; relationship and role are selects
    assert b'name="relatives-0-relationship"' in page.content
    assert b'name="relatives-0-firm_area"' in page.content
    assert page.context["formset"].forms[0].fields["firm_area"].queryset.count() == 6

    rows = [
        relative(firm_area=province.courts["heping"], practising_since="2015年7月1日"),
        relative(
            relative_name="王某某",
            relationship="brother",
            licence_number="",
            role="legal_adviser",
            acts_in_jurisdiction=True,
        ),
    ]
    response = client.post(
        f"/declarations/{declaration.pk}/file/", relatives_post(declaration, rows)
    )

    assert response.status_code == 302, form_errors(response)
    declared = list(DeclaredRelative.objects.filter(declaration=declaration).order_by("pk"))
    assert [(r.relative_name, r.relationship, r.role) for r in declared] == [
        ("王某", "spouse", "lawyer"),
        ("王某某", "brother", "legal_adviser"),
    ]
    assert declared[0].firm_area == province.courts["heping"]
    assert declared[0].practising_since == D(2015, 7, 1)
    assert declared[1].acts_in_jurisdiction is True
    assert fresh(declaration).status == Status.FILED
    detail = client.get(f"/declarations/{declaration.pk}/")
    assert "王某某" in detail.text
    assert FIRM in detail.text


def test_none_and_relatives_together_are_refused_and_nothing_changes(client, heping):
    declaration = heping.task(heping.campaign())

    response = web(client, heping.filer).post(
        f"/declarations/{declaration.pk}/file/",
        relatives_post(declaration, [relative()], has_nothing="on"),
    )

    assert response.status_code == 200
    assert form_errors(response)
    after = fresh(declaration)
    assert (after.status, after.version) == (Status.PENDING, declaration.version)
    assert not DeclaredRelative.objects.exists()


def test_an_empty_filing_is_refused(client, heping):
    declaration = heping.task(heping.campaign())

    response = web(client, heping.filer).post(
        f"/declarations/{declaration.pk}/file/", relatives_post(declaration, [])
    )

    assert response.status_code == 200
    assert form_errors(response)
    assert fresh(declaration).status == Status.PENDING


def test_the_three_regulations_report_links_the_period_inquiries(client, heping):
    # Given a report of last month, one inquiry in it and one before it
    end = today().replace(day=1) - dt.timedelta(days=1)
    start = end.replace(day=1)
    campaign = heping.campaign(
        Kind.THREE_RULES, title="三个规定报告", period_start=start, period_end=end
    )
    declaration = heping.task(campaign)
    inside = inquiry(heping.judge, start)
    outside = inquiry(heping.judge, start - dt.timedelta(days=1))
    other = inquiry(heping.chief_staff, start)

    # When the judge opens the form
    client = web(client, heping.filer)
    page = client.get(f"/declarations/{declaration.pk}/file/")

    # Then only their own inquiry of the period is offered, with a way to record a new one
    assert list(page.context["form"].fields["inquiries"].queryset) == [inside]
    assert 'href="/ledgers/interference/new/"' in page.text
    assert page.context["formset"] is None

    # When they link it
    response = client.post(
        f"/declarations/{declaration.pk}/file/",
        {"version": declaration.version, "inquiries": [inside.pk]},
    )

    # Then the report lists it
    assert response.status_code == 302, form_errors(response)
    assert list(fresh(declaration).inquiries.all()) == [inside]
    assert outside.pk != inside.pk
    assert other.pk != inside.pk


def test_a_zero_report(client, heping):
    campaign = heping.campaign(Kind.THREE_RULES, title="三个规定报告")
    declaration = heping.task(campaign)

    response = web(client, heping.filer).post(
        f"/declarations/{declaration.pk}/file/",
        {"version": declaration.version, "has_nothing": "on"},
    )

    assert response.status_code == 302
    declaration = fresh(declaration)
    assert declaration.status == Status.FILED
    assert declaration.has_nothing
    assert not declaration.inquiries.exists()
    assert 'class="declared-nothing"' in client.get(f"/declarations/{declaration.pk}/").text


def test_a_stale_filing_is_a_form_error_and_changes_nothing(client, heping):
    # Given the judge opened the form, then filed from another window
    declaration = heping.task(heping.campaign())
    seen = declaration.version
    file_relatives(declaration, heping.filer)
    filed = fresh(declaration)

    # When the first window submits "none"
    response = web(client, heping.filer).post(
        f"/declarations/{declaration.pk}/file/",
        {**relatives_post(declaration, [], has_nothing="on"), "version": seen},
    )

    # Then it is refused with the concurrency message and nothing changes
    assert response.status_code == 200
    assert str(StaleEdit.message) in form_errors(response)
    after = fresh(declaration)
    assert (after.version, after.has_nothing) == (filed.version, False)
    assert after.relatives.count() == 1


def test_only_the_filer_or_an_officer_reaches_the_filing_form(client, heping):
    declaration = heping.task(heping.campaign())

    # The chief sees the declaration (their department) but cannot file it
    client.force_login(heping.chief)
    assert client.get(f"/declarations/{declaration.pk}/").status_code == 200
    assert client.get(f"/declarations/{declaration.pk}/file/").status_code == 404
    # The officer files on behalf of someone without a login
    client.force_login(heping.officer)
    assert client.get(f"/declarations/{declaration.pk}/file/").status_code == 200


# --- Signing -------------------------------------------------------------------------------


def test_the_chief_signs_then_the_leader_and_the_leader_cannot_sign_first(client, heping):
    # Given a filed declaration of a relative
    declaration = file_relatives(heping.task(heping.campaign()), heping.filer)

    # When the leader tries to sign first
    client.force_login(heping.leader)
    response = client.post(
        f"/declarations/{declaration.pk}/sign/",
        {"version": declaration.version, "statement": "同意"},
    )

    # Then it is refused on the page and nothing changes
    assert response.status_code == 200
    assert form_errors(response, "sign_form")
    after = fresh(declaration)
    assert (after.status, after.signatures_done, after.version) == (
        Status.FILED,
        0,
        declaration.version,
    )
    assert not Signature.objects.exists()

    # When the chief opens it, the attestation is prefilled, and signs
    client.force_login(heping.chief)
    page = client.get(f"/declarations/{declaration.pk}/")
    assert page.context["may_sign"] is True
    assert page.context["sign_form"]["statement"].value() == str(services.DEFAULT_ATTESTATION)
    response = client.post(
        f"/declarations/{declaration.pk}/sign/",
        {"version": after.version, "statement": "经核实，情况属实。"},
    )
    assert response.status_code == 302
    assert fresh(declaration).signatures_done == 1

    # Then the leader signs last, the declaration is final and ledger 3 has the relative
    client.force_login(heping.leader)
    response = client.post(
        f"/declarations/{declaration.pk}/sign/",
        {"version": fresh(declaration).version, "statement": "同意"},
    )
    assert response.status_code == 302
    final = fresh(declaration)
    assert final.status == Status.SIGNED
    signatures = list(Signature.objects.filter(declaration=final).order_by("stage"))
    assert [(s.stage, s.signer, s.statement) for s in signatures] == [
        (0, heping.chief, "经核实，情况属实。"),
        (1, heping.leader, "同意"),
    ]
    record = RelativePractice.objects.get(staff=heping.judge)
    assert record.licence_number == LICENCE

    # And the page shows both signatures in the chain and links the ledger record
    page = client.get(f"/declarations/{declaration.pk}/")
    chain = page.context["chain"]
    assert [row["signature"].signer_name for row in chain] == ["民一庭长", "副院长"]
    assert f'href="/ledgers/relatives/{record.pk}/"' in page.text
    assert page.context["may_sign"] is False


def test_nobody_signs_their_own_declaration(client, heping):
    # The chief's own declaration goes to the leader; the chief cannot sign it
    declaration = file_none(heping.task(heping.campaign(), heping.chief_staff), heping.chief)

    client.force_login(heping.chief)
    page = client.get(f"/declarations/{declaration.pk}/")
    assert page.context["may_sign"] is False
    response = client.post(
        f"/declarations/{declaration.pk}/sign/", {"version": declaration.version, "statement": "x"}
    )

    assert response.status_code == 200
    assert fresh(declaration).status == Status.FILED


def test_a_signer_returns_it_and_the_filer_files_again(client, heping):
    # Given a filed declaration
    declaration = file_none(heping.task(heping.campaign()), heping.filer)

    # When the chief returns it without a reason, then with one
    client.force_login(heping.chief)
    refused = client.post(
        f"/declarations/{declaration.pk}/return/", {"version": declaration.version}
    )
    assert refused.status_code == 200
    assert fresh(declaration).status == Status.FILED
    response = client.post(
        f"/declarations/{declaration.pk}/return/",
        {"version": declaration.version, "reason": "您的配偶是律师，请如实申报"},
    )

    # Then it is returned to the filer with the reason
    assert response.status_code == 302
    returned = fresh(declaration)
    assert returned.status == Status.RETURNED
    client.force_login(heping.filer)
    home = client.get("/")
    assert home.context["tasks"][0]["fileable"] is True
    form = client.get(f"/declarations/{declaration.pk}/file/")
    assert "您的配偶是律师，请如实申报" in form.text
    assert form.context["form"]["has_nothing"].value() is True  # what was filed before

    # When they file again with the relative
    response = client.post(
        f"/declarations/{declaration.pk}/file/", relatives_post(returned, [relative()])
    )

    # Then it awaits the chief again, from the first stage
    assert response.status_code == 302, form_errors(response)
    refiled = fresh(declaration)
    assert (refiled.status, refiled.signatures_done, refiled.next_role) == (
        Status.FILED,
        0,
        Role.CHIEF,
    )
    detail = client.get(f"/declarations/{declaration.pk}/")
    assert [s.reason for s in detail.context["returns"]] == ["您的配偶是律师，请如实申报"]


def test_a_signed_declaration_is_corrected_by_a_new_revision(client, heping):
    # Given a signed declaration
    declaration = file_none(heping.task(heping.campaign()), heping.filer)
    sign(declaration, heping.chief)
    sign(declaration, heping.leader)

    # When the filer starts a correction from its page
    client.force_login(heping.filer)
    page = client.get(f"/declarations/{declaration.pk}/")
    assert page.context["may_correct"] is True
    assert page.context["may_file"] is False
    response = client.post(f"/declarations/{declaration.pk}/correct/")

    # Then a new revision is opened for filing; the signed one is kept as superseded
    correction = Declaration.objects.get(
        campaign=declaration.campaign, staff=heping.judge, revision=2
    )
    assert response.status_code == 302
    assert response["Location"] == f"/declarations/{correction.pk}/file/"
    assert fresh(declaration).status == Status.SUPERSEDED
    assert correction.previous_id == declaration.pk
    assert correction.is_current
    old = client.get(f"/declarations/{declaration.pk}/")
    assert old.context["correction_id"] == correction.pk
    assert f'href="/declarations/{correction.pk}/"' in old.text
    new = client.get(f"/declarations/{correction.pk}/")
    assert f'href="/declarations/{declaration.pk}/"' in new.text

    # And the correction is filed and signed like the first
    response = client.post(
        f"/declarations/{correction.pk}/file/",
        relatives_post(correction, [relative()]),
    )
    assert response.status_code == 302, form_errors(response)
    assert fresh(correction).status == Status.FILED


def test_the_signers_queue(client, heping, province):
    campaign = heping.campaign()
    mine = file_none(heping.task(campaign), heping.filer)
    criminal = heping.task(campaign, province.staff["heping_criminal"])
    file_none(criminal, heping.officer)  # another division: not this chief's

    client.force_login(heping.chief)
    page = client.get("/declarations/sign/")

    assert page.status_code == 200
    assert [row["declaration"].pk for row in page.context["rows"]] == [mine.pk]
    assert f'href="/declarations/{mine.pk}/"' in page.text
    home = client.get("/")
    assert [d.pk for d in home.context["awaiting"]] == [mine.pk]
    # A staff member who signs nothing has no queue on the home page
    client.force_login(heping.filer)
    assert client.get("/").context["awaiting"] is None


# --- Progress, reminders, campaign changes ---------------------------------------------------


def test_progress_counts_per_court_and_department(client, heping, province):
    # Given a campaign past its due date: the judge filed "none" and the chief signed it, the
    # chief's own declaration awaits the leader, the 刑庭 judge's was returned, the rest are
    # to be filed
    campaign = heping.campaign()
    judge = file_none(heping.task(campaign), heping.filer)
    sign(judge, heping.chief)
    file_none(heping.task(campaign, heping.chief_staff), heping.chief)
    criminal = file_relatives(heping.task(campaign, province.staff["heping_criminal"]), None)
    Campaign.objects.filter(pk=campaign.pk).update(due_on=today() - dt.timedelta(days=1))
    leader_of_criminal = UserFactory()
    assign(
        leader_of_criminal,
        Role.CHIEF,
        heping.court,
        department=province.departments["heping_criminal"],
    )
    services.declaration_return(
        actor=leader_of_criminal,
        declaration=fresh(criminal),
        version=fresh(criminal).version,
        reason="补充",
    )

    # When the officer opens the campaign
    page = web(client, heping.officer).get(f"/declarations/campaigns/{campaign.pk}/")

    # Then the counts add up, per court and per department
    assert page.status_code == 200
    progress = page.context["progress"]
    totals = progress.totals
    assert (totals.tasks, totals.pending, totals.returned) == (5, 2, 1)
    assert (totals.awaiting_chief, totals.awaiting_leader, totals.signed) == (0, 2, 0)
    assert totals.overdue == 3
    assert totals.nothing == 2
    [court] = progress.courts
    by_department = {d.department_name: d.counts for d in court.departments}
    assert by_department["民事审判第一庭"].tasks == 3
    assert by_department["刑事审判庭"].returned == 1
    assert by_department[""].pending == 1  # the vice president, in no department
    # Who is overdue, and who awaits whose signature
    assert {d.staff.name for d in progress.overdue} == {"heping法官", "副院长", "刑庭法官"}
    assert [a["stage"].signers for a in page.context["awaited"]] == [["副院长"]]
    assert "副院长" in page.text
    assert "刑庭法官" in page.text


def test_one_click_reminds_the_overdue(client, heping):
    campaign = heping.campaign()
    file_none(heping.task(campaign), heping.filer)
    Campaign.objects.filter(pk=campaign.pk).update(due_on=today() - dt.timedelta(days=2))

    response = web(client, heping.officer).post(f"/declarations/campaigns/{campaign.pk}/remind/")

    # Everyone still to file is told (4 of 5), once
    assert response.status_code == 302
    reminded = Notification.objects.filter(kind=services.REMINDED_KIND)
    assert reminded.count() == 4
    assert heping.judge.pk not in set(reminded.values_list("recipient_id", flat=True))
    assert messages_of(client.get(response["Location"]))
    client.post(f"/declarations/campaigns/{campaign.pk}/remind/")
    assert reminded.count() == 4
    # Signers cannot remind
    client.force_login(heping.leader)
    assert client.post(f"/declarations/campaigns/{campaign.pk}/remind/").status_code == 404


def test_the_due_date_is_changed_with_the_version_check(client, heping):
    campaign = heping.campaign()
    client = web(client, heping.officer)
    new_due = today() + dt.timedelta(days=40)

    # A stale edit is a form error and changes nothing
    stale = client.post(
        f"/declarations/campaigns/{campaign.pk}/edit/",
        {"version": campaign.version - 1 or 99, "title": "改名", "due_on": chinese(new_due)},
    )
    assert stale.status_code == 200
    assert str(StaleEdit.message) in form_errors(stale, "edit_form")
    assert fresh(campaign).title == campaign.title

    response = client.post(
        f"/declarations/campaigns/{campaign.pk}/edit/",
        {"version": campaign.version, "title": "改名", "due_on": chinese(new_due)},
    )
    assert response.status_code == 302
    after = fresh(campaign)
    assert (after.title, after.due_on, after.version) == ("改名", new_due, campaign.version + 1)


def test_close_and_void_a_campaign(client, heping):
    campaign = heping.campaign()
    client = web(client, heping.officer)

    missing_reason = client.post(
        f"/declarations/campaigns/{campaign.pk}/void/", {"version": campaign.version}
    )
    assert missing_reason.status_code == 200
    assert fresh(campaign).voided_at is None

    client.post(f"/declarations/campaigns/{campaign.pk}/close/", {"version": campaign.version})
    closed = fresh(campaign)
    assert closed.status == Campaign.Status.CLOSED
    # Closed: the judge can no longer file
    client.force_login(heping.filer)
    declaration = heping.task(campaign)
    assert client.get(f"/declarations/{declaration.pk}/file/").status_code == 302
    assert client.get("/").context["tasks"] == []

    client.force_login(heping.officer)
    response = client.post(
        f"/declarations/campaigns/{campaign.pk}/void/",
        {"version": closed.version, "reason": "重复发起"},
    )
    assert response.status_code == 302
    voided = fresh(campaign)
    assert voided.void_reason == "重复发起"
    assert voided.voided_at is not None
    assert client.get(f"/declarations/campaigns/{campaign.pk}/").status_code == 200


# --- Scope ---------------------------------------------------------------------------------


def test_out_of_scope_looks_exactly_like_not_found(client, heping, province):
    # Given a declaration at 辽0202, out of every heping user's scope, and an id nobody has
    zhongshan = province.courts["zhongshan"]
    other = services.campaign_open(
        actor=None,
        kind=Kind.RELATIVES,
        title="中山区申报",
        court=zhongshan,
        covers_subordinates=False,
        period_start=D(2026, 1, 1),
        period_end=D(2026, 12, 31),
        due_on=D(2026, 2, 1),
    )
    hidden = Declaration.objects.filter(campaign=other).first()
    missing = Declaration.objects.order_by("-pk").first().pk + 1000

    for user in (heping.officer, heping.filer, heping.chief, heping.leader):
        client.force_login(user)
        for suffix in ("", "file/"):
            seen = client.get(f"/declarations/{hidden.pk}/{suffix}")
            absent = client.get(f"/declarations/{missing}/{suffix}")
            assert seen.status_code == absent.status_code == 404
            assert seen.content == absent.content
        for suffix in ("sign/", "return/", "correct/"):
            assert (
                client.post(f"/declarations/{hidden.pk}/{suffix}", {"version": 1}).status_code
                == 404
            )
        assert client.get(f"/declarations/campaigns/{other.pk}/").status_code == 404
    assert fresh(hidden).status == Status.PENDING


def test_staff_see_their_declarations_but_no_campaigns(client, heping):
    campaign = heping.campaign()

    page = web(client, heping.filer).get("/declarations/")

    assert page.status_code == 200
    assert page.context["follows"] is False
    assert [row["declaration"].campaign_id for row in page.context["tasks"]] == [campaign.pk]
    assert f'href="/declarations/campaigns/{campaign.pk}/"' not in page.text
    assert client.get(f"/declarations/campaigns/{campaign.pk}/").status_code == 404


def test_the_navigation_offers_declarations(client, heping):
    page = web(client, heping.filer).get("/")
    assert 'href="/declarations/"' in page.text
    client.force_login(UserFactory())  # no role, no staff record
    assert 'href="/declarations/"' not in client.get("/").text


# --- Query counts --------------------------------------------------------------------------


def _more_staff(heping: Heping, count: int) -> None:
    for _ in range(count):
        person(heping.court, heping.civil)


def _same_cost(client, url: str, limit: int, grow, assert_max) -> list:
    """The page's queries with little data, then after ``grow()``: at most ``limit``, and
    the same number both times."""
    with assert_max(limit) as few:
        small = client.get(url)
    grow()
    with assert_max(limit) as many:
        large = client.get(url)
    assert small.status_code == large.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    return [small, large]


# session, user, role assignments, the page of campaigns (court joined), the courts of the
# filter form (the officer has no staff record: no tasks, no inbox)
CAMPAIGN_LIST_QUERIES = 5
# the home page as before (session, user, staff, grants, courts in scope, the inquiry form's
# cases, the latest inquiries, the assignments listed with their courts and departments), the
# inbox's unread count, and my tasks (campaign joined); the judge signs nothing
HOME_QUERIES = 12
# session, user, grants, the page (campaign, staff, court, department joined), the inbox's
# unread count, the signer's name in the header
SIGN_QUEUE_QUERIES = 6
# session, user, grants, the campaign, may change, the courts of the filter, the counts per
# court and department, the awaited stages, who may sign them, the overdue, those awaiting,
# the history, and the names it shows (the actors, the courts)
PROGRESS_QUERIES = 12 + 2


def test_campaign_list_queries_are_fixed(client, heping, django_assert_max_num_queries):
    heping.campaign(title="申报")
    client.force_login(heping.officer)

    def grow():
        for index in range(6):
            heping.campaign(title=f"申报{index}")

    small, large = _same_cost(
        client, "/declarations/", CAMPAIGN_LIST_QUERIES, grow, django_assert_max_num_queries
    )
    assert (len(small.context["page"].rows), len(large.context["page"].rows)) == (1, 7)


def test_home_page_tasks_queries_are_fixed(client, heping, django_assert_max_num_queries):
    heping.campaign(title="申报")
    client.force_login(heping.filer)

    def grow():
        for index in range(5):
            heping.campaign(title=f"申报{index}")

    small, large = _same_cost(client, "/", HOME_QUERIES, grow, django_assert_max_num_queries)
    assert (len(small.context["tasks"]), len(large.context["tasks"])) == (1, 6)


def test_sign_queue_queries_are_fixed(client, heping, django_assert_max_num_queries):
    campaign = heping.campaign()
    file_none(heping.task(campaign), heping.filer)
    client.force_login(heping.chief)

    def grow():
        _more_staff(heping, 6)
        later = heping.campaign(title="第二次申报")
        for declaration in Declaration.objects.filter(
            campaign=later, department=heping.civil
        ).exclude(staff=heping.chief_staff):
            file_none(declaration, heping.officer)

    small, large = _same_cost(
        client, "/declarations/sign/", SIGN_QUEUE_QUERIES, grow, django_assert_max_num_queries
    )
    assert (len(small.context["rows"]), len(large.context["rows"])) == (1, 1 + 8)


def test_progress_page_queries_are_fixed(client, heping, django_assert_max_num_queries):
    campaign = heping.campaign()
    file_none(heping.task(campaign), heping.filer)
    Campaign.objects.filter(pk=campaign.pk).update(due_on=today() - dt.timedelta(days=1))
    client.force_login(heping.officer)

    def grow():
        # More staff, their tasks, filings and a signature in another department
        criminal = heping.province.departments["heping_criminal"]
        for _ in range(6):
            member = person(heping.court, criminal)
            Declaration.objects.create(
                campaign=campaign, staff=member, court=heping.court, department=criminal
            )
        for declaration in Declaration.objects.filter(campaign=campaign, status=Status.PENDING)[:4]:
            file_none(declaration, heping.officer)
        sign(heping.task(campaign), heping.chief)

    small, large = _same_cost(
        client,
        f"/declarations/campaigns/{campaign.pk}/",
        PROGRESS_QUERIES,
        grow,
        django_assert_max_num_queries,
    )
    assert small.context["progress"].totals.tasks == heping.task_count
    assert large.context["progress"].totals.tasks == heping.task_count + 6
    assert large.context["progress"].totals.overdue == heping.task_count + 6 - 5


def test_declaration_page_queries_do_not_grow_with_relatives_and_signatures(
    client, heping, django_assert_max_num_queries
):
    campaign = heping.campaign()
    small = file_none(heping.task(campaign), heping.filer)
    big = file_relatives(
        heping.task(campaign, heping.province.staff["heping"]),
        heping.officer,
        *[
            relative(relative_name=f"亲属{i}", licence_number="", relationship="brother")
            for i in range(5)
        ],
    )
    sign(big, heping.chief)
    client.force_login(heping.officer)
    with django_assert_max_num_queries(20) as few:
        assert client.get(f"/declarations/{small.pk}/").status_code == 200
    with django_assert_max_num_queries(20) as many:
        assert client.get(f"/declarations/{big.pk}/").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
