"""Inspections (督察/巡查), their targets and team, the problem list (问题清单) and its
rectification (整改清单), and the look-back checks of a 回头看 (shared/DOMAIN.md "Inspections")."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from integrity.org.models import check_department_of_court

from .base import Tracked


class Inspection(Tracked):
    class Kind(models.TextChoices):
        ROUTINE = "routine", _("Routine (常规)")
        SPECIAL = "special", _("Special (专项)")
        UNANNOUNCED = "unannounced", _("Unannounced (机动式)")
        ELEVATED = "elevated", _("Elevated (提级)")
        JOINT = "joint", _("Joint upper-lower (上下联动)")
        LOOK_BACK = "look_back", _("Look-back (回头看)")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        RECTIFYING = "rectifying", _("Rectification")
        CLOSED = "closed", _("Closed")

    court = models.ForeignKey(
        "org.Court",
        verbose_name=_("organising court"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.CharField(
        _("document number"),
        max_length=64,
        blank=True,
        help_text=_("The number of the inspection notice, e.g. 辽高法督〔2026〕3号."),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    scope = models.TextField(
        _("scope and content"), help_text=_("What the inspection looks at, as the notice says.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)

    class Meta(Tracked.Meta):
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [
            models.Index(fields=["court", "-id"], name="insp_insp_court_id"),
            models.Index(fields=["starts_on", "-id"], name="insp_insp_start_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__lte=models.F("ends_on")),
                name="insp_insp_period",
                violation_error_message=_("The inspection ends before it starts."),
            )
        ]
        permissions = [("manage_inspection", _("Can run the inspection"))]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.starts_on > self.ends_on:
            raise ValidationError({"ends_on": _("The inspection ends before it starts.")})


class InspectionUserObjectPermission(UserObjectPermissionBase):
    """An inspection opened to one named person: its team members."""

    content_object = models.ForeignKey(Inspection, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class InspectionTarget(models.Model):
    """A court, or one department of it, that the inspection looks at."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="targets"
    )
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
        help_text=_("Leave empty to inspect the whole court."),
    )

    class Meta:
        verbose_name = _("inspected unit")
        verbose_name_plural = _("inspected units")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "court"],
                condition=models.Q(department__isnull=True),
                name="insp_target_unique_court",
            ),
            models.UniqueConstraint(
                fields=["inspection", "court", "department"],
                condition=models.Q(department__isnull=False),
                name="insp_target_unique_department",
            ),
        ]

    def __str__(self) -> str:
        return str(self.department or self.court)

    def clean(self) -> None:
        check_department_of_court(self)


class TeamMember(models.Model):
    """A member of the inspection team. Members from another court reach the inspected units
    through temporary role assignments valid for the inspection's dates (services)."""

    class Function(models.TextChoices):
        LEADER = "leader", _("Team leader")
        DEPUTY = "deputy", _("Deputy team leader")
        MEMBER = "member", _("Member")

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="team"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="inspection_teams",
    )
    function = models.CharField(
        _("function"), max_length=8, choices=Function.choices, default=Function.MEMBER
    )

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "user"], name="insp_team_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_function_display()}"


class Finding(Tracked):
    """One item of the problem list, which is also its rectification item."""

    class Category(models.TextChoices):
        CASE_HANDLING = "case_handling", _("Case handling and judicial conduct")
        THREE_RULES = "three_rules", _("The three regulations (三个规定)")
        INTEGRITY = "integrity", _("Integrity and discipline")
        WORK_STYLE = "work_style", _("Work style (作风)")
        MANAGEMENT = "management", _("Trial and enforcement management")
        PERSONNEL = "personnel", _("Personnel and organisation")
        OTHER = "other", _("Other")

    class Severity(models.TextChoices):
        MINOR = "minor", _("Minor")
        SERIOUS = "serious", _("Serious")
        MAJOR = "major", _("Major")

    class Status(models.TextChoices):
        OPEN = "open", _("To rectify")
        REPORTED = "reported", _("Reported, awaiting verification")
        RETURNED = "returned", _("Returned")
        CLOSED = "closed", _("Closed (销号)")

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="findings"
    )
    sequence = models.PositiveIntegerField(_("number"), editable=False, default=0)
    court = models.ForeignKey(
        "org.Court",
        verbose_name=_("responsible court"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_staff = models.ForeignKey(
        "org.StaffMember",
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.MINOR
    )
    description = models.TextField(_("problem found"))
    rectification_required = models.TextField(_("rectification required"))
    deadline = models.DateField(_("rectification deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    times_returned = models.PositiveIntegerField(_("times returned"), default=0, editable=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta(Tracked.Meta):
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        indexes = [
            models.Index(fields=["court", "-id"], name="insp_find_court_id"),
            models.Index(fields=["inspection", "sequence"], name="insp_find_insp_seq"),
            models.Index(fields=["status", "deadline"], name="insp_find_status_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.inspection} · {self.sequence}"

    def clean(self) -> None:
        check_department_of_court(self)
        if (
            self.responsible_staff_id
            and self.court_id
            and self.responsible_staff.court_id != self.court_id
        ):
            raise ValidationError(
                {"responsible_staff": _("The responsible person works at another court.")}
            )


class RectificationReport(models.Model):
    """What the responsible unit did, with evidence attached, and the inspector's verdict."""

    class Outcome(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting verification")
        ACCEPTED = "accepted", _("Accepted and closed")
        RETURNED = "returned", _("Returned")

    finding = models.ForeignKey(
        Finding, verbose_name=_("finding"), on_delete=models.PROTECT, related_name="reports"
    )
    measures = models.TextField(_("what was done"))
    completed_on = models.DateField(_("completed on"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.SUBMITTED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    review_note = models.TextField(_("verification note"), blank=True)

    class Meta:
        verbose_name = _("rectification report")
        verbose_name_plural = _("rectification reports")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.finding} · {self.reported_at:%Y-%m-%d}"


class LookBackCheck(models.Model):
    """A 回头看 re-checks an earlier finding of its targets: did the rectification hold?"""

    class Result(models.TextChoices):
        HELD = "held", _("Rectification held")
        RELAPSED = "relapsed", _("Problem recurred")
        UNFINISHED = "unfinished", _("Rectification not finished")

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("look-back inspection"),
        on_delete=models.PROTECT,
        related_name="look_back_checks",
    )
    finding = models.ForeignKey(
        Finding,
        verbose_name=_("earlier finding"),
        on_delete=models.PROTECT,
        related_name="look_back_checks",
    )
    result = models.CharField(_("result"), max_length=12, choices=Result.choices)
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_on = models.DateField(_("checked on"))

    class Meta:
        verbose_name = _("look-back check")
        verbose_name_plural = _("look-back checks")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "finding"], name="insp_lookback_unique")
        ]

    def __str__(self) -> str:
        return f"{self.finding} · {self.get_result_display()}"
