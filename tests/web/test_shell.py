"""Login, lockout, CSRF, language, health check and the pages every user sees."""

import pytest
from django.test import Client

from integrity.access.models import Role
from integrity.audit.models import AuditEvent

from ..factories import UserFactory, assign

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def _login(client: Client, username: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_and_logout_are_audited(client):
    user = UserFactory()
    assert _login(client, user.username).status_code == 302
    client.post("/accounts/logout/")
    assert list(AuditEvent.objects.order_by("seq").values_list("action", flat=True)) == [
        "auth.login",
        "auth.logout",
    ]


def test_failed_login_is_audited_and_shown_in_chinese(client):
    user = UserFactory()
    response = _login(client, user.username, "wrong")
    assert response.status_code == 200
    assert "用户名或密码" in response.content.decode()
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor is None
    assert event.actor_name == user.username


def test_lockout_after_repeated_failures(client, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.username, "wrong")
    locked = _login(client, user.username)  # even the right password is refused now
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.locked_out").exists()


def test_api_token_attempts_share_the_lockout(client, settings):
    user = UserFactory()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "1000/minute"},
    }
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token/", {"username": user.username, "password": "x"})
    response = client.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code != 200


def test_forms_require_csrf():
    user = UserFactory()
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 403
    strict.force_login(user)
    assert strict.post("/accounts/logout/").status_code == 403
    page = strict.get("/accounts/password/")
    assert "csrfmiddlewaretoken" in page.content.decode()


def test_pages_require_login(client):
    for url in ["/", "/me/", "/staff/", "/cases/", "/accounts/password/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url


def test_home_shows_roles_in_chinese(client, province):
    user = UserFactory(staff=province.staff["heping"])
    assign(user, Role.OFFICER, province.courts["heping"])
    client.force_login(user)
    body = client.get("/").content.decode()
    assert "沈阳市和平区人民法院" in body
    assert "纪检" in body  # the role, in Chinese
    assert 'lang="zh-hans"' in body


def test_language_can_be_switched_to_english(client, province):
    user = UserFactory()
    assign(user, Role.OFFICER, province.courts["heping"])
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert 'lang="en"' in body
    assert "Log out" in body


def test_navigation_follows_roles(client, province):
    staff_user = UserFactory(staff=province.staff["heping"])
    assign(staff_user, Role.STAFF, province.courts["heping"])
    client.force_login(staff_user)
    assert "/admin/" not in client.get("/").content.decode()
    assert client.get("/admin/").status_code == 302
    officer = UserFactory()
    assign(officer, Role.OFFICER, province.courts["heping"])
    client.force_login(officer)
    assert "/admin/" in client.get("/").content.decode()
    assert client.get("/admin/").status_code == 200


def test_navigation_links_to_pages_not_the_api(client, province):
    officer = UserFactory()
    assign(officer, Role.OFFICER, province.courts["heping"])
    client.force_login(officer)
    body = client.get("/").content.decode()
    assert 'href="/staff/"' in body
    assert 'href="/cases/"' in body
    assert 'href="/api/v1/' not in body


def test_profile_shows_own_record(client, province):
    user = UserFactory(staff=province.staff["heping"])
    assign(user, Role.STAFF, province.courts["heping"])
    client.force_login(user)
    assert "heping法官" in client.get("/me/").content.decode()


def test_staff_directory_filters_and_pages(client, province):
    user = UserFactory()
    assign(user, Role.OFFICER, province.courts["high"], covers=True)
    client.force_login(user)
    body = client.get("/staff/", {"q": "heping"}).content.decode()
    assert "heping法官" in body
    assert "shenhe法官" not in body


def test_case_search_accepts_full_width_numbers(client, province):
    user = UserFactory()
    assign(user, Role.OFFICER, province.courts["high"], covers=True)
    client.force_login(user)
    body = client.get("/cases/", {"q": "（２０２５）辽０１０２刑初１号"}).content.decode()
    assert "(2025)辽0102刑初1号" in body
    assert "(2025)辽0102民初1号" not in body


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["ok"]
    assert body["broker"]["ok"]


def test_healthz_fails_when_the_broker_is_down(client, settings):
    from integrity.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


def test_admin_lists_only_scope_and_saves_through_the_service(client, province):
    officer = UserFactory()
    assign(officer, Role.OFFICER, province.courts["heping"])
    client.force_login(officer)
    listing = client.get("/admin/org/staffmember/").content.decode()
    assert "heping法官" in listing
    assert "shenhe法官" not in listing
    neighbour = client.get(f"/admin/org/staffmember/{province.staff['shenhe'].pk}/change/")
    assert neighbour.status_code == 302  # "does not exist", as for a missing id
    member = province.staff["heping"]
    response = client.post(
        f"/admin/org/staffmember/{member.pk}/change/",
        {
            "court": member.court_id,
            "department": member.department_id,
            "name": "新名字",
            "staff_number": member.staff_number,
            "gender": "",
            "post": member.post,
            "grade": "",
            "is_trial_post": "on",
            "status": "serving",
            "joined_on": "",
            "left_on": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="org.staffmember.update")
    assert event.actor == officer
    assert event.changes["name"] == ["heping法官", "新名字"]
    assert client.get(f"/admin/org/staffmember/{member.pk}/delete/").status_code == 403


@pytest.mark.parametrize("url", ["/staff/", "/cases/", "/"])
def test_pages_use_a_fixed_number_of_queries(client, province, url, django_assert_num_queries):
    from ..factories import CaseFactory, StaffMemberFactory

    officer = UserFactory()
    assign(officer, Role.OFFICER, province.courts["high"], covers=True)
    client.force_login(officer)

    def grow(n):
        for _ in range(n):
            judge = StaffMemberFactory(court=province.courts["heping"])
            CaseFactory(court=province.courts["heping"], presiding_judge=judge)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    grow(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    grow(30)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries) <= 12


def test_password_change_is_audited_without_the_hash(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "新的密码Qinglian-2027",
            "new_password2": "新的密码Qinglian-2027",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="auth.password_change")
    assert event.actor == user
    assert "password" not in event.changes


def test_court_admin_cannot_reach_a_superuser(province):
    from integrity.access import policy
    from integrity.access.models import User

    root = UserFactory(is_superuser=True, staff=province.staff["heping"])
    admin = UserFactory()
    assign(admin, Role.ADMIN, province.courts["heping"])
    assert root not in policy.scope(admin, User.objects.all())
