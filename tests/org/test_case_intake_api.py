"""POST /api/v1/cases/: case intake from the case-management system, idempotent on the case
number (201 registered, 200 known), scoped (404 for a court out of scope), all-or-nothing
(400 with field errors, nothing written), documented in the OpenAPI schema."""

import pytest
from rest_framework.test import APIClient

from integrity.access.models import Role
from integrity.audit.models import AuditEvent
from integrity.org.models import Case, CaseAgent, CaseParty

from ..factories import UserFactory, assign

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases/"
LICENCE = "21010201810000001"


@pytest.fixture
def officer(province):
    user = UserFactory()
    assign(user, Role.OFFICER, province.courts["shenyang"], covers=True)
    return user


@pytest.fixture
def api(officer):
    client = APIClient()
    client.force_login(officer)
    return client


def _body(province, **changes):
    judge = province.staff["heping"]
    return {
        "number": "（２０２５）辽０１０２民初８８号",
        "court": province.courts["heping"].pk,
        "department": province.departments["heping"].pk,
        "case_type": "civil",
        "cause": "房屋买卖合同纠纷",
        "filed_on": "2025-05-06",
        "presiding_judge": judge.staff_number,
        "panel": [judge.pk],
        "parties": [
            {"name": "张三", "role": "plaintiff"},
            {"name": "沈阳某某置业有限公司", "role": "defendant", "is_organisation": True},
        ],
        "agents": [
            {
                "name": "李四",
                "law_firm": "辽宁某某律师事务所",
                "licence_number": "２１０１０２０１８１００００００１",
                "party_name": "张三",
            },
            {"name": "张大", "kind": "guardian", "party_name": "张三"},
        ],
        **changes,
    }


def test_a_new_case_is_registered_with_201(api, province):
    response = api.post(URL, _body(province), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["number"] == "(2025)辽0102民初88号"
    assert data["presiding_judge"] == province.staff["heping"].pk
    assert data["panel"] == [province.staff["heping"].pk]
    assert {a["name"]: a["kind"] for a in data["agents"]} == {"李四": "lawyer", "张大": "guardian"}
    li = CaseAgent.objects.get(name="李四")
    assert (li.licence_number, li.party.name) == (LICENCE, "张三")


def test_sending_the_same_case_again_is_200_and_changes_nothing(
    api, province, django_assert_num_queries
):
    api.post(URL, _body(province), format="json")
    events = AuditEvent.objects.count()
    # session, user, role assignments; the department and the court named; the savepoint
    # pair; the number's case, then locked through the scope (with the ids of the courts the
    # scope covers); the judge and panel named, the panel kept; the parties and the agents
    # kept; the case with its panel, parties and agents for the answer. No write.
    with django_assert_num_queries(18):
        response = api.post(URL, _body(province, number="(2025)辽0102民初88号"), format="json")
    assert response.status_code == 200
    assert AuditEvent.objects.count() == events
    case = Case.objects.get(number="(2025)辽0102民初88号")
    assert (case.parties.count(), case.agents.count()) == (2, 2)


def test_a_known_case_is_updated_with_200(api, province):
    created = api.post(URL, _body(province), format="json").json()
    body = _body(
        province,
        closed_on="2025-08-01",
        parties=[{"name": "王五", "role": "third_party"}],
        agents=[{"name": "李四", "law_firm": "辽宁某某律所", "role": "agent"}],
    )
    response = api.post(URL, body, format="json")
    assert response.status_code == 200
    data = response.json()
    assert (data["id"], data["closed_on"]) == (created["id"], "2025-08-01")
    assert sorted(p["name"] for p in data["parties"]) == ["张三", "沈阳某某置业有限公司", "王五"]
    assert len(data["agents"]) == 2  # 李四 of the same firm is the same agent
    assert AuditEvent.objects.filter(action="org.case.update").count() == 1


def test_bad_data_is_400_with_field_errors_and_nothing_written(api, province):
    body = _body(
        province,
        case_type="lawsuit",
        agents=[{"name": "李四", "licence_number": "123"}],
    )
    response = api.post(URL, body, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"case_type", "agents"}
    assert "17" in str(fields["agents"])
    # errors the service finds: a party the agent acts for that is not among the parties,
    # a judge of another court, a case closing before it was filed
    for changes, field in [
        ({"agents": [{"name": "李四", "party_name": "无名氏"}]}, "agents"),
        ({"presiding_judge": province.staff["shenhe"].pk}, "presiding_judge"),
        ({"closed_on": "2025-01-01"}, "__all__"),
    ]:
        response = api.post(URL, _body(province, **changes), format="json")
        assert response.status_code == 400, changes
        assert field in response.json()["error"]["fields"], response.json()
    assert not Case.objects.filter(number="(2025)辽0102民初88号").exists()
    assert not CaseParty.objects.filter(name="张三").exists()


def test_a_court_out_of_scope_or_unknown_is_404(api, province):
    for court in (province.courts["zhongshan"].pk, "辽0202", 999999):
        response = api.post(URL, _body(province, court=court), format="json")
        assert response.status_code == 404, court
    # the number of a case registered at a court out of scope
    number = province.cases["zhongshan"].number
    response = api.post(URL, _body(province, number=number), format="json")
    assert response.status_code == 404
    assert not Case.objects.filter(number="(2025)辽0102民初88号").exists()


def test_the_court_may_be_given_by_its_code(api, province):
    response = api.post(URL, _body(province, court="辽０１０２"), format="json")
    assert response.status_code == 201
    assert response.json()["court"] == province.courts["heping"].pk


def test_only_those_who_may_change_cases_may_post(province):
    judge = UserFactory(staff=province.staff["heping"])
    assign(judge, Role.STAFF, province.courts["heping"])
    leader = UserFactory()
    assign(leader, Role.LEADER, province.courts["heping"])
    for user in (judge, leader):
        client = APIClient()
        client.force_login(user)
        response = client.post(URL, _body(province), format="json")
        assert response.status_code == 403
    assert not Case.objects.filter(number="(2025)辽0102民初88号").exists()


def test_the_intake_is_documented_in_the_schema(api):
    schema = api.get("/api/schema/?format=json").json()
    post = schema["paths"][URL]["post"]
    assert set(post["responses"]) >= {"200", "201", "400", "404"}
    body = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    intake = schema["components"]["schemas"][body.rsplit("/", 1)[-1]]
    assert {"number", "court", "parties", "agents", "panel"} <= set(intake["properties"])
    agent = schema["components"]["schemas"]["AgentIntakeRequest"]["properties"]
    assert "guardian" in str(schema["components"]["schemas"])
    assert "party_name" in agent
