"""Ledger 4: departed staff within their employment restrictions (法官法 2019 art. 36,
律师法 art. 41, 法释〔2011〕12号 art. 8, 司发通〔2021〕61号; shared/DOMAIN.md)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from integrity.org.casenumbers import normalize_case_number, normalize_licence_number
from integrity.org.models import StaffMember
from ledgers import rules

from .base import LedgerRecord, ledger_indexes


class DepartureRecord(LedgerRecord):
    """A former staff member followed until their restrictions end."""

    date_field = "left_on"
    category_field = "how"

    How = models.TextChoices(
        "How",
        [
            ("RETIRED", ("retired", _("Retired"))),
            ("RESIGNED", ("resigned", _("Resigned"))),
            ("DISMISSED", ("dismissed", _("Dismissed"))),
            ("DISCHARGED", ("discharged", _("Discharged"))),
            ("TRANSFERRED", ("transferred", _("Transferred"))),
        ],
    )

    class Status(models.TextChoices):
        FOLLOWING = "following", _("Being followed up")
        ENDED = "ended", _("Restrictions ended")

    left_on = models.DateField(_("left on"))
    how = models.CharField(_("how they left"), max_length=16, choices=How.choices)
    last_post = models.CharField(_("last post"), max_length=32, choices=StaffMember.Post.choices)
    last_grade = models.CharField(
        _("judge grade"),
        max_length=16,
        choices=StaffMember.Grade.choices,
        blank=True,
        help_text=_("四级高级法官 and above get the three-year restriction."),
    )
    was_leadership = models.BooleanField(
        _("member of the court leadership"),
        default=False,
        help_text=_("Leadership members get the three-year restriction (司发通〔2021〕61号)."),
    )
    senior_assistant = models.BooleanField(
        _("judge assistant of a matching senior grade"), default=False
    )
    was_leading_cadre = models.BooleanField(_("leading cadre"), default=False)
    served_courts = models.ManyToManyField(
        "org.Court",
        verbose_name=_("courts where the person served"),
        blank=True,
        related_name="+",
        help_text=_("For life, no agent or defender in cases of any of these courts."),
    )
    briefing_on = models.DateField(_("briefing talk on"), null=True, blank=True)
    pledge_signed_on = models.DateField(_("pledge signed on"), null=True, blank=True)
    current_employer = models.CharField(_("current employer"), max_length=200, blank=True)
    current_activity = models.CharField(_("current activity"), max_length=200, blank=True)
    licence_number = models.CharField(
        _("lawyer's licence number"),
        max_length=32,
        blank=True,
        help_text=_("If the person now practises law: matched against the agents of cases."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.FOLLOWING
    )

    class Meta(LedgerRecord.Meta):
        verbose_name = _("departed staff member")
        verbose_name_plural = _("departed staff")
        indexes = [
            *ledger_indexes("ledg_dep", "left_on", "how"),
            models.Index(fields=["licence_number"], name="ledg_dep_licence"),
        ]

    def __str__(self) -> str:
        return f"{self.staff} · {self.left_on}"

    def search_values(self) -> list[str]:
        return [*super().search_values(), self.current_employer]

    def restrictions(self, served_court_ids: list[int] | None = None) -> rules.Restrictions:
        if served_court_ids is None:
            served_court_ids = [self.court_id]
            if self.pk:
                served_court_ids += [court.pk for court in self.served_courts.all()]
        return rules.departure_restrictions(
            left_on=self.left_on,
            how=self.how,
            was_leadership=self.was_leadership,
            grade=self.last_grade,
            senior_assistant=self.senior_assistant,
            served_court_ids=served_court_ids,
        )

    @property
    def restriction_ends(self) -> datetime.date | None:
        return self.restrictions().restriction_ends

    def clean(self) -> None:
        super().clean()
        try:
            self.licence_number = normalize_licence_number(self.licence_number)
        except ValidationError as error:
            raise ValidationError({"licence_number": error.messages}) from error
        if self.pledge_signed_on and self.left_on and self.pledge_signed_on > self.left_on:
            raise ValidationError(
                {"pledge_signed_on": _("The pledge is signed before leaving, not after.")}
            )


class FollowUp(models.Model):
    """A periodic follow-up of a departed staff member: where they work, what they do, and any
    violation of the restrictions found."""

    class Method(models.TextChoices):
        VISIT = "visit", _("Visit")
        PHONE = "phone", _("Telephone")
        LETTER = "letter", _("Letter")
        CASE_CHECK = "case_check", _("Check of case agents")
        BAR_CHECK = "bar_check", _("Check with the bar association")

    record = models.ForeignKey(
        DepartureRecord,
        verbose_name=_("record"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    followed_on = models.DateField(_("date of the follow-up"))
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    employer = models.CharField(_("employer at the time"), max_length=200, blank=True)
    activity = models.CharField(_("activity"), max_length=200, blank=True)
    violation_found = models.BooleanField(_("violation found"), default=False)
    violation = models.TextField(_("the violation"), blank=True)
    case_number = models.CharField(_("case concerned"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-followed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(violation_found=False) | ~models.Q(violation=""),
                name="ledg_fup_violation_described",
                violation_error_message=_("Describe the violation found."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record} · {self.followed_on}"

    def clean(self) -> None:
        if self.case_number:
            try:
                self.case_number = normalize_case_number(self.case_number)
            except ValidationError as error:
                raise ValidationError({"case_number": error.messages}) from error
        if self.violation_found and not self.violation.strip():
            raise ValidationError({"violation": _("Describe the violation found.")})
