"""The scoped figures of integrity/reports/stats.py equal counts computed independently, in
plain Python, from the rows the test created: within each reader's scope (a basic court's
officer never counts another court's rows, not even in a total), voided records and other
periods left out, courts rolled up over their subtrees, and a disposition about a court leader
left out of that leader's court.

The world built here (``world``) is shared with test_dashboards.py."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from inspections.models import Clue, Disposition, Finding, Inspection, Referral
from integrity.access.models import Role
from integrity.reports import stats
from integrity.reports.stats import Period
from ledgers.models import Campaign, Declaration, InterferenceRecord, RelativePractice
from ledgers.specs import BY_SLUG, SPECS
from tests.factories import StaffMemberFactory, UserFactory, assign
from tests.inspections import conftest as inspection_fixtures
from tests.ledgers.test_pages import ledger_fields

pytestmark = pytest.mark.django_db

# A login for each role of the test province (tests/inspections/conftest.py).
logins = inspection_fixtures.logins

D = datetime.date
YEAR = Period(D(2025, 1, 1), D(2025, 12, 31))
TODAY = D(2026, 2, 1)
SLUGS = [spec.slug for spec in SPECS]

# Where each login of tests/inspections/conftest.py reaches ledger records (place keys of the
# province fixture; "heping_criminal" is the criminal division of 和平).
PLACES = ["high", "shenyang", "heping", "heping_criminal", "shenhe", "dalian", "zhongshan"]
SEES = {
    "supervisor": set(PLACES),
    "officer": {"heping", "heping_criminal"},
    "chief": {"heping"},
    "leader": {"shenyang", "heping", "heping_criminal", "shenhe"},
    "vice": {"heping", "heping_criminal"},
    "discipline": {"shenyang", "heping", "heping_criminal", "shenhe"},
    "outsider": {"dalian"},
}
# The court of each place, and the bucket it rolls up into for each reader's default court.
COURT_OF = {place: "heping" if place == "heping_criminal" else place for place in PLACES}
BUCKETS = {
    "supervisor": {
        "high": "high",
        "shenyang": "shenyang",
        "heping": "shenyang",
        "shenhe": "shenyang",
        "dalian": "dalian",
        "zhongshan": "dalian",
    },
    "leader": {"shenyang": "shenyang", "heping": "heping", "shenhe": "shenhe"},
    "discipline": {"shenyang": "shenyang", "heping": "heping", "shenhe": "shenhe"},
    "officer": {"heping": "heping"},
    "chief": {"heping": "heping"},
    "vice": {"heping": "heping"},
    "outsider": {"dalian": "dalian"},
}


# --- the world: rows of every kind, and what was made --------------------------------------
@dataclass
class Row:
    """One ledger record as made: where, when, its category, and whether it counts."""

    slug: str
    place: str
    day: datetime.date
    category: str
    staff_id: int
    voided: bool = False
    nature: str = ""
    status: str = ""
    resolved_on: datetime.date | None = None


@dataclass
class World:
    province: Any
    rows: list[Row]
    declarations: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    dispositions: list[dict] = field(default_factory=list)
    campaigns: dict[str, Campaign] = field(default_factory=dict)

    def court(self, key: str):
        return self.province.courts[key]

    def counted(self, slug: str, login: str, period: Period = YEAR) -> list[Row]:
        """The rows of ``slug`` that ``login`` should count in ``period``."""
        return [
            row
            for row in self.rows
            if row.slug == slug
            and row.place in SEES[login]
            and not row.voided
            and period.start <= row.day <= period.end
        ]


def _categories(slug: str) -> list[str]:
    model = BY_SLUG[slug].model
    return [value for value, _label in model._meta.get_field(model.category_field).flatchoices]


# Per place: (day, category index, voided, new staff member) of the records made there.
_PLAN = [
    (D(2025, 1, 15), 0, False, False),
    (D(2025, 3, 2), 1, False, True),
    (D(2025, 3, 30), 1, False, False),
    (D(2025, 7, 1), 2, False, True),
    (D(2025, 12, 31), 0, False, False),
    (D(2024, 12, 31), 0, False, False),  # before the period
    (D(2026, 1, 1), 1, False, False),  # after it
    (D(2025, 5, 5), 0, True, False),  # voided
]
# Twice the records of _PLAN in the period, for the tests that grow the data.
COUNT_PLAN = [row for row in _PLAN if YEAR.start <= row[0] <= YEAR.end and not row[2]] * 2
_NATURES = ["within_duty", "improper", "", "within_duty"]
_RECUSAL = [
    {"status": "not_required"},
    {"status": "pending", "recusal_required_on": D(2025, 3, 1)},
    {
        "status": "implemented",
        "recusal_required_on": D(2025, 1, 1),
        "post_changed_on": D(2025, 4, 1),
    },
    {"status": "resolved", "resolved_on": D(2025, 6, 30)},
    {"status": "resolved", "resolved_on": D(2026, 1, 10)},
]


def _date_fields(slug: str, day: datetime.date) -> dict[str, Any]:
    values = {BY_SLUG[slug].model.date_field: day}
    if slug == "reports":
        values["reported_on"] = day
    return values


def make_rows(province, slug: str, places: list[str], plan=_PLAN) -> list[Row]:
    """Records of ledger ``slug`` at each place, as planned, in one bulk insert."""
    model = BY_SLUG[slug].model
    categories = _categories(slug)
    made, records = [], []
    for place in places:
        for index, (day, category_index, voided, new_staff) in enumerate(plan):
            fields = ledger_fields(slug, province, place, **_date_fields(slug, day))
            if new_staff:
                fields["staff"] = StaffMemberFactory(
                    court=fields["court"], department=fields["department"]
                )
            category = categories[category_index % len(categories)]
            fields[model.category_field] = category
            row = Row(slug, place, day, category, fields["staff"].pk, voided)
            if slug == "interference":
                row.nature = fields["nature"] = _NATURES[index % len(_NATURES)]
                if row.nature:
                    fields["status"] = InterferenceRecord.Status.SCREENED
            if slug == "relatives":
                recusal = _RECUSAL[index % len(_RECUSAL)]
                fields.update(recusal)
                row.status, row.resolved_on = recusal["status"], recusal.get("resolved_on")
            if voided:
                fields["voided_at"] = timezone.now()
                fields["void_reason"] = "录入错误"
            fields.pop("served_courts", None)  # not counted; no need to store it
            record = model(**fields)
            record.refresh_search_text()
            records.append(record)
            made.append(row)
    model.objects.bulk_create(records)
    return made


def make_declarations(world: World) -> None:
    """三个规定 reports of two campaigns (March at 沈阳 and below, April at 大连 and below),
    plus what never counts: a voided campaign, a relatives campaign, a superseded revision."""
    c = world.province.courts

    def campaign(key: str, court, start, end, kind=Campaign.Kind.THREE_RULES, **extra):
        made = Campaign.objects.create(
            kind=kind,
            title=f"{court.name}三个规定报告",
            court=court,
            covers_subordinates=True,
            period_start=start,
            period_end=end,
            due_on=end + datetime.timedelta(days=10),
            **extra,
        )
        world.campaigns[key] = made
        return made

    march = campaign("march", c["shenyang"], D(2025, 3, 1), D(2025, 3, 31))
    april = campaign("april", c["dalian"], D(2025, 4, 1), D(2025, 4, 30))
    voided = campaign(
        "voided", c["shenyang"], D(2025, 3, 1), D(2025, 3, 31), voided_at=timezone.now()
    )
    relatives = campaign(
        "relatives", c["shenyang"], D(2025, 1, 1), D(2025, 12, 31), kind=Campaign.Kind.RELATIVES
    )
    old = campaign("old", c["shenyang"], D(2024, 11, 1), D(2024, 11, 30))
    S = Declaration.Status
    plan = [
        # campaign, place, status, zero report, current, counts
        (march, "heping", S.FILED, True, True),
        (march, "heping", S.SIGNED, True, True),
        (march, "heping", S.SIGNED, False, True),
        (march, "heping", S.PENDING, False, True),
        (march, "heping", S.RETURNED, True, True),
        (march, "heping", S.SUPERSEDED, True, False),
        (march, "heping_criminal", S.FILED, False, True),
        (march, "shenhe", S.SIGNED, True, True),
        (march, "shenyang", S.FILED, True, True),
        (march, "shenyang", S.FILED, False, True),
        (april, "dalian", S.FILED, True, True),
        (april, "zhongshan", S.SIGNED, False, True),
        (voided, "heping", S.FILED, True, True),
        (relatives, "heping", S.SIGNED, True, True),
        (old, "heping", S.FILED, True, True),
    ]
    for made, place, status, zero, current in plan:
        court = world.court(COURT_OF[place])
        department = world.province.departments[place]
        staff = StaffMemberFactory(court=court, department=department)
        Declaration.objects.create(
            campaign=made,
            staff=staff,
            court=court,
            department=department,
            status=status,
            has_nothing=zero,
            is_current=current,
        )
        world.declarations.append(
            {
                "campaign": made,
                "place": place,
                "filed": status in (S.FILED, S.SIGNED),
                "zero": zero,
                "counts": current
                and made.voided_at is None
                and made.kind == Campaign.Kind.THREE_RULES
                and made.period_end >= YEAR.start,
            }
        )


def make_findings(world: World) -> None:
    """Findings of an inspection that started in the period (in every state, one voided)
    and of one that started before it."""
    c = world.province.courts

    def inspection(starts):
        return Inspection.objects.create(
            court=c["high"],
            title="司法巡查",
            kind=Inspection.Kind.ROUTINE,
            starts_on=starts,
            ends_on=starts + datetime.timedelta(days=30),
            scope="三个规定落实情况",
            status=Inspection.Status.RECTIFYING,
        )

    current, earlier = inspection(D(2025, 5, 1)), inspection(D(2024, 5, 1))
    F = Finding.Status
    plan = [
        (current, "heping", F.CLOSED, D(2025, 8, 1), False),
        (current, "heping", F.OPEN, D(2025, 8, 1), False),  # overdue on TODAY
        (current, "heping", F.RETURNED, D(2026, 6, 1), False),
        (current, "heping", F.OPEN, D(2025, 8, 1), True),  # voided
        (current, "heping_criminal", F.REPORTED, D(2025, 8, 1), False),
        (current, "shenhe", F.OPEN, D(2026, 6, 1), False),
        (current, "dalian", F.RETURNED, D(2025, 8, 1), False),
        (earlier, "heping", F.OPEN, D(2024, 8, 1), False),
    ]
    for made, place, status, deadline, voided in plan:
        Finding.objects.create(
            inspection=made,
            court=world.court(COURT_OF[place]),
            department=world.province.departments[place],
            category=Finding.Category.THREE_RULES,
            description="过问案件未登记",
            rectification_required="补登记",
            deadline=deadline,
            status=status,
            voided_at=timezone.now() if voided else None,
        )
        world.findings.append(
            {
                "place": place,
                "found": made is current and not voided,
                "rectified": status == F.CLOSED,
                "returned": status == F.RETURNED,
                "deadline": deadline,
            }
        )


def make_dispositions(world: World) -> None:
    """Dispositions of clues at several courts; one about the president of 和平 (a court
    leader), hidden from 和平 and counted by the courts above and the discipline team."""
    province = world.province
    president = StaffMemberFactory(
        court=province.courts["heping"],
        department=province.departments["heping"],
        name="和平院长",
        post="president",
    )
    plan = [
        # place, subject, about a leader, form, decided on, voided
        ("heping", province.staff["heping"], False, 1, D(2025, 6, 1), False),
        ("heping", president, True, 2, D(2025, 7, 1), False),
        ("heping_criminal", province.staff["heping_criminal"], False, 1, D(2025, 9, 9), False),
        ("shenhe", province.staff["shenhe"], False, 4, D(2025, 6, 1), True),
        ("shenhe", province.staff["shenhe"], False, 3, D(2025, 10, 1), False),
        ("dalian", province.staff["dalian"], False, 3, D(2025, 6, 1), False),
        ("heping", province.staff["heping"], False, 2, D(2024, 6, 1), False),
    ]
    for number, (place, subject, about_leader, form, decided, voided) in enumerate(plan):
        court = world.court(COURT_OF[place])
        clue = Clue.objects.create(
            court=court,
            department=province.departments[place],
            subject=subject,
            about_leader=about_leader,
            summary="反映收受律师宴请",
            source=Clue.Source.LETTER,
            received_on=decided - datetime.timedelta(days=60),
            status=Clue.Status.REFERRED,
        )
        referral = Referral.objects.create(
            clue=clue,
            number=f"纪移〔2025〕{number + 1}号",
            court=court,
            referred_on=decided - datetime.timedelta(days=50),
            letter="移送函",
            stage=Referral.Stage.DISPOSED,
            stage_since=decided,
        )
        Disposition.objects.create(
            referral=referral,
            subject=subject,
            form=form,
            measure=Disposition.Measure.CRITICISM,
            decided_on=decided,
            decision="批评教育",
            voided_at=timezone.now() if voided else None,
        )
        world.dispositions.append(
            {
                "place": place,
                "leader": about_leader,
                "form": form,
                "counts": not voided and YEAR.start <= decided <= YEAR.end,
            }
        )


def expected_rectification(world: World, login: str, today: datetime.date) -> dict[str, int]:
    """Found, rectified, overdue on ``today`` and returned, of the findings ``login`` sees."""
    seen = [f for f in world.findings if f["found"] and f["place"] in SEES[login]]
    return {
        "found": len(seen),
        "rectified": sum(1 for f in seen if f["rectified"]),
        "overdue": sum(1 for f in seen if not f["rectified"] and f["deadline"] < today),
        "returned": sum(1 for f in seen if f["returned"]),
    }


def build_world(province) -> World:
    world = World(province, [])
    for slug in SLUGS:
        world.rows += make_rows(province, slug, PLACES)
    make_declarations(world)
    make_findings(world)
    make_dispositions(world)
    return world


@pytest.fixture
def world(province) -> World:
    return build_world(province)


def area(user, court_id: int | None = None) -> stats.Area:
    return stats.area_of(stats.courts_in_scope(user), court_id)


def expected_buckets(world: World, login: str, rows: list, place_of=lambda row: row.place):
    """Count ``rows`` by the bucket (court id) each one rolls up into for ``login``."""
    buckets = BUCKETS[login]
    counts: Counter = Counter()
    for row in rows:
        counts[world.court(buckets[COURT_OF[place_of(row)]]).pk] += 1
    return counts


# --- the area and its buckets ----------------------------------------------------------------
def test_the_high_court_rolls_its_cities_up(province, logins):
    found = area(logins.supervisor)
    c = province.courts
    assert found.court.id == c["high"].pk
    assert [(b.key, b.own, b.below) for b in found.buckets] == [
        (c["high"].pk, True, False),
        (c["shenyang"].pk, False, True),
        (c["dalian"].pk, False, True),
    ]
    assert found.bucket_of == {
        c["high"].pk: c["high"].pk,
        c["shenyang"].pk: c["shenyang"].pk,
        c["heping"].pk: c["shenyang"].pk,
        c["shenhe"].pk: c["shenyang"].pk,
        c["dalian"].pk: c["dalian"].pk,
        c["zhongshan"].pk: c["dalian"].pk,
    }
    assert found.whole_scope
    assert found.has_below


def test_an_intermediate_court_is_its_own_rows_and_its_basic_courts(province, logins):
    c = province.courts
    found = area(logins.leader)
    assert [(b.key, b.own, b.below) for b in found.buckets] == [
        (c["shenyang"].pk, True, False),
        (c["heping"].pk, False, False),
        (c["shenhe"].pk, False, False),
    ]
    assert found.whole_scope


def test_a_court_below_is_chosen_within_the_scope(province, logins):
    c = province.courts
    found = area(logins.supervisor, c["dalian"].pk)
    assert [b.key for b in found.buckets] == [c["dalian"].pk, c["zhongshan"].pk]
    assert not found.whole_scope  # the supervisor's lists show the province
    assert found.bucket_of == {c["dalian"].pk: c["dalian"].pk, c["zhongshan"].pk: c["zhongshan"].pk}


def test_a_basic_court_is_one_row(province, logins):
    found = area(logins.officer)
    assert [b.key for b in found.buckets] == [province.courts["heping"].pk]
    assert not found.has_below
    assert found.whole_scope


def test_a_court_out_of_scope_cannot_be_chosen(province, logins):
    with pytest.raises(LookupError):
        area(logins.officer, province.courts["dalian"].pk)


def test_two_unrelated_courts_are_two_rows_without_a_chosen_court(province):
    user = UserFactory()
    assign(user, Role.OFFICER, province.courts["heping"])
    assign(user, Role.OFFICER, province.courts["zhongshan"])
    found = area(user)
    assert found.court is None
    assert [b.key for b in found.buckets] == [
        province.courts["heping"].pk,
        province.courts["zhongshan"].pk,
    ]
    assert found.whole_scope


def test_a_court_whose_parent_is_out_of_scope_is_its_own_row(province):
    user = UserFactory()
    assign(user, Role.LEADER, province.courts["high"])  # the high court only
    assign(user, Role.OFFICER, province.courts["heping"])
    found = area(user)
    assert [(b.key, b.below) for b in found.buckets] == [
        (province.courts["high"].pk, False),
        (province.courts["heping"].pk, False),
    ]


# --- the ledgers -----------------------------------------------------------------------------
@pytest.mark.parametrize("login", sorted(SEES))
@pytest.mark.parametrize("slug", SLUGS)
def test_ledger_counts_equal_the_rows_made_in_scope(world, logins, slug, login):
    user = getattr(logins, login)
    assert stats.reaches(user, BY_SLUG[slug].model)
    counts = stats.ledger_counts(
        actor=user, model=BY_SLUG[slug].model, area=area(user), period=YEAR
    )
    rows = world.counted(slug, login)
    assert counts.total == len(rows)
    assert counts.by_court == expected_buckets(world, login, rows)
    assert counts.by_month == Counter(row.day.replace(day=1) for row in rows)
    assert counts.tally("category") == Counter(row.category for row in rows)
    assert counts.staff == len({row.staff_id for row in rows})


def test_a_basic_courts_officer_never_counts_another_court(world, logins):
    counts = stats.ledger_counts(
        actor=logins.officer, model=InterferenceRecord, area=area(logins.officer), period=YEAR
    )
    heping = [r for r in world.rows if r.slug == "interference" and COURT_OF[r.place] == "heping"]
    counted = [r for r in heping if not r.voided and YEAR.start <= r.day <= YEAR.end]
    assert counts.total == len(counted) == 10  # 5 in the period at each of two divisions
    assert set(counts.by_court) == {world.court("heping").pk}


def test_a_chosen_court_below_counts_its_subtree_only(world, logins):
    dalian = world.court("dalian")
    counts = stats.ledger_counts(
        actor=logins.supervisor,
        model=InterferenceRecord,
        area=area(logins.supervisor, dalian.pk),
        period=YEAR,
    )
    rows = [
        r for r in world.counted("interference", "supervisor") if r.place in ("dalian", "zhongshan")
    ]
    assert counts.total == len(rows) == 10
    assert counts.by_court == {dalian.pk: 5, world.court("zhongshan").pk: 5}


def test_interference_by_regulation_and_nature(world, logins):
    counts = stats.ledger_counts(
        actor=logins.leader,
        model=InterferenceRecord,
        area=area(logins.leader),
        period=YEAR,
        by=("nature",),
    )
    rows = world.counted("interference", "leader")
    assert counts.tally("nature") == Counter(row.nature for row in rows)
    assert counts.crossed == Counter((r.category, r.nature) for r in rows)
    assert counts.tally("nature")[""] > 0  # some are not yet screened


def test_ledger_counts_take_four_queries(world, logins, django_assert_num_queries):
    user = logins.supervisor
    where = area(user)
    # The scope's court ids (read once a request), then by court, month, category and staff.
    with django_assert_num_queries(5):
        stats.ledger_counts(actor=user, model=InterferenceRecord, area=where, period=YEAR)


# --- relatives practising law ----------------------------------------------------------------
@pytest.mark.parametrize("login", sorted(SEES))
def test_relatives_stock_as_of_the_end_of_the_period(world, logins, login):
    user = getattr(logins, login)
    as_of = YEAR.end
    stock = stats.relatives_stock(actor=user, area=area(user), as_of=as_of)
    rows = [
        row
        for row in world.rows
        if row.slug == "relatives"
        and row.place in SEES[login]
        and not row.voided
        and row.day <= as_of
    ]
    practising = [
        row for row in rows if not (row.status == "resolved" and row.resolved_on <= as_of)
    ]
    assert stock.staff == len({row.staff_id for row in practising})
    assert stock.relatives == len(practising)
    assert stock.by_status == Counter(row.status for row in rows)
    records = expected_buckets(world, login, rows)
    assert {key: counts["records"] for key, counts in stock.by_court.items()} == records
    # A relative who stopped practising after the day still practised on it.
    assert any(row.status == "resolved" and row.resolved_on > as_of for row in practising)


# --- zero reports ----------------------------------------------------------------------------
def test_zero_reports_per_period_court_and_department(world, logins):
    user = logins.supervisor
    zero = stats.zero_reports(actor=user, area=area(user), period=YEAR)
    counted = [d for d in world.declarations if d["counts"]]
    march, april = (
        Period(c.period_start, c.period_end)
        for c in (world.campaigns["march"], world.campaigns["april"])
    )
    assert zero.periods == [march, april]
    filed = [d for d in counted if d["filed"]]
    assert zero.total.filed == len(filed) == 9
    assert zero.total.zero == sum(1 for d in filed if d["zero"]) == 5
    for spell, campaign in ((march, world.campaigns["march"]), (april, world.campaigns["april"])):
        in_it = [d for d in filed if d["campaign"] == campaign]
        assert zero.by_period[spell].filed == len(in_it)
        assert zero.by_period[spell].zero == sum(1 for d in in_it if d["zero"])
    shenyang = world.court("shenyang").pk
    assert zero.by_court[(march, shenyang)].filed == 7  # 沈阳 and the two courts below it
    assert zero.by_court[(march, shenyang)].zero == 4
    assert zero.by_court[(april, world.court("dalian").pk)].filed == 2
    # Departments are the chosen court's own (the high court has no reports of its own).
    assert zero.by_department == {}


def test_zero_reports_of_a_basic_court_by_department(world, logins):
    user = logins.officer
    zero = stats.zero_reports(actor=user, area=area(user), period=YEAR)
    march = Period(D(2025, 3, 1), D(2025, 3, 31))
    civil, criminal = (world.province.departments[k].pk for k in ("heping", "heping_criminal"))
    assert zero.periods == [march]
    assert (zero.total.filed, zero.total.zero) == (4, 2)
    assert zero.by_department[(march, civil)].filed == 3
    assert zero.by_department[(march, civil)].zero == 2
    assert zero.by_department[(march, criminal)].filed == 1
    assert zero.by_department[(march, criminal)].rate == 0
    assert zero.campaign_of == {(march, world.court("heping").pk): world.campaigns["march"].pk}


def test_a_period_that_no_campaign_overlaps_has_no_reports(world, logins):
    user = logins.officer
    zero = stats.zero_reports(
        actor=user, area=area(user), period=Period(D(2025, 5, 1), D(2025, 5, 31))
    )
    assert zero.periods == []
    assert zero.total.rate is None


# --- rectification and dispositions ----------------------------------------------------------
@pytest.mark.parametrize("login", ["supervisor", "leader", "officer", "chief", "outsider"])
def test_rectification_counts_findings_of_inspections_in_the_period(world, logins, login):
    user = getattr(logins, login)
    found = stats.rectification(actor=user, area=area(user), period=YEAR, today=TODAY)
    rows = [f for f in world.findings if f["found"] and f["place"] in SEES[login]]
    assert found.total == expected_rectification(world, login, TODAY)
    if "heping" in SEES[login]:  # 和平 has an item due after TODAY, not yet overdue
        assert found.total["overdue"] < found.total["found"] - found.total["rectified"]
    by_court = {key: counts["found"] for key, counts in found.by_court.items()}
    assert by_court == expected_buckets(world, login, rows, place_of=lambda f: f["place"])


@pytest.mark.parametrize(
    ("login", "forms"),
    [
        # The discipline team and the court above count the clue about 和平's president.
        ("discipline", {1: 2, 2: 1, 3: 1}),
        ("leader", {1: 2, 2: 1, 3: 1}),
        # 和平's own leader and officer do not, not even in a total.
        ("vice", {1: 2}),
        ("officer", {1: 2}),
        ("outsider", {3: 1}),
    ],
)
def test_dispositions_by_form_leave_a_leaders_clue_out_of_their_court(world, logins, login, forms):
    user = getattr(logins, login)
    found = stats.dispositions(actor=user, area=area(user), period=YEAR)
    assert found.by_form() == forms
    rows = [
        d
        for d in world.dispositions
        if d["counts"]
        and d["place"] in SEES[login]
        and not (d["leader"] and login in ("vice", "officer"))
    ]
    assert found.total == len(rows)


def test_supervision_staff_do_not_read_dispositions(logins):
    assert not stats.reaches(logins.supervisor, Disposition)
    assert stats.reaches(logins.supervisor, Finding)
    assert not stats.reaches(logins.staff, InterferenceRecord)
    assert not stats.reaches(logins.staff, RelativePractice)


# --- the period ------------------------------------------------------------------------------
def test_period_months_and_month_parts():
    period = Period(D(2025, 11, 15), D(2026, 2, 10))
    assert period.months() == [D(2025, 11, 1), D(2025, 12, 1), D(2026, 1, 1), D(2026, 2, 1)]
    assert period.month(D(2025, 11, 1)) == Period(D(2025, 11, 15), D(2025, 11, 30))
    assert period.month(D(2026, 2, 1)) == Period(D(2026, 2, 1), D(2026, 2, 10))
    assert period.month(D(2025, 12, 1)) == Period(D(2025, 12, 1), D(2025, 12, 31))
    assert Period.year_to_date(D(2026, 3, 5)) == Period(D(2026, 1, 1), D(2026, 3, 5))
