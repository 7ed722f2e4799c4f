"""The scoping policy, role × court × door: what is listed and what is reachable by id."""

import pytest
from django.http import Http404

from integrity.access import policy, services
from integrity.access.models import Role
from integrity.audit.models import AuditEvent
from integrity.org.models import Case, Court, StaffMember

from ..factories import UserFactory, assign

ALL = {"high", "shenyang", "heping", "shenhe", "dalian", "zhongshan", "heping_criminal"}
SHENYANG_TREE = {"shenyang", "heping", "shenhe", "heping_criminal"}

# (role, court, department or None, covers the courts below, staff/cases expected in scope)
MATRIX = [
    (Role.OFFICER, "heping", None, False, {"heping", "heping_criminal"}),
    (Role.OFFICER, "shenyang", None, True, SHENYANG_TREE),
    (Role.OFFICER, "high", None, True, ALL),
    (Role.LEADER, "shenyang", None, True, SHENYANG_TREE),
    (Role.LEADER, "shenyang", None, False, {"shenyang"}),
    (Role.LEADER, "high", None, False, {"high"}),
    (Role.CHIEF, "heping", "heping", False, {"heping"}),
    (Role.SUPERVISOR, "high", None, True, ALL),
    (Role.DISCIPLINE, "dalian", None, True, {"dalian", "zhongshan"}),
    (Role.ADMIN, "heping", None, False, {"heping", "heping_criminal"}),
    (Role.STAFF, "heping", None, False, {"heping"}),
]
IDS = [f"{role}@{court}{'+below' if covers else ''}" for role, court, _d, covers, _e in MATRIX]


@pytest.fixture(params=MATRIX, ids=IDS)
def scoped_user(request, province):
    role, court_key, dept_key, covers, expected = request.param
    user = UserFactory(staff=province.staff["heping"] if role == Role.STAFF else None)
    department = province.departments[dept_key] if dept_key else None
    assign(user, role, province.courts[court_key], department=department, covers=covers)
    return user, expected


def _keys(objects, mapping):
    ids = {obj.pk for obj in objects}
    return {key for key, obj in mapping.items() if obj.pk in ids}


def test_scope_lists_exactly_the_jurisdiction(scoped_user, province):
    user, expected = scoped_user
    assert _keys(policy.scope(user, StaffMember.objects.all()), province.staff) == expected
    assert _keys(policy.scope(user, Case.objects.all()), province.cases) == expected


def test_courts_in_scope_follow_the_assignment(scoped_user, province):
    user, expected = scoped_user
    expected_courts = {province.staff[key].court_id for key in expected}
    assert set(policy.scope(user, Court.objects.all()).values_list("pk", flat=True)) == (
        expected_courts
    )


def test_api_lists_and_details_use_the_same_scope(scoped_user, province, client):
    user, expected = scoped_user
    client.force_login(user)
    listed = {row["id"] for row in client.get("/api/v1/staff/").json()["results"]}
    assert listed == {province.staff[key].pk for key in expected}
    for key, member in province.staff.items():
        status = client.get(f"/api/v1/staff/{member.pk}/").status_code
        assert status == (200 if key in expected else 404), key
    for key, case in province.cases.items():
        status = client.get(f"/api/v1/cases/{case.pk}/").status_code
        assert status == (200 if key in expected else 404), key


def test_pages_use_the_same_scope(scoped_user, province, client):
    user, expected = scoped_user
    client.force_login(user)
    for key, member in province.staff.items():
        status = client.get(f"/staff/{member.pk}/").status_code
        assert status == (200 if key in expected else 404), key
    for key, case in province.cases.items():
        status = client.get(f"/cases/{case.pk}/").status_code
        assert status == (200 if key in expected else 404), key


def test_neighbouring_court_looks_exactly_like_a_missing_object(province, client):
    user = UserFactory()
    assign(user, Role.OFFICER, province.courts["heping"])
    client.force_login(user)
    neighbour = client.get(f"/api/v1/staff/{province.staff['shenhe'].pk}/")
    missing = client.get("/api/v1/staff/999999/")
    assert neighbour.status_code == missing.status_code == 404
    assert neighbour.json() == missing.json()
    page_neighbour = client.get(f"/staff/{province.staff['shenhe'].pk}/")
    page_missing = client.get("/staff/999999/")
    assert page_neighbour.status_code == page_missing.status_code == 404
    assert page_neighbour.content == page_missing.content


def test_denied_access_to_an_existing_object_is_audited(province):
    user = UserFactory()
    assign(user, Role.OFFICER, province.courts["heping"])
    target = province.staff["shenhe"]
    with pytest.raises(Http404):
        policy.get_or_404(user, StaffMember, target.pk)
    event = AuditEvent.objects.get(action="access.denied")
    assert (event.actor, event.object_id) == (user, str(target.pk))
    with pytest.raises(Http404):
        policy.get_or_404(user, StaffMember, 999999)
    assert AuditEvent.objects.filter(action="access.denied").count() == 1


def test_user_without_role_sees_nothing(province, client):
    user = UserFactory()
    assert not policy.scope(user, StaffMember.objects.all()).exists()
    client.force_login(user)
    assert client.get("/api/v1/staff/").json()["results"] == []


def test_inactive_assignment_gives_nothing(province):
    user = UserFactory()
    assignment = assign(user, Role.OFFICER, province.courts["high"], covers=True)
    assignment.is_active = False
    assignment.save()
    policy.forget(user)
    assert not policy.scope(user, StaffMember.objects.all()).exists()


@pytest.mark.parametrize("model", [StaffMember, Case])
def test_object_grant_adds_exactly_the_granted_object(province, model):
    user = UserFactory()
    assign(user, Role.OFFICER, province.courts["heping"])
    mapping = province.staff if model is StaffMember else province.cases
    before = _keys(policy.scope(user, model.objects.all()), mapping)
    granted = mapping["zhongshan"]
    services.object_grant(actor=None, user=user, obj=granted, reason="专案调查")
    after = _keys(policy.scope(user, model.objects.all()), mapping)
    assert after == before | {"zhongshan"}
    assert policy.get_or_404(user, model, granted.pk) == granted
    with pytest.raises(Http404):
        policy.get_or_404(user, model, mapping["dalian"].pk)
    services.object_revoke(actor=None, user=user, obj=granted, reason="调查结束")
    assert _keys(policy.scope(user, model.objects.all()), mapping) == before
    assert AuditEvent.objects.filter(action__in=["access.grant", "access.revoke"]).count() == 2


def test_grant_to_another_user_changes_nothing_for_me(province):
    me, other = UserFactory(), UserFactory()
    assign(me, Role.OFFICER, province.courts["heping"])
    services.object_grant(actor=None, user=other, obj=province.cases["dalian"], reason="x")
    assert province.cases["dalian"] not in policy.scope(me, Case.objects.all())


def test_superuser_sees_everything(province):
    root = UserFactory(is_superuser=True)
    assert policy.scope(root, StaffMember.objects.all()).count() == len(province.staff)


def test_change_scope_is_narrower_than_view_for_leaders(province):
    leader = UserFactory()
    assign(leader, Role.LEADER, province.courts["high"], covers=True)
    member = province.staff["heping"]
    assert policy.can(leader, policy.VIEW, member)
    assert not policy.can(leader, policy.CHANGE, member)


def test_moving_a_court_moves_its_subtree_in_scope(province):
    """Re-parenting re-paths the subtree: a leader of 大连中院 then covers 和平区's court."""
    from integrity.org import services as org_services

    leader = UserFactory()
    assign(leader, Role.LEADER, province.courts["dalian"], covers=True)
    assert province.staff["heping"] not in policy.scope(leader, StaffMember.objects.all())
    org_services.court_update(
        actor=None, court=province.courts["shenyang"], parent=province.courts["dalian"]
    )
    policy.forget(leader)
    visible = set(policy.scope(leader, StaffMember.objects.all()))
    assert {province.staff["heping"], province.staff["shenyang"]} <= visible
    heping = Court.objects.get(pk=province.courts["heping"].pk)
    assert heping.path.startswith(Court.objects.get(pk=province.courts["dalian"].pk).path)
