"""The public complaint channel (举报): a member of the public reports a court staff member's
conduct without an account and follows the report by receipt code; officers and the discipline
team of the court concerned handle it. Every complaint becomes a clue of that court in the same
transaction. The reporter's identity is kept apart (Reporter) for the discipline team and
explicit grantees, and every view of it is audited (shared/DOMAIN.md "Clues, referrals and
dispositions": a whistle-blower's identity is confidential).

What the public doors write carries no trace of where it came from: the audit events are
recorded with no client address, the rows keep dates rather than timestamps, and only a slow
hash of the receipt code's secret half is stored."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from integrity.access import policy
from integrity.audit import events
from integrity.audit.context import client_ip
from integrity.concurrency import claim_version
from integrity.org.casenumbers import normalize_case_number
from integrity.org.models import Court, Department, StaffMember
from ledgers import filetypes

from .. import rules
from ..models import (
    Clue,
    Complaint,
    ComplaintAttachment,
    ComplaintMessage,
    ComplaintUserObjectPermission,
    Reporter,
    ReporterUserObjectPermission,
)
from .clues import clue_create, route_to_discipline
from .common import today, user_or_none

# --- the receipt code ------------------------------------------------------------------------
# A Crockford-like alphabet of 32 symbols without 0/O and 1/I, so a code read aloud or copied
# by hand is not mistaken: each symbol carries 5 bits.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LOCATOR_LENGTH = 8  # the public half, stored to find the report (40 bits)
SECRET_LENGTH = 16  # the secret half, 80 bits from `secrets`, stored only as a slow hash
CODE_LENGTH = LOCATOR_LENGTH + SECRET_LENGTH
GROUP = 4
_SEPARATORS = str.maketrans("", "", " -_.·・—–‐\t\r\n")

# Public uploads: how many files one report or message may carry.
MAX_FILES = 5
PUBLIC_ACTOR_NAME = "public"

# Which status may follow which (received → handling → answered → closed; an answered report
# goes back to handling when the reporter writes again or more work is needed).
S = Complaint.Status
STATUS_STEPS: dict[str, tuple[str, ...]] = {
    S.RECEIVED: (S.HANDLING, S.CLOSED),
    S.HANDLING: (S.ANSWERED, S.CLOSED),
    S.ANSWERED: (S.HANDLING, S.CLOSED),
    S.CLOSED: (),
}


def _random_symbols(count: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _i in range(count))


def format_code(code: str) -> str:
    """The code grouped for reading: K7QM-2XPA-…"""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def parse_code(text: str) -> tuple[str, str] | None:
    """The (locator, secret) of a code as a reporter typed it: any case, with or without
    dashes or spaces, full-width characters allowed. None when it cannot be a code."""
    folded = unicodedata.normalize("NFKC", text or "").translate(_SEPARATORS).upper()
    if len(folded) != CODE_LENGTH or any(ch not in ALPHABET for ch in folded):
        return None
    return folded[:LOCATOR_LENGTH], folded[LOCATOR_LENGTH:]


def _hash_secret(secret: str) -> str:
    return make_password(secret)


_DUMMY_HASH: list[str] = []


def _dummy_check(secret: str) -> None:
    """Spend the same time as a real check, so that an unknown locator cannot be told from a
    known one with a wrong secret."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(make_password(_random_symbols(SECRET_LENGTH)))
    check_password(secret, _DUMMY_HASH[0])


def code_matches(complaint: Complaint | None, secret: str) -> bool:
    if complaint is None:
        _dummy_check(secret)
        return False
    return check_password(secret, complaint.code_hash)


@contextmanager
def no_client_address() -> Iterator[None]:
    """Audit events written inside carry no client address: the public doors store nothing
    that could identify the reporter's connection."""
    token = client_ip.set(None)
    try:
        yield
    finally:
        client_ip.reset(token)


# --- attachments -----------------------------------------------------------------------------


def check_uploads(uploads: Sequence[File]) -> list[tuple[File, filetypes.FileType]]:
    """Every file checked before anything is stored: size (ATTACHMENT_MAX_BYTES), and type by
    content (ledgers/filetypes.py), never by the name or the browser's claim."""
    if len(uploads) > MAX_FILES:
        raise ValidationError(
            {"attachments": [_("Attach at most %(count)d files.") % {"count": MAX_FILES}]}
        )
    checked = []
    for upload in uploads:
        if upload.size > settings.ATTACHMENT_MAX_BYTES:
            raise ValidationError(
                {
                    "attachments": [
                        _("The file is larger than %(limit)d MB.")
                        % {"limit": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
                    ]
                }
            )
        upload.seek(0)
        head = upload.read(32)
        upload.seek(0)
        kind = filetypes.sniff(head)
        if kind is None:
            raise ValidationError(
                {
                    "attachments": [
                        _("This kind of file cannot be attached. Allowed: %(types)s.")
                        % {"types": filetypes.ALLOWED_DESCRIPTION}
                    ]
                }
            )
        checked.append((upload, kind))
    return checked


def _store(
    complaint: Complaint,
    message: ComplaintMessage | None,
    checked: list[tuple[File, filetypes.FileType]],
) -> list[ComplaintAttachment]:
    stored = []
    for upload, kind in checked:
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        name = (getattr(upload, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1]
        attachment = ComplaintAttachment(
            complaint=complaint,
            message=message,
            original_name=name[:200],
            mime_type=kind.mime,
            size=upload.size,
            sha256=digest.hexdigest(),
        )
        attachment.file.save(f"file{kind.extension}", upload, save=False)
        attachment.full_clean()
        attachment.save()
        stored.append(attachment)
    return stored


def _attachment_summary(stored: list[ComplaintAttachment]) -> list[dict[str, Any]]:
    return [{"id": a.pk, "type": a.mime_type, "size": a.size, "sha256": a.sha256} for a in stored]


# --- the public side -------------------------------------------------------------------------

COMPLAINT_FIELDS = (
    "court",
    "department",
    "subject_name",
    "subject_description",
    "case_number",
    "occurred_on",
    "account",
)
CONTACT_FIELDS = ("name", "phone", "email", "address", "relation")


_AUDITED = tuple(f.name for f in Complaint._meta.concrete_fields if f.name != "code_hash")


def _audit_snapshot(complaint: Complaint) -> dict[str, Any]:
    # Not even the slow hash goes into the audit log.
    return events.snapshot(complaint, _AUDITED)


def _clue_text(complaint: Complaint) -> tuple[str, str]:
    named = complaint.subject_name.strip()
    if named and complaint.subject_description.strip():
        named = f"{named}（{complaint.subject_description.strip()}）"
    summary = (
        _("Public complaint about %(person)s") % {"person": named}
        if named
        else _("Public complaint (staff member not named)")
    )
    lines = [complaint.account.strip()]
    if complaint.case_number:
        lines.append(_("Case number: %(number)s") % {"number": complaint.case_number})
    if complaint.occurred_on:
        lines.append(_("When: %(date)s") % {"date": complaint.occurred_on.isoformat()})
    lines.append(_("Receipt locator: %(locator)s") % {"locator": complaint.locator})
    return summary[:200], "\n".join(lines)


def _new_locator() -> str:
    for _attempt in range(10):
        locator = _random_symbols(LOCATOR_LENGTH)
        if not Complaint.objects.filter(locator=locator).exists():
            return locator
    raise ValidationError(_("Could not issue a receipt code; try again."))  # pragma: no cover


def complaint_submit(
    *,
    fields: Mapping[str, Any],
    contact: Mapping[str, Any] | None = None,
    uploads: Sequence[File] = (),
) -> tuple[Complaint, str]:
    """File a public complaint (no login) and make it a clue of the court concerned. Returns
    the complaint and its receipt code, which is shown to the reporter once and cannot be
    recovered afterwards: only the slow hash of its secret half is stored."""
    unknown = set(fields) - set(COMPLAINT_FIELDS)
    if unknown:
        raise PermissionDenied(f"Fields not editable here: {', '.join(sorted(unknown))}")
    checked = check_uploads(uploads)
    with no_client_address():
        for _attempt in range(5):
            locator = _new_locator()
            secret = _random_symbols(SECRET_LENGTH)
            try:
                complaint = _submit(locator, secret, fields, contact or {}, checked)
            except IntegrityError:  # a concurrent report took the locator: draw again
                continue
            return complaint, format_code(locator + secret)
    raise ValidationError(_("Could not issue a receipt code; try again."))  # pragma: no cover


@transaction.atomic
def _submit(
    locator: str,
    secret: str,
    fields: Mapping[str, Any],
    contact: Mapping[str, Any],
    checked: list[tuple[File, filetypes.FileType]],
) -> Complaint:
    complaint = Complaint(
        locator=locator,
        code_hash=_hash_secret(secret),
        received_on=today(),
        status=Complaint.Status.RECEIVED,
    )
    events.apply(complaint, fields)
    complaint.subject_name = (complaint.subject_name or "").strip()
    complaint.subject_description = (complaint.subject_description or "").strip()
    complaint.account = (complaint.account or "").strip()
    if complaint.case_number:
        try:
            complaint.case_number = normalize_case_number(complaint.case_number)
        except ValidationError as error:
            raise ValidationError({"case_number": error.messages}) from None
    if complaint.court_id and not Court.objects.filter(pk=complaint.court_id, is_active=True):
        raise ValidationError({"court": [_("Choose a court from the list.")]})
    if complaint.department_id and not Department.objects.filter(
        pk=complaint.department_id, court_id=complaint.court_id
    ):
        raise ValidationError({"department": [_("The department belongs to another court.")]})
    complaint.full_clean()
    complaint.save()
    reporter = Reporter(
        complaint=complaint,
        **{name: str(contact.get(name) or "").strip() for name in CONTACT_FIELDS},
    )
    reporter.full_clean()
    reporter.save()
    stored = _store(complaint, None, checked)
    events.record(
        actor=None,
        actor_name=PUBLIC_ACTOR_NAME,
        action="inspections.complaint.submit",
        obj=complaint,
        # The reporter's identity stays out of the audit log, which auditors read.
        changes={
            **events.diff({}, _audit_snapshot(complaint)),
            "attachments": _attachment_summary(stored),
        },
    )
    summary, details = _clue_text(complaint)
    clue = clue_create(
        actor=None,
        fields={
            "court": complaint.court,
            "department": complaint.department,
            "subject": None,
            "summary": summary,
            "details": details,
            "source": Clue.Source.COMPLAINT,
            "received_on": complaint.received_on,
            "is_confidential": True,
        },
        source_object=complaint,
        check_scope=False,
    )
    Complaint.objects.filter(pk=complaint.pk).update(clue=clue)
    complaint.clue = clue
    return complaint


@transaction.atomic
def complaint_public_message(
    *, complaint: Complaint, body: str, uploads: Sequence[File] = ()
) -> ComplaintMessage:
    """The reporter writes to the handling officer (by receipt code, checked by the caller
    with :func:`code_matches`). An answered report goes back to handling."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Write your message.")]})
    if complaint.status == Complaint.Status.CLOSED:
        raise ValidationError(_("This report is closed; it takes no more messages."))
    checked = check_uploads(uploads)
    with no_client_address():
        message = ComplaintMessage(
            complaint=complaint, from_public=True, body=body, sent_on=today()
        )
        message.full_clean()
        message.save()
        stored = _store(complaint, message, checked)
        changes: dict[str, Any] = {
            "message": message.pk,
            "attachments": _attachment_summary(stored),
        }
        if complaint.status == Complaint.Status.ANSWERED:
            Complaint.objects.filter(pk=complaint.pk).update(status=Complaint.Status.HANDLING)
            changes["status"] = [complaint.status, Complaint.Status.HANDLING]
            complaint.status = Complaint.Status.HANDLING
        events.record(
            actor=None,
            actor_name=PUBLIC_ACTOR_NAME,
            action="inspections.complaint.public_message",
            obj=complaint,
            changes=changes,
        )
    return message


# --- the officer side ------------------------------------------------------------------------


@transaction.atomic
def complaint_reply(*, actor: Any, complaint: Complaint, body: str) -> ComplaintMessage:
    """The handling officer (or the discipline team) writes to the reporter, who reads it by
    receipt code."""
    policy.require(actor, policy.CHANGE, complaint)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Write your message.")]})
    if complaint.status == Complaint.Status.CLOSED:
        raise ValidationError(_("This report is closed; it takes no more messages."))
    message = ComplaintMessage(
        complaint=complaint,
        from_public=False,
        author=user_or_none(actor),
        body=body,
        sent_on=today(),
    )
    message.full_clean()
    message.save()
    events.record(
        actor=actor,
        action="inspections.complaint.reply",
        obj=complaint,
        changes={"message": message.pk, "body": body},
    )
    return message


def next_statuses(status: str) -> tuple[str, ...]:
    return STATUS_STEPS.get(status, ())


@transaction.atomic
def complaint_set_status(
    *, actor: Any, complaint: Complaint, version: Any, status: str
) -> Complaint:
    """Move the report along received → handling → answered → closed (STATUS_STEPS), based on
    ``version``: a stale edit is refused and nothing is written."""
    policy.require(actor, policy.MANAGE, complaint)
    if status not in next_statuses(complaint.status):
        raise ValidationError(
            {
                "status": [
                    _("A report that is “%(current)s” cannot become “%(next)s”.")
                    % {
                        "current": Complaint.Status(complaint.status).label,
                        "next": Complaint.Status(status).label
                        if status in Complaint.Status.values
                        else status,
                    }
                ]
            }
        )
    before = _audit_snapshot(complaint)
    claim_version(complaint, version)
    complaint.status = status
    complaint.full_clean()
    complaint.save(update_fields=["status", "version"])
    events.record(
        actor=actor,
        action="inspections.complaint.status",
        obj=complaint,
        changes=events.diff(before, _audit_snapshot(complaint)),
    )
    return complaint


@transaction.atomic
def complaint_match_subject(
    *, actor: Any, complaint: Complaint, version: Any, subject: StaffMember | None
) -> Complaint:
    """Name the staff member the report is about (the officer's identification of whom the
    reporter described). The complaint's clue gets the same subject; a report about a court
    leader is then marked ``about_leader`` on both, hidden from that leader and everyone of
    their court below them, and routed to the discipline team. The actor may lose sight of the
    report by this: that is the rule, not an error."""
    policy.require(actor, policy.CHANGE, complaint)
    if subject is not None and subject.court_id != complaint.court_id:
        raise ValidationError({"subject": [_("The staff member belongs to another court.")]})
    before = _audit_snapshot(complaint)
    claim_version(complaint, version)
    complaint.subject = subject
    complaint.about_leader = rules.is_court_leader(subject)
    complaint.full_clean()
    complaint.save(update_fields=["subject", "about_leader", "version"])
    events.record(
        actor=actor,
        action="inspections.complaint.match",
        obj=complaint,
        changes=events.diff(before, _audit_snapshot(complaint)),
    )
    clue = complaint.clue
    if clue is not None:
        _match_clue(actor, clue, subject)
    return complaint


def _match_clue(actor: Any, clue: Clue, subject: StaffMember | None) -> None:
    before = events.snapshot(clue)
    clue.subject = subject
    clue.about_leader = rules.is_court_leader(subject)
    claim_version(clue, clue.version)
    clue.full_clean()
    clue.save(update_fields=["subject", "about_leader", "version", "updated_at"])
    events.record(
        actor=actor,
        action="inspections.clue.update",
        obj=clue,
        changes=events.diff(before, events.snapshot(clue)),
        reason=_("The complaint it came from was matched to a staff member."),
    )
    if clue.about_leader and not clue.referrals.filter(voided_at__isnull=True).exists():
        route_to_discipline(actor=actor, clue=clue)


# --- the reporter's identity -----------------------------------------------------------------


def reporter_viewed(*, actor: Any, complaint: Complaint, reporter: Reporter, door: str) -> None:
    """Every view of a reporter's identity is recorded. The event names the complaint, never
    the reporter (the audit log shows an object's name to its readers)."""
    events.record(
        actor=actor,
        action="inspections.reporter.view",
        obj=complaint,
        changes={"reporter": reporter.pk, "door": door},
    )


def may_grant_reporter(actor: Any, complaint: Complaint) -> bool:
    """The discipline team reaching the complaint's court by its role (not by a grant)."""
    return policy.can(actor, policy.SHARE, complaint.reporter)


@transaction.atomic
def reporter_grant(*, actor: Any, complaint: Complaint, grantee: Any) -> None:
    """The discipline team shows the reporter's identity to one named person (and the
    complaint itself, if it is outside their scope)."""
    if not may_grant_reporter(actor, complaint):
        raise PermissionDenied
    User = get_user_model()
    if not isinstance(grantee, User) or not grantee.is_active:
        raise ValidationError({"user": [_("Name an active user.")]})
    if grantee.staff_id and grantee.staff_id == complaint.subject_id:
        raise ValidationError({"user": [_("The person the report is about cannot be shown it.")]})
    reporter = complaint.reporter
    for model, target, codename in (
        (ReporterUserObjectPermission, reporter, "view_reporter"),
        (ComplaintUserObjectPermission, complaint, "view_complaint"),
    ):
        permission = Permission.objects.get(
            codename=codename,
            content_type=ContentType.objects.get_for_model(type(target)),
        )
        model.objects.get_or_create(user=grantee, permission=permission, content_object=target)
    events.record(
        actor=actor,
        action="inspections.reporter.grant",
        obj=complaint,
        changes={"user": grantee.pk, "username": grantee.get_username()},
    )


def attachment_opened(*, actor: Any, complaint: Complaint, attachment: ComplaintAttachment) -> None:
    """Every download of a complaint's attachment is recorded (complaints are confidential)."""
    if attachment.complaint_id != complaint.pk:
        raise PermissionDenied
    events.record(
        actor=actor,
        action="inspections.complaint.attachment.download",
        obj=complaint,
        changes={"attachment": attachment.pk},
    )
