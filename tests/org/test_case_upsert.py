"""Case intake (org.services.case_upsert): one case with its parties, agents and panel,
idempotent on its number; agents matched by licence number, then name and firm, then name;
nothing once registered is lost; scope as for any other write of a case."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from integrity.access.models import Role
from integrity.audit.models import AuditEvent
from integrity.org import services
from integrity.org.models import Case, CaseAgent, CaseParty

from ..factories import StaffMemberFactory, UserFactory, assign

pytestmark = pytest.mark.django_db

FIRM = "辽宁同方律师事务所"
LICENCE = "21010201810000001"


@pytest.fixture
def officer(province):
    user = UserFactory()
    assign(user, Role.OFFICER, province.courts["shenyang"], covers=True)
    return user


def _intake(actor, province, number="(2025)辽0102民初77号", **changes):
    values = {
        "fields": {
            "court": province.courts["heping"],
            "department": province.departments["heping"],
            "case_type": Case.Type.CIVIL,
            "cause": "民间借贷纠纷",
            "filed_on": dt.date(2025, 3, 1),
            "presiding_judge": province.staff["heping"],
        },
        "parties": [
            {"name": "张三", "role": "plaintiff"},
            {"name": "沈阳某某有限公司", "role": "defendant", "is_organisation": True},
        ],
        "agents": [
            {
                "name": "李四",
                "law_firm": FIRM,
                "licence_number": LICENCE,
                "party_name": "张三",
            },
            {"name": "王五", "kind": "relative", "party_name": "沈阳某某有限公司"},
        ],
        "panel": [province.staff["heping"]],
        **changes,
    }
    return services.case_upsert(actor=actor, number=number, **values)


def _events() -> int:
    return AuditEvent.objects.exclude(action="access.denied").count()


def test_a_new_number_registers_the_case_with_its_parties_agents_and_panel(officer, province):
    case, created = _intake(officer, province, number="（２０２５）辽０１０２民初７７号")
    assert created
    assert case.number == "(2025)辽0102民初77号"
    assert set(case.panel.all()) == {province.staff["heping"]}
    parties = {p.name: p for p in case.parties.all()}
    assert parties["沈阳某某有限公司"].is_organisation
    li, wang = case.agents.order_by("id")
    assert (li.licence_number, li.kind, li.role, li.party) == (
        LICENCE,
        CaseAgent.Kind.LAWYER,
        CaseAgent.Role.AGENT,
        parties["张三"],
    )
    assert (wang.kind, wang.party) == (CaseAgent.Kind.RELATIVE, parties["沈阳某某有限公司"])
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"org.case.create", "org.caseparty.create", "org.caseagent.create"} <= actions


def test_the_same_intake_again_changes_nothing_and_records_nothing(officer, province):
    first, _created = _intake(officer, province)
    events = _events()
    case, created = _intake(officer, province)
    assert (case.pk, created) == (first.pk, False)
    assert _events() == events
    assert (case.parties.count(), case.agents.count()) == (2, 2)


def test_an_update_changes_only_what_differs_and_adds_what_is_new(officer, province):
    case, _created = _intake(officer, province)
    events = _events()
    fields = {"closed_on": dt.date(2025, 9, 1)}  # the other fields are left as they are
    parties = [{"name": "张 三", "role": "plaintiff"}, {"name": "赵六", "role": "third_party"}]
    case, created = _intake(
        officer, province, fields=fields, parties=parties, agents=[], panel=None
    )
    assert not created
    case.refresh_from_db()
    assert (case.closed_on, case.cause, case.presiding_judge) == (
        dt.date(2025, 9, 1),
        "民间借贷纠纷",
        province.staff["heping"],
    )
    # 张 三 is 张三 (spaces folded); 赵六 is new; nobody is removed
    assert sorted(case.parties.values_list("name", flat=True)) == [
        "张三",
        "沈阳某某有限公司",
        "赵六",
    ]
    assert case.agents.count() == 2
    assert list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))[events:] == [
        "org.case.update",
        "org.caseparty.create",
    ]


@pytest.mark.parametrize(
    ("given", "matched"),
    [
        # the same licence number: the same lawyer, whatever the name and firm say
        ({"name": "李 四", "law_firm": "另一律所", "licence_number": LICENCE}, True),
        # the same name and firm, written otherwise (full-width, 律所 for 律师事务所)
        ({"name": "李四", "law_firm": "辽宁同方律所"}, True),
        # the same name alone, nothing contradicting
        ({"name": "李四"}, True),
        # the same name at another firm is another lawyer
        ({"name": "李四", "law_firm": "辽宁另一律师事务所"}, False),
        # so is the same name with another licence number
        ({"name": "李四", "licence_number": "21010201810000002"}, False),
    ],
)
def test_agents_are_matched_by_licence_then_name_and_firm_then_name(
    officer, province, given, matched
):
    case, _created = _intake(officer, province)
    _intake(officer, province, parties=[], agents=[given], panel=None)
    names = sorted(case.agents.values_list("name", flat=True))
    assert names == (["李四", "王五"] if matched else ["李四", "李四", "王五"])


def test_a_matched_agent_is_completed_and_corrected_but_never_emptied(officer, province):
    case, _created = _intake(officer, province, agents=[{"name": "李四", "law_firm": FIRM}])
    # the licence number and the capacity are added; the blank firm does not erase the firm
    given = {"name": "李四", "licence_number": LICENCE, "role": "defender", "law_firm": ""}
    _intake(officer, province, parties=[], agents=[given], panel=None)
    [agent] = case.agents.all()
    assert (agent.law_firm, agent.licence_number, agent.role) == (FIRM, LICENCE, "defender")
    # a later intake by licence number with the name corrected
    _intake(officer, province, parties=[], agents=[{"name": "李泗", "licence_number": LICENCE}])
    agent.refresh_from_db()
    assert (agent.name, case.agents.count()) == ("李泗", 1)


def test_one_agent_given_twice_in_one_intake_is_added_once(officer, province):
    twice = [{"name": "李四", "licence_number": LICENCE}, {"name": "李四", "law_firm": FIRM}]
    case, _created = _intake(officer, province, agents=twice)
    [agent] = case.agents.all()
    assert (agent.licence_number, agent.law_firm) == (LICENCE, FIRM)


def test_a_guardian_is_an_agent_kind(officer, province):
    case, _created = _intake(
        officer, province, agents=[{"name": "张大", "kind": "guardian", "party_name": "张三"}]
    )
    assert case.agents.get().kind == CaseAgent.Kind.GUARDIAN == "guardian"


def test_the_panel_given_replaces_the_panel_and_staff_are_named_by_number(officer, province):
    member = StaffMemberFactory(court=province.courts["heping"], staff_number="H-9")
    case, _created = _intake(officer, province)
    _intake(officer, province, panel=["H-9", province.staff["heping"].pk])
    assert set(case.panel.all()) == {member, province.staff["heping"]}
    assert AuditEvent.objects.filter(action="org.case.panel").count() == 2


def test_staff_of_another_court_are_refused_and_nothing_is_written(officer, province):
    with pytest.raises(ValidationError) as error:
        _intake(officer, province, panel=[province.staff["shenhe"]])
    assert "panel" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _intake(
            officer,
            province,
            fields={
                "court": province.courts["heping"],
                "case_type": "civil",
                "presiding_judge": province.staff["shenhe"].staff_number,
            },
        )
    assert "presiding_judge" in error.value.message_dict
    assert not Case.objects.filter(number="(2025)辽0102民初77号").exists()


def test_a_bad_agent_or_party_refuses_the_whole_intake(officer, province):
    with pytest.raises(ValidationError) as error:
        _intake(officer, province, agents=[{"name": "李四", "licence_number": "123"}])
    assert "agents" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _intake(officer, province, agents=[{"name": "李四", "party_name": "不存在"}])
    [message] = error.value.message_dict["agents"]
    assert "不存在" in message
    with pytest.raises(ValidationError):
        _intake(officer, province, parties=[{"name": "张三", "role": "spectator"}])
    assert not Case.objects.filter(number="(2025)辽0102民初77号").exists()
    assert not CaseParty.objects.filter(name="张三").exists()


def test_a_court_or_case_out_of_scope_is_not_found(province):
    clerk = UserFactory()
    assign(clerk, Role.OFFICER, province.courts["shenhe"])
    # a new case at a court out of scope
    with pytest.raises(Http404):
        _intake(clerk, province)
    # the number of a registered case of a court out of scope, even naming one in scope
    registered = province.cases["heping"]
    with pytest.raises(Http404):
        _intake(
            clerk,
            province,
            number=registered.number,
            fields={"court": province.courts["shenhe"], "case_type": "civil"},
            panel=None,
        )
    assert (
        not Case.objects.filter(court=province.courts["shenhe"])
        .exclude(pk=province.cases["shenhe"].pk)
        .exists()
    )
    # an officer of one department cannot register a case of another
    chief = UserFactory()
    assign(
        chief, Role.OFFICER, province.courts["heping"], department=province.departments["heping"]
    )
    with pytest.raises(Http404):
        _intake(
            chief,
            province,
            fields={
                "court": province.courts["heping"],
                "department": province.departments["heping_criminal"],
                "case_type": "criminal",
            },
            panel=None,
        )


def test_a_case_is_moved_only_within_scope(officer, province):
    case, _created = _intake(officer, province)
    with pytest.raises(Http404):
        _intake(
            officer,
            province,
            fields={"court": province.courts["zhongshan"], "department": None},
            panel=None,
        )
    case.refresh_from_db()
    assert case.court == province.courts["heping"]


def test_officers_may_enter_parties_and_agents_through_the_services(officer, province):
    # parties and agents reach the scope through their case (org/scopes.py)
    case = province.cases["heping"]
    party = services.case_party_save(actor=officer, case=case, name="钱七", role="plaintiff")
    agent = services.case_agent_save(actor=officer, case=case, party=party, name="孙八")
    assert AuditEvent.objects.get(action="org.caseagent.create").court_id == case.court_id
    outsider = UserFactory()
    assign(outsider, Role.OFFICER, province.courts["dalian"], covers=True)
    with pytest.raises(PermissionDenied):
        services.case_agent_save(actor=outsider, agent=agent, name="改名")
