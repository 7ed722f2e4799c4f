"""The public complaint channel: a report about a court staff member's conduct, followed by
receipt code. The reporter's identity is kept apart and shown only to the discipline team and
explicit grantees; no IP address or browser fingerprint is stored."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase


class Complaint(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        HANDLING = "handling", _("Being handled")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    # The public half of the receipt code, to find the report; the secret half is kept only
    # as a slow hash (code_hash) and cannot be recovered from the database.
    locator = models.CharField(max_length=16, unique=True, editable=False)
    code_hash = models.CharField(max_length=256, editable=False)
    court = models.ForeignKey(
        "org.Court", verbose_name=_("court concerned"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_name = models.CharField(_("name of the staff member"), max_length=50, blank=True)
    subject_description = models.CharField(_("post or description"), max_length=200, blank=True)
    subject = models.ForeignKey(
        "org.StaffMember",
        verbose_name=_("staff member concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    case_number = models.CharField(_("case number"), max_length=64, blank=True)
    occurred_on = models.DateField(_("when it happened"), null=True, blank=True)
    account = models.TextField(_("what happened"))
    clue = models.OneToOneField(
        "inspections.Clue",
        verbose_name=_("clue"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="complaint",
    )
    about_leader = models.BooleanField(default=False, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Dates only, no time of day (no created_at/updated_at either), so that the row cannot
    # be matched against a web server's access log.
    received_on = models.DateField(_("received on"))

    class Meta:
        verbose_name = _("public complaint")
        verbose_name_plural = _("public complaints")
        ordering = ["-id"]
        indexes = [models.Index(fields=["court", "-id"], name="insp_compl_court_id")]

    def __str__(self) -> str:
        return f"{self.locator}"


class ComplaintUserObjectPermission(UserObjectPermissionBase):
    """A complaint (or its reporter's identity) shared with one named person."""

    content_object = models.ForeignKey(Complaint, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class Reporter(models.Model):
    """Who filed the complaint, if they chose to say. Shown only to the discipline team and to
    explicit grantees of ``view_reporter``; every view is audited."""

    complaint = models.OneToOneField(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="reporter"
    )
    name = models.CharField(_("name"), max_length=50, blank=True)
    phone = models.CharField(_("telephone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    relation = models.CharField(
        _("relation to the matter"),
        max_length=100,
        blank=True,
        help_text=_("e.g. party, agent, relative of a party."),
    )

    class Meta:
        verbose_name = _("reporter")
        verbose_name_plural = _("reporters")

    def __str__(self) -> str:
        return self.name or "—"


class ReporterUserObjectPermission(UserObjectPermissionBase):
    """The reporter's identity shown to one named person besides the discipline team."""

    content_object = models.ForeignKey(Reporter, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class ComplaintMessage(models.Model):
    """A message between the reporter (by receipt code) and the handling officer."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="messages"
    )
    from_public = models.BooleanField(_("from the reporter"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("message"))
    # A date, not a timestamp: a reporter's message is not to be matched to an access log.
    sent_on = models.DateField(_("sent on"))

    class Meta:
        verbose_name = _("complaint message")
        verbose_name_plural = _("complaint messages")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.complaint} · {self.pk}"


def _upload_to(instance: ComplaintAttachment, filename: str) -> str:
    # The stored name carries no user input and no date: the content hash and the extension
    # the content was recognised as (the service passes it as the file name).
    suffix = "." + filename.rsplit(".", 1)[-1] if "." in filename else ""
    return f"complaints/{instance.sha256[:2]}/{instance.sha256}{suffix}"


class ComplaintAttachment(models.Model):
    """A file the reporter sent, stored by content hash like the ledgers' attachments."""

    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    message = models.ForeignKey(
        ComplaintMessage, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("file"), upload_to=_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    mime_type = models.CharField(_("type"), max_length=64)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("complaint attachment")
        verbose_name_plural = _("complaint attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
