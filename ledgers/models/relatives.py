"""Ledger 3: staff whose relatives practise law, and the post recusal this can require
(法发〔2020〕13号; 法官法 2019 art. 24; shared/DOMAIN.md)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from integrity.org.casenumbers import normalize_licence_number
from ledgers import rules

from .base import LedgerRecord, ledger_indexes


class RelativePractice(LedgerRecord):
    """One relative of one staff member who practises law; tracks recusal when required."""

    date_field = "reported_on"
    category_field = "relationship"

    Relationship = models.TextChoices(
        "Relationship",
        [(r.value.upper(), (r.value, rule.label)) for r, rule in rules.RELATIONSHIPS.items()],
    )
    LegalRole = models.TextChoices(
        "LegalRole", [(r.value.upper(), (r.value, label)) for r, label in rules.LEGAL_ROLES.items()]
    )

    class Status(models.TextChoices):
        NOT_REQUIRED = "not_required", _("Recusal not required")
        PENDING = "pending", _("Recusal required, pending")
        IMPLEMENTED = "implemented", _("Recusal implemented (post changed)")
        RESOLVED = "resolved", _("Resolved (relative stopped practising)")

    relative_name = models.CharField(_("relative's name"), max_length=50)
    relationship = models.CharField(
        _("relationship"),
        max_length=24,
        choices=Relationship.choices,
        help_text=_(
            "法发〔2020〕13号 art. 1: spouse, parents, children, siblings, the spouse's parents "
            "and siblings, children's spouses and their parents are reported."
        ),
    )
    law_firm = models.CharField(_("law firm"), max_length=200)
    licence_number = models.CharField(_("licence number"), max_length=32, blank=True)
    firm_area = models.ForeignKey(
        "org.Court",
        verbose_name=_("where the firm practises"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The court whose area the firm is in (province, city or county)."),
    )
    role = models.CharField(
        _("role"),
        max_length=24,
        choices=LegalRole.choices,
        help_text=_("A partner or founder of a firm in the court's area requires recusal."),
    )
    acts_in_jurisdiction = models.BooleanField(
        _("acts in cases within the court's jurisdiction"),
        default=False,
        help_text=_(
            "法发〔2020〕13号 art. 2: acting as agent or defender, or giving other paid legal "
            "services to parties, in the court's jurisdiction requires recusal."
        ),
    )
    practising_since = models.DateField(_("practising since"), null=True, blank=True)
    reported_on = models.DateField(_("reported on"))
    recusal_required_on = models.DateField(
        _("recusal required since"),
        null=True,
        blank=True,
        help_text=_("The application is due within a month and the post change within six."),
    )
    # Set by the early-warning check (ledgers/alerts) when the relative is found acting as
    # agent or defender in a case within the court's jurisdiction: the evidence of art. 2.
    recusal_case = models.ForeignKey(
        "org.Case",
        verbose_name=_("case showing the relative acting in the jurisdiction"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    applied_on = models.DateField(_("recusal applied for on"), null=True, blank=True)
    post_changed_on = models.DateField(_("post changed on"), null=True, blank=True)
    new_post = models.CharField(_("new post"), max_length=100, blank=True)
    resolved_on = models.DateField(_("relative stopped practising on"), null=True, blank=True)
    status = models.CharField(
        _("recusal status"), max_length=16, choices=Status.choices, default=Status.NOT_REQUIRED
    )
    # Set when a signed declaration no longer lists this relative: an officer checks whether
    # the relative stopped practising or the staff member left them out (art. 8).
    review_flagged_on = models.DateField(
        _("flagged for review on"), null=True, blank=True, editable=False
    )
    review_reason = models.TextField(_("why it needs review"), blank=True, editable=False)

    class Meta(LedgerRecord.Meta):
        verbose_name = _("relative practising law")
        verbose_name_plural = _("relatives practising law")
        indexes = [
            *ledger_indexes("ledg_rel", "reported_on", "relationship", "status", "resolved_on"),
            # The early-warning checks match case agents by licence number and by name.
            models.Index(fields=["licence_number"], name="ledg_rel_licence"),
            models.Index(fields=["relative_name"], name="ledg_rel_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["pending", "implemented"])
                | models.Q(recusal_required_on__isnull=False),
                name="ledg_rel_recusal_has_date",
                violation_error_message=_("A required recusal needs the date it became due."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="implemented") | models.Q(post_changed_on__isnull=False),
                name="ledg_rel_implemented_has_date",
                violation_error_message=_("An implemented recusal needs the date of the change."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="resolved") | models.Q(resolved_on__isnull=False),
                name="ledg_rel_resolved_has_date",
                violation_error_message=_("Say when the relative stopped practising."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} · {self.relative_name}"

    def search_values(self) -> list[str]:
        return [*super().search_values(), self.relative_name, self.law_firm]

    @property
    def must_report(self) -> bool:
        return rules.must_report(self.relationship)

    def recusal(self) -> rules.RecusalDecision:
        """法发〔2020〕13号 art. 2, from the staff member's post and the relative's practice."""
        firm_in_jurisdiction = bool(
            self.firm_area_id and rules.within_jurisdiction(self.court.path, self.firm_area.path)
        )
        return rules.recusal_required(
            relationship=self.relationship,
            role=self.role,
            is_leading_cadre=self.staff.is_leading_cadre,
            is_trial_post=self.staff.is_trial_post,
            firm_in_jurisdiction=firm_in_jurisdiction,
            acts_in_jurisdiction=self.acts_in_jurisdiction,
        )

    @property
    def application_due(self) -> datetime.date | None:
        if self.recusal_required_on is None:
            return None
        return rules.recusal_application_due(self.recusal_required_on)

    @property
    def post_change_due(self) -> datetime.date | None:
        if self.recusal_required_on is None:
            return None
        return rules.recusal_post_change_due(self.recusal_required_on)

    def clean(self) -> None:
        super().clean()
        try:
            self.licence_number = normalize_licence_number(self.licence_number)
        except ValidationError as error:
            raise ValidationError({"licence_number": error.messages}) from error


class ReminderTalk(models.Model):
    """A face-to-face reminder talk (谈话提醒) with a staff member who has a relative practising
    law: who talked, when, and what was agreed."""

    record = models.ForeignKey(
        RelativePractice, verbose_name=_("record"), on_delete=models.PROTECT, related_name="talks"
    )
    talked_on = models.DateField(_("date of the talk"))
    talked_by = models.CharField(_("talk given by"), max_length=100)
    agreed = models.TextField(_("what was agreed"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder talk")
        verbose_name_plural = _("reminder talks")
        ordering = ["-talked_on", "-id"]

    def __str__(self) -> str:
        return f"{self.record} · {self.talked_on}"
