"""Clues (问题线索), their referral to the embedded discipline team (驻院纪检监察组) and the
team's disposition (shared/DOMAIN.md "Clues, referrals and dispositions")."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import UserObjectPermissionBase

from integrity.org.models import check_department_of_court

from .base import Tracked


class Clue(Tracked):
    class Source(models.TextChoices):
        LEDGER = "ledger", _("Ledger record")
        FINDING = "finding", _("Inspection finding")
        VISIT = "visit", _("Follow-up visit")
        COMPLAINT = "complaint", _("Public complaint")
        LETTER = "letter", _("Letter or visit (信访)")
        DIRECT = "direct", _("Entered directly")
        ALERT = "alert", _("Early-warning alert")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        REFERRED = "referred", _("Referred to the discipline team")
        CLOSED = "closed", _("Closed")

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
    subject = models.ForeignKey(
        "org.StaffMember",
        verbose_name=_("staff member concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave empty while the person is not yet identified."),
    )
    about_leader = models.BooleanField(
        _("about a court leader"),
        default=False,
        editable=False,
        help_text=_(
            "A clue about a court leader is hidden from that leader and everyone below them "
            "and goes straight to the discipline team."
        ),
    )
    summary = models.CharField(_("summary"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source_object = GenericForeignKey("source_type", "source_id")
    received_on = models.DateField(_("received on"))
    is_confidential = models.BooleanField(_("confidential"), default=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED
    )

    class Meta(Tracked.Meta):
        verbose_name = _("clue")
        verbose_name_plural = _("clues")
        indexes = [
            models.Index(fields=["court", "-id"], name="insp_clue_court_id"),
            models.Index(fields=["subject", "-id"], name="insp_clue_subject_id"),
            models.Index(fields=["source_type", "source_id"], name="insp_clue_source"),
        ]

    def __str__(self) -> str:
        return self.summary

    def clean(self) -> None:
        check_department_of_court(self)


class ClueUserObjectPermission(UserObjectPermissionBase):
    """A clue shared with one named person (e.g. an investigator)."""

    content_object = models.ForeignKey(Clue, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class Referral(Tracked):
    """A clue referred to the embedded discipline team, and the team's work on it."""

    class Way(models.TextChoices):
        """The four disposal ways (处置方式)."""

        TALK_OR_LETTER = "talk_letter", _("Talk or letter of inquiry (谈话函询)")
        VERIFY = "verify", _("Preliminary verification (初步核实)")
        SHELVE = "shelve", _("Set aside pending (暂存待查)")
        CLOSE = "close", _("Close (予以了结)")

    class Stage(models.TextChoices):
        RECEIVED = "received", _("Received")
        WAY_CHOSEN = "way_chosen", _("Disposal way chosen")
        VERIFYING = "verifying", _("Preliminary verification")
        FILED = "filed", _("Filed for investigation (立案)")
        CLOSED = "closed", _("Closed (了结)")
        DISPOSED = "disposed", _("Disposition recorded")

    clue = models.ForeignKey(
        Clue, verbose_name=_("clue"), on_delete=models.PROTECT, related_name="referrals"
    )
    number = models.CharField(_("referral number"), max_length=64, unique=True)
    court = models.ForeignKey(
        "org.Court",
        verbose_name=_("discipline team's court"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    referred_on = models.DateField(_("referred on"))
    letter = models.TextField(_("referral letter"), help_text=_("The text of the letter."))
    # Not the declarations' "stage" (签批级次): its own word, the page's 环节.
    stage = models.CharField(
        pgettext_lazy("referral", "stage"),
        max_length=12,
        choices=Stage.choices,
        default=Stage.RECEIVED,
    )
    way = models.CharField(_("disposal way"), max_length=12, choices=Way.choices, blank=True)
    stage_since = models.DateField(_("in this stage since"))
    way_chosen_on = models.DateField(_("way chosen on"), null=True, blank=True)
    verification_started_on = models.DateField(_("verification started on"), null=True, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    findings = models.TextField(_("verification findings"), blank=True)

    class Meta(Tracked.Meta):
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["court", "-id"], name="insp_ref_court_id"),
            models.Index(fields=["stage", "stage_since"], name="insp_ref_stage_since"),
        ]

    def __str__(self) -> str:
        return self.number


class Disposition(Tracked):
    """The outcome: one of the four forms (四种形态) and the measure taken."""

    class Form(models.IntegerChoices):
        FIRST = 1, _("Form 1: criticism, talks, letters of inquiry")
        SECOND = 2, _("Form 2: light sanctions, organisational adjustment")
        THIRD = 3, _("Form 3: heavy sanctions, major post changes")
        FOURTH = 4, _("Form 4: referred for criminal investigation")

    class Measure(models.TextChoices):
        REMINDER_TALK = "reminder_talk", _("Reminder talk (谈话提醒)")
        CRITICISM = "criticism", _("Criticism and education (批评教育)")
        SELF_CRITICISM = "self_criticism", _("Ordered to write a self-examination (责令检查)")
        ADMONITION = "admonition", _("Admonition (诫勉)")
        ORGANISATIONAL = "organisational", _("Organisational adjustment (组织调整)")
        LIGHT_SANCTION = "light_sanction", _("Warning or serious warning (警告、严重警告)")
        DEMOTION = "demotion", _("Demotion or removal from post (降级、撤职)")
        HEAVY_SANCTION = "heavy_sanction", _("Probation or expulsion (留党察看、开除)")
        JUDICIAL = "judicial", _("Referred to the judicial organs (移送司法机关)")

    referral = models.OneToOneField(
        Referral, verbose_name=_("referral"), on_delete=models.PROTECT, related_name="disposition"
    )
    subject = models.ForeignKey(
        "org.StaffMember",
        verbose_name=_("staff member concerned"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    form = models.PositiveSmallIntegerField(_("form (四种形态)"), choices=Form.choices)
    measure = models.CharField(_("measure"), max_length=16, choices=Measure.choices)
    decided_on = models.DateField(_("decided on"))
    decision = models.TextField(_("decision"))
    concerns_improper_contact = models.BooleanField(
        _("concerns improper contact or interference"),
        default=False,
        help_text=_("Such a disposition also appears in ledger 2 (improper contact cases)."),
    )
    contact_case = models.ForeignKey(
        "ledgers.ContactCase",
        verbose_name=_("ledger 2 record"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta(Tracked.Meta):
        verbose_name = _("disposition")
        verbose_name_plural = _("dispositions")
        indexes = [models.Index(fields=["subject", "-id"], name="insp_disp_subject_id")]

    def __str__(self) -> str:
        return f"{self.referral} · {self.get_measure_display()}"
