"""The rules of the supervision side, as tables and small pure functions, one place each.

Sources: 《中国共产党纪律检查机关监督执纪工作规则》 (2019) arts. 21–24 (the four disposal
ways and their stages), 《中国共产党纪律处分条例》 and the four forms of supervision
(监督执纪"四种形态"), 《人民法院司法巡查工作暂行规定》 and 《人民法院审务督察工作规定》
(inspections, problem lists and rectification)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from integrity.org.models import StaffMember

from .models import Disposition, Referral

# A clue about one of these posts is about a court leader (院领导): hidden from them and from
# everyone of their court below them, routed straight to the discipline team.
LEADER_POSTS = frozenset({StaffMember.Post.PRESIDENT, StaffMember.Post.VICE_PRESIDENT})


def is_court_leader(staff: StaffMember | None) -> bool:
    """Whether a clue about ``staff`` is a clue about a court leader (院长、副院长)."""
    return staff is not None and staff.post in LEADER_POSTS


# --- referrals: the stages and which step leads where (监督执纪工作规则 arts. 21–24) ----------
S, W = Referral.Stage, Referral.Way

# stage -> stages it may move to
STAGE_STEPS: dict[str, tuple[str, ...]] = {
    S.RECEIVED: (S.WAY_CHOSEN,),
    S.WAY_CHOSEN: (S.VERIFYING, S.CLOSED),
    S.VERIFYING: (S.FILED, S.CLOSED),
    S.FILED: (S.DISPOSED,),
    S.CLOSED: (S.DISPOSED,),
    S.DISPOSED: (),
}

# After a way is chosen: 初步核实 goes to verification; 予以了结 closes; 谈话函询 ends in a
# verdict (closed, or verification when the answers do not clear the matter); 暂存待查 waits
# and is closed or verified when new facts arrive.
WAY_NEXT: dict[str, tuple[str, ...]] = {
    W.TALK_OR_LETTER: (S.CLOSED, S.VERIFYING),
    W.VERIFY: (S.VERIFYING,),
    W.SHELVE: (S.CLOSED, S.VERIFYING),
    W.CLOSE: (S.CLOSED,),
}


def next_stages(stage: str, way: str = "") -> tuple[str, ...]:
    """The stages a referral in ``stage`` (with disposal ``way``) may move to."""
    steps = STAGE_STEPS.get(stage, ())
    if stage == S.WAY_CHOSEN and way:
        return tuple(step for step in steps if step in WAY_NEXT.get(way, ()))
    return steps


def stage_limit_days(stage: str) -> int | None:
    """Days a referral may stay in ``stage`` before it is overdue (settings
    REFERRAL_STAGE_DAYS); None when the stage has no limit."""
    return settings.REFERRAL_STAGE_DAYS.get(stage)


def stage_due(stage: str, since: datetime.date) -> datetime.date | None:
    days = stage_limit_days(stage)
    return None if days is None else since + datetime.timedelta(days=days)


# --- dispositions: the measure and its form (四种形态) ------------------------------------------
M, F = Disposition.Measure, Disposition.Form

MEASURE_FORMS: dict[str, frozenset[int]] = {
    M.REMINDER_TALK: frozenset({F.FIRST}),
    M.CRITICISM: frozenset({F.FIRST}),
    M.SELF_CRITICISM: frozenset({F.FIRST}),
    M.ADMONITION: frozenset({F.FIRST}),
    M.ORGANISATIONAL: frozenset({F.SECOND, F.THIRD}),
    M.LIGHT_SANCTION: frozenset({F.SECOND}),
    M.DEMOTION: frozenset({F.THIRD}),
    M.HEAVY_SANCTION: frozenset({F.THIRD}),
    M.JUDICIAL: frozenset({F.FOURTH}),
}


def measure_fits_form(measure: str, form: int) -> bool:
    """Whether ``measure`` belongs to ``form`` of the four forms."""
    return form in MEASURE_FORMS.get(measure, frozenset())


# Ledger 2 (improper contact cases) keeps the handling in its own, coarser terms.
LEDGER_2_HANDLING: dict[str, str] = {
    M.REMINDER_TALK: "talk",
    M.CRITICISM: "criticism",
    M.SELF_CRITICISM: "criticism",
    M.ADMONITION: "admonition",
    M.ORGANISATIONAL: "organisational",
    M.LIGHT_SANCTION: "sanction",
    M.DEMOTION: "sanction",
    M.HEAVY_SANCTION: "sanction",
    M.JUDICIAL: "judicial",
}


# --- follow-up visits: the default questionnaire --------------------------------------------
YES_NO = "yes_no"
CHOICE = "choice"
TEXT = "text"


def default_questions() -> list[dict]:
    """The questionnaire of shared/DOMAIN.md: gifts, meals, private meetings, delays,
    fairness, free comments. ``problem`` lists the answers that reveal a problem."""
    return [
        {
            "key": "gifts",
            "text": str(_("Did any court staff ask for or accept gifts, money or favours?")),
            "kind": YES_NO,
            "problem": ["yes"],
        },
        {
            "key": "meals",
            "text": str(_("Did any court staff accept meals or entertainment from you?")),
            "kind": YES_NO,
            "problem": ["yes"],
        },
        {
            "key": "private_meetings",
            "text": str(_("Did any judge meet you or the other side privately?")),
            "kind": YES_NO,
            "problem": ["yes"],
        },
        {
            "key": "delays",
            "text": str(_("Was the case delayed without reason?")),
            "kind": YES_NO,
            "problem": ["yes"],
        },
        {
            "key": "fairness",
            "text": str(_("How fair was the handling of the case?")),
            "kind": CHOICE,
            "choices": [
                str(_("Fair")),
                str(_("Mostly fair")),
                str(_("Unfair")),
            ],
            "problem": [str(_("Unfair"))],
        },
        {
            "key": "comments",
            "text": str(_("Anything else you want to tell us?")),
            "kind": TEXT,
            "problem": [],
        },
    ]


def problem_keys(questions: list[dict], answers: dict) -> list[str]:
    """The keys of the questions whose answer reveals a problem."""
    found = []
    for question in questions:
        answer = answers.get(question.get("key"))
        if answer not in (None, "") and str(answer) in {
            str(p) for p in question.get("problem", ())
        }:
            found.append(question["key"])
    return found
