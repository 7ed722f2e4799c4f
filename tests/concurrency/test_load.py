"""The workload of ``make load`` (integrity/web/load.py) against a live test server: logins
through the login page with CSRF, discovery of what each role reaches, each kind of action and
its accounting, and a short timed run. The load itself (gunicorn on PostgreSQL, fifty clients,
a minute) is ``make load``; this keeps its client working as the pages and the API change."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from integrity.access.models import Role
from integrity.audit.chain import verify_chain
from integrity.web import load
from integrity.web.management.commands.load_test import CpuMeter, cpu_seconds
from ledgers.models import InterferenceRecord

from ..conftest import on_postgres
from ..factories import UserFactory, assign
from ..ledgers.test_services import make

PASSWORD = "correct horse battery"  # tests/factories.py UserFactory


# --- the figures -----------------------------------------------------------------------------


def test_percentile_is_the_nearest_rank():
    values = [float(n) for n in range(1, 101)]  # 1 … 100
    assert load.percentile(values, 0.5) == 50.0
    assert load.percentile(values, 0.99) == 99.0
    assert load.percentile(values, 1.0) == 100.0
    assert load.percentile([7.0], 0.99) == 7.0
    assert load.percentile([], 0.5) == 0.0
    assert load.percentile([3.0, 1.0, 2.0], 0.5) == 2.0  # unsorted input


def test_summary_per_group_in_order_and_overall():
    samples = [
        load.Sample("api list", 0.010, 200),
        load.Sample("home", 0.030, 200),
        load.Sample("home", 0.010, 200),
        load.Sample("home", 0.020, 500, "GET /: HTTP 500"),
        load.Sample("api stale edit", 0.005, 409),  # expected: no error text
    ]
    rows = load.summarise(samples, seconds=2.0)
    assert [r.group for r in rows] == ["home", "api list", "api stale edit", "overall"]
    home, _api, stale, overall = rows
    assert (home.requests, home.errors, home.median_ms, home.p99_ms) == (3, 1, 20.0, 30.0)
    assert home.per_second == 1.5
    assert (stale.requests, stale.errors) == (1, 0)
    assert (overall.requests, overall.errors, overall.per_second) == (5, 1, 2.5)
    text = load.table(rows)
    assert text.splitlines()[0].split() == [
        "group",
        "requests",
        "req/s",
        "median",
        "ms",
        "p99",
        "ms",
        "errors",
    ]
    assert text.splitlines()[-1].split() == ["overall", "5", "2.5", "10.0", "30.0", "1"]


def test_the_cpu_meter_finds_the_servers_workers_and_counts_the_window_only():
    # The server's workers are the master's children: here, a child of this process
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        meter = CpuMeter(os.getpid(), "qinglian_none")
        meter("start")
        assert f"gunicorn:{child.pid}" in meter.readings["start"]
    finally:
        child.kill()
        child.wait()
    assert cpu_seconds(os.getpid()) > 0
    meter.readings = {
        "start": {"gunicorn:1": 2.0, "postgresql:9": 1.0, "clients": 0.5},
        "end": {"gunicorn:1": 5.0, "gunicorn:2": 1.5, "postgresql:9": 1.25, "clients": 0.75},
    }
    assert meter.used() == {"gunicorn": 4.5, "postgresql": 0.25, "clients": 0.25}


# --- against a live server -------------------------------------------------------------------


@pytest.fixture
def logins(province):
    """An officer of 和平 (enters records by API), a staff member of 和平 with a staff record
    (records inquiries on the home page) and a leader of 沈阳 covering the courts below."""
    officer = UserFactory(username="load_officer")
    assign(officer, Role.OFFICER, province.courts["heping"])
    staff = UserFactory(username="load_staff", staff=province.staff["heping"])
    assign(staff, Role.STAFF, province.courts["heping"])
    leader = UserFactory(username="load_leader")
    assign(leader, Role.LEADER, province.courts["shenyang"], covers=True)
    make(province, InterferenceRecord)
    return ["load_officer", "load_staff", "load_leader"]


def browser_for(live_server, username: str | None = None) -> load.Browser:
    address = urlsplit(live_server.url)
    browser = load.Browser(address.hostname, address.port, tls_proxy=False)
    if username:
        browser.login(username, PASSWORD)
    return browser


@pytest.mark.django_db(transaction=True)
def test_login_goes_through_the_page_with_its_csrf_token(live_server, logins):
    browser = browser_for(live_server)
    browser.login("load_officer", PASSWORD)
    assert browser.request("GET", "/").status == 200
    with pytest.raises(load.LoadError, match="login as load_officer: HTTP 200"):
        browser_for(live_server).login("load_officer", "wrong password")


@pytest.mark.django_db(transaction=True)
def test_each_role_does_what_it_may_and_the_contended_record_adds_up(live_server, logins):
    browsers = {name: browser_for(live_server, name) for name in logins}
    found = {name: load.discover(browsers[name], name) for name in logins}
    officer, staff, leader = found["load_officer"], found["load_staff"], found["load_leader"]
    # The officer enters records by API; the staff member records on the home page; the
    # leader only reads. Pages closed to a role are left out of its mix, not errors.
    assert officer.api_create is not None
    assert officer.quick_inquiry is None  # no staff record of its own
    assert staff.quick_inquiry is not None
    assert leader.api_create is None
    assert "/alerts/" in leader.left_out or "/alerts/" in {t.path for t in leader.reads}
    assert "/reports/" in staff.left_out
    groups = {t.group for t in officer.reads}
    assert {"home", "ledger list", "ledger filter", "ledger detail", "api list"} <= groups
    contended = load._contended(found, browsers)
    assert contended is not None
    assert contended.owner == "load_officer"
    assert (officer.contends, staff.contends) == (True, False)

    client = load.Client(0, officer, browsers["load_officer"], contended, random.Random(0))
    client.create()
    client.edit()  # its own record: an edit, the page, a stale edit refused with 409
    client.contend()
    client.read()
    writer = load.Client(1, staff, browsers["load_staff"], None, random.Random(1))
    writer.quick()
    samples = [*client.samples, *writer.samples]
    assert [(s.group, s.status) for s in samples[:-2]] == [
        ("api create", 201),
        ("api edit", 200),
        ("api detail", 200),
        ("api stale edit", 409),
        ("api detail", 200),
        ("api contended edit", 200),
    ]
    assert samples[-1].group == "page write"
    assert samples[-1].status == 302
    assert [s.error for s in samples if s.error] == []
    assert len(contended.won) == 1
    assert contended.lost == []
    assert contended.check(browsers["load_officer"]) == []
    # A record the contended check did not expect is caught
    contended.won.append("c9-never-written")
    assert contended.check(browsers["load_officer"])[1].startswith("lost updates")
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_a_short_timed_run_has_no_errors(live_server, logins):
    address = urlsplit(live_server.url)
    outcome = load.run(
        host=address.hostname,
        port=address.port,
        seconds=1,
        # The live server of an in-memory SQLite database shares one connection: one client
        clients=4 if on_postgres() else 1,
        users=logins,
        password=PASSWORD,
        write_share=0.5,
        tls_proxy=False,
    )
    assert outcome.errors == []
    assert outcome.problems == []
    assert len(outcome.login) == outcome.clients
    assert outcome.samples
    rows = outcome.rows()
    assert rows[0].group == "login"
    assert rows[0].per_second is None  # timed before the window: no rate
    assert rows[-1].group == "overall"
    assert rows[-1].requests == len(outcome.samples)
    assert verify_chain().ok
