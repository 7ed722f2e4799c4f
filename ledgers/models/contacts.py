"""Ledger 2: improper contact with parties, lawyers, specially related persons and
intermediaries, with the approvals and reports that contact outside work needs
(若干规定 2015; 司发通〔2021〕60号; shared/DOMAIN.md)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from integrity.org.casenumbers import normalize_case_number, normalize_licence_number

from .base import LedgerRecord, ledger_indexes


class Counterpart(models.TextChoices):
    PARTY = "party", _("Party")
    LAWYER = "lawyer", _("Lawyer")
    SPECIAL_RELATION = "special_relation", _("Specially related person")
    INTERMEDIARY = "intermediary", _("Intermediary")


class IntermediaryKind(models.TextChoices):
    AUDIT = "audit", _("Audit")
    VALUATION = "valuation", _("Valuation")
    AUCTION = "auction", _("Auction")
    INSPECTION = "inspection", _("Inspection and testing")
    BANKRUPTCY = "bankruptcy", _("Bankruptcy administration")
    NOTARY = "notary", _("Notary")
    FORENSIC = "forensic", _("Forensic appraisal")


class CounterpartFields(models.Model):
    """Who the staff member was in contact with."""

    counterpart_type = models.CharField(
        _("counterpart"),
        max_length=20,
        choices=Counterpart.choices,
        help_text=_(
            "A specially related person is a party's parent, spouse, child, sibling or other "
            "person with an interest; intermediaries are audit, valuation, auction, testing, "
            "bankruptcy administration, notary and appraisal bodies."
        ),
    )
    counterpart_name = models.CharField(_("counterpart's name"), max_length=100)
    counterpart_firm = models.CharField(_("law firm or organisation"), max_length=200, blank=True)
    licence_number = models.CharField(_("lawyer's licence number"), max_length=32, blank=True)
    intermediary_kind = models.CharField(
        _("kind of intermediary"), max_length=16, choices=IntermediaryKind.choices, blank=True
    )
    case_number = models.CharField(
        _("case number"), max_length=64, blank=True, help_text=_("e.g. (2024)辽01民初123号")
    )

    class Meta:
        abstract = True

    def clean_counterpart(self) -> None:
        errors = {}
        try:
            self.licence_number = normalize_licence_number(self.licence_number)
        except ValidationError as error:
            errors["licence_number"] = error.messages
        if self.case_number:
            try:
                self.case_number = normalize_case_number(self.case_number)
            except ValidationError as error:
                errors["case_number"] = error.messages
        if self.counterpart_type == Counterpart.INTERMEDIARY and not self.intermediary_kind:
            errors["intermediary_kind"] = [_("Say which kind of intermediary it was.")]
        if self.counterpart_type != Counterpart.INTERMEDIARY and self.intermediary_kind:
            errors["intermediary_kind"] = [
                _("A kind of intermediary is given only for an intermediary.")
            ]
        if errors:
            raise ValidationError(errors)

    def counterpart_values(self) -> list[str]:
        return [self.counterpart_name, self.counterpart_firm, self.case_number]


class ContactCase(CounterpartFields, LedgerRecord):
    """A staff member dealt with for improper contact (与当事人、律师等不正当交往受处理情况)."""

    date_field = "occurred_on"
    category_field = "behaviour"

    class Behaviour(models.TextChoices):
        LEAKING = "leaking", _("Leaking case secrets")
        TIPPING_OFF = "tipping_off", _("Probing and tipping off for a party")
        INTRODUCING = (
            "introducing",
            _("Introducing agents or cases, or hinting at a change of lawyer"),
        )
        GIFTS = "gifts", _("Accepting meals, gifts or other benefits")
        BORROWING = "borrowing", _("Borrowing money, housing, vehicles or phones")
        COLLUSION = "collusion", _("Colluding in valuation, auction and similar activities")
        PRIVATE_CONTACT = "private_contact", _("Private contact outside work without approval")
        BENEFIT_TRANSFER = "benefit_transfer", _("Transfer of benefits")
        ENTANGLEMENT = "entanglement", _("Entanglement of interests")
        OTHER = "other", _("Other")

    class ClueSource(models.TextChoices):
        PUBLIC_REPORT = "public_report", _("Public report")
        INSPECTION = "inspection", _("Inspection")
        FOLLOW_UP = "follow_up", _("Integrity follow-up visit")
        CASE_REVIEW = "case_review", _("Case review")
        SELF_REPORT = "self_report", _("Self-report")

    class Verification(models.TextChoices):
        SUBSTANTIATED = "substantiated", _("Substantiated")
        PARTLY = "partly", _("Partly substantiated")
        UNSUBSTANTIATED = "unsubstantiated", _("Not substantiated")

    class Handling(models.TextChoices):
        TALK = "talk", _("Reminder talk")
        CRITICISM = "criticism", _("Criticism and education")
        ADMONITION = "admonition", _("Admonition (诫勉)")
        ORGANISATIONAL = "organisational", _("Organisational measures")
        SANCTION = "sanction", _("Party or government sanction")
        JUDICIAL = "judicial", _("Referred to the judicial organs")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        VERIFYING = "verifying", _("Being verified")
        HANDLED = "handled", _("Handled")
        DISMISSED = "dismissed", _("Closed without finding")

    behaviour = models.CharField(_("behaviour"), max_length=20, choices=Behaviour.choices)
    occurred_on = models.DateField(_("date of the contact"))
    description = models.TextField(_("what happened"))
    clue_source = models.CharField(
        _("source of the clue"), max_length=16, choices=ClueSource.choices
    )
    verification = models.CharField(
        _("verification result"), max_length=16, choices=Verification.choices, blank=True
    )
    verification_note = models.TextField(_("verification findings"), blank=True)
    handling = models.CharField(_("handling"), max_length=16, choices=Handling.choices, blank=True)
    handled_on = models.DateField(_("handled on"), null=True, blank=True)
    referral_number = models.CharField(
        _("referral number"),
        max_length=64,
        blank=True,
        help_text=_("The number of the referral to the discipline team that produced it."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED
    )

    class Meta(LedgerRecord.Meta):
        verbose_name = _("improper contact case")
        verbose_name_plural = _("improper contact cases")
        indexes = ledger_indexes("ledg_cont", "occurred_on", "behaviour")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(handling="") | models.Q(handled_on__isnull=False),
                name="ledg_cont_handling_has_date",
                violation_error_message=_("Handling needs the date it was decided."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} · {self.counterpart_name}"

    def search_values(self) -> list[str]:
        return [*super().search_values(), *self.counterpart_values(), self.referral_number]

    def clean(self) -> None:
        super().clean()
        self.clean_counterpart()
        if self.handling and not self.handled_on:
            raise ValidationError({"handled_on": _("Handling needs the date it was decided.")})


class ContactApproval(CounterpartFields, LedgerRecord):
    """A request for approval before contact outside the workplace or working hours."""

    date_field = "planned_on"
    category_field = "counterpart_type"

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    planned_on = models.DateField(_("planned date"))
    place = models.CharField(_("place"), max_length=100)
    purpose = models.TextField(_("purpose"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED
    )

    class Meta(LedgerRecord.Meta):
        verbose_name = _("contact approval")
        verbose_name_plural = _("contact approvals")
        indexes = ledger_indexes("ledg_appr", "planned_on", "counterpart_type")

    def __str__(self) -> str:
        return f"{self.staff} · {self.counterpart_name} · {self.planned_on}"

    def search_values(self) -> list[str]:
        return [*super().search_values(), *self.counterpart_values()]

    def clean(self) -> None:
        super().clean()
        self.clean_counterpart()


class UnplannedContactReport(CounterpartFields, LedgerRecord):
    """A report after an unplanned contact outside work, due within
    UNPLANNED_CONTACT_REPORT_DAYS days (司发通〔2021〕60号)."""

    date_field = "contact_on"
    category_field = "counterpart_type"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        REVIEWED = "reviewed", _("Reviewed")

    contact_on = models.DateField(_("date of the contact"))
    reported_on = models.DateField(_("reported on"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    circumstances = models.TextField(_("circumstances"))
    review_note = models.TextField(_("review opinion"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )

    class Meta(LedgerRecord.Meta):
        verbose_name = _("unplanned contact report")
        verbose_name_plural = _("unplanned contact reports")
        indexes = ledger_indexes("ledg_rept", "contact_on", "counterpart_type")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reported_on__gte=models.F("contact_on")),
                name="ledg_rept_reported_after_contact",
                violation_error_message=_("A contact cannot be reported before it happened."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} · {self.counterpart_name} · {self.contact_on}"

    def search_values(self) -> list[str]:
        return [*super().search_values(), *self.counterpart_values()]

    @property
    def report_due(self):
        from ledgers import rules

        return rules.unplanned_contact_report_due(self.contact_on)

    @property
    def reported_late(self) -> bool:
        return bool(self.reported_on and self.contact_on and self.reported_on > self.report_due)

    def clean(self) -> None:
        super().clean()
        self.clean_counterpart()
