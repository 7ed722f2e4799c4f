"""Declarations and periodic reports with chained sign-off (领导背书), issue 4.

An officer opens a :class:`Campaign` for a court (and the courts below, if chosen); every
serving staff member in scope gets one :class:`Declaration` (their task). The staff member
files it: the relatives they have practising law (:class:`DeclaredRelative`) or an explicit
"none", or for the 三个规定 report the period's inquiries or an explicit zero report. The
signers of :func:`ledgers.declarations.rules.sign_chain` then sign in order
(:class:`Signature`), or return it with a reason. A signed declaration is final; a correction
is a new revision of the same task.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .relatives import RelativePractice


class Campaign(models.Model):
    class Kind(models.TextChoices):
        RELATIVES = "relatives", _("Yearly declaration of relatives practising law")
        OTHER_RELATIVES = "other_relatives", _("Periodic report of other relatives practising law")
        THREE_RULES = "three_rules", _("Periodic report under the three regulations")

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        CLOSED = "closed", _("Closed")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    court = models.ForeignKey(
        "org.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+"
    )
    covers_subordinates = models.BooleanField(
        _("include the courts below"),
        default=False,
        help_text=_("Every serving staff member of the courts below is asked as well."),
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_on = models.DateField(_("due on"))
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    task_count = models.PositiveIntegerField(_("tasks"), default=0, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voided by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    void_reason = models.TextField(_("reason for voiding"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("declaration campaign")
        verbose_name_plural = _("declaration campaigns")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["court", "-id"], name="ledg_camp_court_id"),
            models.Index(fields=["status", "due_on"], name="ledg_camp_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="ledg_camp_period_order",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("period_start")),
                name="ledg_camp_due_after_start",
                violation_error_message=_("The due date cannot be before the period starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN and not self.is_void

    @property
    def is_relatives(self) -> bool:
        return self.kind in (self.Kind.RELATIVES, self.Kind.OTHER_RELATIVES)


class Declaration(models.Model):
    """One staff member's task in a campaign, and what they filed (one revision)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To be filed")
        FILED = "filed", _("Awaiting signature")
        SIGNED = "signed", _("Signed")
        RETURNED = "returned", _("Returned")
        SUPERSEDED = "superseded", _("Superseded by a correction")

    # A campaign writes one row per staff member of the country in one statement: each index
    # costs on every row, so the foreign keys that the composite indexes below already lead
    # (campaign, staff, court) get no index of their own, and the columns that are empty
    # until a declaration is filed are indexed only where they are set.
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="declarations",
        db_index=False,
    )
    staff = models.ForeignKey(
        "org.StaffMember",
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # Where the staff member served when the task was made: the scope and the sign-off chain
    # follow it, even if they move later.
    court = models.ForeignKey(
        "org.Court",
        verbose_name=_("court"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revision = models.PositiveSmallIntegerField(_("revision"), default=1, editable=False)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="correction",
    )
    is_current = models.BooleanField(_("current revision"), default=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    has_nothing = models.BooleanField(
        _("nothing to declare"),
        default=False,
        help_text=_(
            "No relative practising law, or for the three regulations report a zero report: "
            "no interference or inquiry in the period."
        ),
    )
    statement = models.TextField(_("remarks"), blank=True)
    inquiries = models.ManyToManyField(
        "ledgers.InterferenceRecord",
        verbose_name=_("inquiries reported"),
        blank=True,
        related_name="+",
    )
    # The sign-off chain fixed when it was filed: [{"role", "court", "department"}, …].
    chain = models.JSONField(_("sign-off chain"), default=list, blank=True, editable=False)
    signatures_done = models.PositiveSmallIntegerField(_("signatures"), default=0, editable=False)
    # The stage awaited now, copied out of ``chain`` so that "awaiting my signature" is an
    # indexed query: the role, court and (for a chief) department that must sign next.
    next_role = models.CharField(_("awaiting"), max_length=16, blank=True, editable=False)
    next_court = models.ForeignKey(
        "org.Court",
        verbose_name=_("awaiting the court"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    next_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("awaiting the department"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True, editable=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True, editable=False)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True, editable=False)
    return_reason = models.TextField(_("reason for returning"), blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["campaign", "status"], name="ledg_decl_campaign_status"),
            # A campaign's lists page by id (the overdue, the awaiting): without this the
            # database walks the primary key from the first campaign's rows.
            models.Index(fields=["campaign", "id"], name="ledg_decl_campaign_id"),
            models.Index(fields=["court", "campaign"], name="ledg_decl_court_campaign"),
            models.Index(fields=["staff", "-id"], name="ledg_decl_staff_id"),
            models.Index(
                fields=["next_court", "next_role"],
                condition=models.Q(status="filed"),
                name="ledg_decl_awaiting",
            ),
            models.Index(
                fields=["next_department"],
                condition=models.Q(next_department__isnull=False),
                name="ledg_decl_next_department",
            ),
            models.Index(
                fields=["filed_by"],
                condition=models.Q(filed_by__isnull=False),
                name="ledg_decl_filed_by",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "staff", "revision"], name="ledg_decl_unique_revision"
            ),
            models.UniqueConstraint(
                fields=["campaign", "staff"],
                condition=models.Q(is_current=True),
                name="ledg_decl_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} · {self.campaign}"

    @property
    def awaiting_stage(self) -> dict | None:
        """The next signature the chain needs, or None."""
        if self.status != self.Status.FILED or self.signatures_done >= len(self.chain):
            return None
        return self.chain[self.signatures_done]

    @property
    def is_editable(self) -> bool:
        """Filed work can be corrected until the first signature; returned work is refiled."""
        return self.is_current and (
            self.status in (self.Status.PENDING, self.Status.RETURNED)
            or (self.status == self.Status.FILED and self.signatures_done == 0)
        )


class DeclaredRelative(models.Model):
    """One relative practising law as the staff member declared them."""

    declaration = models.ForeignKey(
        Declaration,
        verbose_name=_("declaration"),
        on_delete=models.CASCADE,
        related_name="relatives",
    )
    relative_name = models.CharField(_("relative's name"), max_length=50)
    relationship = models.CharField(
        _("relationship"), max_length=24, choices=RelativePractice.Relationship.choices
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
    )
    role = models.CharField(_("role"), max_length=24, choices=RelativePractice.LegalRole.choices)
    acts_in_jurisdiction = models.BooleanField(
        _("acts in cases within the court's jurisdiction"), default=False
    )
    practising_since = models.DateField(_("practising since"), null=True, blank=True)
    record = models.ForeignKey(
        RelativePractice,
        verbose_name=_("ledger record"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("declared relative")
        verbose_name_plural = _("declared relatives")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.relative_name} ({self.get_relationship_display()})"


class Signature(models.Model):
    """One signer's decision on a declaration: signed with an attestation, or returned."""

    class Decision(models.TextChoices):
        SIGNED = "signed", _("Signed")
        RETURNED = "returned", _("Returned")

    declaration = models.ForeignKey(
        Declaration,
        verbose_name=_("declaration"),
        on_delete=models.PROTECT,
        related_name="signatures",
    )
    # Which filing this decides on: 1 for the first, one more after each return and refiling
    # (a returned declaration is signed again from the first stage).
    filing = models.PositiveSmallIntegerField(_("filing"), default=1)
    stage = models.PositiveSmallIntegerField(_("stage"))
    role = models.CharField(_("signing as"), max_length=16)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer_name = models.CharField(_("signer's name"), max_length=50)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    statement = models.TextField(_("attestation"), blank=True)
    reason = models.TextField(_("reason for returning"), blank=True)
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["declaration", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "filing", "stage"],
                condition=models.Q(decision="signed"),
                name="ledg_sign_once_per_stage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signer_name} · {self.get_decision_display()}"
