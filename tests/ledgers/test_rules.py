"""Every row of every rule table, the date boundaries, and the invalid combinations."""

import datetime as dt

import pytest

from ledgers import rules
from ledgers.rules import Departure, LegalRole, Relationship

D = dt.date

# --- who must report, who can trigger recusal (法发〔2020〕13号 arts. 1-2) ----------------------
REPORT_TABLE = [
    (Relationship.SPOUSE, True, True),
    (Relationship.FATHER, True, True),
    (Relationship.MOTHER, True, True),
    (Relationship.SON, True, True),
    (Relationship.DAUGHTER, True, True),
    (Relationship.BROTHER, True, False),
    (Relationship.SISTER, True, False),
    (Relationship.SPOUSE_PARENT, True, False),
    (Relationship.SPOUSE_SIBLING, True, False),
    (Relationship.CHILD_SPOUSE, True, False),
    (Relationship.CHILD_SPOUSE_PARENT, True, False),
    (Relationship.OTHER, False, False),
]


def test_the_table_covers_every_relationship():
    assert {row[0] for row in REPORT_TABLE} == set(Relationship) == set(rules.RELATIONSHIPS)


@pytest.mark.parametrize(("relationship", "reports", "recusal_kin"), REPORT_TABLE)
def test_reporting_and_recusal_kin(relationship, reports, recusal_kin):
    assert rules.must_report(relationship) is reports
    assert rules.must_report(relationship.value) is reports
    decision = rules.recusal_required(
        relationship=relationship,
        role=LegalRole.PARTNER,
        is_leading_cadre=True,
        is_trial_post=True,
        firm_in_jurisdiction=True,
        acts_in_jurisdiction=True,
    )
    assert decision.required is recusal_kin
    assert str(decision.reason)


# (role, firm in jurisdiction, acts in jurisdiction) → recusal for a spouse of a trial judge
ROLE_TABLE = [
    (LegalRole.PARTNER, True, False, True),
    (LegalRole.PARTNER, False, False, False),
    (LegalRole.PARTNER, False, True, True),
    (LegalRole.LAWYER, True, False, False),  # an ordinary lawyer at a local firm: report only
    (LegalRole.LAWYER, False, True, True),
    (LegalRole.LEGAL_ADVISER, False, True, True),
    (LegalRole.FIRM_STAFF, True, False, False),
    (LegalRole.OTHER_PAID_SERVICE, False, True, True),
    (LegalRole.OTHER_PAID_SERVICE, False, False, False),
]


@pytest.mark.parametrize(("role", "firm_here", "acts_here", "required"), ROLE_TABLE)
def test_recusal_by_what_the_relative_does(role, firm_here, acts_here, required):
    decision = rules.recusal_required(
        relationship=Relationship.SPOUSE,
        role=role,
        is_leading_cadre=False,
        is_trial_post=True,
        firm_in_jurisdiction=firm_here,
        acts_in_jurisdiction=acts_here,
    )
    assert bool(decision) is required


@pytest.mark.parametrize(
    ("cadre", "trial", "required"),
    [
        (True, False, True),
        (False, True, True),
        (True, True, True),
        (False, False, False),
    ],
)
def test_recusal_applies_to_leading_cadres_and_trial_posts_only(cadre, trial, required):
    decision = rules.recusal_required(
        relationship=Relationship.SON,
        role=LegalRole.LAWYER,
        is_leading_cadre=cadre,
        is_trial_post=trial,
        firm_in_jurisdiction=True,
        acts_in_jurisdiction=True,
    )
    assert decision.required is required


def test_every_legal_role_has_a_label():
    assert set(rules.LEGAL_ROLES) == set(LegalRole)


@pytest.mark.parametrize(
    ("court", "area", "inside"),
    [
        ("000001/", "000001/", True),  # the high court's own seat
        ("000001/", "000001/000002/000005/", True),  # a county in the province
        ("000001/000002/", "000001/000002/000005/", True),  # a county in the city
        ("000001/000002/", "000001/000003/000007/", False),  # another city
        ("000001/000002/000005/", "000001/000002/", False),  # a county court: not the whole city
        ("000001/000002/000005/", "000001/000002/000006/", False),  # the neighbouring county
        ("", "000001/", False),
    ],
)
def test_jurisdiction_contains_the_courts_below(court, area, inside):
    assert rules.within_jurisdiction(court, area) is inside


def test_jurisdiction_uses_real_court_paths(province):
    courts = province.courts
    assert rules.within_jurisdiction(courts["shenyang"].path, courts["heping"].path)
    assert not rules.within_jurisdiction(courts["shenyang"].path, courts["zhongshan"].path)
    assert rules.within_jurisdiction(courts["high"].path, courts["zhongshan"].path)


@pytest.mark.parametrize(
    "bad",
    [
        {"relationship": "cousin"},
        {"role": "judge"},
    ],
)
def test_unknown_relationship_or_role_is_refused(bad):
    kwargs = {
        "relationship": "spouse",
        "role": "lawyer",
        "is_leading_cadre": True,
        "is_trial_post": True,
        "firm_in_jurisdiction": True,
        "acts_in_jurisdiction": True,
    } | bad
    with pytest.raises(ValueError, match="is not a valid"):
        rules.recusal_required(**kwargs)


# --- deadlines: settings, not literals ------------------------------------------------------
def test_recusal_deadlines_follow_the_settings(settings):
    assert rules.recusal_application_due(D(2026, 1, 31)) == D(2026, 2, 28)
    assert rules.recusal_post_change_due(D(2026, 1, 31)) == D(2026, 7, 31)
    settings.RECUSAL_APPLICATION_MONTHS = 2
    settings.RECUSAL_POST_CHANGE_MONTHS = 3
    assert rules.recusal_application_due(D(2026, 1, 31)) == D(2026, 3, 31)
    assert rules.recusal_post_change_due(D(2026, 1, 31)) == D(2026, 4, 30)


def test_unplanned_contact_deadline_follows_the_setting(settings):
    assert rules.unplanned_contact_report_due(D(2026, 12, 30)) == D(2027, 1, 2)
    settings.UNPLANNED_CONTACT_REPORT_DAYS = 5
    assert rules.unplanned_contact_report_due(D(2026, 12, 30)) == D(2027, 1, 4)


# --- departed staff ---------------------------------------------------------------------------
LEFT = D(2024, 3, 5)
TWO_YEARS = D(2026, 3, 4)  # last restricted day
THREE_YEARS = D(2027, 3, 4)

# (how, senior, employment ban ends, lifelong law-firm ban, restriction_ends)
DEPARTURE_TABLE = [
    (Departure.RETIRED, False, TWO_YEARS, False, TWO_YEARS),
    (Departure.RETIRED, True, THREE_YEARS, False, THREE_YEARS),
    (Departure.RESIGNED, False, TWO_YEARS, False, TWO_YEARS),
    (Departure.RESIGNED, True, THREE_YEARS, False, THREE_YEARS),
    (Departure.DISCHARGED, False, TWO_YEARS, False, TWO_YEARS),
    (Departure.DISCHARGED, True, THREE_YEARS, False, THREE_YEARS),
    (Departure.TRANSFERRED, False, None, False, TWO_YEARS),
    (Departure.TRANSFERRED, True, None, False, TWO_YEARS),
    (Departure.DISMISSED, False, None, True, None),
    (Departure.DISMISSED, True, None, True, None),
]


def test_the_table_covers_every_way_of_leaving():
    assert {row[0] for row in DEPARTURE_TABLE} == set(Departure)


@pytest.mark.parametrize(("how", "senior", "employment_ends", "lifelong", "ends"), DEPARTURE_TABLE)
def test_restrictions_by_way_of_leaving(how, senior, employment_ends, lifelong, ends):
    result = rules.departure_restrictions(
        left_on=LEFT,
        how=how,
        was_leadership=senior,
        served_court_ids=[3, 1, 3],
    )
    assert result.agent_ban_ends == TWO_YEARS
    assert result.employment_ban_ends == employment_ends
    assert result.law_firm_ban_lifetime is lifelong
    assert result.restriction_ends == ends
    assert result.lifetime_courts == (1, 3)


@pytest.mark.parametrize(
    ("leadership", "grade", "assistant", "senior"),
    [
        (True, "", False, True),
        (False, "grand_1", False, True),
        (False, "grand_2", False, True),
        (False, "senior_1", False, True),
        (False, "senior_2", False, True),
        (False, "senior_3", False, True),
        (False, "senior_4", False, True),  # 四级高级法官: the lowest grade of the three-year group
        (False, "judge_1", False, False),
        (False, "judge_5", False, False),
        (False, "", True, True),  # a judge assistant of the matching grade
        (False, "", False, False),
    ],
)
def test_who_gets_three_years(leadership, grade, assistant, senior):
    assert (
        rules.is_senior(was_leadership=leadership, grade=grade, senior_assistant=assistant)
        is senior
    )


def test_senior_grades_match_the_staff_model():
    from integrity.org.models import StaffMember

    grades = [value for value, _label in StaffMember.Grade.choices if value]
    assert set(grades[: grades.index("senior_4") + 1]) == rules.SENIOR_GRADES


@pytest.mark.parametrize(
    ("day", "restricted"),
    [
        (D(2026, 3, 3), True),  # the day before the end date
        (D(2026, 3, 4), True),  # the end date itself
        (D(2026, 3, 5), False),  # the day after: free
    ],
)
def test_two_year_boundary(day, restricted):
    result = rules.departure_restrictions(left_on=LEFT, how="resigned", was_leadership=False)
    assert result.restricted_on(day) is restricted


@pytest.mark.parametrize(
    ("day", "restricted"),
    [
        (D(2027, 3, 3), True),
        (D(2027, 3, 4), True),
        (D(2027, 3, 5), False),
    ],
)
def test_three_year_boundary(day, restricted):
    result = rules.departure_restrictions(
        left_on=LEFT, how="retired", was_leadership=False, grade="senior_4"
    )
    assert result.restricted_on(day) is restricted


def test_leap_day_departure():
    result = rules.departure_restrictions(
        left_on=D(2024, 2, 29), how="resigned", was_leadership=False
    )
    assert result.restriction_ends == D(2026, 2, 27)


def test_dismissal_never_ends():
    result = rules.departure_restrictions(left_on=LEFT, how="dismissed", was_leadership=False)
    assert result.restricted_on(D(2090, 1, 1))


@pytest.mark.parametrize("bad", [{"how": "fired"}, {"how": "serving"}, {"left_on": None}])
def test_invalid_departures_are_refused(bad):
    kwargs = {"left_on": LEFT, "how": "resigned", "was_leadership": False} | bad
    with pytest.raises(ValueError):  # noqa: PT011 - both messages are the enum's or ours
        rules.departure_restrictions(**kwargs)


# (case court, day, acting for own relative, dismissed) → may act as agent
AGENT_TABLE = [
    (9, D(2026, 3, 4), False, False, False),  # within two years, any court
    (9, D(2026, 3, 5), False, False, True),  # after two years, a court never served
    (1, D(2040, 1, 1), False, False, False),  # for life at a court where one served
    (1, D(2025, 1, 1), True, False, True),  # a party's near relative or ward: allowed
    (9, D(2040, 1, 1), False, True, False),  # dismissed: never as a lawyer
    (9, D(2040, 1, 1), True, True, True),  # dismissed, but for own relative: allowed
]


@pytest.mark.parametrize(("court", "day", "own", "dismissed", "allowed"), AGENT_TABLE)
def test_may_act_as_agent(court, day, own, dismissed, allowed):
    result = rules.departure_restrictions(
        left_on=LEFT,
        how="dismissed" if dismissed else "resigned",
        was_leadership=False,
        served_court_ids=[1, 2],
    )
    ok, reason = rules.may_act_as_agent(
        result, case_court_id=court, on=day, for_own_relative_or_ward=own
    )
    assert ok is allowed
    assert str(reason)


def test_reasons_are_given_in_chinese():
    from django.utils import translation

    decision = rules.recusal_required(
        relationship="spouse",
        role="partner",
        is_leading_cadre=True,
        is_trial_post=False,
        firm_in_jurisdiction=True,
        acts_in_jurisdiction=False,
    )
    with translation.override("zh-hans"):
        assert "配偶" in str(decision.reason)
