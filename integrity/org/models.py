"""Courts, departments, staff members and the case registry (shared/DOMAIN.md "Organisation")."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from .casenumbers import normalize_licence_number, parse_case_number

PATH_SEGMENT_WIDTH = 6


def check_department_of_court(record: models.Model) -> None:
    """A record naming both a court and a department: the department must be that court's."""
    department_id, court_id = record.department_id, record.court_id
    if department_id and court_id and record.department.court_id != court_id:
        raise ValidationError({"department": _("The department belongs to another court.")})


class Court(models.Model):
    """A court; the province is one tree. ``path`` is materialised: a subtree is a prefix query."""

    class Level(models.TextChoices):
        HIGH = "high", _("High court")
        INTERMEDIATE = "intermediate", _("Intermediate court")
        BASIC = "basic", _("Basic court")
        SPECIAL = "special", _("Special court")

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(
        _("court code"),
        max_length=16,
        unique=True,
        help_text=_("The code used in case numbers, e.g. 辽, 辽01, 辽0102."),
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent court"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    region = models.CharField(
        _("jurisdiction area"),
        max_length=100,
        blank=True,
        help_text=_("The province, city or county the court's jurisdiction covers."),
    )
    path = models.CharField(_("tree path"), max_length=255, editable=False, default="")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("court")
        verbose_name_plural = _("courts")
        ordering = ["path"]
        indexes = [
            # varchar_pattern_ops lets PostgreSQL use the index for LIKE 'prefix%' in any
            # collation; other databases ignore the operator class.
            models.Index(
                fields=["path"], name="org_court_path_like", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def segment(self) -> str:
        return f"{self.pk:0{PATH_SEGMENT_WIDTH}d}/"

    @property
    def depth(self) -> int:
        return self.path.count("/")

    def clean(self) -> None:
        if self.parent_id and self.pk and self.parent.path.startswith(self.path):
            raise ValidationError(
                {"parent": _("A court cannot be placed under itself or a court below it.")}
            )


class Department(models.Model):
    """A division or office of one court (庭室/部门)."""

    court = models.ForeignKey(
        Court, verbose_name=_("court"), on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=100)
    is_trial = models.BooleanField(
        _("trial or enforcement department"),
        default=False,
        help_text=_("Case filing, trial, enforcement, trial supervision or state compensation."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["court__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["court", "name"], name="org_department_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.court.name} {self.name}"


class StaffMember(models.Model):
    """A court employee (干警). Staff exist without a login; a login links to one staff record."""

    class Post(models.TextChoices):
        PRESIDENT = "president", _("President")
        VICE_PRESIDENT = "vice_president", _("Vice president")
        CHIEF = "chief", _("Division chief")
        DEPUTY_CHIEF = "deputy_chief", _("Deputy division chief")
        JUDGE = "judge", _("Judge")
        ASSISTANT = "assistant", _("Judge assistant")
        CLERK = "clerk", _("Court clerk")
        ENFORCEMENT_OFFICER = "enforcement_officer", _("Enforcement officer")
        BAILIFF = "bailiff", _("Judicial police")
        ADMINISTRATIVE = "administrative", _("Administrative staff")

    class Grade(models.TextChoices):
        """Judge grades (法官等级), highest first; the order matters to the departure rules."""

        NONE = "", _("No judge grade")
        GRAND_1 = "grand_1", _("Grand justice, first grade")
        GRAND_2 = "grand_2", _("Grand justice, second grade")
        SENIOR_1 = "senior_1", _("Senior judge, first grade")
        SENIOR_2 = "senior_2", _("Senior judge, second grade")
        SENIOR_3 = "senior_3", _("Senior judge, third grade")
        SENIOR_4 = "senior_4", _("Senior judge, fourth grade")
        JUDGE_1 = "judge_1", _("Judge, first grade")
        JUDGE_2 = "judge_2", _("Judge, second grade")
        JUDGE_3 = "judge_3", _("Judge, third grade")
        JUDGE_4 = "judge_4", _("Judge, fourth grade")
        JUDGE_5 = "judge_5", _("Judge, fifth grade")

    class Status(models.TextChoices):
        SERVING = "serving", _("Serving")
        TRANSFERRED = "transferred", _("Transferred")
        RESIGNED = "resigned", _("Resigned")
        RETIRED = "retired", _("Retired")
        DISMISSED = "dismissed", _("Dismissed")
        DISCHARGED = "discharged", _("Discharged")

    class Gender(models.TextChoices):
        MALE = "m", _("Male")
        FEMALE = "f", _("Female")

    court = models.ForeignKey(
        Court, verbose_name=_("court"), on_delete=models.PROTECT, related_name="staff"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    name = models.CharField(_("name"), max_length=50)
    staff_number = models.CharField(_("staff number"), max_length=32)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    post = models.CharField(_("post"), max_length=32, choices=Post.choices)
    grade = models.CharField(
        _("judge grade"), max_length=16, choices=Grade.choices, blank=True, default=Grade.NONE
    )
    is_leading_cadre = models.BooleanField(
        _("leading cadre"),
        default=False,
        help_text=_(
            "Court leadership or a head or deputy head of a department (院领导/中层正副职)."
        ),
    )
    is_trial_post = models.BooleanField(
        _("trial or enforcement post"),
        default=False,
        help_text=_("Case filing, trial, enforcement, trial supervision or state compensation."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SERVING
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["court__path", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["court", "staff_number"], name="org_staff_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(status="serving") | models.Q(left_on__isnull=False),
                name="org_staff_left_has_date",
                violation_error_message=_("A staff member who has left needs the date of leaving."),
            ),
        ]
        indexes = [models.Index(fields=["name"], name="org_staff_name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        check_department_of_court(self)
        if self.status != self.Status.SERVING and not self.left_on:
            raise ValidationError(
                {"left_on": _("A staff member who has left needs the date of leaving.")}
            )


# Module-level names of the staff choices, for the API schema (one enum name each).
STAFF_POSTS = StaffMember.Post
JUDGE_GRADES = StaffMember.Grade


class Case(models.Model):
    """A case in the registry: needed for follow-up visits and conflict checks."""

    class Type(models.TextChoices):
        CIVIL = "civil", _("Civil")
        CRIMINAL = "criminal", _("Criminal")
        ADMINISTRATIVE = "administrative", _("Administrative")
        ENFORCEMENT = "enforcement", _("Enforcement")
        STATE_COMPENSATION = "state_compensation", _("State compensation")
        OTHER = "other", _("Other")

    number = models.CharField(
        _("case number"),
        max_length=64,
        unique=True,
        help_text=_("As (2024)辽01民初123号; full-width brackets and digits are accepted."),
    )
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    court = models.ForeignKey(
        Court, verbose_name=_("court"), on_delete=models.PROTECT, related_name="cases"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    case_type = models.CharField(_("case type"), max_length=24, choices=Type.choices)
    cause = models.CharField(_("cause of action"), max_length=100, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    presiding_judge = models.ForeignKey(
        StaffMember,
        verbose_name=_("presiding judge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="presided_cases",
    )
    panel = models.ManyToManyField(
        StaffMember, verbose_name=_("panel"), blank=True, related_name="panel_cases"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["court", "closed_on"], name="org_case_court_closed"),
            models.Index(fields=["case_type", "closed_on"], name="org_case_type_closed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(filed_on__isnull=True)
                | models.Q(closed_on__gte=models.F("filed_on")),
                name="org_case_closed_after_filed",
                violation_error_message=_("A case cannot close before it was filed."),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs) -> None:
        parsed = parse_case_number(self.number)
        self.number, self.year = str(parsed), parsed.year
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.number:
            try:
                parsed = parse_case_number(self.number)
            except ValidationError as error:
                raise ValidationError({"number": error.messages}) from error
            self.number = str(parsed)
            self.year = parsed.year
        check_department_of_court(self)


class CaseParty(models.Model):
    class Role(models.TextChoices):
        PLAINTIFF = "plaintiff", _("Plaintiff")
        DEFENDANT = "defendant", _("Defendant")
        THIRD_PARTY = "third_party", _("Third party")
        APPELLANT = "appellant", _("Appellant")
        APPELLEE = "appellee", _("Appellee")
        APPLICANT = "applicant", _("Applicant")
        RESPONDENT = "respondent", _("Respondent")
        ENFORCEMENT_APPLICANT = "enforcement_applicant", _("Applicant for enforcement")
        PERSON_SUBJECT_TO_ENFORCEMENT = "enforced", _("Person subject to enforcement")
        ACCUSED = "accused", _("Defendant (criminal)")
        PRIVATE_PROSECUTOR = "private_prosecutor", _("Private prosecutor")
        VICTIM = "victim", _("Victim")
        OTHER = "other", _("Other")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="parties"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("standing in the case"), max_length=32, choices=Role.choices)
    is_organisation = models.BooleanField(_("organisation"), default=False)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["id"]
        indexes = [models.Index(fields=["name"], name="org_party_name")]

    def __str__(self) -> str:
        return self.name


class CaseAgent(models.Model):
    """A litigation agent or defender of a party, with law firm and licence number."""

    class Kind(models.TextChoices):
        LAWYER = "lawyer", _("Lawyer")
        LEGAL_WORKER = "legal_worker", _("Grassroots legal service worker")
        RELATIVE = "relative", _("Near relative of the party")
        CITIZEN = "citizen", _("Citizen recommended by a unit or community")
        # 法释〔2011〕12号 art. 8: former court staff may act as guardian or near relative of a
        # party (ledgers.conflicts.EXEMPT_AGENT_KINDS).
        GUARDIAN = "guardian", _("Guardian of the party")

    class Role(models.TextChoices):
        AGENT = "agent", _("Litigation agent")
        DEFENDER = "defender", _("Defender")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="agents"
    )
    party = models.ForeignKey(
        CaseParty,
        verbose_name=_("party represented"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="agents",
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.LAWYER)
    role = models.CharField(_("capacity"), max_length=16, choices=Role.choices, default=Role.AGENT)
    law_firm = models.CharField(_("law firm"), max_length=200, blank=True)
    licence_number = models.CharField(_("licence number"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["licence_number"], name="org_agent_licence"),
            models.Index(fields=["name", "law_firm"], name="org_agent_name_firm"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            self.licence_number = normalize_licence_number(self.licence_number)
        except ValidationError as error:
            raise ValidationError({"licence_number": error.messages}) from error
        if self.party_id and self.case_id and self.party.case_id != self.case_id:
            raise ValidationError({"party": _("The party belongs to another case.")})


# Module-level names of the parties' and agents' choices, for the API schema (one enum name
# each: the case serializer and the intake serializer share them).
PARTY_STANDINGS = CaseParty.Role
AGENT_KINDS = CaseAgent.Kind
AGENT_CAPACITIES = CaseAgent.Role


# Object grants (django-guardian, direct foreign keys): a named exception to the scope, such as
# one case shown to one investigator from another court.
class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("case grant")


class StaffMemberUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(StaffMember, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("staff member grant")
