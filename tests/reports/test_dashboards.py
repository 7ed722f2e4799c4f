"""The dashboard page (/reports/) and its API (/api/v1/reports/dashboard/): who may see it,
figures equal to counts computed from the data (test_stats.py builds it), every link into a
ledger list opening a list of exactly the number it shows, valid SVG charts with Chinese
labels, the same figures from the API, and a fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime
import html
import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from integrity.reports import stats
from integrity.reports.dashboards import figures
from ledgers.specs import BY_SLUG

from . import test_stats
from .test_stats import (
    BUCKETS,
    COUNT_PLAN,
    PLACES,
    SEES,
    SLUGS,
    YEAR,
    expected_buckets,
    expected_rectification,
    make_rows,
)

pytestmark = pytest.mark.django_db

logins = test_stats.logins
world = test_stats.world
PERIOD = {"date_from": "2025-01-01", "date_to": "2025-12-31"}
SVG = "{http://www.w3.org/2000/svg}"


def page(user, **params) -> Client:
    client = Client()
    client.force_login(user)
    return client.get("/reports/", {**PERIOD, **params})


def api(user, language: str = "zh-hans", **params):
    client = APIClient()
    client.force_login(user)
    return client.get(
        "/api/v1/reports/dashboard/", {**PERIOD, **params}, HTTP_ACCEPT_LANGUAGE=language
    )


def list_links(content: str) -> list[tuple[str, int]]:
    """The links of the page's tables into the ledger lists, with the number each shows."""
    found = re.findall(r'<a href="(/ledgers/[^"]+)">(\d+)</a>', content)
    return [(html.unescape(href), int(number)) for href, number in found]


def rows_listed(client: Client, href: str) -> int:
    response = client.get(href)
    assert response.status_code == 200, href
    slug = href.split("/")[2]
    return len(set(re.findall(rf'href="/ledgers/{slug}/(\d+)/"', response.content.decode())))


# --- who sees it -----------------------------------------------------------------------------
def test_plain_staff_get_the_same_404_as_an_unknown_page(logins):
    client = Client()
    client.force_login(logins.staff)
    assert client.get("/reports/").status_code == 404
    assert client.get("/reports/no-such-page/").status_code == 404
    assert api(logins.staff).status_code == 404
    assert not figures.may_see_dashboard(logins.staff)


def test_anonymous_visitors_are_sent_to_log_in():
    response = Client().get("/reports/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert APIClient().get("/api/v1/reports/dashboard/").status_code == 401


@pytest.mark.parametrize(
    ("login", "shown", "hidden"),
    [
        ("supervisor", ["interference", "rectification", "zero-reports"], ["dispositions"]),
        ("discipline", ["interference", "dispositions", "relatives-stock"], []),
        ("chief", ["contacts", "rectification"], ["dispositions"]),
        ("officer", ["departures", "dispositions", "zero-reports"], []),
    ],
)
def test_each_role_sees_the_sections_its_roles_reach(world, logins, login, shown, hidden):
    content = page(getattr(logins, login)).content.decode()
    for key in shown:
        assert f'id="{key}"' in content
    for key in hidden:
        assert f'id="{key}"' not in content


def test_the_court_chooser_offers_the_courts_in_scope_only(world, logins):
    def options(user) -> list[str]:
        content = page(user).content.decode()
        select = re.search(r'<select name="court".*?</select>', content, re.S).group(0)
        return re.findall(r'<option value="(\d+)"', select)

    c = world.province.courts
    assert options(logins.officer) == [str(c["heping"].pk)]
    assert options(logins.leader) == [str(c[k].pk) for k in ("shenyang", "heping", "shenhe")]
    assert len(options(logins.supervisor)) == len(c)


def test_a_court_out_of_scope_is_refused(world, logins):
    dalian = world.court("dalian").pk
    response = page(logins.officer, court=dalian)
    assert response.status_code == 200
    assert response.context["form"].errors["court"]
    # The page falls back to the reader's own court; nothing of 大连 is counted.
    assert response.context["board"].area.court.id == world.court("heping").pk
    answer = api(logins.officer, court=dalian)
    assert answer.status_code == 400
    assert "court" in answer.json()["error"]["fields"]


def test_the_period_is_this_year_so_far_by_default(logins):
    client = Client()
    client.force_login(logins.officer)
    board = client.get("/reports/").context["board"]
    today = timezone.localdate()
    assert (board.period.start, board.period.end) == (today.replace(month=1, day=1), today)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2025年13月1日"}, "date_from"),
        ({"date_from": "2025-06-01", "date_to": "2025-05-31"}, "date_to"),
        ({"date_from": "2010-01-01", "date_to": "2025-12-31"}, "date_to"),
    ],
)
def test_a_bad_period_is_explained(logins, params, field):
    response = page(logins.officer, **params)
    assert response.context["form"].errors[field]
    assert api(logins.officer, **params).json()["error"]["fields"][field]


def test_dates_are_read_as_chinese_users_write_them(world, logins):
    response = api(logins.officer, date_from="２０２５年３月１日", date_to="2025.3.31")
    assert response.status_code == 200
    assert (response.json()["date_from"], response.json()["date_to"]) == (
        "2025-03-01",
        "2025-03-31",
    )


# --- the figures -----------------------------------------------------------------------------
@pytest.mark.parametrize("login", ["supervisor", "leader", "officer", "chief", "outsider"])
def test_the_api_figures_equal_the_rows_made_in_scope(world, logins, login):
    data = api(getattr(logins, login)).json()
    for ledger in data["ledgers"]:
        slug = ledger["ledger"]
        rows = world.counted(slug, login)
        assert ledger["total"] == len(rows)
        assert ledger["staff"] == len({row.staff_id for row in rows})
        by_court = {item["court"]: item["count"] for item in ledger["by_court"] if item["count"]}
        assert by_court == expected_buckets(world, login, rows)
        by_month = {item["month"]: item["count"] for item in ledger["by_month"] if item["count"]}
        assert by_month == {
            f"{month:%Y-%m-%d}": n
            for month, n in Counter(row.day.replace(day=1) for row in rows).items()
        }
        by_category = {i["value"]: i["count"] for i in ledger["by_category"] if i["count"]}
        assert by_category == Counter(row.category for row in rows)
    assert [ledger["ledger"] for ledger in data["ledgers"]] == SLUGS
    assert {court["id"] for court in data["courts"]} == {
        world.court(key).pk for key in set(BUCKETS[login].values())
    }
    rectification = {k: data["rectification"][k] for k in stats.RECTIFICATION_COUNTS}
    assert rectification == expected_rectification(world, login, timezone.localdate())


def test_a_basic_courts_officer_sees_no_other_court_not_even_in_a_total(world, logins):
    data = api(logins.officer).json()
    heping = world.court("heping").pk
    assert data["courts"] == [
        {"id": heping, "name": "沈阳市和平区人民法院", "own": True, "below": False}
    ]
    for ledger in data["ledgers"]:
        assert [item["court"] for item in ledger["by_court"]] == [heping]
        assert ledger["total"] == len(world.counted(ledger["ledger"], "officer")) == 10
    # The April campaign of 大连 is not the officer's: only 和平's March reports count.
    assert [(p["start"], p["filed"]) for p in data["zero_reports"]["periods"]] == [
        ("2025-03-01", 4)
    ]


def test_interference_by_nature_and_the_sentence(world, logins):
    data = api(logins.leader, "en").json()
    rows = world.counted("interference", "leader")
    natures = Counter(row.nature for row in rows)
    assert {i["value"]: i["count"] for i in data["interference"]["by_nature"]} == {
        "within_duty": natures["within_duty"],
        "improper": natures["improper"],
        "": natures[""],
    }
    crossed = Counter((row.category, row.nature) for row in rows)
    assert {
        (i["regulation"], i["nature"]): i["count"]
        for i in data["interference"]["by_regulation_and_nature"]
    } == crossed
    sentence = data["ledgers"][0]["sentence"]
    assert sentence == (
        "From Jan. 1, 2025 to Dec. 31, 2025, 沈阳市中级人民法院 and the courts below it "
        f"entered {len(rows)} records in the ledger “Interference and inquiries”, concerning "
        f"{len({r.staff_id for r in rows})} staff members. Of these, {natures['within_duty']} "
        f"were inquiries within duty and procedure, {natures['improper']} improper inquiries or "
        f"interference, and {natures['']} are not yet screened."
    )


def test_the_relatives_sentence_falls_out_of_the_data(world, logins):
    """ "营口两级法院共有23名干警亲属从事律师工作": here for 沈阳 and the courts below it."""
    relatives = api(logins.leader, "en").json()["relatives"]
    rows = [
        row
        for row in world.rows
        if row.slug == "relatives"
        and row.place in SEES["leader"]
        and not row.voided
        and row.day <= YEAR.end
    ]
    practising = [r for r in rows if not (r.status == "resolved" and r.resolved_on <= YEAR.end)]
    staff = len({row.staff_id for row in practising})
    statuses = Counter(row.status for row in rows)
    assert (relatives["staff"], relatives["relatives"]) == (staff, len(practising))
    assert relatives["sentence"] == (
        f"As of Dec. 31, 2025, {staff} staff members of 沈阳市中级人民法院 and the courts "
        f"below it have relatives practising law ({len(practising)} relatives); post recusal "
        f"is pending for {statuses['pending']} and implemented for {statuses['implemented']}."
    )


def test_a_clue_about_a_court_leader_is_not_counted_for_that_court(world, logins):
    """The president of 和平 is the subject of a disposition (form 2): 和平's own leader
    does not count it, not even in the total; 沈阳 above and the discipline team do."""
    for login, total, second in (("vice", 2, 0), ("officer", 2, 0), ("leader", 4, 1)):
        data = api(getattr(logins, login)).json()["dispositions"]
        forms = {item["value"]: item["count"] for item in data["by_form"]}
        assert (data["total"], forms[2]) == (total, second), login
    discipline = api(logins.discipline).json()["dispositions"]
    assert discipline["total"] == 4


# --- links into the lists --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("login", "court", "at_least"),
    [
        ("officer", None, 100),
        ("chief", None, 100),
        ("leader", None, 100),
        # A court below the supervisor's own, with courts below it: the lists filter on one
        # court, so only its own and its basic court's rows link; months and categories of
        # the two together have no list (and no link).
        ("supervisor", "dalian", 14),
    ],
)
def test_every_link_opens_a_list_of_exactly_that_number(world, logins, login, court, at_least):
    user = getattr(logins, login)
    params = {"court": world.court(court).pk} if court else {}
    content = page(user, **params).content.decode()
    links = list_links(content)
    assert len(links) >= at_least
    client = Client()
    client.force_login(user)
    for href, number in links:
        assert rows_listed(client, href) == number, href


def test_the_links_carry_the_court_period_and_category(world, logins):
    content = page(logins.officer).content.decode()
    heping = world.court("heping").pk
    links = dict(list_links(content))
    march = f"/ledgers/interference/?court={heping}&date_from=2025-03-01&date_to=2025-03-31"
    assert links[march] == 4  # two divisions, two records each in March
    category = (
        f"/ledgers/contacts/?court={heping}&date_from=2025-01-01&date_to=2025-12-31&category="
    )
    assert any(href.startswith(category) for href in links)
    as_of = f"/ledgers/relatives/?court={heping}&date_to=2025-12-31&status=pending"
    assert as_of in links


def test_a_court_with_courts_below_opens_its_own_dashboard(world, logins):
    content = html.unescape(page(logins.supervisor).content.decode())
    shenyang = world.court("shenyang").pk
    drill = f"/reports/?court={shenyang}&date_from=2025-01-01&date_to=2025-12-31"
    assert f'href="{drill}"' in content
    client = Client()
    client.force_login(logins.supervisor)
    board = client.get(drill).context["board"]
    assert [bucket.key for bucket in board.area.buckets] == [
        shenyang,
        world.court("heping").pk,
        world.court("shenhe").pk,
    ]


def test_the_whole_scope_links_without_a_court(world, logins):
    links = dict(list_links(page(logins.supervisor).content.decode()))
    total = len(world.counted("departures", "supervisor"))
    assert links["/ledgers/departures/?date_from=2025-01-01&date_to=2025-12-31"] == total


# --- charts ----------------------------------------------------------------------------------
def test_the_charts_are_valid_svg_with_chinese_labels(world, logins):
    content = page(logins.supervisor).content.decode()
    charts = re.findall(r"<svg .*?</svg>", content, re.S)
    assert len(charts) >= 20
    for chart in charts:
        root = ET.fromstring(chart)  # noqa: S314 - our own page's markup
        assert root.get("role") == "img"
        title_id, desc_id = root.get("aria-labelledby").split()
        assert root.find(f"{SVG}title").get("id") == title_id
        assert root.find(f"{SVG}desc").get("id") == desc_id
    texts = "".join(ET.fromstring(charts[0]).itertext())  # noqa: S314
    assert "沈阳市中级人民法院" in texts
    ids = re.findall(r'<title id="([^"]+)"', content)
    assert len(ids) == len(set(ids))


def test_each_chart_has_its_table(world, logins):
    content = page(logins.leader).content.decode()
    assert content.count("<svg ") == content.count('<table class="table chart-table">')


# --- a fixed number of queries ---------------------------------------------------------------
# Session, login, role assignments, the courts in scope, (the subtree's court ids for a
# covering assignment), four per ledger, two for relatives, two for zero reports, one for
# rectification, (one for dispositions: not for supervision), and the page header's two.
QUERIES = {"supervisor": 36, "officer": 36, "discipline": 37}


@pytest.mark.parametrize("login", sorted(QUERIES))
def test_the_page_runs_a_fixed_number_of_queries(world, logins, login, django_assert_num_queries):
    user = getattr(logins, login)
    client = Client()
    client.force_login(user)
    with django_assert_num_queries(QUERIES[login]):
        client.get("/reports/", PERIOD)
    # Three times the records, at every court: not one query more.
    for slug in SLUGS:
        make_rows(world.province, slug, PLACES, plan=COUNT_PLAN)
    with django_assert_num_queries(QUERIES[login]):
        response = client.get("/reports/", PERIOD)
    data = response.context["board"].counts(BY_SLUG["interference"].model)
    assert data.total == 3 * len(world.counted("interference", login))


def test_the_api_runs_a_fixed_number_of_queries(world, logins, django_assert_num_queries):
    client = APIClient()
    client.force_login(logins.leader)
    with django_assert_num_queries(35):
        client.get("/api/v1/reports/dashboard/", PERIOD)
    for slug in SLUGS:
        make_rows(world.province, slug, PLACES, plan=COUNT_PLAN)
    with django_assert_num_queries(35):
        client.get("/api/v1/reports/dashboard/", PERIOD)


def test_the_dashboard_reads_dates_of_any_year(world, logins):
    data = api(logins.supervisor, date_from="2024-12-01", date_to="2026-01-31").json()
    months = [item["month"] for item in data["ledgers"][0]["by_month"]]
    assert months == [
        "2024-12-01",
        "2025-01-01",
        *[f"2025-{m:02d}-01" for m in range(2, 13)],
        "2026-01-01",
    ]
    assert datetime.date.fromisoformat(data["date_to"]) == datetime.date(2026, 1, 31)
