"""Declarations with chained sign-off (ledgers/declarations/services.py and selectors.py):
campaigns and their fan-out, filing (relatives, "none", inquiries, zero reports), the sign-off
chain in order, return and refile, corrections, ledger 3 kept up to date by signed
declarations, the one-click reminder, and the reads the pages and the API make. Every write is
checked for access, optimistic concurrency and its audit event."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext

from integrity.access import policy
from integrity.access.models import Role
from integrity.audit.models import AuditEvent
from integrity.concurrency import StaleEdit
from integrity.notify import kinds
from integrity.notify.models import Notification
from integrity.org.models import StaffMember
from ledgers import services as ledger_services
from ledgers.declarations import selectors, services
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
PERIOD = {"period_start": D(2026, 1, 1), "period_end": D(2026, 12, 31)}
LICENCE = "12101201510000001"
FULL_WIDTH_LICENCE = LICENCE.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})


# --- builders -------------------------------------------------------------------------------
def login(member, *roles, court=None, department=None, covers=False):
    """A login for ``member`` holding the staff role at their court and ``roles``."""
    user = UserFactory(staff=member)
    assign(user, Role.STAFF, member.court)
    for role in roles:
        assign(
            user,
            role,
            court or member.court,
            department=department if role == Role.CHIEF else None,
            covers=covers,
        )
    return user


def person(court, department=None, post=Post.JUDGE, **fields):
    return StaffMemberFactory(court=court, department=department, post=post, **fields)


def officer_of(court, covers=False):
    user = UserFactory()
    assign(user, Role.OFFICER, court, covers=covers)
    return user


def open_campaign(province, *, kind=Kind.RELATIVES, court="heping", actor=None, **fields):
    values = {
        "kind": kind,
        "title": "2026年度近亲属从事律师职业申报",
        "court": province.courts[court],
        "covers_subordinates": False,
        "due_on": D(2027, 1, 31),
        **PERIOD,
        **fields,
    }
    return services.campaign_open(actor=actor, **values)


def task(campaign, member):
    return Declaration.objects.get(campaign=campaign, staff=member, is_current=True)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def spouse(**overrides):
    return {
        "relative_name": "王某",
        "relationship": "spouse",
        "law_firm": "辽宁某律师事务所",
        "licence_number": LICENCE,
        "role": "lawyer",
        "acts_in_jurisdiction": False,
        **overrides,
    }


def file(declaration, actor=None, **fields):
    values = {"has_nothing": False, "relatives": (), "inquiries": (), **fields}
    return services.declaration_file(
        actor=actor, declaration=declaration, version=declaration.version, **values
    )


def sign(declaration, actor, statement=services.DEFAULT_ATTESTATION):
    return services.declaration_sign(
        actor=actor, declaration=declaration, version=declaration.version, statement=statement
    )


def audit(obj, verb):
    return AuditEvent.objects.filter(
        action=f"{obj._meta.label_lower}.{verb}", object_id=str(obj.pk)
    )


@pytest.fixture
def heping(province):
    """The basic court 辽0102's people: a judge and a deputy chief of 民一庭 with logins, its
    chief and a leader (vice president) with logins, the chief of the criminal division."""
    court = province.courts["heping"]
    civil = province.departments["heping"]
    criminal = province.departments["heping_criminal"]
    judge = person(court, civil, name="审判员甲")
    chief = person(court, civil, Post.CHIEF, name="民一庭长", is_leading_cadre=True)
    vice = person(court, None, Post.VICE_PRESIDENT, name="副院长", is_leading_cadre=True)
    criminal_chief = person(court, criminal, Post.CHIEF, name="刑庭长", is_leading_cadre=True)
    return {
        "court": court,
        "civil": civil,
        "criminal": criminal,
        "judge": judge,
        "judge_user": login(judge),
        "chief": chief,
        "chief_user": login(chief, Role.CHIEF, department=civil),
        "vice": vice,
        "vice_user": login(vice, Role.LEADER),
        "criminal_chief_user": login(criminal_chief, Role.CHIEF, department=criminal),
    }


# --- campaigns and fan-out --------------------------------------------------------------------
def test_campaign_goes_to_every_serving_staff_member_of_the_court_only(province):
    # Given a court with serving staff and one who left, and staff at other courts
    court = province.courts["heping"]
    extra = person(court, province.departments["heping"], Post.CLERK)
    person(court, None, status=StaffMember.Status.RETIRED, left_on=D(2025, 6, 30))
    office = officer_of(court)
    # When its officer opens a campaign for that court alone
    campaign = open_campaign(province, actor=office)
    # Then exactly the serving staff of that court have a task, placed where they serve
    expected = set(
        StaffMember.objects.filter(court=court, status="serving").values_list("pk", flat=True)
    )
    tasks = Declaration.objects.filter(campaign=campaign)
    assert set(tasks.values_list("staff_id", flat=True)) == expected
    assert len(expected) == 3
    assert extra.pk in expected
    assert campaign.task_count == fresh(campaign).task_count == 3
    assert campaign.opened_by == office
    mine = task(campaign, extra)
    assert (mine.court, mine.department) == (court, extra.department)
    assert (mine.status, mine.revision, mine.is_current, mine.chain) == (
        Status.PENDING,
        1,
        True,
        [],
    )
    assert (mine.version, mine.signatures_done, mine.next_role) == (1, 0, "")
    # And one audit event says how many were asked
    (event,) = audit(campaign, "open")
    assert event.changes["tasks"] == [None, 3]
    assert event.actor == office


def test_campaign_with_the_courts_below_reaches_their_staff_and_no_others(province):
    # Given a departed staff member at a court below
    shenhe = province.courts["shenhe"]
    person(shenhe, None, status=StaffMember.Status.RESIGNED, left_on=D(2025, 3, 1))
    office = officer_of(province.courts["shenyang"], covers=True)
    # When the intermediate court opens a campaign including the courts below
    campaign = open_campaign(province, court="shenyang", covers_subordinates=True, actor=office)
    # Then the intermediate court and both basic courts below it are asked, nobody else
    staffed = set(Declaration.objects.filter(campaign=campaign).values_list("staff_id", flat=True))
    assert staffed == {province.staff[k].pk for k in ("shenyang", "heping", "shenhe")} | {
        province.staff["heping_criminal"].pk
    }
    assert campaign.task_count == 4


def test_campaign_open_costs_the_same_queries_for_3_and_30_staff(province):
    # Given two basic courts with 3 and 30 serving staff, and an officer over both
    small, large = province.courts["shenhe"], province.courts["zhongshan"]
    StaffMemberFactory.create_batch(2, court=small)
    StaffMemberFactory.create_batch(29, court=large)
    office = officer_of(province.courts["high"], covers=True)
    counts = []
    for key in ("shenhe", "zhongshan"):
        policy.forget(office)
        with CaptureQueriesContext(connection) as queries:
            campaign = open_campaign(province, court=key, actor=office)
        counts.append((campaign.task_count, len(queries)))
    # Then the tasks differ tenfold and the queries do not
    assert [tasks for tasks, _ in counts] == [3, 30]
    assert counts[0][1] == counts[1][1]


def test_staff_cannot_open_campaigns(province, heping):
    with pytest.raises(PermissionDenied):
        open_campaign(province, actor=heping["judge_user"])
    assert not Campaign.objects.exists()


def test_an_officer_opens_campaigns_only_for_courts_in_reach(province):
    office = officer_of(province.courts["shenyang"])
    # Another court
    with pytest.raises(ValidationError) as error:
        open_campaign(province, court="dalian", actor=office)
    assert "court" in error.value.message_dict
    # Their own court, but including courts below their role does not reach
    with pytest.raises(ValidationError) as error:
        open_campaign(province, court="shenyang", covers_subordinates=True, actor=office)
    assert "covers_subordinates" in error.value.message_dict
    # Nothing was created or audited
    assert not Campaign.objects.exists()
    assert not Declaration.objects.exists()
    assert not AuditEvent.objects.filter(action="ledgers.campaign.open").exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": "  "}, "title", "This field cannot be blank."),
        ({"kind": "yearly"}, "kind", "Value %(value)r is not a valid choice."),
        (
            {"period_start": D(2026, 6, 1), "period_end": D(2026, 5, 1)},
            "__all__",
            "The period cannot end before it starts.",
        ),
        (
            {"due_on": D(2025, 12, 31)},
            "__all__",
            "The due date cannot be before the period starts.",
        ),
    ],
    ids=["blank-title", "unknown-kind", "period-backwards", "due-before-period"],
)
def test_a_campaign_with_bad_fields_is_refused_with_a_translated_error(
    province, fields, field, message
):
    with pytest.raises(ValidationError) as error:
        open_campaign(province, **fields)
    (shown,) = error.value.message_dict[field]
    # In Chinese (the default language): the message is translated, not the English msgid
    assert shown == gettext(message) % {"value": fields.get("kind")}
    assert not Campaign.objects.exists()
    assert not Declaration.objects.exists()


def test_campaign_update_close_and_void(province, heping):
    office = officer_of(province.courts["heping"])
    campaign = open_campaign(province, actor=office)
    # A stale version is refused and nothing changes
    with pytest.raises(StaleEdit):
        services.campaign_update(
            actor=office, campaign=campaign, version=0, fields={"title": "改了"}
        )
    assert fresh(campaign).title == campaign.title
    # The title and due date change, audited field by field
    services.campaign_update(
        actor=office,
        campaign=campaign,
        version=campaign.version,
        fields={"title": "新标题", "due_on": D(2027, 2, 28)},
    )
    (event,) = audit(campaign, "update")
    assert event.changes["title"] == ["2026年度近亲属从事律师职业申报", "新标题"]
    assert event.changes["due_on"] == ["2027-01-31", "2027-02-28"]
    # Fields that are not the campaign's to change are refused
    with pytest.raises(ValidationError):
        services.campaign_update(
            actor=office, campaign=campaign, version=campaign.version, fields={"court": 1}
        )
    # Once something is filed, the period is fixed
    file(task(campaign, heping["judge"]), has_nothing=True)
    with pytest.raises(ValidationError) as error:
        services.campaign_update(
            actor=office,
            campaign=fresh(campaign),
            version=fresh(campaign).version,
            fields={"period_start": D(2026, 2, 1)},
        )
    assert "period_start" in error.value.message_dict
    # Staff may not change it
    with pytest.raises(PermissionDenied):
        services.campaign_close(
            actor=heping["judge_user"], campaign=campaign, version=campaign.version
        )
    # Closing it stops filing; voiding needs a reason and deletes nothing
    campaign = services.campaign_close(actor=office, campaign=campaign, version=campaign.version)
    assert campaign.status == Campaign.Status.CLOSED
    assert campaign.closed_at
    with pytest.raises(ValidationError):
        file(task(campaign, heping["chief"]), has_nothing=True)
    with pytest.raises(ValidationError):
        services.campaign_void(actor=office, campaign=campaign, version=campaign.version, reason="")
    campaign = services.campaign_void(
        actor=office, campaign=campaign, version=campaign.version, reason="重复发起"
    )
    assert campaign.is_void
    assert campaign.void_reason == "重复发起"
    assert Declaration.objects.filter(campaign=campaign).count() == campaign.task_count
    assert audit(campaign, "void").get().reason == "重复发起"
    with pytest.raises(ValidationError):
        services.campaign_void(
            actor=office, campaign=campaign, version=campaign.version, reason="x"
        )


# --- filing ------------------------------------------------------------------------------------
def test_file_none_sets_the_chain_and_is_audited(province, heping):
    campaign = open_campaign(province)
    mine = task(campaign, heping["judge"])
    # When the judge declares that they have no relative practising law
    filed = file(mine, heping["judge_user"], has_nothing=True, statement=" 无 ")
    # Then it awaits their division chief, then a leader of the court
    filed = fresh(filed)
    assert (filed.status, filed.has_nothing, filed.statement) == (Status.FILED, True, "无")
    assert filed.filed_by == heping["judge_user"]
    assert filed.filed_at
    court, civil = heping["court"], heping["civil"]
    assert filed.chain == [
        {"role": "chief", "court": court.pk, "department": civil.pk},
        {"role": "leader", "court": court.pk, "department": None},
    ]
    assert (filed.next_role, filed.next_court, filed.next_department) == ("chief", court, civil)
    assert filed.version == 2
    (event,) = audit(filed, "file")
    assert event.changes["status"] == ["pending", "filed"]
    assert event.changes["has_nothing"] == [False, True]
    assert "filed_on_behalf_of" not in event.changes


def test_file_relatives_normalises_and_lists_them_in_the_audit(province, heping):
    campaign = open_campaign(province)
    mine = task(campaign, heping["judge"])
    filed = file(
        mine,
        heping["judge_user"],
        relatives=[
            spouse(
                licence_number=" ".join(FULL_WIDTH_LICENCE),
                firm_area=province.courts["shenyang"].pk,
            ),
            {
                "relative_name": "李某",
                "relationship": "brother",
                "law_firm": "辽宁某律师事务所",
                "role": "partner",
                "practising_since": "2019-07-01",
            },
        ],
    )
    rows = list(filed.relatives.order_by("id"))
    assert [r.relative_name for r in rows] == ["王某", "李某"]
    assert rows[0].licence_number == LICENCE
    assert rows[0].firm_area == province.courts["shenyang"]
    assert rows[1].practising_since == D(2019, 7, 1)
    (event,) = audit(filed, "file")
    before, after = event.changes["relatives"]
    assert before == []
    assert [r["relative_name"] for r in after] == ["王某", "李某"]
    # Corrected before anyone signs: the rows are replaced
    filed = file(fresh(filed), heping["judge_user"], relatives=[spouse(role="partner")])
    assert list(filed.relatives.values_list("role", flat=True)) == ["partner"]


@pytest.mark.parametrize(
    ("has_nothing", "relatives", "field"),
    [
        (False, [], "relatives"),
        (True, [spouse()], "has_nothing"),
        (False, [spouse(), spouse(relative_name="另一人")], "relatives"),  # same licence
        (False, [spouse(licence_number=""), spouse(licence_number="")], "relatives"),  # same person
        (False, [spouse(licence_number="123")], "relatives"),
        (False, [spouse(relationship="cousin")], "relatives"),
        (False, [spouse(law_firm="")], "relatives"),
        (False, [spouse(firm_area=999999)], "relatives"),
        (False, [spouse(colour="red")], "relatives"),
    ],
    ids=[
        "neither",
        "both",
        "duplicate-licence",
        "duplicate-person",
        "bad-licence",
        "bad-relationship",
        "no-firm",
        "no-such-area",
        "unknown-field",
    ],
)
def test_bad_relatives_filings_are_refused_and_change_nothing(
    province, heping, has_nothing, relatives, field
):
    campaign = open_campaign(province)
    mine = task(campaign, heping["judge"])
    with pytest.raises(ValidationError) as error:
        file(mine, heping["judge_user"], has_nothing=has_nothing, relatives=relatives)
    assert field in error.value.message_dict
    after = fresh(mine)
    assert (after.status, after.version) == (Status.PENDING, 1)
    assert not DeclaredRelative.objects.exists()
    assert not audit(mine, "file").exists()


def test_report_of_other_relatives_leaves_spouse_parents_and_children_to_the_yearly_one(
    province, heping
):
    campaign = open_campaign(province, kind=Kind.OTHER_RELATIVES, title="其他近亲属定期报告")
    mine = task(campaign, heping["judge"])
    with pytest.raises(ValidationError):
        file(mine, heping["judge_user"], relatives=[spouse()])
    filed = file(mine, heping["judge_user"], relatives=[spouse(relationship="sister")])
    assert filed.status == Status.FILED


def test_only_the_staff_member_or_an_officer_files(province, heping):
    campaign = open_campaign(province)
    mine = task(campaign, heping["judge"])
    # Another staff member (even their chief) cannot file it for them
    for other in (heping["chief_user"], heping["vice_user"]):
        with pytest.raises(PermissionDenied):
            file(mine, other, has_nothing=True)
    # An officer of another court cannot either
    with pytest.raises(PermissionDenied):
        file(mine, officer_of(province.courts["dalian"]), has_nothing=True)
    # The court's officer files on their behalf, and the trail says so
    office = officer_of(heping["court"])
    filed = file(mine, office, has_nothing=True)
    assert filed.filed_by == office
    assert audit(filed, "file").get().changes["filed_on_behalf_of"] == [None, "审判员甲"]


def test_filing_with_a_stale_version_is_refused_and_changes_nothing(province, heping):
    campaign = open_campaign(province)
    mine = task(campaign, heping["judge"])
    file(mine, heping["judge_user"], has_nothing=True)  # mine now holds version 1: stale
    with pytest.raises(StaleEdit):
        services.declaration_file(
            actor=heping["judge_user"],
            declaration=mine,
            version=1,
            has_nothing=False,
            relatives=[spouse()],
        )
    after = fresh(mine)
    assert (after.has_nothing, after.version) == (True, 2)
    assert not after.relatives.exists()
    assert audit(mine, "file").count() == 1


def inquiry(province, member, occurred_on, **fields):
    return ledger_services.ledger_create(
        actor=None,
        model=InterferenceRecord,
        fields={
            "court": member.court,
            "department": member.department,
            "staff": member,
            "case_number": province.cases["heping"].number,
            "interferer_kind": "internal",
            "interferer_name": "张某",
            "occurred_on": occurred_on,
            "method": "phone",
            "content": "打听案件进展",
            **fields,
        },
    )


def three_rules(province):
    return open_campaign(
        province,
        kind=Kind.THREE_RULES,
        title="2026年10月“三个规定”报告",
        period_start=D(2026, 10, 1),
        period_end=D(2026, 10, 31),
        due_on=D(2026, 11, 10),
    )


def test_three_rules_report_zero_or_own_inquiries_of_the_period(province, heping):
    campaign = three_rules(province)
    judge, user = heping["judge"], heping["judge_user"]
    mine = task(campaign, judge)
    within = inquiry(province, judge, D(2026, 10, 15))
    # A zero report
    filed = file(mine, user, has_nothing=True)
    assert (filed.status, filed.has_nothing) == (Status.FILED, True)
    assert not filed.inquiries.exists()
    # Corrected to link the period's inquiry (entered under 逢问必录)
    filed = file(fresh(filed), user, inquiries=[within.pk])
    assert list(filed.inquiries.all()) == [within]
    assert audit(filed, "file").first().changes["inquiries"] == [[], [within.pk]]


@pytest.mark.parametrize(
    "problem", ["zero-with-inquiry", "nothing", "other-staff", "outside", "voided", "not-an-id"]
)
def test_three_rules_report_refuses_what_is_not_the_filers_period(province, heping, problem):
    campaign = three_rules(province)
    judge = heping["judge"]
    mine = task(campaign, judge)
    within = inquiry(province, judge, D(2026, 10, 15))
    fields = {
        "zero-with-inquiry": {"has_nothing": True, "inquiries": [within]},
        "nothing": {},
        "other-staff": {"inquiries": [inquiry(province, heping["chief"], D(2026, 10, 3))]},
        "outside": {"inquiries": [inquiry(province, judge, D(2026, 11, 1))]},
        "voided": {"inquiries": [within]},
        "not-an-id": {"inquiries": ["abc"]},
    }[problem]
    if problem == "voided":
        ledger_services.ledger_void(actor=None, record=within, version=within.version, reason="错")
    with pytest.raises(ValidationError) as error:
        file(mine, heping["judge_user"], **fields)
    assert set(error.value.message_dict) & {"inquiries", "has_nothing"}
    assert fresh(mine).status == Status.PENDING
    # Relatives have no place in this report
    with pytest.raises(ValidationError):
        file(mine, heping["judge_user"], relatives=[spouse()])


# --- sign-off ----------------------------------------------------------------------------------
def test_judge_is_signed_by_the_chief_then_a_leader_in_that_order(province, heping):
    campaign = open_campaign(province)
    mine = file(task(campaign, heping["judge"]), heping["judge_user"], has_nothing=True)
    # A leader cannot sign before the chief; nothing changes
    with pytest.raises(ValidationError) as error:
        sign(mine, heping["vice_user"])
    assert "民事审判第一庭" in str(error.value)
    # The chief of another department cannot sign it at all
    with pytest.raises(PermissionDenied):
        sign(mine, heping["criminal_chief_user"])
    # An officer in scope holds no signing role
    with pytest.raises(ValidationError):
        sign(mine, officer_of(heping["court"]))
    assert not Signature.objects.exists()
    assert fresh(mine).version == mine.version
    # The attestation is required
    with pytest.raises(ValidationError) as error:
        sign(mine, heping["chief_user"], statement="  ")
    assert "statement" in error.value.message_dict
    # The chief signs; now it awaits the leader
    mine = sign(mine, heping["chief_user"])
    assert (mine.status, mine.signatures_done) == (Status.FILED, 1)
    assert (mine.next_role, mine.next_court_id, mine.next_department_id) == (
        "leader",
        heping["court"].pk,
        None,
    )
    # The chief cannot sign again
    with pytest.raises(ValidationError):
        sign(fresh(mine), heping["chief_user"])
    # The leader signs last: the declaration is final and the filer is told
    mine = sign(fresh(mine), heping["vice_user"], statement="已审核，情况属实")
    mine = fresh(mine)
    assert (mine.status, mine.signatures_done, mine.next_role) == (Status.SIGNED, 2, "")
    assert mine.signed_at is not None
    assert mine.next_court is None
    signatures = list(mine.signatures.order_by("stage"))
    assert [(s.stage, s.role, s.signer_name, s.decision) for s in signatures] == [
        (0, "chief", "民一庭长", "signed"),
        (1, "leader", "副院长", "signed"),
    ]
    assert signatures[0].statement == str(services.DEFAULT_ATTESTATION)
    assert signatures[1].statement == "已审核，情况属实"
    assert audit(mine, "sign").count() == 2
    assert audit(mine, "sign").first().reason == "已审核，情况属实"
    told = Notification.objects.get(recipient=heping["judge"], kind=services.SIGNED_KIND)
    assert told.key == f"ledgers.declaration:{mine.pk}:signed"
    assert told.url == f"/declarations/{mine.pk}/"
    # Shown in the reader's language (Chinese here) from its registered kind
    assert kinds.title_of(told.kind, told.params) == f"您的申报“{campaign.title}”已签批完成"
    assert kinds.body_of(told.kind, told.params) == "副院长 已完成最后一级签批，申报已生效。"
    # A signed declaration cannot be filed again or signed again
    with pytest.raises(ValidationError):
        file(mine, heping["judge_user"], has_nothing=True)
    with pytest.raises(ValidationError):
        sign(mine, heping["vice_user"])


def test_nobody_signs_their_own_declaration(province, heping):
    # Given a vice president who also holds the court leader role, and a second leader
    court = heping["court"]
    president = person(court, None, Post.PRESIDENT, name="院长")
    president_user = login(president, Role.LEADER)
    campaign = open_campaign(province)
    mine = file(task(campaign, heping["vice"]), heping["vice_user"], has_nothing=True)
    assert mine.chain == [{"role": "leader", "court": court.pk, "department": None}]
    # The vice president cannot sign their own, even holding the role
    with pytest.raises(ValidationError) as error:
        sign(mine, heping["vice_user"])
    assert error.value.messages == [gettext("Nobody signs their own declaration.")]
    # Another leader of the court signs it
    assert sign(mine, president_user).status == Status.SIGNED


def test_one_person_does_not_sign_two_stages(province, heping):
    # Given the civil division's chief also holds the court leader role
    assign(heping["chief_user"], Role.LEADER, heping["court"])
    campaign = open_campaign(province)
    mine = file(task(campaign, heping["judge"]), heping["judge_user"], has_nothing=True)
    mine = sign(mine, heping["chief_user"])
    with pytest.raises(ValidationError):
        sign(fresh(mine), heping["chief_user"])
    assert sign(fresh(mine), heping["vice_user"]).status == Status.SIGNED


def test_chain_of_a_deputy_chief_and_a_chief(province, heping):
    court, civil = heping["court"], heping["civil"]
    deputy = person(court, civil, Post.DEPUTY_CHIEF, name="副庭长")
    campaign = open_campaign(province)
    deputy_task = file(task(campaign, deputy), None, has_nothing=True)
    chief_task = file(task(campaign, heping["chief"]), heping["chief_user"], has_nothing=True)
    # The deputy chief: their chief, then a leader
    assert [s["role"] for s in deputy_task.chain] == ["chief", "leader"]
    assert sign(deputy_task, heping["chief_user"]).next_role == "leader"
    # The chief: a leader of the court, and not themselves as chief
    assert chief_task.chain == [{"role": "leader", "court": court.pk, "department": None}]
    with pytest.raises(ValidationError):
        sign(chief_task, heping["chief_user"])
    assert sign(chief_task, heping["vice_user"]).status == Status.SIGNED


def test_president_of_a_lower_court_is_signed_by_a_leader_of_the_court_above(province, heping):
    # Given the basic court's president, and a leader of the intermediate court above who
    # does not cover the courts below
    president = person(heping["court"], None, Post.PRESIDENT, name="和平院长")
    above = person(province.courts["shenyang"], None, Post.PRESIDENT, name="沈阳院长")
    above_user = login(above, Role.LEADER)
    campaign = open_campaign(province)
    mine = file(task(campaign, president), None, has_nothing=True)
    # Then the basic court's own leader cannot sign it
    assert mine.chain == [
        {"role": "leader", "court": province.courts["shenyang"].pk, "department": None}
    ]
    with pytest.raises(ValidationError):
        sign(mine, heping["vice_user"])
    # Nor can a leader of another intermediate court
    with pytest.raises(PermissionDenied):
        sign(mine, login(person(province.courts["dalian"]), Role.LEADER))
    # The leader above finds it in their queue and on its page, and signs it
    assert list(selectors.awaiting_signature(above_user)) == [mine]
    assert selectors.declaration_get(above_user, mine.pk) == mine
    assert sign(mine, above_user).status == Status.SIGNED
    # After signing, they can still open what they signed
    assert selectors.declaration_get(above_user, mine.pk) == mine


def test_president_of_the_top_court_is_signed_by_another_leader_there(province):
    high = province.courts["high"]
    president = person(high, None, Post.PRESIDENT, name="高院院长")
    president_user = login(president, Role.LEADER)
    vice = person(high, None, Post.VICE_PRESIDENT, name="高院副院长")
    vice_user = login(vice, Role.LEADER)
    campaign = open_campaign(province, court="high")
    mine = file(task(campaign, president), president_user, has_nothing=True)
    assert mine.chain == [{"role": "leader", "court": high.pk, "department": None}]
    with pytest.raises(ValidationError):
        sign(mine, president_user)
    assert sign(mine, vice_user).status == Status.SIGNED


def test_return_and_refile_starts_the_signing_again(province, heping):
    campaign = open_campaign(province)
    mine = file(task(campaign, heping["judge"]), heping["judge_user"], has_nothing=True)
    mine = sign(mine, heping["chief_user"])
    # A return needs a reason
    with pytest.raises(ValidationError) as error:
        services.declaration_return(
            actor=heping["vice_user"], declaration=mine, version=mine.version, reason=" "
        )
    assert "reason" in error.value.message_dict
    # Only the awaited signer returns it
    with pytest.raises(ValidationError):
        services.declaration_return(
            actor=heping["chief_user"], declaration=mine, version=mine.version, reason="x"
        )
    mine = services.declaration_return(
        actor=heping["vice_user"], declaration=mine, version=mine.version, reason="漏报配偶"
    )
    mine = fresh(mine)
    assert (mine.status, mine.signatures_done, mine.next_role, mine.next_court) == (
        Status.RETURNED,
        0,
        "",
        None,
    )
    assert mine.return_reason == "漏报配偶"
    assert mine.returned_at
    returned = mine.signatures.get(decision=Signature.Decision.RETURNED)
    assert (returned.stage, returned.reason, returned.filing) == (1, "漏报配偶", 1)
    assert audit(mine, "return").get().reason == "漏报配偶"
    told = Notification.objects.get(recipient=heping["judge"], kind=services.RETURNED_KIND)
    assert told.key == f"ledgers.declaration:{mine.pk}:returned:{returned.pk}"
    assert told.params["reason"] == "漏报配偶"
    # Nobody can sign a returned declaration
    with pytest.raises(ValidationError):
        sign(mine, heping["chief_user"])
    # The filer corrects and refiles: the chain starts again from the chief
    mine = file(mine, heping["judge_user"], relatives=[spouse()])
    assert (mine.status, mine.next_role) == (Status.FILED, "chief")
    mine = sign(mine, heping["chief_user"])
    mine = sign(fresh(mine), heping["vice_user"])
    assert fresh(mine).status == Status.SIGNED
    assert list(mine.signatures.order_by("pk").values_list("filing", "stage", "decision")) == [
        (1, 0, "signed"),
        (1, 1, "returned"),
        (2, 0, "signed"),
        (2, 1, "signed"),
    ]
    # The filer was told twice: of the return, and of the final signature
    assert set(
        Notification.objects.filter(recipient=heping["judge"]).values_list("kind", flat=True)
    ) == {services.RETURNED_KIND, services.SIGNED_KIND}


def test_signing_with_a_stale_version_is_refused_and_changes_nothing(province, heping):
    campaign = open_campaign(province)
    mine = file(task(campaign, heping["judge"]), heping["judge_user"], has_nothing=True)
    stale = mine.version
    sign(mine, heping["chief_user"])
    with pytest.raises(StaleEdit):
        services.declaration_sign(
            actor=heping["vice_user"], declaration=fresh(mine), version=stale, statement="ok"
        )
    with pytest.raises(StaleEdit):
        services.declaration_return(
            actor=heping["vice_user"], declaration=fresh(mine), version=stale, reason="x"
        )
    after = fresh(mine)
    assert (after.status, after.signatures_done) == (Status.FILED, 1)
    assert Signature.objects.count() == 1


# --- ledger 3 ----------------------------------------------------------------------------------
def relative_record(member, **fields):
    values = {
        "court": member.court,
        "department": member.department,
        "staff": member,
        "relative_name": "赵某",
        "relationship": "brother",
        "law_firm": "辽宁老律师事务所",
        "role": "lawyer",
        "reported_on": D(2024, 1, 10),
        **fields,
    }
    return ledger_services.ledger_create(actor=None, model=RelativePractice, fields=values)


def sign_all(declaration, *users):
    for user in users:
        declaration = sign(fresh(declaration), user)
    return fresh(declaration)


def test_signed_declaration_makes_ledger_records_with_the_recusal_rules(province, heping):
    # Given a judge in a trial post whose spouse is a partner of a firm within the court's
    # area, and whose brother is a lawyer
    judge = heping["judge"]
    campaign = open_campaign(province)
    mine = file(
        task(campaign, judge),
        heping["judge_user"],
        relatives=[
            spouse(role="partner", firm_area=heping["court"].pk),
            {
                "relative_name": "李某",
                "relationship": "brother",
                "law_firm": "大连某律师事务所",
                "role": "lawyer",
            },
        ],
    )
    # While it is only filed, ledger 3 is untouched
    assert not RelativePractice.objects.exists()
    mine = sign_all(mine, heping["chief_user"], heping["vice_user"])
    signed_on = timezone.localdate(mine.signed_at)
    # Then both relatives are in ledger 3, and the spouse's record requires post recusal
    by_name = {r.relative_name: r for r in RelativePractice.objects.filter(staff=judge)}
    assert set(by_name) == {"王某", "李某"}
    spouse_record, brother_record = by_name["王某"], by_name["李某"]
    assert spouse_record.status == RelativePractice.Status.PENDING
    assert spouse_record.recusal_required_on == signed_on == spouse_record.reported_on
    assert spouse_record.licence_number == LICENCE
    assert (spouse_record.court, spouse_record.department) == (judge.court, judge.department)
    assert brother_record.status == RelativePractice.Status.NOT_REQUIRED
    # Each declared relative links to its record, and the records were created audited
    assert {r.record_id for r in mine.relatives.all()} == {spouse_record.pk, brother_record.pk}
    assert audit(spouse_record, "create").exists()


def test_signed_declaration_updates_matched_records_and_flags_removed_ones(province, heping):
    judge = heping["judge"]
    # Given ledger 3 already holds the spouse (by licence), a sister, and a voided record
    known = relative_record(
        judge, relative_name="王某", relationship="spouse", licence_number=LICENCE
    )
    dropped = relative_record(judge, relative_name="赵某", relationship="sister")
    voided = relative_record(judge, relative_name="错某")
    ledger_services.ledger_void(actor=None, record=voided, version=voided.version, reason="错录")
    campaign = open_campaign(province)
    # When the signed declaration lists the spouse with a new firm, and not the sister
    mine = file(
        task(campaign, judge),
        heping["judge_user"],
        relatives=[spouse(law_firm="辽宁新律师事务所")],
    )
    mine = sign_all(mine, heping["chief_user"], heping["vice_user"])
    # Then the spouse's record is the same record, brought up to date (audited)
    assert RelativePractice.objects.filter(staff=judge).count() == 3
    known = fresh(known)
    assert known.law_firm == "辽宁新律师事务所"
    assert audit(known, "update").get().changes["law_firm"] == [
        "辽宁老律师事务所",
        "辽宁新律师事务所",
    ]
    assert mine.relatives.get().record == known
    assert known.review_flagged_on is None
    # The sister's record is flagged for review, never deleted; the voided one is left alone
    dropped = fresh(dropped)
    assert dropped.review_flagged_on == timezone.localdate(mine.signed_at)
    assert "2026年度近亲属从事律师职业申报" in dropped.review_reason
    assert dropped.voided_at is None
    assert audit(dropped, "flag_review").get().reason == dropped.review_reason
    assert fresh(voided).review_flagged_on is None


def test_a_none_declaration_flags_every_open_record(province, heping):
    judge = heping["judge"]
    first = relative_record(judge, relative_name="甲", relationship="spouse")
    second = relative_record(judge, relative_name="乙", relationship="brother")
    ended = relative_record(judge, relative_name="丙")
    RelativePractice.objects.filter(pk=ended.pk).update(
        status=RelativePractice.Status.RESOLVED, resolved_on=D(2025, 1, 1)
    )
    campaign = open_campaign(province)
    mine = file(task(campaign, judge), heping["judge_user"], has_nothing=True)
    sign_all(mine, heping["chief_user"], heping["vice_user"])
    assert fresh(first).review_flagged_on
    assert fresh(second).review_flagged_on
    assert fresh(ended).review_flagged_on is None  # the relative stopped practising
    assert RelativePractice.objects.filter(staff=judge).count() == 3


def test_report_of_other_relatives_flags_only_those_relationships(province, heping):
    judge = heping["judge"]
    kin = relative_record(judge, relative_name="甲", relationship="spouse")
    other = relative_record(judge, relative_name="乙", relationship="brother")
    campaign = open_campaign(province, kind=Kind.OTHER_RELATIVES, title="其他近亲属定期报告")
    mine = file(task(campaign, judge), heping["judge_user"], has_nothing=True)
    sign_all(mine, heping["chief_user"], heping["vice_user"])
    assert fresh(kin).review_flagged_on is None
    assert fresh(other).review_flagged_on is not None


def test_a_signed_three_rules_report_leaves_ledger_3_alone(province, heping):
    judge = heping["judge"]
    record = relative_record(judge)
    mine = file(task(three_rules(province), judge), heping["judge_user"], has_nothing=True)
    sign_all(mine, heping["chief_user"], heping["vice_user"])
    assert fresh(record).review_flagged_on is None
    assert RelativePractice.objects.count() == 1


# --- corrections -------------------------------------------------------------------------------
def test_correction_is_a_new_revision_and_the_signed_one_stays_as_it_was(province, heping):
    judge = heping["judge"]
    campaign = open_campaign(province)
    mine = file(task(campaign, judge), heping["judge_user"], relatives=[spouse()])
    signed = sign_all(mine, heping["chief_user"], heping["vice_user"])
    proof = (signed.signed_at, list(signed.signatures.values_list("pk", "statement")))
    # Another staff member cannot start it
    with pytest.raises(PermissionDenied):
        services.declaration_correct(actor=heping["chief_user"], declaration=signed)
    # When the filer starts a correction
    correction = services.declaration_correct(actor=heping["judge_user"], declaration=signed)
    # Then a new current revision waits to be filed, with what was declared copied in
    assert (correction.revision, correction.previous, correction.status) == (2, signed, "pending")
    assert correction.is_current
    assert task(campaign, judge) == correction
    copied = correction.relatives.get()
    assert (copied.relative_name, copied.licence_number) == ("王某", LICENCE)
    assert copied.record == signed.relatives.get().record
    # And the signed revision is kept unchanged as proof, only marked superseded
    old = fresh(signed)
    assert (old.status, old.is_current) == (Status.SUPERSEDED, False)
    assert (old.signed_at, list(old.signatures.values_list("pk", "statement"))) == proof
    assert old.relatives.count() == 1
    assert audit(old, "supersede").exists()
    assert audit(correction, "correct").exists()
    # The old one can no longer be corrected, filed or signed
    with pytest.raises(ValidationError):
        services.declaration_correct(actor=heping["judge_user"], declaration=old)
    with pytest.raises(ValidationError):
        file(old, heping["judge_user"], has_nothing=True)
    # The correction is filed and signed like any declaration
    correction = file(correction, heping["judge_user"], has_nothing=True)
    correction = sign_all(correction, heping["chief_user"], heping["vice_user"])
    assert correction.status == Status.SIGNED
    # Having declared "none" now, the spouse's record is flagged for review
    assert fresh(copied.record).review_flagged_on is not None


def test_an_officer_may_start_a_correction(province, heping):
    campaign = open_campaign(province)
    mine = file(task(campaign, heping["judge"]), heping["judge_user"], has_nothing=True)
    signed = sign_all(mine, heping["chief_user"], heping["vice_user"])
    correction = services.declaration_correct(actor=officer_of(heping["court"]), declaration=signed)
    assert correction.revision == 2
    # A declaration that is not signed cannot be "corrected": it is simply filed again
    with pytest.raises(ValidationError):
        services.declaration_correct(actor=heping["judge_user"], declaration=correction)


# --- one-click reminder ------------------------------------------------------------------------
def test_remind_overdue_tells_each_laggard_once_a_day(province, heping, monkeypatch):
    today = timezone.localdate()
    campaign = open_campaign(
        province,
        period_start=today - dt.timedelta(days=60),
        period_end=today - dt.timedelta(days=31),
        due_on=today - dt.timedelta(days=5),
    )
    office = officer_of(heping["court"])
    # Given one filed task, one returned and the rest still to file
    file(task(campaign, heping["judge"]), heping["judge_user"], has_nothing=True)
    back = file(task(campaign, heping["chief"]), heping["chief_user"], has_nothing=True)
    services.declaration_return(
        actor=heping["vice_user"], declaration=back, version=back.version, reason="请补充"
    )
    laggards = campaign.task_count - 1
    # When the office reminds the overdue
    assert services.campaign_remind_overdue(actor=office, campaign=campaign) == laggards
    reminded = Notification.objects.filter(kind=services.REMINDED_KIND)
    assert reminded.count() == laggards
    assert not reminded.filter(recipient=heping["judge"]).exists()
    assert reminded.filter(recipient=heping["chief"]).exists()
    assert all(today.isoformat() in n.key for n in reminded)
    # Then a second click the same day tells nobody again
    assert services.campaign_remind_overdue(actor=office, campaign=campaign) == 0
    # The next day they are told again
    monkeypatch.setattr(services, "_today", lambda: today + dt.timedelta(days=1))
    assert services.campaign_remind_overdue(actor=office, campaign=campaign) == laggards
    events = audit(campaign, "remind_overdue").order_by("seq")
    assert [e.changes["told"][1] for e in events] == [laggards, 0, laggards]
    # Staff cannot send reminders
    with pytest.raises(PermissionDenied):
        services.campaign_remind_overdue(actor=heping["judge_user"], campaign=campaign)


def test_nobody_is_overdue_before_the_due_date(province, heping):
    campaign = open_campaign(province, due_on=timezone.localdate())
    office = officer_of(heping["court"])
    assert services.campaign_remind_overdue(actor=office, campaign=campaign) == 0
    assert not Notification.objects.exists()


# --- reads -------------------------------------------------------------------------------------
def test_my_tasks_and_the_signers_queue(province, heping):
    campaign = open_campaign(province)
    closed = open_campaign(province, title="已关闭")
    office = officer_of(heping["court"])
    services.campaign_close(actor=office, campaign=closed, version=closed.version)
    judge_user, chief_user, vice_user = (
        heping["judge_user"],
        heping["chief_user"],
        heping["vice_user"],
    )
    # The judge's tasks: only their own, only in open campaigns
    assert list(selectors.my_tasks(judge_user)) == [task(campaign, heping["judge"])]
    assert list(selectors.my_tasks(office)) == []  # no staff record
    mine = file(task(campaign, heping["judge"]), judge_user, has_nothing=True)
    chiefs = file(task(campaign, heping["chief"]), chief_user, has_nothing=True)
    # The chief's queue has the judge's declaration, not their own (which awaits the leader)
    assert list(selectors.awaiting_signature(chief_user)) == [mine]
    assert list(selectors.awaiting_signature(heping["criminal_chief_user"])) == []
    assert list(selectors.awaiting_signature(vice_user)) == [chiefs]
    assert list(selectors.awaiting_signature(judge_user)) == []
    sign(mine, chief_user)
    assert list(selectors.awaiting_signature(chief_user)) == []
    assert set(selectors.awaiting_signature(vice_user)) == {chiefs, fresh(mine)}


def test_declarations_out_of_scope_are_not_found(province, heping):
    campaign = open_campaign(province)
    mine = task(campaign, heping["judge"])
    assert selectors.declaration_get(heping["judge_user"], mine.pk) == mine
    assert selectors.declaration_get(heping["chief_user"], mine.pk) == mine
    outsiders = [
        heping["criminal_chief_user"],
        officer_of(province.courts["dalian"]),
        login(person(heping["court"], heping["civil"])),  # a colleague
    ]
    for user in outsiders:
        with pytest.raises(Http404):
            selectors.declaration_get(user, mine.pk)
        with pytest.raises(Http404):
            selectors.declaration_get(user, 987654)
    with pytest.raises(Http404):
        selectors.declaration_get(heping["judge_user"], "abc")


def test_campaigns_opened_above_are_visible_to_the_courts_below(province, heping):
    high_office = officer_of(province.courts["high"], covers=True)
    wide = open_campaign(province, court="high", covers_subordinates=True, actor=high_office)
    narrow = open_campaign(province, court="high", actor=high_office)
    local = open_campaign(province, court="heping")
    elsewhere = open_campaign(province, court="dalian")
    office = officer_of(heping["court"])
    # A basic court's officer and chief follow the province-wide campaign, and their own
    assert list(selectors.campaign_list(office)) == [local, wide]
    assert list(selectors.campaign_list(heping["chief_user"])) == [local, wide]
    assert selectors.campaign_get(office, wide.pk) == wide
    for hidden in (narrow, elsewhere):
        with pytest.raises(Http404):
            selectors.campaign_get(office, hidden.pk)
    # Staff follow their tasks, not campaigns
    assert list(selectors.campaign_list(heping["judge_user"])) == []
    # Filters
    assert list(selectors.campaign_list(high_office, court=province.courts["dalian"].pk)) == [
        elsewhere
    ]
    services.campaign_void(actor=None, campaign=narrow, version=narrow.version, reason="重复")
    assert list(selectors.campaign_list(high_office, status="void")) == [narrow]
    assert narrow not in selectors.campaign_list(high_office, status="open")
    assert list(selectors.campaign_list(high_office, kind=Kind.THREE_RULES)) == []


def test_campaign_progress_counts_per_court_and_department(province, heping):
    today = timezone.localdate()
    campaign = open_campaign(
        province,
        court="shenyang",
        covers_subordinates=True,
        period_start=today - dt.timedelta(days=60),
        period_end=today - dt.timedelta(days=31),
        due_on=today - dt.timedelta(days=1),
    )
    # Given at 辽0102: the judge filed "none" (awaits the chief), the chief filed and it awaits
    # the leader, the vice president's was signed, the criminal chief's returned
    file(task(campaign, heping["judge"]), heping["judge_user"], has_nothing=True)
    file(task(campaign, heping["chief"]), heping["chief_user"], relatives=[spouse()])
    vice = file(task(campaign, heping["vice"]), heping["vice_user"], has_nothing=True)
    president_user = login(person(heping["court"], None, Post.PRESIDENT), Role.LEADER)
    sign(vice, president_user)
    criminal_chief = StaffMember.objects.get(name="刑庭长")
    back = file(task(campaign, criminal_chief), None, has_nothing=True)
    services.declaration_return(
        actor=heping["vice_user"], declaration=back, version=back.version, reason="补充"
    )
    office = officer_of(province.courts["shenyang"], covers=True)
    progress = selectors.campaign_progress(office, campaign, today)
    totals = progress.totals
    assert totals.tasks == campaign.task_count
    assert (totals.awaiting_chief, totals.awaiting_leader, totals.signed, totals.returned) == (
        1,
        1,
        1,
        1,
    )
    assert totals.nothing == 2  # the judge's filed "none" and the vice president's signed one
    assert totals.overdue == totals.pending + totals.returned == totals.tasks - 3
    by_court = {c.court_id: c for c in progress.courts}
    assert set(by_court) == {province.courts[k].pk for k in ("shenyang", "heping", "shenhe")}
    heping_row = by_court[heping["court"].pk]
    civil = next(d for d in heping_row.departments if d.department_id == heping["civil"].pk)
    # 民一庭: the province's judge, 审判员甲 and the chief
    assert (civil.counts.tasks, civil.counts.awaiting_chief, civil.counts.awaiting_leader) == (
        3,
        1,
        1,
    )
    assert heping_row.counts.tasks == sum(d.counts.tasks for d in heping_row.departments)
    # Who is awaited: the civil chief for one, the court's leaders for the other
    awaited = {(a.role, a.department_id): a for a in progress.awaited}
    assert awaited[("chief", heping["civil"].pk)].signers == ["民一庭长"]
    assert awaited[("chief", heping["civil"].pk)].count == 1
    assert sorted(awaited[("leader", None)].signers) == sorted(
        ["副院长", president_user.staff.name]
    )
    assert {d.staff.name for d in progress.awaiting} == {"审判员甲", "民一庭长"}
    assert all(d.awaited_signers for d in progress.awaiting)
    # The overdue list pages by id
    assert len(progress.overdue) == totals.overdue
    first = selectors.campaign_progress(office, campaign, today, limit=2)
    assert [d.pk for d in first.overdue] == [d.pk for d in progress.overdue[:2]]
    second = selectors.campaign_progress(
        office, campaign, today, limit=2, overdue_after=first.overdue_next
    )
    assert [d.pk for d in second.overdue] == [d.pk for d in progress.overdue[2:4]]
    # Before the due date nobody is overdue
    early = selectors.campaign_progress(office, campaign, campaign.due_on)
    assert early.totals.overdue == 0
    assert early.overdue == []
    # A basic court's officer sees only their court's part
    mine = selectors.campaign_progress(officer_of(heping["court"]), campaign, today)
    assert [c.court_id for c in mine.courts] == [heping["court"].pk]
    # The civil chief sees only their department
    chief_view = selectors.campaign_progress(heping["chief_user"], campaign, today)
    assert [d.department_id for c in chief_view.courts for d in c.departments] == [
        heping["civil"].pk
    ]


def _progress_queries(user, campaign):
    policy.forget(user)
    with CaptureQueriesContext(connection) as queries:
        progress = selectors.campaign_progress(user, campaign, campaign.due_on)
    return len(queries), progress


def test_progress_and_queue_cost_the_same_queries_at_any_size(province, heping):
    office = officer_of(province.courts["high"], covers=True)
    small = open_campaign(province, court="shenhe", actor=office)
    file(Declaration.objects.get(campaign=small), None, has_nothing=True)
    StaffMemberFactory.create_batch(12, court=heping["court"], department=heping["civil"])
    large = open_campaign(province, court="heping", actor=office)
    for declaration in Declaration.objects.filter(campaign=large)[:8]:
        file(declaration, None, has_nothing=True)
    small_count, small_progress = _progress_queries(office, small)
    large_count, large_progress = _progress_queries(office, large)
    assert small_progress.totals.tasks == 1
    assert large_progress.totals.tasks > 15
    assert len(large_progress.awaiting) == 8
    assert small_count == large_count
    # The signer's queue is one query whatever its length
    chief_user = heping["chief_user"]
    policy.forget(chief_user)
    selectors.awaiting_signature(chief_user).count()  # reads the grants once
    with CaptureQueriesContext(connection) as queries:
        queue = list(selectors.awaiting_signature(chief_user))
    assert len(queue) >= 7
    assert len(queries) == 1
    # The home page's tasks: the grants and the list, whatever the number of campaigns
    open_campaign(province, court="heping", actor=office, title="另一次申报")
    judge_user = heping["judge_user"]
    policy.forget(judge_user)
    with CaptureQueriesContext(connection) as queries:
        assert len([d.campaign.title for d in selectors.my_tasks(judge_user)]) == 2
    assert len(queries) == 2


def test_history_of_a_declaration(province, heping):
    campaign = open_campaign(province)
    mine = file(task(campaign, heping["judge"]), heping["judge_user"], has_nothing=True)
    sign(mine, heping["chief_user"])
    history = selectors.declaration_history(heping["judge_user"], mine)
    assert [e.action for e in history] == ["ledgers.declaration.sign", "ledgers.declaration.file"]


# --- admin -------------------------------------------------------------------------------------
def test_admin_shows_campaigns_and_declarations_read_only_and_scoped(client, province, heping):
    mine = open_campaign(province)
    other = open_campaign(province, court="dalian", title="大连申报")
    judge_task = file(task(mine, heping["judge"]), heping["judge_user"], relatives=[spouse()])
    sign(judge_task, heping["chief_user"])
    client.force_login(officer_of(heping["court"]))
    # The campaign list shows the officer's court only, without an add button
    listing = client.get("/admin/ledgers/campaign/").content.decode()
    assert "2026年度近亲属从事律师职业申报" in listing
    assert "大连申报" not in listing
    assert "/admin/ledgers/campaign/add/" not in listing
    assert f"/declarations/campaigns/{mine.pk}/" in listing
    assert client.get(f"/admin/ledgers/campaign/{other.pk}/change/").status_code == 302
    # A declaration shows its relatives and signatures, and links to its page
    page = client.get(f"/admin/ledgers/declaration/{judge_task.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "王某" in body
    assert "民一庭长" in body
    assert f"/declarations/{judge_task.pk}/" in body
    assert 'name="_save"' not in body
    other_task = Declaration.objects.filter(campaign=other).first()
    assert client.get(f"/admin/ledgers/declaration/{other_task.pk}/change/").status_code == 302
    # Staff have no admin at all
    client.force_login(heping["judge_user"])
    assert client.get("/admin/ledgers/declaration/").status_code == 302
