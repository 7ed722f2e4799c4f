import pytest
from django.core.management import call_command

from integrity.access.models import Role, RoleAssignment, User
from integrity.audit.chain import verify_chain
from integrity.audit.models import AuditEvent
from integrity.org.models import Case, Court, Department, StaffMember

MODELS = [Court, Department, StaffMember, Case, User, RoleAssignment, AuditEvent]


@pytest.mark.django_db
def test_seed_demo_builds_a_province_and_is_idempotent():
    call_command("seed_demo")
    counts = {model: model.objects.count() for model in MODELS}
    assert Court.objects.get(code="辽").name == "辽宁省高级人民法院"
    assert Court.objects.filter(level=Court.Level.INTERMEDIATE).count() == 14
    assert Court.objects.filter(name="辽宁省辽河中级人民法院").exists()
    for intermediate in Court.objects.filter(level__in=["intermediate", "special"]):
        assert intermediate.children.count() >= (3 if intermediate.level == "intermediate" else 1)
    assert 550 <= counts[StaffMember] <= 700
    assert {a.role for a in RoleAssignment.objects.all()} == set(Role.values)
    heping = Court.objects.get(code="辽0102")
    assert heping.path.startswith(Court.objects.get(code="辽01").path)

    call_command("seed_demo")
    assert {model: model.objects.count() for model in MODELS} == counts
    assert verify_chain().ok


@pytest.mark.django_db
def test_demo_logins_work(client):
    call_command("seed_demo")
    from integrity.org.management.commands.seed_demo import DEMO_PASSWORD, LOGINS

    for login in LOGINS:
        response = client.post(
            "/accounts/login/", {"username": login.username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, login.username
        assert client.get("/").status_code == 200
        client.post("/accounts/logout/")
