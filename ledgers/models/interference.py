"""Ledger 1: interference in and inquiries about cases, under the 三个规定 (shared/DOMAIN.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from integrity.org.casenumbers import normalize_case_number

from .base import LedgerRecord, ledger_indexes


class InterferenceRecord(LedgerRecord):
    """One inquiry or interference about one case (一案一表), recorded when it happens
    (逢问必录), then screened (甄别): lawful oversight or a violation."""

    date_field = "occurred_on"
    category_field = "regulation"

    class Regulation(models.TextChoices):
        INTERNAL = "internal", _("Inquiries by internal personnel of judicial organs")
        LEADING_CADRE = "leading_cadre", _("Interference by leading cadres")
        CONTACT = "contact", _("Contact with parties, lawyers and intermediaries")

    class ReportForm(models.TextChoices):
        THREE_RULES = "three_rules", _("“Three Rules” report form")
        RELATIVE_LAWYER = "relative_lawyer", _("Report form on near relatives practising law")
        DEPUTY_ATTENTION = (
            "deputy_attention",
            _("Report form on cases followed by deputies and CPPCC members"),
        )

    class Stage(models.TextChoices):
        FILING = "filing", _("Case filing")
        TRIAL = "trial", _("Trial")
        ENFORCEMENT = "enforcement", _("Enforcement")
        RETRIAL = "retrial", _("Trial supervision")
        OTHER = "other", _("Other")

    class InterfererKind(models.TextChoices):
        INTERNAL = "internal", _("Internal personnel")
        EXTERNAL_CADRE = "external_cadre", _("External leading cadre")
        OTHER = "other", _("Other person")

    class Method(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("Telephone")
        MESSAGE = "message", _("Text or online message")
        LETTER = "letter", _("Letter")
        OFFICIAL_DOCUMENT = "official_document", _("Official document in an organisation's name")
        THROUGH_STAFF = "through_staff", _("Through other staff")
        THROUGH_RELATIVES = "through_relatives", _("Through relatives or friends")

    class Nature(models.TextChoices):
        WITHIN_DUTY = "within_duty", _("Inquiry within duty and procedure")
        IMPROPER = "improper", _("Improper inquiry or interference")

    class ImproperKind(models.TextChoices):
        PLEADING = "pleading", _("Pleading on someone's behalf")
        PRIVATE_MEETING = "private_meeting", _("Asking for a private meeting")
        VIA_RELATIVES = "via_relatives", _("Having relatives or aides plead")
        BEYOND_AUTHORITY = "beyond_authority", _("Suggesting an outcome beyond authority")
        PROBING = "probing", _("Probing for case details")
        PASSING_MATERIALS = "passing_materials", _("Passing on materials")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Recorded")
        SCREENED = "screened", _("Screened")
        REPORTED = "reported", _("Reported or notified")
        CLOSED = "closed", _("Closed")

    regulation = models.CharField(
        _("regulation"), max_length=16, choices=Regulation.choices, default=Regulation.INTERNAL
    )
    report_form = models.CharField(
        _("report form"), max_length=20, choices=ReportForm.choices, default=ReportForm.THREE_RULES
    )
    case = models.ForeignKey(
        "org.Case",
        verbose_name=_("case in the registry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    case_number = models.CharField(
        _("case number"),
        max_length=64,
        help_text=_("One form per case (一案一表), e.g. (2024)辽01民初123号."),
    )
    case_stage = models.CharField(
        _("stage of the case"), max_length=16, choices=Stage.choices, default=Stage.TRIAL
    )
    interferer_kind = models.CharField(
        _("who inquired"), max_length=16, choices=InterfererKind.choices
    )
    interferer_name = models.CharField(_("name of the person who inquired"), max_length=50)
    interferer_unit = models.CharField(_("their unit"), max_length=100, blank=True)
    interferer_post = models.CharField(_("their post"), max_length=100, blank=True)
    interferer_contact = models.CharField(_("their contact details"), max_length=100, blank=True)
    interferer_relation = models.CharField(_("relation to the case"), max_length=100, blank=True)
    occurred_on = models.DateField(_("date of the inquiry"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    method = models.CharField(_("how"), max_length=20, choices=Method.choices)
    content = models.TextField(_("what was asked"))
    materials_kept = models.TextField(_("materials kept"), blank=True)
    nature = models.CharField(
        _("nature"),
        max_length=16,
        choices=Nature.choices,
        blank=True,
        help_text=_(
            "Decided at screening (甄别): an inquiry within duty and procedure (履职过问), or "
            "an improper one under the 三个规定."
        ),
    )
    improper_kind = models.CharField(
        _("kind of improper conduct"), max_length=20, choices=ImproperKind.choices, blank=True
    )
    recorded_in_file = models.BooleanField(_("recorded in the case file"), default=False)
    refused = models.BooleanField(_("refused and redirected"), default=False)
    reported_to_leadership = models.BooleanField(
        _("reported to the court leadership"), default=False
    )
    reported_to_discipline = models.BooleanField(
        _("reported to the discipline team"), default=False
    )
    notified = models.BooleanField(_("notified (通报)"), default=False)
    screened_on = models.DateField(_("screened on"), null=True, blank=True)
    screening_note = models.TextField(_("screening opinion"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECORDED
    )

    class Meta(LedgerRecord.Meta):
        verbose_name = _("interference or inquiry record")
        verbose_name_plural = _("interference and inquiry records")
        indexes = [
            *ledger_indexes("ledg_intf", "occurred_on", "regulation", "nature"),
            # The early-warning checks look interferers up by name (ledgers/alerts/detect.py).
            models.Index(fields=["interferer_name"], name="ledg_intf_interferer"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nature="improper") | models.Q(improper_kind=""),
                name="ledg_intf_kind_only_if_improper",
                violation_error_message=_(
                    "A kind of improper conduct is given only for an improper inquiry."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.interferer_name}"

    def search_values(self) -> list[str]:
        return [*super().search_values(), self.interferer_name, self.case_number]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        if self.case_number:
            try:
                self.case_number = normalize_case_number(self.case_number)
            except ValidationError as error:
                raise ValidationError({"case_number": error.messages}) from error
        if self.case_id and self.case.number != self.case_number:
            raise ValidationError({"case": _("The case number does not match the case.")})
        if self.nature != self.Nature.IMPROPER and self.improper_kind:
            raise ValidationError(
                {
                    "improper_kind": _(
                        "A kind of improper conduct is given only for an improper inquiry."
                    )
                }
            )
