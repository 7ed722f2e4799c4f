"""Logins, roles and role assignments (shared/DOMAIN.md "Who uses it")."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from integrity.org.models import check_department_of_court


class Role(models.TextChoices):
    STAFF = "staff", _("Staff member")
    OFFICER = "officer", _("Discipline officer")
    CHIEF = "chief", _("Division chief")
    LEADER = "leader", _("Court leader")
    SUPERVISOR = "supervisor", _("Supervision staff")
    DISCIPLINE = "discipline", _("Discipline team")
    ADMIN = "admin", _("Administrator")


class User(AbstractUser):
    """A login. It links to at most one staff record; roles come from role assignments."""

    staff = models.OneToOneField(
        "org.StaffMember",
        verbose_name=_("staff record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    def display_name(self) -> str:
        if self.staff_id:
            return self.staff.name
        return self.get_full_name() or self.username


class RoleAssignment(models.Model):
    """One role held at one court, optionally limited to a department, optionally covering
    the courts below (a high court's supervision bureau sees the province)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    court = models.ForeignKey(
        "org.Court",
        verbose_name=_("court"),
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
        help_text=_("Leave empty for the whole court."),
    )
    covers_subordinates = models.BooleanField(
        _("covers the courts below"),
        default=False,
        help_text=_("The role also reaches every court below this one."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # A temporary assignment holds only between these dates (both included): a visiting
    # inspection team reaches the inspected courts for the inspection's duration and no longer.
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    granted_for = models.CharField(
        _("granted for"),
        max_length=64,
        blank=True,
        default="",
        help_text=_("The record this temporary assignment exists for, e.g. an inspection."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user_id", "role", "court__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "court"],
                condition=models.Q(department__isnull=True, granted_for=""),
                name="access_assignment_unique_court",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "court", "department"],
                condition=models.Q(department__isnull=False, granted_for=""),
                name="access_assignment_unique_department",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "court", "granted_for"],
                condition=models.Q(department__isnull=True) & ~models.Q(granted_for=""),
                name="access_assignment_unique_temp_court",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "court", "department", "granted_for"],
                condition=models.Q(department__isnull=False) & ~models.Q(granted_for=""),
                name="access_assignment_unique_temp_department",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_until__isnull=True)
                | models.Q(valid_from__lte=models.F("valid_until")),
                name="access_assignment_valid_period",
            ),
        ]

    def __str__(self) -> str:
        where = self.department if self.department_id else self.court
        return f"{self.get_role_display()} @ {where}"

    def clean(self) -> None:
        check_department_of_court(self)
        if self.valid_from and self.valid_until and self.valid_from > self.valid_until:
            raise ValidationError({"valid_until": _("The end date is before the start date.")})
        if self.role == Role.CHIEF and not self.department_id:
            raise ValidationError(
                {"department": _("A division chief's role is held for one department.")}
            )
