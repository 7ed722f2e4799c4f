"""In-app notifications and the email that goes with each (shared/DOMAIN.md "Reminders").

A notification is unique per recipient and ``key``; the key names the subject and the period
("ledgers.declaration:17:overdue", "court:3:quarterly:2026Q3"), so a reminder is delivered
once however often, or however concurrently, the sweep runs. Titles and bodies are rendered
when shown, in the reader's language, from ``kind`` and ``params``
(integrity/notify/kinds.py).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Email(models.TextChoices):
        NONE = "none", _("No email address")
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        GIVEN_UP = "given_up", _("Failed, given up")

    recipient = models.ForeignKey(
        "org.StaffMember",
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    court = models.ForeignKey(
        "org.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(_("key"), max_length=200)
    params = models.JSONField(_("details"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    subject_type = models.CharField(_("subject type"), max_length=100, blank=True)
    subject_id = models.CharField(_("subject id"), max_length=40, blank=True)
    sweep = models.CharField(_("created by run"), max_length=36, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_status = models.CharField(
        _("email"), max_length=16, choices=Email.choices, default=Email.NONE
    )
    email_attempts = models.PositiveSmallIntegerField(_("email attempts"), default=0)
    # When the email is next due: the creation time while pending, the retry time once failed,
    # the end of the sender's lease while sending (integrity/notify/delivery.py); empty after.
    email_next_at = models.DateTimeField(_("next email attempt"), null=True, blank=True)
    email_claim = models.CharField(max_length=36, blank=True, editable=False)
    email_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    email_error = models.TextField(_("last email error"), blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notify_once_per_key"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notify_recipient_id"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notify_unread",
            ),
            models.Index(
                fields=["email_next_at"],
                condition=models.Q(email_status__in=["pending", "failed", "sending"]),
                name="notify_email_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} · {self.key}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
