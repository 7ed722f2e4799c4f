"""Export and import jobs: a long-running piece of work a user started, its progress, and what
it produced. A job belongs to the login that started it (integrity/reports/scopes.py); the
rows it reads or writes were scoped when it ran, through the same policy as the pages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The court the work is about (the list's court filter, or the starter's own court): for
    # the admin's jurisdiction over jobs. Empty for a superuser without a court.
    court = models.ForeignKey(
        "org.Court",
        verbose_name=_("court"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The language the starter used: headers, messages and file names are in it.
    language = models.CharField(_("language"), max_length=16, default="zh-hans")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("rows in all"), null=True, blank=True)
    done = models.PositiveIntegerField(_("rows done"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-id"]

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.done * 100 // self.total)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ExportJob(Job):
    """One list written out as .xlsx or CSV with the filters it was shown with."""

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel workbook (.xlsx)")
        CSV = "csv", _("CSV (UTF-8, opens in Excel)")

    source = models.CharField(_("list"), max_length=40)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    # The list's filters as the page or the API received them (query parameters).
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    # Where the file is, relative to settings.EXPORT_ROOT, and the name it downloads as.
    file = models.CharField(_("file"), max_length=255, blank=True, editable=False)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["created_by", "-id"], name="rep_export_user_id")]

    def __str__(self) -> str:
        return self.filename or f"{self.source}.{self.format}"


class ImportJob(Job):
    """One uploaded spreadsheet: checked in a dry run (every problem by row and column), then,
    on confirmation and only if it has no problem at all, written in one transaction."""

    class Stage(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded, being checked")
        CHECKED = "checked", _("Checked, awaiting confirmation")
        REJECTED = "rejected", _("Has problems, nothing written")
        IMPORTING = "importing", _("Being written")
        IMPORTED = "imported", _("Imported")
        CANCELLED = "cancelled", _("Cancelled")

    target = models.CharField(_("what is imported"), max_length=40)
    stage = models.CharField(
        _("stage"), max_length=16, choices=Stage.choices, default=Stage.UPLOADED
    )
    # The upload, relative to settings.IMPORT_ROOT, with its name and content hash.
    upload = models.CharField(_("uploaded file"), max_length=255, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    # The dry run: [{"row", "column", "message"}], the rows it would write, the duplicates.
    problems = models.JSONField(_("problems"), default=list, blank=True)
    preview = models.JSONField(_("preview"), default=list, blank=True)
    rows_ok = models.PositiveIntegerField(_("rows to write"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicate rows"), default=0)
    written = models.PositiveIntegerField(_("rows written"), default=0)

    class Meta(Job.Meta):
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["created_by", "-id"], name="rep_import_user_id")]

    def __str__(self) -> str:
        return self.original_name
