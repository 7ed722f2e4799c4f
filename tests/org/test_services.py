import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from integrity.access.models import Role
from integrity.audit.models import AuditEvent
from integrity.org import services
from integrity.org.models import Case, StaffMember

from ..factories import UserFactory, assign

pytestmark = pytest.mark.django_db


def test_case_number_is_stored_in_canonical_form(province):
    case = services.case_save(
        actor=None,
        number="（２０２５）辽０１民初 ９号",
        court=province.courts["shenyang"],
        case_type=Case.Type.CIVIL,
    )
    assert case.number == "(2025)辽01民初9号"
    assert case.year == 2025


def test_duplicate_case_number_in_another_width_is_refused(province):
    services.case_save(
        actor=None,
        number="(2025)辽01民初9号",
        court=province.courts["shenyang"],
        case_type=Case.Type.CIVIL,
    )
    with pytest.raises(ValidationError):
        services.case_save(
            actor=None,
            number="（2025）辽01民初9号",
            court=province.courts["shenyang"],
            case_type=Case.Type.CIVIL,
        )
    assert Case.objects.filter(number="(2025)辽01民初9号").count() == 1


def test_department_of_another_court_is_refused(province):
    with pytest.raises(ValidationError) as error:
        services.staff_save(
            actor=None,
            court=province.courts["shenhe"],
            department=province.departments["heping"],
            name="张三",
            staff_number="X1",
            post=StaffMember.Post.JUDGE,
        )
    assert "department" in error.value.message_dict


def test_departed_staff_need_a_leaving_date(province):
    member = province.staff["heping"]
    with pytest.raises(ValidationError):
        services.staff_save(actor=None, staff=member, status=StaffMember.Status.RETIRED)
    member.refresh_from_db()
    assert member.status == StaffMember.Status.SERVING


def test_officer_cannot_write_outside_scope(province):
    officer = UserFactory()
    assign(officer, Role.OFFICER, province.courts["heping"])
    services.staff_save(actor=officer, staff=province.staff["heping"], name="改名")
    with pytest.raises(PermissionDenied):
        services.staff_save(actor=officer, staff=province.staff["shenhe"], name="越权")
    # nor move a record out of scope
    with pytest.raises(PermissionDenied):
        services.staff_save(
            actor=officer,
            court=province.courts["shenhe"],
            name="新人",
            staff_number="N1",
            post=StaffMember.Post.CLERK,
        )
    assert not StaffMember.objects.filter(staff_number="N1").exists()
    assert StaffMember.objects.get(pk=province.staff["shenhe"].pk).name == "shenhe法官"
    assert AuditEvent.objects.filter(action="org.staffmember.update").count() == 1


def test_leader_cannot_change_staff(province):
    leader = UserFactory()
    assign(leader, Role.LEADER, province.courts["heping"])
    with pytest.raises(PermissionDenied):
        services.staff_save(actor=leader, staff=province.staff["heping"], name="改名")


def test_court_cannot_move_under_itself(province):
    with pytest.raises(ValidationError):
        services.court_update(
            actor=None, court=province.courts["shenyang"], parent=province.courts["heping"]
        )
