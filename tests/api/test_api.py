"""The read API: scoped, cursor-paginated, one error format, a fixed number of queries."""

import pytest
from rest_framework.test import APIClient

from integrity.access.models import Role
from integrity.audit.models import AuditEvent
from tests.ledgers.test_pages import ledger_fields

from ..factories import (
    CaseAgentFactory,
    CaseFactory,
    CasePartyFactory,
    StaffMemberFactory,
    UserFactory,
    assign,
)

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


@pytest.fixture
def officer(province):
    user = UserFactory()
    assign(user, Role.OFFICER, province.courts["high"], covers=True)
    return user


@pytest.fixture
def api(officer):
    client = APIClient()
    client.force_login(officer)  # each request loads its user and scope, as in production
    return client


def _grow(province, n: int) -> None:
    """More rows of every kind, so that a per-row query would show in the count."""
    court, dept = province.courts["heping"], province.departments["heping"]
    for _ in range(n):
        judge = StaffMemberFactory(court=court, department=dept)
        case = CaseFactory(court=court, department=dept, presiding_judge=judge)
        case.panel.set([judge])
        party = CasePartyFactory(case=case)
        CaseAgentFactory(case=case, party=party)


@pytest.mark.parametrize(
    ("url", "max_queries"),
    [
        # session + user + role assignments (+ the ids of the courts below, for a scope that
        # covers them) + the page (+ one per prefetched relation)
        ("/api/v1/courts/", 4),
        ("/api/v1/departments/", 5),
        ("/api/v1/staff/", 5),
        ("/api/v1/cases/", 8),
    ],
)
def test_list_endpoints_use_a_fixed_number_of_queries(
    api, province, url, max_queries, django_assert_max_num_queries
):
    _grow(province, 3)
    with django_assert_max_num_queries(max_queries) as few:
        assert api.get(url).status_code == 200
    _grow(province, 25)
    with django_assert_max_num_queries(max_queries) as many:
        assert api.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_cursor_pagination_walks_every_row_once(api, province):
    _grow(province, 12)
    seen, url = [], "/api/v1/staff/?page_size=5"
    while url:
        body = api.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 7 + 12
    assert "count" not in api.get("/api/v1/staff/").json()


def test_filters(api, province):
    body = api.get("/api/v1/cases/", {"number": "（2025）辽０１０２刑初1号"}).json()
    assert [row["number"] for row in body["results"]] == ["(2025)辽0102刑初1号"]
    body = api.get("/api/v1/staff/", {"court": province.courts["dalian"].pk}).json()
    assert [row["name"] for row in body["results"]] == ["dalian法官"]
    body = api.get("/api/v1/courts/", {"level": "intermediate"}).json()
    assert {row["code"] for row in body["results"]} == {"辽01", "辽02"}


def test_case_detail_has_parties_and_agents(api, province):
    case = province.cases["heping"]
    party = CasePartyFactory(case=case, name="王某")
    CaseAgentFactory(case=case, party=party, name="李律师", licence_number="12101201010123456")
    body = api.get(f"/api/v1/cases/{case.pk}/").json()
    assert body["parties"][0]["name"] == "王某"
    assert body["agents"][0]["licence_number"] == "12101201010123456"


def test_one_error_format(api):
    body = api.get("/api/v1/staff/999999/").json()
    assert body == {
        "error": {
            "status": 404,
            "code": "not_found",
            "message": body["error"]["message"],
            "fields": {},
        }
    }
    assert body["error"]["message"]
    anonymous = APIClient().get("/api/v1/staff/")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Token"
    assert anonymous.json()["error"]["code"] == "not_authenticated"


def test_read_only(api, province):
    response = api.post("/api/v1/courts/", {"name": "x", "code": "x", "level": "basic"})
    assert response.status_code == 405
    assert response.json()["error"]["status"] == 405


def test_token_authentication(province):
    user = UserFactory()
    assign(user, Role.OFFICER, province.courts["heping"])
    client = APIClient()
    bad = client.post("/api/v1/auth/token/", {"username": user.username, "password": "x"})
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "invalid"
    token = client.post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    names = {row["name"] for row in client.get("/api/v1/staff/").json()["results"]}
    assert names == {"heping法官", "刑庭法官"}
    assert AuditEvent.objects.filter(action="auth.token", actor=user).exists()
    assert AuditEvent.objects.filter(action="auth.login_failed").exists()


def test_not_signed_in_is_401_and_not_allowed_is_403(province):
    """A client told 401 knows to sign in again (the header names how); 403 means its login may
    not do this, and signing in again would not help."""
    client = APIClient()
    for credentials in ({}, {"HTTP_AUTHORIZATION": "Token 0123456789abcdef"}):
        client.credentials(**credentials)
        refused = client.get("/api/v1/staff/")
        assert refused.status_code == 401
        assert refused["WWW-Authenticate"] == "Token"
        assert refused.json()["error"]["code"] in ("not_authenticated", "authentication_failed")
    client.credentials()
    staff = UserFactory(staff=province.staff["heping"])
    assign(staff, Role.STAFF, province.courts["heping"])
    client.force_authenticate(staff)
    data = {
        name: getattr(value, "pk", value)
        for name, value in ledger_fields("contacts", province).items()
    }
    data["occurred_on"] = "2025-03-05"
    forbidden = client.post("/api/v1/ledgers/contacts/", data, format="json")
    assert forbidden.status_code == 403, forbidden.json()
    assert "WWW-Authenticate" not in forbidden
    assert forbidden.json()["error"]["code"] == "permission_denied"


def test_schema_and_docs_are_served_offline(client, officer):
    client.force_login(officer)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/cases/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower()
    assert "https://" not in docs
