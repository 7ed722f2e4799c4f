"""The security review of issue 8, as tests (SECURITY.md maps each threat to these and others):
the security headers on every kind of answer, a CSP that needs no inline script or style, the
production settings, password rules, session expiry and no secret in the repository."""

import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone

from ..factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)
PASSWORD = "correct horse battery"


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


@pytest.fixture
def logged_in(client):
    user = UserFactory(is_superuser=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/accounts/password/", 200),  # a form
        ("/", 200),  # a signed-in page
        ("/api/v1/ledgers/interference/", 200),  # the API
        ("/api/docs/", 200),  # Swagger UI, whose start-up script is a file
        ("/ledgers/interference/999999999/", 404),  # an error page
        ("/complaints/", 200),  # the public complaint channel
    ],
)
def test_every_answer_carries_the_security_headers(logged_in, path, status):
    response = logged_in.get(path)
    assert response.status_code == status
    csp = _directives(response.headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["Permissions-Policy"].startswith("camera=()")
    if not path.startswith("/api/v1/"):
        assert response.headers["X-Frame-Options"] == "DENY"


def test_the_public_pages_tell_no_other_site_where_the_reporter_came_from(client):
    """A reporter's browser sends no Referer to another site from the complaint pages
    (same-origin, not no-referrer: with no-referrer Chromium sends ``Origin: null`` on the
    form's POST, which Django's CSRF check refuses, as tests/browser found)."""
    response = client.get("/complaints/")
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert '<meta name="referrer" content="same-origin">' in response.text


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style[\s>]", re.I), "a <style> element"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def test_no_template_needs_unsafe_inline():
    """The CSP forbids inline script and style: a template that uses them would break in the
    browser (the journeys in tests/browser fail on any CSP report), so none may."""
    found = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(ROOT)}:{line}: {what}")
    assert found == []


def test_python_rendered_html_has_no_inline_style_or_script():
    found = []
    for folder in ("integrity", "ledgers", "inspections"):
        for source in sorted((ROOT / folder).rglob("*.py")):
            text = source.read_text(encoding="utf-8")
            for pattern, what in [*INLINE[:2], (re.compile(r"\bstyle=[\\]?[\"']"), "a style")]:
                if pattern.search(text):
                    found.append(f"{source.relative_to(ROOT)}: {what}")
    assert found == []


def _production(code: str, **env) -> subprocess.CompletedProcess:
    environment = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "integrity.settings",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "qinglian.court.example",
        "SECRET_KEY": "x" * 60 + "-production-only-key-for-this-test",
        "VAR_DIR": str(ROOT / "var"),
        **env,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_production_settings_turn_on_https_hsts_and_secure_cookies():
    result = _production(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.CSRF_COOKIE_HTTPONLY)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["31536000", "True", "True", "True", "True", "True", "True"]


def test_production_refuses_to_start_without_a_secret_key():
    result = _production("import django; django.setup()", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_is_clean():
    result = _production(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])"
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("Ab1-short", "密码太短：至少需要 10 个字符"),
        ("1234567890123", "密码只包含数字"),
        ("password1234", "这个密码太常见了"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(client, new_password, message):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    assert message in response.text
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_password_like_the_username_is_refused(client):
    user = UserFactory(username="zhangsanfeng")
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "zhangsanfeng1",
            "new_password2": "zhangsanfeng1",
        },
    )
    assert response.status_code == 200
    assert "密码跟 用户名 太相似了" in response.text


def test_a_session_expires_after_its_age(client):
    """Signed in at a shared court PC and walked away: after SESSION_COOKIE_AGE the session
    is gone, and the cookie ends with the browser."""
    user = UserFactory()
    assert client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == ""  # a browser-session cookie
    assert cookie["httponly"] is True
    assert client.get("/").status_code == 200
    later = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)
    with mock.patch("django.contrib.sessions.backends.db.timezone.now", return_value=later):
        response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_the_session_is_new_after_login(client):
    """Session fixation: the id the visitor had before signing in is not the one after."""
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    user = UserFactory()
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert client.session.session_key != before


SECRET_PATTERNS = [
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
    (re.compile(r"AKIA[0-9A-Z]{16}"), "an AWS access key"),
    # A value, not a reference to one: ${VAR}, $(command) and the local key are allowed.
    (
        re.compile(r"(?i)secret_key\s*[=:]\s*['\"](?!django-insecure-local-only|\$)[^'\"\s]{16,}"),
        "a key",
    ),
    (re.compile(r"postgres(?:ql)?://[^:@/\s]+:(?!\$\{|pass@)[^@\s]{3,}@"), "a database password"),
    (re.compile(r"redis://:[^@\s]+@"), "a Redis password"),
]


def test_no_secret_is_in_the_repository():
    """Every tracked file; the one key in the code is the local one whose name says it is
    insecure, and production refuses to start without SECRET_KEY (test above)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"],  # noqa: S607 - git from PATH
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    found = []
    for name in listed.stdout.decode().split("\0"):
        path = ROOT / name
        if not name or not path.is_file() or path.suffix in {".png", ".xlsx", ".docx", ".mo"}:
            continue
        if name == "tests/security/test_security.py":
            continue  # the patterns themselves
        text = path.read_text(encoding="utf-8", errors="ignore")
        found += [f"{name}: {what}" for pattern, what in SECRET_PATTERNS if pattern.search(text)]
    assert found == []
    assert not (ROOT / ".env").exists() or ".env" in (ROOT / ".gitignore").read_text()


def test_a_refused_form_says_why_in_chinese_with_the_sites_stylesheet():
    """Django's own CSRF page has an inline style the CSP would refuse; ours has none."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    response = client.post("/accounts/password/", {})
    assert response.status_code == 403
    assert "表单已失效" in response.text
    assert "<style" not in response.text


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_the_api_description_is_for_signed_in_users(client, path):
    assert client.get(path).status_code == 401  # not signed in: sign in, then ask again
    client.force_login(UserFactory())
    assert client.get(path).status_code == 200
