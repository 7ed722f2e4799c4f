"""Integrity follow-up visits (廉政回访): a plan draws a stratified random sample of closed
cases with a stored seed, and each visit records the answers to a questionnaire."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import Tracked


class Questionnaire(Tracked):
    """A configurable questionnaire. ``questions`` is a list of
    ``{"key", "text", "kind": "yes_no" | "choice" | "text", "choices": [...],
    "problem": [answers that reveal a problem]}``; see inspections/rules.py for the default."""

    court = models.ForeignKey(
        "org.Court",
        verbose_name=_("court"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The court that keeps this questionnaire; it is used there and below."),
    )
    name = models.CharField(_("name"), max_length=100)
    questions = models.JSONField(_("questions"), default=list)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta(Tracked.Meta):
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return self.name


class VisitPlan(Tracked):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        DRAWN = "drawn", _("Sample drawn")
        CLOSED = "closed", _("Closed")

    court = models.ForeignKey(
        "org.Court", verbose_name=_("organising court"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    courts = models.ManyToManyField("org.Court", verbose_name=_("courts visited"), related_name="+")
    case_types = models.JSONField(
        _("case types"), default=list, blank=True, help_text=_("Empty means every case type.")
    )
    closed_from = models.DateField(_("cases closed from"))
    closed_to = models.DateField(_("cases closed to"))
    sample_size = models.PositiveIntegerField(_("sample size"))
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="+"
    )
    seed = models.BigIntegerField(_("random seed"), null=True, blank=True, editable=False)
    population = models.PositiveIntegerField(
        _("cases eligible"), null=True, blank=True, editable=False
    )
    strata = models.JSONField(
        _("strata"),
        default=dict,
        editable=False,
        help_text=_("Per court and case type: eligible cases and cases drawn."),
    )
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True, editable=False)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )

    class Meta(Tracked.Meta):
        verbose_name = _("follow-up visit plan")
        verbose_name_plural = _("follow-up visit plans")
        indexes = [models.Index(fields=["court", "-id"], name="insp_plan_court_id")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.closed_from and self.closed_to and self.closed_from > self.closed_to:
            raise ValidationError({"closed_to": _("The period ends before it starts.")})
        if self.sample_size is not None and self.sample_size < 1:
            raise ValidationError({"sample_size": _("Draw at least one case.")})


class SampledCase(models.Model):
    """One case of a plan's sample, in the order it was drawn."""

    plan = models.ForeignKey(
        VisitPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="sample"
    )
    case = models.ForeignKey(
        "org.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="+"
    )
    court = models.ForeignKey(
        "org.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+"
    )
    stratum = models.CharField(_("stratum"), max_length=64)
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        verbose_name = _("sampled case")
        verbose_name_plural = _("sampled cases")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "case"], name="insp_sample_unique_case"),
            models.UniqueConstraint(fields=["plan", "position"], name="insp_sample_unique_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.position}"


class Visit(Tracked):
    class Respondent(models.TextChoices):
        PARTY = "party", _("Party")
        AGENT = "agent", _("Agent or defender")

    class Method(models.TextChoices):
        PHONE = "phone", _("Telephone")
        IN_PERSON = "in_person", _("In person")
        LETTER = "letter", _("Letter")
        MESSAGE = "message", _("Text or online message")

    plan = models.ForeignKey(
        VisitPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="visits"
    )
    sampled = models.ForeignKey(
        SampledCase,
        verbose_name=_("sampled case"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    court = models.ForeignKey(
        "org.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+"
    )
    respondent_kind = models.CharField(_("respondent"), max_length=8, choices=Respondent.choices)
    respondent_name = models.CharField(_("respondent's name"), max_length=100)
    method = models.CharField(_("how contacted"), max_length=12, choices=Method.choices)
    visited_on = models.DateField(_("visited on"))
    answers = models.JSONField(_("answers"), default=dict)
    has_problem = models.BooleanField(_("problem reported"), default=False, editable=False)
    comments = models.TextField(_("free comments"), blank=True)

    class Meta(Tracked.Meta):
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        indexes = [models.Index(fields=["plan", "-id"], name="insp_visit_plan_id")]

    def __str__(self) -> str:
        return f"{self.sampled} · {self.respondent_name}"
