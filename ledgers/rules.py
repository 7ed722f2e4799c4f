"""The regulations the ledgers apply, as tables and small pure functions in one place.

A change of regulation is a change of this module (and of the settings it reads); every
row of every table has a test in tests/ledgers/test_rules.py.

Sources:
- 法发〔2020〕13号《关于对配偶父母子女从事律师职业的法院领导干部和审判执行人员实行任职回避的
  规定》 (reporting, art. 1; post recusal, art. 2; concealment is a violation, art. 8);
- 《中华人民共和国法官法》(2019) art. 24 (recusal of judges whose spouse or children practise
  law in the court's area) and art. 36 (restrictions after leaving);
- 《中华人民共和国律师法》 art. 41; 法释〔2011〕12号 art. 8;
- 司发通〔2021〕60号 (reporting of contacts) and 司发通〔2021〕61号 (employment restrictions of
  departed court and procuratorate staff).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils.translation import gettext_lazy as _


# --- Relatives practising law (法发〔2020〕13号) -----------------------------------------
class Relationship(StrEnum):
    SPOUSE = "spouse"
    FATHER = "father"
    MOTHER = "mother"
    SON = "son"
    DAUGHTER = "daughter"
    BROTHER = "brother"
    SISTER = "sister"
    SPOUSE_PARENT = "spouse_parent"
    SPOUSE_SIBLING = "spouse_sibling"
    CHILD_SPOUSE = "child_spouse"
    CHILD_SPOUSE_PARENT = "child_spouse_parent"
    OTHER = "other"


@dataclass(frozen=True)
class RelationshipRule:
    label: object
    must_report: bool  # art. 1: reported to the personnel department
    recusal_kin: bool  # art. 2: spouse, parents and children can trigger post recusal


RELATIONSHIPS: dict[Relationship, RelationshipRule] = {
    Relationship.SPOUSE: RelationshipRule(_("Spouse"), True, True),
    Relationship.FATHER: RelationshipRule(_("Father"), True, True),
    Relationship.MOTHER: RelationshipRule(_("Mother"), True, True),
    Relationship.SON: RelationshipRule(_("Son"), True, True),
    Relationship.DAUGHTER: RelationshipRule(_("Daughter"), True, True),
    Relationship.BROTHER: RelationshipRule(_("Brother"), True, False),
    Relationship.SISTER: RelationshipRule(_("Sister"), True, False),
    Relationship.SPOUSE_PARENT: RelationshipRule(_("Parent of the spouse"), True, False),
    Relationship.SPOUSE_SIBLING: RelationshipRule(_("Sibling of the spouse"), True, False),
    Relationship.CHILD_SPOUSE: RelationshipRule(_("Spouse of a child"), True, False),
    Relationship.CHILD_SPOUSE_PARENT: RelationshipRule(
        _("Parent of a child's spouse"), True, False
    ),
    Relationship.OTHER: RelationshipRule(_("Other relative"), False, False),
}


class LegalRole(StrEnum):
    """What the relative does (法发〔2020〕13号 art. 2 and art. 4)."""

    PARTNER = "partner"  # partner or founder of a law firm (合伙人、设立人)
    LAWYER = "lawyer"
    LEGAL_ADVISER = "legal_adviser"
    FIRM_STAFF = "firm_staff"
    OTHER_PAID_SERVICE = "other_paid_service"


LEGAL_ROLES: dict[LegalRole, object] = {
    LegalRole.PARTNER: _("Partner or founder of a law firm"),
    LegalRole.LAWYER: _("Lawyer"),
    LegalRole.LEGAL_ADVISER: _("Legal adviser"),
    LegalRole.FIRM_STAFF: _("Staff of a law firm"),
    LegalRole.OTHER_PAID_SERVICE: _("Other paid legal services"),
}


def within_jurisdiction(court_path: str, area_court_path: str) -> bool:
    """Whether a place (named by the court whose area it is in) lies in a court's jurisdiction.

    A high court's jurisdiction is its province, an intermediate court's its city, a basic
    court's its county; a higher court's contains those below it. With the courts' tree paths
    that is one prefix test.
    """
    return bool(court_path) and area_court_path.startswith(court_path)


@dataclass(frozen=True)
class RecusalDecision:
    required: bool
    reason: object

    def __bool__(self) -> bool:
        return self.required


def must_report(relationship: Relationship | str) -> bool:
    """法发〔2020〕13号 art. 1: which relatives practising law a staff member must report."""
    return RELATIONSHIPS[Relationship(relationship)].must_report


def recusal_required(
    *,
    relationship: Relationship | str,
    role: LegalRole | str,
    is_leading_cadre: bool,
    is_trial_post: bool,
    firm_in_jurisdiction: bool,
    acts_in_jurisdiction: bool,
) -> RecusalDecision:
    """法发〔2020〕13号 art. 2 (and 法官法 art. 24): post recusal (任职回避) is required when a
    leading cadre or a staff member in a trial or enforcement post has a spouse, parent or child
    who (a) is a partner or founder of a law firm within the court's jurisdiction, or (b) acts
    there as agent or defender, or gives other paid legal services to parties in its cases."""
    relationship, role = Relationship(relationship), LegalRole(role)
    if not (is_leading_cadre or is_trial_post):
        return RecusalDecision(
            False, _("Neither a leading cadre nor in a trial or enforcement post.")
        )
    if not RELATIONSHIPS[relationship].recusal_kin:
        return RecusalDecision(
            False, _("Only a spouse, parent or child can require post recusal; report only.")
        )
    if role is LegalRole.PARTNER and firm_in_jurisdiction:
        return RecusalDecision(
            True,
            _(
                "A spouse, parent or child is a partner or founder of a law firm "
                "within the court's jurisdiction."
            ),
        )
    if acts_in_jurisdiction:
        return RecusalDecision(
            True,
            _(
                "A spouse, parent or child acts as agent or defender, or gives paid legal "
                "services, in cases within the court's jurisdiction."
            ),
        )
    return RecusalDecision(
        False, _("The relative neither leads a firm nor acts in cases within the jurisdiction.")
    )


def _months_after(start: datetime.date, months: int) -> datetime.date:
    return start + relativedelta(months=months)


def recusal_application_due(required_on: datetime.date) -> datetime.date:
    """The recusal application is due within a month (setting RECUSAL_APPLICATION_MONTHS)."""
    return _months_after(required_on, settings.RECUSAL_APPLICATION_MONTHS)


def recusal_post_change_due(required_on: datetime.date) -> datetime.date:
    """The post must change within six months (setting RECUSAL_POST_CHANGE_MONTHS)."""
    return _months_after(required_on, settings.RECUSAL_POST_CHANGE_MONTHS)


def unplanned_contact_report_due(contact_on: datetime.date) -> datetime.date:
    """An unplanned contact outside work is reported promptly afterwards: within three days by
    default (司发通〔2021〕60号; setting UNPLANNED_CONTACT_REPORT_DAYS)."""
    return contact_on + datetime.timedelta(days=settings.UNPLANNED_CONTACT_REPORT_DAYS)


# --- Departed staff (法官法 art. 36, 律师法 art. 41, 法释〔2011〕12号 art. 8, 司发通〔2021〕61号)
class Departure(StrEnum):
    RETIRED = "retired"
    RESIGNED = "resigned"
    DISMISSED = "dismissed"
    DISCHARGED = "discharged"
    TRANSFERRED = "transferred"


# Judge grades at or above 四级高级法官 (the order of org.StaffMember.Grade).
SENIOR_GRADES = frozenset({"grand_1", "grand_2", "senior_1", "senior_2", "senior_3", "senior_4"})

# Years during which a departed person may not act as a lawyer-agent or defender (法官法 36.1,
# 律师法 41), and may not work in the former court's area as lawyer, legal adviser or law-firm
# staff nor give paid legal services connected with it (司发通〔2021〕61号): by how they left.
AGENT_BAN_YEARS = 2
EMPLOYMENT_BAN_YEARS = {"senior": 3, "other": 2}
EMPLOYMENT_BAN_APPLIES = frozenset({Departure.RETIRED, Departure.RESIGNED, Departure.DISCHARGED})


@dataclass(frozen=True)
class Restrictions:
    """What binds a former staff member, and until when (dates are the last restricted day)."""

    agent_ban_ends: datetime.date
    employment_ban_ends: datetime.date | None
    law_firm_ban_lifetime: bool
    lifetime_courts: tuple[int, ...]
    senior: bool

    @property
    def restriction_ends(self) -> datetime.date | None:
        """The last day of the time-limited restrictions; None when one of them is lifelong."""
        if self.law_firm_ban_lifetime:
            return None
        return max(filter(None, [self.agent_ban_ends, self.employment_ban_ends]))

    def restricted_on(self, day: datetime.date) -> bool:
        """Whether any time-limited restriction still applies on ``day``."""
        ends = self.restriction_ends
        return ends is None or day <= ends


def _last_day(left_on: datetime.date, years: int) -> datetime.date:
    # "二年内": from the day of leaving; the restriction's last day is the day before the
    # anniversary (a 29 February departure ends on 27 February of a common year).
    return left_on + relativedelta(years=years) - datetime.timedelta(days=1)


def is_senior(*, was_leadership: bool, grade: str = "", senior_assistant: bool = False) -> bool:
    """司发通〔2021〕61号: leadership members, judges of 四级高级法官 and above, and judge
    assistants of the matching grade get the longer (three-year) restriction."""
    return was_leadership or grade in SENIOR_GRADES or senior_assistant


def departure_restrictions(
    *,
    left_on: datetime.date,
    how: Departure | str,
    was_leadership: bool,
    grade: str = "",
    senior_assistant: bool = False,
    served_court_ids: tuple[int, ...] | list[int] = (),
) -> Restrictions:
    """Compute the restrictions after leaving (离任):

    - everyone: two years without acting as a lawyer-agent or defender (法官法 36.1, 律师法 41);
    - for life: no agent or defender in cases of any court where the person served, except as
      guardian or near relative of a party (法官法 36.2, 法释〔2011〕12号 art. 8);
    - dismissed (开除): never to work in a law firm (法官法 36.3; 司发通〔2021〕61号);
    - retired, resigned or discharged: no work in the former court's area as lawyer, adviser or
      firm staff for three years (senior, see :func:`is_senior`) or two years (司发通〔2021〕61号).
    """
    how = Departure(how)
    if left_on is None:
        raise ValueError("A departure needs the date of leaving.")
    senior = is_senior(
        was_leadership=was_leadership, grade=grade, senior_assistant=senior_assistant
    )
    employment_ends = None
    if how in EMPLOYMENT_BAN_APPLIES:
        years = EMPLOYMENT_BAN_YEARS["senior" if senior else "other"]
        employment_ends = _last_day(left_on, years)
    return Restrictions(
        agent_ban_ends=_last_day(left_on, AGENT_BAN_YEARS),
        employment_ban_ends=employment_ends,
        law_firm_ban_lifetime=how is Departure.DISMISSED,
        lifetime_courts=tuple(sorted(set(served_court_ids))),
        senior=senior,
    )


class AgentBan(StrEnum):
    """Why a former staff member may not act as agent or defender in a case."""

    LIFETIME_COURT = "lifetime_court"
    DISMISSED = "dismissed"
    WITHIN_TWO_YEARS = "within_two_years"


AGENT_BANS: dict[AgentBan, object] = {
    AgentBan.LIFETIME_COURT: _(
        "For life, no agent or defender in cases of a court where one served."
    ),
    AgentBan.DISMISSED: _(
        "Dismissed staff may never act as agent or defender, except for their ward or near "
        "relative."
    ),
    AgentBan.WITHIN_TWO_YEARS: _("Within two years of leaving, no acting as agent or defender."),
}


def agent_ban(
    restrictions: Restrictions,
    *,
    case_court_id: int,
    on: datetime.date,
    for_own_relative_or_ward: bool = False,
) -> AgentBan | None:
    """Which restriction, if any, forbids a former staff member to act as agent or defender in
    a case of a court on a day. Acting for one's own near relative or ward is always allowed
    (法官法 36.2, 法释〔2011〕12号 art. 8)."""
    if for_own_relative_or_ward:
        return None
    if case_court_id in restrictions.lifetime_courts:
        return AgentBan.LIFETIME_COURT
    if restrictions.law_firm_ban_lifetime:
        return AgentBan.DISMISSED
    if on <= restrictions.agent_ban_ends:
        return AgentBan.WITHIN_TWO_YEARS
    return None


def may_act_as_agent(
    restrictions: Restrictions,
    *,
    case_court_id: int,
    on: datetime.date,
    for_own_relative_or_ward: bool = False,
) -> tuple[bool, object]:
    """Whether a former staff member may act as agent or defender in a case of a court on a
    day, and why not. Acting for one's own near relative or ward is always allowed."""
    ban = agent_ban(
        restrictions,
        case_court_id=case_court_id,
        on=on,
        for_own_relative_or_ward=for_own_relative_or_ward,
    )
    if ban is not None:
        return False, AGENT_BANS[ban]
    if for_own_relative_or_ward:
        return True, _("Acting for a near relative or ward of the party is allowed.")
    return True, _("No restriction applies.")
