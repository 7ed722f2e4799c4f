"""Early-warning alerts (预警): a conflict or a pattern found in the data already kept, with
its evidence, for the discipline team and the leaders in scope to act on.

An alert is identified by ``key``, the identity of the facts (the rule, and the case, person,
relative or departure concerned); ``digest`` is a hash of the facts themselves. Checking the
same facts again never makes a second alert; a dismissed alert comes back only when its
digest changes (ledgers/alerts/services.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ledgers import conflicts


def _choices(name: str, table: dict) -> models.TextChoices:
    return models.TextChoices(
        name, [(str(member).upper(), (str(member), label)) for member, label in table.items()]
    )


class Alert(models.Model):
    Rule = _choices("Rule", {rule: info.label for rule, info in conflicts.RULES.items()})
    Severity = _choices("Severity", conflicts.SEVERITIES)
    Strength = _choices("Strength", {**conflicts.MATCHES, "pattern": _("Pattern over time")})

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("alert status", "Open")
        DISMISSED = "dismissed", pgettext_lazy("alert status", "Dismissed")
        CLUE = "clue", pgettext_lazy("alert status", "Turned into a clue")
        DONE = "done", pgettext_lazy("alert status", "Recusal done")
        LAPSED = "lapsed", pgettext_lazy("alert status", "Facts no longer hold")

    rule = models.CharField(_("rule"), max_length=24, choices=Rule.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    strength = models.CharField(_("evidence"), max_length=12, choices=Strength.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    # Where the alert belongs (the scope): the court of the staff member concerned, or for a
    # pattern the court whose records it counts.
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
    )
    # A court leader (院长、副院长) concerned: hidden from that court, as clues are.
    about_leader = models.BooleanField(_("about a court leader"), default=False, editable=False)
    case = models.ForeignKey(
        "org.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    agent = models.ForeignKey(
        "org.CaseAgent",
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    interference = models.ForeignKey(
        "ledgers.InterferenceRecord",
        verbose_name=_("interference record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    relative = models.ForeignKey(
        "ledgers.RelativePractice",
        verbose_name=_("relative practising law"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    departure = models.ForeignKey(
        "ledgers.DepartureRecord",
        verbose_name=_("departure record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    key = models.CharField(_("identity of the facts"), max_length=200, unique=True)
    digest = models.CharField(_("digest of the facts"), max_length=64)
    facts = models.JSONField(_("evidence"), default=dict)
    first_seen_at = models.DateTimeField(_("first raised at"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last confirmed at"))
    changed_at = models.DateTimeField(_("facts changed at"))
    reopened = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    clue = models.ForeignKey(
        "inspections.Clue",
        verbose_name=_("clue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-changed_at", "-id"]
        indexes = [
            models.Index(fields=["court", "status", "-changed_at"], name="alerts_court_status"),
            models.Index(fields=["status", "changed_at"], name="alerts_status_changed"),
            models.Index(fields=["case"], name="alerts_case"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} #{self.pk}"

    @property
    def info(self) -> conflicts.RuleInfo:
        return conflicts.RULES[conflicts.Rule(self.rule)]

    @property
    def is_weaker(self) -> bool:
        """Weaker evidence: a name-only match, or a possible undeclared relationship."""
        return self.strength in conflicts.WEAKER_MATCHES or self.rule == conflicts.Rule.UNDECLARED
