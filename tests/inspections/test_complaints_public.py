"""The public complaint channel (issue 5 item 7), the public side: the form works without login
and without JavaScript; the receipt code is shown once, stored only as a slow hash of its
secret half and opens only its own report; a wrong code gives one generic answer; nothing of
the client's address or browser is stored; the rate limit per address; attachments checked
by content; every complaint becomes a clue of the court concerned."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse

from inspections.models import Clue, Complaint, ComplaintAttachment, ComplaintMessage, Reporter
from inspections.selectors import complaints as selectors
from inspections.services import complaints as services
from inspections.views import public
from integrity.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 32
FORM_URL = "/complaints/"
FOLLOW_URL = "/complaints/follow/"
MESSAGE_URL = "/complaints/follow/message/"
CODE_RE = re.compile(r'class="receipt-code">([0-9A-Z-]+)<')


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(root)}},
    }
    return root


def report(province, **extra):
    data = {
        "step": "submit",
        "court": str(province.courts["heping"].pk),
        "department": str(province.departments["heping"].pk),
        "subject_name": "王某",
        "subject_description": "民一庭法官",
        "case_number": "（2025）辽0102民初1号",
        "occurred_on": "2025年3月5日",
        "account": "开庭前私下约见对方当事人并接受宴请。",
    }
    data.update(extra)
    return data


def submit(client, province, **extra):
    response = client.post(FORM_URL, report(province, **extra))
    assert response.status_code == 200, response.content.decode()[:2000]
    match = CODE_RE.search(response.content.decode())
    assert match, "the receipt page shows the code"
    return Complaint.objects.order_by("-id").first(), match.group(1)


# --- the form: no login, no JavaScript ---------------------------------------------------------


def test_the_form_needs_no_login_and_no_javascript(client, province):
    response = client.get(FORM_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script" not in html  # nothing on the page depends on JavaScript
    assert 'method="post"' in html
    assert "csrfmiddlewaretoken" in html
    assert province.courts["heping"].name in html
    assert "<optgroup" in html  # courts grouped under their intermediate court


def test_a_plain_post_files_the_report_and_shows_the_code_once(client, province):
    complaint, code = submit(client, province, name="李四", phone="13800000000")
    assert complaint.court == province.courts["heping"]
    assert complaint.department == province.departments["heping"]
    assert complaint.case_number == "(2025)辽0102民初1号"  # normalised from full-width brackets
    assert complaint.occurred_on.isoformat() == "2025-03-05"
    assert complaint.status == Complaint.Status.RECEIVED
    assert re.fullmatch(r"([2-9A-HJ-NP-Z]{4}-){5}[2-9A-HJ-NP-Z]{4}", code)
    assert code.replace("-", "").startswith(complaint.locator)
    assert complaint.reporter.name == "李四"
    # The follow-up page never shows the code again in the clear.
    response = client.get(FOLLOW_URL)
    assert code not in response.content.decode()


def test_the_helper_buttons_do_not_file_anything(client, province):
    response = client.post(FORM_URL, {**report(province), "step": "departments", "department": ""})
    assert response.status_code == 200
    assert province.departments["heping_criminal"].name in response.content.decode()
    response = client.post(FORM_URL, {**report(province), "step": "find", "court_search": "大连"})
    html = response.content.decode()
    assert province.courts["dalian"].name in html
    assert province.courts["heping"].name not in html.split('name="court"')[1].split("</select>")[0]
    assert not Complaint.objects.exists()


def test_anonymous_reports_are_accepted(client, province):
    complaint, _code = submit(client, province)
    reporter = complaint.reporter
    assert not any(getattr(reporter, name) for name in services.CONTACT_FIELDS)


def test_the_account_and_the_court_are_required(client, province):
    response = client.post(FORM_URL, report(province, account="", court=""))
    assert response.status_code == 200
    assert not Complaint.objects.exists()
    assert "errorlist" in response.content.decode()


def test_a_department_of_another_court_is_refused(client, province):
    response = client.post(
        FORM_URL, report(province, department=str(province.departments["dalian"].pk))
    )
    assert not Complaint.objects.exists()
    assert response.status_code == 200


def test_an_unreadable_case_number_is_refused(client, province):
    client.post(FORM_URL, report(province, case_number="abc"))
    assert not Complaint.objects.exists()


# --- every complaint becomes a clue ---------------------------------------------------------


def test_every_complaint_becomes_a_confidential_clue_of_the_court_concerned(client, province):
    complaint, _code = submit(client, province)
    clue = complaint.clue
    assert clue is not None
    assert clue.court == province.courts["heping"]
    assert clue.department == province.departments["heping"]
    assert clue.source == Clue.Source.COMPLAINT
    assert clue.source_object == complaint
    assert clue.is_confidential
    assert clue.subject is None
    assert clue.received_on == complaint.received_on
    assert "宴请" in clue.details
    assert "王某" in clue.summary


def test_reporter_details_do_not_reach_the_clue(client, province):
    complaint, _code = submit(client, province, name="李四", phone="13800000000")
    text = f"{complaint.clue.summary} {complaint.clue.details} {complaint.clue.evidence}"
    assert "李四" not in text
    assert "13800000000" not in text


# --- the receipt code --------------------------------------------------------------------------


def _inspections_text(value: str) -> list[str]:
    """Every column of every inspections table that contains ``value``."""
    hits = []
    for model in apps.get_app_config("inspections").get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField, models.FileField)):
                found = model._base_manager.filter(**{f"{field.name}__icontains": value})
                if found.exists():
                    hits.append(f"{model.__name__}.{field.name}")
    return hits


def test_the_code_and_its_secret_are_not_stored(client, province):
    complaint, code = submit(client, province)
    plain = code.replace("-", "")
    secret = plain[services.LOCATOR_LENGTH :]
    assert len(secret) * 5 >= 80  # at least 80 bits
    for value in (code, plain, secret):
        assert _inspections_text(value) == []
        assert not AuditEvent.objects.filter(changes__icontains=value).exists()
    assert complaint.code_hash
    assert secret not in complaint.code_hash
    # Only a hash: it checks the secret, nothing reads the secret back.
    assert services.code_matches(complaint, secret)
    assert not AuditEvent.objects.filter(changes__icontains=complaint.code_hash).exists()


def test_the_code_is_hashed_with_the_configured_slow_hasher(client, province, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    complaint, _code = submit(client, province)
    assert complaint.code_hash.startswith("pbkdf2_sha256$")


def test_the_code_opens_its_own_report_in_any_writing(client, province):
    first, code = submit(client, province, account="第一份举报")
    cache.clear()
    second, other_code = submit(client, province, account="第二份举报")
    lower_spaced = code.lower().replace("-", " ")
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in code.replace("-", ""))
    for written in (code, code.replace("-", ""), lower_spaced, full_width):
        assert selectors.complaint_by_code(written) == first
    assert selectors.complaint_by_code(other_code) == second
    response = client.post(FOLLOW_URL, {"code": lower_spaced})
    html = response.content.decode()
    assert "第一份举报" in html
    assert "第二份举报" not in html


def test_a_wrong_code_gives_the_same_generic_error_whether_the_locator_exists(client, province):
    complaint, code = submit(client, province)
    plain = code.replace("-", "")
    # The right locator with a wrong secret, an unknown locator, and garbage.
    wrong_secret = plain[:8] + ("2" * 16 if plain[8:] != "2" * 16 else "3" * 16)
    unknown = ("Z" if plain[0] != "Z" else "Y") + plain[1:]
    answers = []
    for attempt in (wrong_secret, unknown, "not a code"):
        response = client.post(FOLLOW_URL, {"code": attempt})
        assert response.status_code == 200
        html = response.content.decode()
        assert complaint.account not in html
        # The same page but for the per-response CSRF mask.
        answers.append(re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html))
    assert answers[0] == answers[1] == answers[2]
    assert "查询码无效" in answers[0] or "not valid" in answers[0]


def test_the_code_of_one_report_cannot_post_to_another(client, province):
    first, code = submit(client, province)
    cache.clear()
    second, _other = submit(client, province)
    client.post(MESSAGE_URL, {"code": code, "body": "补充材料"})
    assert first.messages.count() == 1
    assert second.messages.count() == 0


def test_the_reporter_follows_up_and_writes_back(client, province, logins):
    complaint, code = submit(client, province)
    services.complaint_reply(actor=logins.officer, complaint=complaint, body="请提供宴请的时间地点")
    response = client.post(FOLLOW_URL, {"code": code})
    html = response.content.decode()
    assert "请提供宴请的时间地点" in html
    assert complaint.get_status_display() in html
    assert logins.officer.display_name() not in html  # the officer's name is not shown
    response = client.post(MESSAGE_URL, {"code": code, "body": "三月五日晚，某酒店"})
    assert response.status_code == 200
    message = ComplaintMessage.objects.get(complaint=complaint, from_public=True)
    assert message.body == "三月五日晚，某酒店"
    assert message.author is None


def test_a_closed_report_takes_no_more_messages(client, province, logins):
    complaint, code = submit(client, province)
    services.complaint_set_status(
        actor=logins.officer, complaint=complaint, version=1, status=Complaint.Status.CLOSED
    )
    client.post(MESSAGE_URL, {"code": code, "body": "还有一件事"})
    assert not ComplaintMessage.objects.exists()


# --- nothing of the client's address or browser -------------------------------------------


def test_no_address_or_browser_is_stored_with_the_report(client, province, media):
    client.post(
        FORM_URL,
        report(province, attachments=SimpleUploadedFile("a.pdf", PDF)),
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="Mozilla/5.0 (Fingerprint 42)",
    )
    assert Complaint.objects.count() == 1
    for value in ("203.0.113.7", "Fingerprint 42"):
        assert _inspections_text(value) == []
    events = AuditEvent.objects.all()
    assert {e.action for e in events} >= {
        "inspections.complaint.submit",
        "inspections.clue.create",
    }
    assert [e.ip for e in events] == [None] * len(events)
    assert not AuditEvent.objects.filter(changes__icontains="Fingerprint").exists()
    # Dates only on the complaint and its messages: no time of day to match an access log.
    for model in (Complaint, ComplaintMessage, ComplaintAttachment, Reporter):
        assert not [
            f.name for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField)
        ]


def test_no_address_is_stored_with_a_follow_up_message(client, province):
    _complaint, code = submit(client, province)
    before = AuditEvent.objects.count()
    client.post(MESSAGE_URL, {"code": code, "body": "补充"}, REMOTE_ADDR="198.51.100.9")
    new = AuditEvent.objects.order_by("seq")[before:]
    assert [e.action for e in new] == ["inspections.complaint.public_message"]
    assert new[0].ip is None


def test_the_audit_keeps_the_address_elsewhere(client, province, logins):
    """The public doors drop the address on purpose; the officer's doors keep it."""
    complaint, _code = submit(client, province)
    client.force_login(logins.officer)
    client.post(f"/inspections/complaints/{complaint.pk}/reply/", {"body": "收到"})
    reply = AuditEvent.objects.get(action="inspections.complaint.reply")
    assert reply.ip == "127.0.0.1"


# --- rate limiting -----------------------------------------------------------------------------


@pytest.fixture
def limit(settings):
    settings.COMPLAINT_RATE_LIMIT = 2
    settings.COMPLAINT_RATE_WINDOW_SECONDS = 600
    return settings


def test_reports_over_the_limit_are_refused_with_429_and_nothing_written(client, province, limit):
    submit(client, province)
    submit(client, province)
    events = AuditEvent.objects.count()
    response = client.post(FORM_URL, report(province))
    assert response.status_code == 429
    assert "分钟后再试" in response.content.decode() or "try again" in response.content.decode()
    assert Complaint.objects.count() == 2
    assert Clue.objects.count() == 2
    assert AuditEvent.objects.count() == events
    # Another address is not affected.
    response = client.post(FORM_URL, report(province), REMOTE_ADDR="192.0.2.55")
    assert response.status_code == 200
    assert Complaint.objects.count() == 3


def test_the_rate_limit_keeps_no_address_in_the_cache(client, province, limit, rf):
    client.post(FORM_URL, report(province), REMOTE_ADDR="203.0.113.8")
    key, _seconds = public._rate_key(rf.post(FORM_URL, REMOTE_ADDR="203.0.113.8"), "submit")
    assert cache.get(key) == 1  # the count lives under this key …
    assert "203.0.113.8" not in key  # … a keyed hash, not the address
    assert len(key.rsplit(":", 1)[-1]) == 64


def test_failed_code_attempts_are_limited(client, province, limit):
    complaint, code = submit(client, province)
    for _attempt in range(2):
        assert client.post(FOLLOW_URL, {"code": "2222-2222-2222-2222-2222-2222"}).status_code == 200
    response = client.post(FOLLOW_URL, {"code": code})  # even the right code now waits
    assert response.status_code == 429
    assert complaint.account not in response.content.decode()


def test_follow_up_messages_are_limited(client, province, limit):
    complaint, code = submit(client, province)
    for body in ("一", "二"):
        assert client.post(MESSAGE_URL, {"code": code, "body": body}).status_code == 200
    response = client.post(MESSAGE_URL, {"code": code, "body": "三"})
    assert response.status_code == 429
    assert complaint.messages.count() == 2


# --- attachments -------------------------------------------------------------------------------


def test_attachments_are_checked_by_content_and_stored_by_hash(client, province, media):
    response = client.post(
        FORM_URL,
        report(province, attachments=[SimpleUploadedFile("photo.jpg", EXE, "image/jpeg")]),
    )
    assert response.status_code == 200
    assert not Complaint.objects.exists()
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]
    _complaint, _code = submit(
        client, province, attachments=[SimpleUploadedFile("scan.txt", PDF, "text/plain")]
    )
    attachment = ComplaintAttachment.objects.get()
    assert attachment.mime_type == "application/pdf"
    assert attachment.file.name.startswith(f"complaints/{attachment.sha256[:2]}/")
    assert attachment.file.name.endswith(f"{attachment.sha256}.pdf")
    assert (media / attachment.file.name).read_bytes() == PDF


def test_attachments_are_limited_in_size(client, province, media, settings):
    settings.ATTACHMENT_MAX_BYTES = 20
    client.post(FORM_URL, report(province, attachments=[SimpleUploadedFile("a.pdf", PDF)]))
    assert not Complaint.objects.exists()


def test_a_follow_up_message_may_carry_attachments(client, province, media):
    complaint, code = submit(client, province)
    client.post(
        MESSAGE_URL, {"code": code, "body": "附上录音", "attachments": SimpleUploadedFile("a", PDF)}
    )
    message = complaint.messages.get()
    assert ComplaintAttachment.objects.get().message == message


def test_attachments_are_never_served_publicly(client, province, media):
    submit(client, province, attachments=[SimpleUploadedFile("a.pdf", PDF)])
    attachment = ComplaintAttachment.objects.get()
    assert client.get(f"/media/{attachment.file.name}").status_code == 404
    url = reverse("inspections:complaint-attachment", args=[attachment.complaint_id, attachment.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
