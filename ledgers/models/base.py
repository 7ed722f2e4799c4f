"""What every ledger record has (shared/DOMAIN.md "The four ledgers"): court, department, the
staff member concerned, who entered it, status, notes, a version for safe concurrent edits,
and a void mark instead of deletion (全程留痕、永久储存、有据可查)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from integrity.org.casenumbers import fold_text
from integrity.org.models import check_department_of_court


class LedgerRecord(models.Model):
    """Abstract base of the ledger records. Subclasses name their status choices, their main
    date (``date_field``), their category filter (``category_field``) and the values their
    free-text search covers (:meth:`search_values`)."""

    date_field: ClassVar[str] = "created_at"
    category_field: ClassVar[str | None] = None

    court = models.ForeignKey(
        "org.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    staff = models.ForeignKey(
        "org.StaffMember",
        verbose_name=_("staff member concerned"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)
    is_confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("Every download of a confidential record's attachments is recorded."),
    )
    search_text = models.CharField(max_length=500, blank=True, editable=False, default="")
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voided by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    void_reason = models.TextField(_("reason for voiding"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-id"]

    def save(self, *args, **kwargs) -> None:
        self.refresh_search_text()
        super().save(*args, **kwargs)

    @cached_property
    def computed_values(self) -> dict:
        """The regulation rules' results for this record (ledgers/computed.py), by name."""
        from ledgers.computed import computed_fields

        return {item.name: item.value for item in computed_fields(self)}

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

    def search_values(self) -> list[str]:
        """Names, case numbers and firms that the list's free-text search finds."""
        return [self.staff.name] if self.staff_id else []

    def refresh_search_text(self) -> None:
        text = " ".join(value for value in self.search_values() if value)
        self.search_text = fold_text(text)[:500]

    def clean(self) -> None:
        check_department_of_court(self)
        # Checked when the record is made: a staff member who later moves keeps old records.
        if (
            self._state.adding
            and self.staff_id
            and self.court_id
            and self.staff.court_id != self.court_id
        ):
            raise ValidationError({"staff": _("The staff member belongs to another court.")})


def ledger_indexes(
    prefix: str, date_field: str, category_field: str, *also: str
) -> list[models.Index]:
    """The indexes every ledger list needs: newest first within a court, by staff member,
    by period and by status (keyset pages order by id). And one for the figures of the
    dashboards and the bulletin (integrity/reports/stats.py): by court and period, carrying
    (PostgreSQL INCLUDE; other databases ignore it) what they group and count by, so that a
    province's counts are index-only scans."""
    return [
        models.Index(fields=["court", "-id"], name=f"{prefix}_court_id"),
        models.Index(fields=["staff", "-id"], name=f"{prefix}_staff_id"),
        models.Index(fields=[date_field, "-id"], name=f"{prefix}_date_id"),
        models.Index(fields=["status", "court"], name=f"{prefix}_status_court"),
        models.Index(
            fields=["court", date_field],
            include=[category_field, "staff", "voided_at", *also],
            name=f"{prefix}_court_date",
        ),
    ]
