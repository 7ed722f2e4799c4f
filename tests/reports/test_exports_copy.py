"""CSV exports written by PostgreSQL (issue 6, CSV speed; integrity/reports/exports/copy.py) for
the lists with regulation-rule columns, many-valued columns and related rows: the file PostgreSQL
writes equals the Python writer's cell for cell, with data that takes every branch of the rules
(ledgers/rules.py) and every awkward text (formula signs, commas, quotes, line breaks, empty
cells); the rules still run in Python, once per distinct key, in a fixed number of queries
whatever the list's length; a record changed after its rule's results were looked up is copied
with its own results; the SQL form of the relatives' jurisdiction key agrees with the Python one
(on both databases)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from inspections.models import Clue, Finding, Referral
from inspections.services import clues as clue_services
from inspections.services.referrals import referral_create
from integrity.org.models import Court
from integrity.reports.exports import copy, services, sources
from integrity.reports.models import ExportJob
from ledgers.models import Campaign, Declaration, DepartureRecord, RelativePractice
from tests.factories import StaffMemberFactory, make_court
from tests.inspections.conftest import logins  # noqa: F401  (the fixture)
from tests.inspections.inspection_builders import days, make_finding, make_inspection
from tests.ledgers.test_declarations import file, open_campaign
from tests.ledgers.test_pages import DAY, make, model_of
from tests.reports.test_exports import column, exported, officer_of, read_rows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("export_root")]
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY is PostgreSQL's"
)

# Text a CSV must quote or neutralise: formula signs (ASCII and full-width), commas, quotes,
# line breaks (LF, CR, CRLF), nothing at all.
AWKWARD = ["=cmd", "", "普通", 'a,"b"\nc', "\rx", "－1", "x\r\ny", "@SUM(A1)"]


def both_ways(client, source: str, monkeypatch, **query: Any) -> list[list[str]]:
    """The list exported by PostgreSQL (COPY) and by the Python writer: the same rows."""
    copies = []
    real = copy.copy_csv

    def spied(*args: Any) -> Any:
        copies.append(source)
        return real(*args)

    with monkeypatch.context() as patched:
        patched.setattr(copy, "copy_csv", spied)
        by_copy = read_rows(exported(client, source, **query))
        patched.setattr(copy, "usable", lambda plan: False)
        by_python = read_rows(exported(client, source, **query))
    assert copies == [source]  # the first by COPY, the second not
    assert by_copy == by_python
    return by_copy


@pytest.fixture
def web(client, province):
    """A discipline officer of 沈阳 (辽01) covering the courts below, logged in."""
    client.force_login(officer_of(province.courts["shenyang"], covers=True))
    return client


def staff_of(province, key: str = "heping", **flags: bool):
    return StaffMemberFactory(
        court=province.courts[key], department=province.departments[key], **flags
    )


# --- which lists PostgreSQL writes -------------------------------------------------------------
@pytest.mark.parametrize("key", sorted(sources.SOURCES))
def test_postgresql_writes_every_list_in_chinese_and_python_in_english(key):
    plan = sources.SOURCES[key].plan({})
    assert copy.usable(plan) is (connection.vendor == "postgresql")
    with translation.override("en"):
        assert not copy.usable(sources.SOURCES[key].plan({}))  # "N j, Y": not to_char's


def test_a_rule_key_made_in_python_only_keeps_the_python_writer():
    plan = sources.Plan(order=("-pk",))
    plan.ruled(
        ("a", sources.BOOL),
        needs=("court__path", "firm_area__path"),
        compute=lambda inside: (inside,),
        narrow=lambda values: (values[1].startswith(values[0]),),
    )
    assert plan.rule_keys == [None]
    assert not copy.usable(plan)


# --- the ledgers with rule columns ---------------------------------------------------------------
def relatives(province) -> None:
    """Every branch of 法发〔2020〕13号 arts. 1–2 as rules.recusal_required decides them."""
    c = province.courts
    neither = staff_of(province, is_trial_post=False, is_leading_cadre=False)
    cadre = staff_of(province, is_trial_post=False, is_leading_cadre=True)
    judge = staff_of(province, is_trial_post=True)
    for staff, relationship, role, area, acts in (
        (neither, "spouse", "partner", c["heping"], True),  # neither cadre nor trial post
        (judge, "brother", "partner", c["heping"], True),  # not spouse, parent or child
        (judge, "other", "lawyer", None, False),  # not reported at all
        (judge, "spouse", "partner", c["heping"], False),  # firm in the court's own area
        (cadre, "son", "partner", c["shenhe"], False),  # firm in another county
        (judge, "father", "partner", c["shenyang"], False),  # the city above: not within
        (judge, "mother", "partner", None, False),  # where the firm is: not known
        (judge, "daughter", "lawyer", c["dalian"], True),  # acts in the court's cases
        (judge, "spouse", "lawyer", c["heping"], False),  # a lawyer, not a partner
    ):
        make(
            "relatives",
            province,
            staff=staff,
            relationship=relationship,
            role=role,
            firm_area=area,
            acts_in_jurisdiction=acts,
        )
    # An intermediate court's jurisdiction holds its counties' firms.
    make("relatives", province, "shenyang", firm_area=c["heping"])
    for text in AWKWARD:
        make("relatives", province, relative_name=text or "某", notes=text, law_firm=text or "所")
    required = list(RelativePractice.objects.order_by("pk")[:3])
    for record, day in zip(
        required, (datetime.date(2025, 1, 31), datetime.date(2024, 8, 31), DAY), strict=True
    ):
        RelativePractice.objects.filter(pk=record.pk).update(
            status="pending", recusal_required_on=day
        )
    RelativePractice.objects.filter(pk=required[2].pk).update(department=None)


@postgresql_only
def test_relatives_by_postgresql_as_by_python(web, province, monkeypatch):
    relatives(province)
    rows = both_ways(web, "ledger:relatives", monkeypatch)
    assert len(rows) == 1 + 10 + len(AWKWARD)
    decided = column(rows, "需任职回避")[len(AWKWARD) :][::-1]  # in the order entered
    assert decided == ["否", "否", "否", "是", "否", "否", "否", "是", "否", "是"]
    due = ["", "2024年9月30日", "2025年2月28日", "2025年4月5日"]
    assert sorted(set(column(rows, "回避申请截止日期"))) == due


def departures(province) -> None:
    """Every way of leaving, with and without the longer restriction (leadership, grade,
    assistant), a 29 February departure, no courts served, several, and a court name that a
    spreadsheet would run."""
    c = province.courts
    Court.objects.filter(pk=c["zhongshan"].pk).update(name='=中山,"区"法院')
    cases = [
        {"how": how, "was_leadership": leadership, "last_grade": grade, "senior_assistant": aide}
        for how in ("retired", "resigned", "dismissed", "discharged", "transferred")
        for leadership, grade, aide in (
            (False, "judge_2", False),
            (True, "judge_2", False),
            (False, "senior_4", False),
            (False, "", True),
            (False, "", False),
        )
    ]
    served = [[], [c["heping"]], [c["dalian"], c["heping"], c["zhongshan"]], [c["zhongshan"]]]
    for index, values in enumerate(cases):
        make(
            "departures",
            province,
            left_on=datetime.date(2024, 2, 29) if index % 3 else DAY,
            served_courts=served[index % len(served)],
            current_employer=AWKWARD[index % len(AWKWARD)],
            notes=AWKWARD[(index + 3) % len(AWKWARD)],
            **values,
        )


@postgresql_only
def test_departures_by_postgresql_as_by_python(web, province, monkeypatch):
    departures(province)
    rows = both_ways(web, "ledger:departures", monkeypatch)
    assert len(rows) == 1 + 25
    assert set(column(rows, "终身不得在律师事务所从业")) == {"是", "否"}
    assert '\'=中山,"区"法院' in column(rows, "曾任职法院")
    assert "" in column(rows, "曾任职法院")
    assert any("、" in courts for courts in column(rows, "曾任职法院"))
    assert "" in column(rows, "从业限制截止日期")  # dismissed: for life


@postgresql_only
def test_reports_by_postgresql_as_by_python(web, province, monkeypatch):
    for late, text in zip((0, 1, 3, 4, 30, 0, 2, 5), AWKWARD, strict=True):
        make(
            "reports",
            province,
            reported_on=DAY + datetime.timedelta(days=late),
            circumstances=text or "偶遇",
            notes=text,
        )
    make("reports", province, "shenhe", contact_on=datetime.date(2024, 2, 27), reported_on=DAY)
    rows = both_ways(web, "ledger:reports", monkeypatch)
    assert column(rows, "逾期报告")[::-1] == ["否", "否", "否", "是", "是", "否", "否", "是", "是"]


# --- the other lists -----------------------------------------------------------------------------
@postgresql_only
def test_a_campaigns_declarations_by_postgresql_as_by_python(client, province, monkeypatch):
    """Overdue (逾期) reads today: PostgreSQL's file and Python's take the same day."""
    officer = officer_of(province.courts["heping"])
    for _ in range(3):
        staff_of(province)
    campaign = open_campaign(province, actor=officer)
    tasks = Declaration.objects.filter(campaign=campaign).order_by("pk")
    file(tasks[0], has_nothing=True)
    Declaration.objects.filter(pk=tasks[1].pk).update(
        status=Declaration.Status.RETURNED, return_reason='=补充,"材料"\n再报'
    )
    client.force_login(officer)
    today = timezone.localdate()
    for due_on, overdue in ((today, "否"), (today - datetime.timedelta(days=1), "是")):
        Campaign.objects.filter(pk=campaign.pk).update(due_on=due_on)
        rows = both_ways(client, "declarations", monkeypatch, campaign=campaign.pk)
        assert column(rows, "逾期") == ["否", *[overdue] * (len(rows) - 2)]
    assert len(rows) - 1 == tasks.count() >= 5


@postgresql_only
def test_findings_and_inspections_by_postgresql_as_by_python(
    client,
    province,
    logins,  # noqa: F811
    monkeypatch,
):
    c, d = province.courts, province.departments
    inspection = make_inspection(
        logins.supervisor,
        province,
        targets=[(c["shenhe"], d["shenhe"]), (c["heping"], None)],
    )
    make_inspection(
        logins.supervisor,
        province,
        title='=巡查,"回头看"\n2026',
        targets=[(c["heping"], d["heping_criminal"])],
    )
    findings = [
        make_finding(logins.supervisor, inspection, province, description=text or "问题")
        for text in AWKWARD
    ]
    for finding, late in zip(findings, (3, 0, -5, 10, 1, -9, 2, -1), strict=True):
        Finding.objects.filter(pk=finding.pk).update(deadline=days(-late))
    closed, voided, returned = (Finding.objects.filter(pk=findings[i].pk) for i in (3, 4, 6))
    closed.update(status=Finding.Status.CLOSED, closed_on=days(-1))
    voided.update(voided_at=timezone.now(), void_reason="=重复")
    returned.update(status=Finding.Status.RETURNED, department=None)
    client.force_login(logins.supervisor)
    one = both_ways(client, "findings", monkeypatch, inspection=inspection.pk)
    assert column(one, "逾期") == ["是", "否", "否", "否", "否", "否", "是", "否"]
    both_ways(client, "findings", monkeypatch)
    listed = both_ways(client, "inspections", monkeypatch)
    heping, shenhe = c["heping"].name, c["shenhe"].name
    assert column(listed, "被督察单位")[1] == f"{heping}、{shenhe}{d['shenhe'].name}"
    client.force_login(logins.chief)
    both_ways(client, "findings", monkeypatch, mine=1)


@postgresql_only
def test_clues_by_postgresql_as_by_python(client, province, logins, monkeypatch):  # noqa: F811
    clues = [
        clue_services.clue_create(
            actor=None,
            fields={
                "court": province.courts["heping"],
                "subject": province.staff["heping"],
                "summary": text or "线索",
                "source": Clue.Source.DIRECT,
            },
        )
        for text in AWKWARD[:4]
    ]
    for clue in clues[1:]:
        referral_create(actor=logins.discipline, clue=clue)
    Referral.objects.filter(clue=clues[2]).update(stage="verifying", way="verify")
    Referral.objects.filter(clue=clues[3]).update(voided_at=timezone.now())
    referral_create(actor=logins.discipline, clue=clues[3])
    client.force_login(logins.discipline)
    rows = both_ways(client, "clues", monkeypatch)
    numbers = column(rows, "移送函编号")[::-1]  # in the order entered
    assert numbers[0] == ""
    assert numbers[3] == Referral.objects.get(clue=clues[3], voided_at=None).number
    assert column(rows, "处置方式")[::-1] == ["", "", str(Referral.Way.VERIFY.label), ""]


# --- the rules run in Python once per key, in a fixed number of queries ---------------------------
def varied(slug: str, index: int) -> dict[str, Any]:
    """Overrides giving each record its own rule key."""
    day = DAY - datetime.timedelta(days=index)
    return {
        "relatives": {"reported_on": day, "acts_in_jurisdiction": bool(index % 2)},
        "departures": {"left_on": day},
        "reports": {"contact_on": day, "reported_on": DAY + datetime.timedelta(days=index % 5)},
    }[slug]


@postgresql_only
@pytest.mark.parametrize("slug", ["relatives", "departures", "reports"])
def test_an_export_by_postgresql_costs_the_same_queries_whatever_its_length(province, slug):
    """Twice the records, each with its own rule key: the same queries (the rules' distinct
    keys one query per rule group, the range, the COPY's progress, the settings), none per
    record or per key."""
    user = officer_of(province.courts["heping"])
    plan = sources.SOURCES[f"ledger:{slug}"].plan({})
    counts = []
    for size in (4, 8):
        while model_of(slug).objects.count() < size:
            make(slug, province, **varied(slug, model_of(slug).objects.count()))
        if slug == "relatives":
            RelativePractice.objects.filter(acts_in_jurisdiction=True).update(
                status="pending", recusal_required_on=F("reported_on")
            )
        job, _estimate = services.export_create(
            actor=user, source=f"ledger:{slug}", fmt="csv", params={}
        )
        with CaptureQueriesContext(connection) as queries:
            services.export_run(job_id=job.pk)
        assert ExportJob.objects.get(pk=job.pk).done == size
        distinct = [q for q in queries.captured_queries if q["sql"].startswith("SELECT (ROW(")]
        assert len(distinct) == len(plan.rule_groups)  # one per rule group, not per row or key
        counts.append(len(queries))
    assert counts[0] == counts[1]


@postgresql_only
def test_a_list_copied_in_several_ranges_looks_its_rules_up_once(web, province, monkeypatch):
    """The rules' results are looked up once an export, for all its ranges; the rows are
    numbered on from range to range."""
    monkeypatch.setattr(copy, "RANGE_SIZE", 2)
    departures(province)
    with CaptureQueriesContext(connection) as queries:
        rows = both_ways(web, "ledger:departures", monkeypatch)
    distinct = [q for q in queries.captured_queries if q["sql"].startswith("SELECT (ROW(")]
    assert len(distinct) == 1
    assert column(rows, "序号") == [str(n) for n in range(1, 26)]
    progress = [q for q in queries.captured_queries if 'SET "done" = ' in q["sql"]]
    assert len(progress) == 13 + 1  # by COPY 2 rows a range, by Python 2,000 rows a batch


@postgresql_only
def test_a_record_changed_after_the_lookup_is_copied_with_its_own_rule_results(
    web, province, monkeypatch
):
    """The lookup of a rule's results is made before the rows are copied: a record entered or
    changed meanwhile with a key not in it fails the COPY, which is run again with a fresh
    lookup (the partial lines written are dropped)."""
    for index in range(6):
        make("departures", province, **varied("departures", index))
    oldest = DepartureRecord.objects.order_by("pk").first()
    real, made = copy.lookups, []

    def changed_meanwhile(qs: Any, plan: Any) -> Any:
        made.append(real(qs, plan))
        if len(made) == 1:
            DepartureRecord.objects.filter(pk=oldest.pk).update(
                left_on=datetime.date(2020, 2, 29), how="dismissed"
            )
        return made[-1]

    monkeypatch.setattr(copy, "lookups", changed_meanwhile)
    rows = both_ways(web, "ledger:departures", monkeypatch)
    assert len(made) == 2  # the lookup, and the fresh one after the failed COPY
    assert len(rows) == 7
    assert column(rows, "序号") == [str(n) for n in range(1, 7)]
    assert column(rows, "终身不得在律师事务所从业")[-1] == "是"


# --- the relatives' jurisdiction key: SQL and Python agree -------------------------------------
def test_the_relatives_jurisdiction_key_is_the_same_in_sql_as_in_python(province):
    """rules.within_jurisdiction is a prefix test of the courts' paths: its SQL form (in
    sources._relative_rules) gives the same key for equal, nested, parent, sibling, empty and
    unknown areas, for paths that are prefixes without being ancestors, in letters' case and
    with LIKE's wildcards."""
    pairs = [
        ("000001/000002/", "000001/000002/", True),  # the court's own area
        ("000001/000002/", "000001/000002/000007/", True),  # a county below
        ("000001/000002/", "000001/", False),  # the province above
        ("000001/000002/", "000001/000003/", False),  # a sibling
        ("000001/000002/", "", False),  # an area without a path
        ("", "000001/", False),  # a court without a path
        ("", "", False),
        ("1/2", "1/23", True),  # a prefix, not an ancestor: the rule's own prefix test
        ("A/", "a/b/", False),
        ("1_%/", "1_%/x/", True),
        ("1_%/", "1ab/x/", False),
        ("1/2/", None, False),  # where the firm is: not known
    ]
    for index, (court_path, area_path, _inside) in enumerate(pairs):
        court = make_court(f"甲{index}法院", f"甲{index}")
        Court.objects.filter(pk=court.pk).update(path=court_path)
        area = None
        if area_path is not None:
            area = make_court(f"乙{index}法院", f"乙{index}")
            Court.objects.filter(pk=area.pk).update(path=area_path)
        RelativePractice.objects.create(
            court=court,
            staff=staff_of(province, is_leading_cadre=bool(index % 2)),
            relative_name="李某",
            relationship="spouse",
            law_firm="某所",
            firm_area=area,
            role="partner",
            acts_in_jurisdiction=index % 3 == 0,
            reported_on=DAY,
        )
    plan = sources.SOURCES["ledger:relatives"].plan({})
    (_place, key_of, _compute, _known), keys = plan.rule_groups[0], plan.rule_keys[0]
    records = RelativePractice.objects.order_by("pk")
    in_python = [key_of(row) for row in records.values_list(*plan.fields)]
    names = {f"k{index}": key for index, key in enumerate(keys)}
    in_sql = list(records.annotate(**names).values_list(*names))
    assert in_sql == in_python
    assert [key[4] for key in in_python] == [inside for _c, _a, inside in pairs]
