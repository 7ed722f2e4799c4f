"""Attachments and entries of ledger records (ledgers/services.py): files are accepted by their
content, limited in size, stored under MEDIA_ROOT by their hash, never deleted; downloads of
confidential records are audited; reminder talks and follow-ups are added to their record."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from integrity.access.models import Role
from integrity.audit.models import AuditEvent
from ledgers import services
from ledgers.models import (
    Attachment,
    DepartureRecord,
    FollowUp,
    InterferenceRecord,
    RelativePractice,
    ReminderTalk,
)

from ..factories import UserFactory, assign
from .test_services import OWN_DATA, audit, fresh, make

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02" + b"\0" * 16
MP3_ID3 = b"ID3\x04\x00\x00\x00\x00\x00\x21" + b"\x00" * 40
MP3_FRAME = b"\xff\xfb\x90\x64\x00\x00\x00\x00" + b"\x00" * 40
AMR = b"#!AMR\n\x3c\x48\xf5\x1f" + b"\x00" * 40


@pytest.fixture
def media(settings, tmp_path):
    """Files go to a temporary MEDIA_ROOT through the default storage."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(root)}},
    }
    return root


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def officer(province):
    user = UserFactory()
    assign(user, Role.OFFICER, province.courts["heping"])
    return user


@pytest.fixture
def judge(province):
    user = UserFactory(staff=province.staff["heping"])
    assign(user, Role.STAFF, province.courts["heping"])
    return user


@pytest.fixture
def record(province):
    return make(province, InterferenceRecord)


def add(actor, record, name, content, **kwargs):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return services.attachment_add(actor=actor, record=record, upload=upload, **kwargs)


def additions(record):
    return audit(record, "attachment.add")


# --- accepted by content --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "content", "mime", "extension"),
    [
        pytest.param("扫描件.pdf", PDF, "application/pdf", ".pdf", id="pdf"),
        pytest.param("照片.jpg", JPEG, "image/jpeg", ".jpg", id="jpeg"),
        pytest.param("截图.png", PNG, "image/png", ".png", id="png"),
        pytest.param("录音.mp3", MP3_ID3, "audio/mpeg", ".mp3", id="mp3-id3"),
        pytest.param("录音.mp3", MP3_FRAME, "audio/mpeg", ".mp3", id="mp3-frame"),
        pytest.param("电话录音.amr", AMR, "audio/amr", ".amr", id="amr"),
        pytest.param("照片.pdf", JPEG, "image/jpeg", ".jpg", id="jpeg-named-pdf"),
        pytest.param("无扩展名", PDF, "application/pdf", ".pdf", id="no-extension"),
    ],
)
def test_file_is_accepted_by_its_content(
    province, officer, record, media, name, content, mime, extension
):
    # when the officer attaches a file
    attachment = add(officer, record, name, content, description="询问笔录")

    # then its type comes from the content, not the name
    stored = Attachment.objects.get()
    assert stored.pk == attachment.pk
    assert stored.record == record
    assert stored.mime_type == mime
    assert stored.extension == extension
    assert stored.original_name == name
    assert stored.size == len(content)
    digest = hashlib.sha256(content).hexdigest()
    assert stored.sha256 == digest
    assert stored.uploaded_by == officer
    assert stored.voided_at is None
    # and it is stored by its hash under MEDIA_ROOT, with nothing of the user's name
    assert stored.file.name == f"ledgers/{digest[:2]}/{digest}{extension}"
    path = Path(stored.file.path)
    assert path.is_relative_to(media)
    assert not path.is_relative_to(Path(django_settings.STATIC_ROOT))
    assert path.read_bytes() == content
    # and the upload is audited
    changes = additions(record).get().changes
    assert changes["sha256"] == digest
    assert changes["type"] == mime


def test_stored_name_ignores_a_path_in_the_upload_name(province, officer, record, media):
    upload = ContentFile(PDF, name="../../static/合同.pdf")
    attachment = services.attachment_add(actor=officer, record=record, upload=upload)
    assert attachment.original_name == "合同.pdf"
    assert stored_files(media) == [Path(attachment.file.path)]
    assert Path(attachment.file.path).is_relative_to(media / "ledgers")


def test_attachments_are_configured_under_media_root_outside_static():
    # the production settings, not the test override
    location = Path(django_settings.STORAGES["default"]["OPTIONS"]["location"])
    assert location == Path(django_settings.MEDIA_ROOT)
    assert not location.is_relative_to(Path(django_settings.STATIC_ROOT))
    assert not Path(django_settings.STATIC_ROOT).is_relative_to(location)


# --- refused --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 48, id="exe"),
        pytest.param(b"\x7fELF\x02\x01\x01\x00" + b"\0" * 48, id="elf"),
        pytest.param(b"<!DOCTYPE html><html><script>alert(1)</script></html>", id="html"),
        pytest.param(b"  <html><body onload=alert(1)>", id="html-leading-space"),
        pytest.param(b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", id="svg"),
        pytest.param(b"PK\x03\x04\x14\x00\x06\x00" + b"\0" * 48, id="zip"),
        pytest.param(b"#!/bin/sh\nrm -rf /\n", id="script"),
        pytest.param(b"", id="empty"),
    ],
)
def test_file_named_pdf_with_other_content_is_refused(province, officer, record, media, content):
    # when the officer attaches something that only claims to be a PDF
    with pytest.raises(ValidationError) as error:
        add(officer, record, "扫描件.pdf", content)

    # then it is refused, and nothing is stored or recorded
    assert "file" in error.value.message_dict
    assert not Attachment.objects.exists()
    assert stored_files(media) == []
    assert not additions(record).exists()


def test_utf16_html_named_pdf_is_refused(province, officer, record, media):
    content = b"\xff\xfe" + "<html><script>alert(1)</script></html>".encode("utf-16-le")
    with pytest.raises(ValidationError):
        add(officer, record, "扫描件.pdf", content)
    assert not Attachment.objects.exists()


def test_file_over_the_size_limit_is_refused(province, officer, record, media, settings):
    # given a limit of 1 KiB
    settings.ATTACHMENT_MAX_BYTES = 1024
    content = PDF + b"0" * (1025 - len(PDF))

    # when a PDF one byte over it is attached, then it is refused and nothing is stored
    with pytest.raises(ValidationError) as error:
        add(officer, record, "大文件.pdf", content)
    assert "file" in error.value.message_dict
    assert not Attachment.objects.exists()
    assert stored_files(media) == []
    assert not additions(record).exists()

    # and one of exactly the limit is accepted
    attachment = add(officer, record, "刚好.pdf", content[:1024])
    assert attachment.size == 1024


def test_attachment_needs_change_on_the_record(province, record, media):
    # given an officer of another court
    elsewhere = UserFactory()
    assign(elsewhere, Role.OFFICER, province.courts["shenhe"])

    # when they attach a file, then it is refused
    with pytest.raises(PermissionDenied):
        add(elsewhere, record, "扫描件.pdf", PDF)
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_staff_member_attaches_to_own_record(province, judge, media):
    own = services.ledger_create(
        actor=judge, model=InterferenceRecord, fields=OWN_DATA[InterferenceRecord]
    )
    attachment = add(judge, own, "短信截图.png", PNG)
    assert attachment.uploaded_by == judge


def test_no_attachment_to_a_voided_record(province, officer, record, media):
    services.ledger_void(actor=officer, record=record, version=1, reason="录入错误")
    with pytest.raises(ValidationError):
        add(officer, fresh(record), "扫描件.pdf", PDF)
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


# --- downloads ------------------------------------------------------------------------------
@pytest.mark.parametrize("confidential", [True, False])
def test_download_is_audited_only_for_confidential_records(province, officer, media, confidential):
    # given an attachment of a confidential or an ordinary record
    record = make(province, InterferenceRecord, is_confidential=confidential)
    attachment = add(officer, record, "扫描件.pdf", PDF)

    # when it is opened
    services.attachment_opened(actor=officer, record=record, attachment=attachment)

    # then only the confidential one leaves a download event
    downloads = audit(record, "attachment.download")
    if confidential:
        event = downloads.get()
        assert event.actor == officer
        assert event.changes["attachment"] == attachment.pk
    else:
        assert not downloads.exists()


# --- voiding an attachment ------------------------------------------------------------------
@pytest.mark.parametrize("reason", ["", "  "])
def test_attachment_void_needs_a_reason(province, officer, record, media, reason):
    attachment = add(officer, record, "扫描件.pdf", PDF)
    with pytest.raises(ValidationError) as error:
        services.attachment_void(actor=officer, record=record, attachment=attachment, reason=reason)
    assert "reason" in error.value.message_dict
    assert Attachment.objects.get().voided_at is None


def test_staff_member_cannot_void_an_attachment(province, judge, media):
    own = services.ledger_create(
        actor=judge, model=InterferenceRecord, fields=OWN_DATA[InterferenceRecord]
    )
    attachment = add(judge, own, "短信截图.png", PNG)
    with pytest.raises(PermissionDenied):
        services.attachment_void(actor=judge, record=own, attachment=attachment, reason="传错了")
    assert Attachment.objects.get().voided_at is None


def test_officer_voids_an_attachment_and_the_file_is_kept(province, officer, record, media):
    # given an attachment
    attachment = add(officer, record, "扫描件.pdf", PDF)
    path = Path(attachment.file.path)

    # when the officer voids it with a reason
    services.attachment_void(
        actor=officer, record=record, attachment=attachment, reason=" 上传错误 "
    )

    # then it is marked, the file stays, and the reason is audited
    stored = Attachment.objects.get()
    assert stored.voided_at is not None
    assert stored.void_reason == "上传错误"
    assert path.read_bytes() == PDF
    event = audit(record, "attachment.void").get()
    assert event.reason == "上传错误"
    assert event.changes["attachment"] == attachment.pk

    # and it cannot be voided twice
    with pytest.raises(ValidationError):
        services.attachment_void(actor=officer, record=record, attachment=stored, reason="再次")
    assert audit(record, "attachment.void").count() == 1


# --- reminder talks and follow-ups ----------------------------------------------------------
TALK = {"talked_on": "2025-01-20", "talked_by": "纪检组长", "agreed": "不在本院代理案件"}


def test_reminder_talk_is_added_and_audited(province, officer):
    # given a relative's record
    record = make(province, RelativePractice)

    # when the officer records a reminder talk
    talk = services.child_add(actor=officer, record=record, fields=TALK)

    # then it belongs to the record and the addition is audited on the record
    assert ReminderTalk.objects.get() == talk
    assert talk.record == record
    event = audit(record, "remindertalk.add").get()
    assert event.actor == officer
    assert event.changes["talked_by"] == [None, "纪检组长"]


def test_follow_up_with_a_violation_needs_its_description(province, officer):
    # given a departed judge's record
    record = make(province, DepartureRecord)
    fields = {"followed_on": "2025-03-01", "method": "case_check", "violation_found": True}

    # when a violation is recorded without describing it, then it is refused
    with pytest.raises(ValidationError) as error:
        services.child_add(actor=officer, record=record, fields={**fields, "violation": " "})
    assert "violation" in error.value.message_dict
    assert not FollowUp.objects.exists()
    assert not audit(record, "followup.add").exists()

    # when it is described, then it is kept with the case in canonical form
    follow_up = services.child_add(
        actor=officer,
        record=record,
        fields={
            **fields,
            "violation": "担任本院案件代理人",
            "case_number": "（2025）辽0102民初7号",
        },
    )
    assert FollowUp.objects.get() == follow_up
    assert follow_up.case_number == "(2025)辽0102民初7号"


def test_follow_up_with_a_bad_case_number_is_refused(province, officer):
    record = make(province, DepartureRecord)
    with pytest.raises(ValidationError) as error:
        services.child_add(
            actor=officer,
            record=record,
            fields={"followed_on": "2025-03-01", "method": "phone", "case_number": "民初7号"},
        )
    assert "case_number" in error.value.message_dict
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        pytest.param(InterferenceRecord, TALK, id="ledger-without-entries"),
        pytest.param(RelativePractice, {**TALK, "record_id": 1}, id="field-not-offered"),
    ],
)
def test_entries_are_only_the_ledgers_own(province, officer, model, fields):
    record = make(province, model)
    with pytest.raises(PermissionDenied):
        services.child_add(actor=officer, record=record, fields=fields)
    assert not ReminderTalk.objects.exists()


def test_staff_member_cannot_add_a_talk_about_themselves(province, judge):
    record = make(province, RelativePractice)
    with pytest.raises(PermissionDenied):
        services.child_add(actor=judge, record=record, fields=TALK)
    assert not ReminderTalk.objects.exists()


def test_no_entry_on_a_voided_record(province, officer):
    record = make(province, RelativePractice)
    services.ledger_void(actor=officer, record=record, version=1, reason="录入错误")
    with pytest.raises(ValidationError):
        services.child_add(actor=officer, record=fresh(record), fields=TALK)
    assert not ReminderTalk.objects.exists()
    assert not AuditEvent.objects.filter(action__endswith="remindertalk.add").exists()
