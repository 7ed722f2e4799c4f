"""The mixed workload of ``make load`` (``manage.py load_test``): many concurrent clients,
each logged in through the login page as one of the demo roles, reading the main pages and the
API and writing ledger records, against a running server, for a bounded time.

Plain threads and ``http.client``: no dependency beyond the standard library. Each client keeps
its own cookies (session and CSRF) and sends what a browser behind the TLS proxy would: the
``X-Forwarded-Proto: https`` the proxy adds, and ``Origin``/``Referer`` with the CSRF token on
every unsafe request. A client only does what its role may: before the clock starts, one
session per role finds the pages, ledgers and records open to it (anything else answering 404
there is left out of its mix; anything else is an error).

The counts are per endpoint group. An error is a response that is neither 2xx/3xx nor expected
(a stale edit's 409 is expected), a redirect to the login page (a lost session), or an
exception (refused or reset connection, timeout).
"""

from __future__ import annotations

import http.client
import json
import random
import re
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

DEMO_PASSWORD = "Qinglian@2026"  # noqa: S105 - the documented demo password
# The demo logins, in the order clients are given them (round robin).
DEMO_ROLES = ("officer", "staff", "leader", "discipline", "admin", "chief", "supervisor")
LEDGERS = ("interference", "contacts", "approvals", "reports", "relatives", "departures")
# Names of the free-text fields the ledger filter searches, per ledger (the first one set).
SEARCH_FIELDS = ("interferer_name", "counterpart_name", "relative_name", "staff_name")
TIMEOUT = 120  # seconds a client waits for one response

# Endpoint groups, in the order the report lists them.
GROUPS = (
    "login",
    "home",
    "ledger list",
    "ledger filter",
    "ledger detail",
    "alerts",
    "reports",
    "other pages",
    "api list",
    "api detail",
    "api create",
    "api edit",
    "api stale edit",
    "api contended edit",
    "page write",
)


class LoadError(Exception):
    """The workload cannot start (a login or the discovery failed)."""


# --- one HTTP client ------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode())

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class Browser:
    """One user's connection: cookies, CSRF, the proxy's header. Not thread-safe: one per
    client thread."""

    def __init__(self, host: str, port: int, *, tls_proxy: bool = True) -> None:
        self.host, self.port, self.tls_proxy = host, port, tls_proxy
        self.origin = f"{'https' if tls_proxy else 'http'}://{host}:{port}"
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT)

    def close(self) -> None:
        self.connection.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        data: dict[str, Any] | None = None,
        json_body: Any = None,
    ) -> Reply:
        headers = {"Host": f"{self.host}:{self.port}", "Accept-Language": "zh-hans"}
        if self.tls_proxy:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body: bytes | None = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
            headers["Accept"] = "application/json"
        elif data is not None:
            body = urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if method not in ("GET", "HEAD"):
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            # A broken keep-alive connection: start a fresh one for the next request.
            self.connection.close()
            raise
        if response.will_close:
            self.connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self._store(header)
        reply_headers = {k.lower(): v for k, v in response.getheaders()}
        return Reply(response.status, reply_headers, payload)

    def _store(self, header: str) -> None:
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            if morsel.value == "" or morsel["max-age"] == "0":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def login(self, username: str, password: str) -> Reply:
        """Log in through the login page, as a browser does: read the form's CSRF token, post
        the credentials. Raises :class:`LoadError` unless it ends logged in."""
        page = self.request("GET", "/accounts/login/")
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if page.status != 200 or not found:
            raise LoadError(f"login page for {username}: HTTP {page.status}")
        reply = self.request(
            "POST",
            "/accounts/login/",
            data={
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": found.group(1).decode(),
            },
        )
        if reply.status != 302 or "/accounts/login/" in reply.location:
            raise LoadError(f"login as {username}: HTTP {reply.status} {reply.location}")
        if "sessionid" not in self.cookies:
            raise LoadError(f"login as {username}: no session cookie")
        return reply


# --- results -------------------------------------------------------------------------------


@dataclass
class Sample:
    group: str
    seconds: float
    status: int  # 0: an exception
    error: str = ""  # why it counts as an error ("" when it does not)


@dataclass
class GroupStats:
    group: str
    requests: int
    errors: int
    median_ms: float
    p99_ms: float
    per_second: float | None  # None: not a rate (the logins, timed before the window)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of ``values`` (0 < share <= 1); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))  # ceil(n * share), at least 1
    return ordered[int(rank) - 1]


def summarise(samples: Iterable[Sample], seconds: float) -> list[GroupStats]:
    """Per group (in :data:`GROUPS` order, only groups with requests) and overall."""
    by_group: dict[str, list[Sample]] = defaultdict(list)
    everything: list[Sample] = []
    for sample in samples:
        by_group[sample.group].append(sample)
        everything.append(sample)
    order = [g for g in GROUPS if g in by_group] + sorted(set(by_group) - set(GROUPS))

    def stats(name: str, rows: list[Sample]) -> GroupStats:
        times = [r.seconds for r in rows]
        return GroupStats(
            group=name,
            requests=len(rows),
            errors=sum(1 for r in rows if r.error),
            median_ms=percentile(times, 0.5) * 1000,
            p99_ms=percentile(times, 0.99) * 1000,
            per_second=len(rows) / seconds if seconds > 0 else 0.0,
        )

    return [*(stats(g, by_group[g]) for g in order), stats("overall", everything)]


def table(rows: list[GroupStats]) -> str:
    header = (
        f"{'group':<20} {'requests':>9} {'req/s':>8} {'median ms':>10} {'p99 ms':>9} {'errors':>7}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        if row.group == "overall":
            lines.append("-" * len(header))
        rate = "-" if row.per_second is None else f"{row.per_second:.1f}"
        lines.append(
            f"{row.group:<20} {row.requests:>9} {rate:>8} {row.median_ms:>10.1f} "
            f"{row.p99_ms:>9.1f} {row.errors:>7}"
        )
    return "\n".join(lines)


# --- what each role may do ------------------------------------------------------------------


@dataclass
class Target:
    """One request a client may make: its group, path, weight in the mix."""

    group: str
    path: str
    weight: float = 1.0


@dataclass
class Catalogue:
    """What one role reaches, found before the clock starts."""

    username: str
    reads: list[Target] = field(default_factory=list)
    api_create: dict[str, Any] | None = None  # fields of an interference record it may enter
    quick_inquiry: dict[str, str] | None = None  # the home page's 逢问必录 form, for staff
    contends: bool = False  # may edit the contended record
    left_out: list[str] = field(default_factory=list)  # paths answering 404 to this role


PAGES = [
    ("home", "/"),
    ("ledger list", "/ledgers/"),
    ("alerts", "/alerts/"),
    ("reports", "/reports/"),
    ("other pages", "/notifications/"),
    ("other pages", "/declarations/"),
    ("other pages", "/inspections/"),
    ("other pages", "/staff/"),
    ("other pages", "/cases/"),
    ("api list", "/api/v1/staff/?page_size=50"),
    ("api list", "/api/v1/cases/?page_size=50"),
    ("api list", "/api/v1/alerts/?page_size=50"),
    ("api list", "/api/v1/notifications/?page_size=50"),
    ("reports", "/api/v1/reports/dashboard/"),
]
WEIGHTS = {
    "home": 3.0,
    "ledger list": 3.0,
    "ledger filter": 3.0,
    "ledger detail": 4.0,
    "alerts": 2.0,
    "reports": 1.0,
    "other pages": 1.0,
    "api list": 3.0,
    "api detail": 3.0,
}


def _get(browser: Browser, path: str, catalogue: Catalogue) -> Reply | None:
    """GET during discovery: 200 → the reply; 404/403 → left out of the role's mix; anything
    else stops the run."""
    reply = browser.request("GET", path)
    if reply.status == 200:
        return reply
    if reply.status in (403, 404):
        catalogue.left_out.append(path)
        return None
    raise LoadError(f"{catalogue.username} GET {path}: HTTP {reply.status}")


def discover(browser: Browser, username: str) -> Catalogue:
    """What ``username`` (logged in on ``browser``) reaches: pages, ledgers, records, alerts,
    and whether it may enter interference records through the API or the home page form."""
    found = Catalogue(username)
    for group, path in PAGES:
        if _get(browser, path, found) is not None:
            found.reads.append(Target(group, path, WEIGHTS[group]))
    for slug in LEDGERS:
        if _get(browser, f"/ledgers/{slug}/", found) is None:
            continue
        found.reads.append(Target("ledger list", f"/ledgers/{slug}/", WEIGHTS["ledger list"]))
        api = f"/api/v1/ledgers/{slug}/"
        listing = _get(browser, f"{api}?page_size=30", found)
        found.reads.append(Target("api list", f"{api}?page_size=50", WEIGHTS["api list"]))
        records = listing.json()["results"] if listing else []
        for record in records[:15]:
            found.reads.append(Target("ledger detail", f"/ledgers/{slug}/{record['id']}/", 1.0))
            found.reads.append(Target("api detail", f"{api}{record['id']}/", 1.0))
        for query in _filters(records):
            found.reads.append(
                Target("ledger filter", f"/ledgers/{slug}/?{query}", WEIGHTS["ledger filter"])
            )
            found.reads.append(Target("api list", f"{api}?{query}", 1.0))
    if any(target.path == "/alerts/" for target in found.reads):
        listing = browser.request("GET", "/api/v1/alerts/?page_size=20")
        for alert in listing.json().get("results", []) if listing.status == 200 else []:
            found.reads.append(Target("alerts", f"/alerts/{alert['id']}/", 1.0))
            found.reads.append(Target("api detail", f"/api/v1/alerts/{alert['id']}/", 1.0))
    found.api_create = _interference_fields(browser, found)
    found.quick_inquiry = _quick_inquiry_fields(browser, found)
    _normalise(found)
    return found


def _filters(records: list[dict[str, Any]]) -> list[str]:
    """Filter queries built from records the role sees: by court and status, by period, by
    name, voided included."""
    if not records:
        return ["date_from=2025-01-01"]
    first = records[0]
    queries = [
        urlencode({"court": first["court"], "status": first["status"]}),
        urlencode({"date_from": "2025-01-01", "date_to": "2026-12-31"}),
        "voided=include",
    ]
    for name in SEARCH_FIELDS:
        if first.get(name):
            queries.append(urlencode({"q": first[name][:2]}))
            break
    return queries


def _normalise(found: Catalogue) -> None:
    """Spread each group's weight over its targets, so that a role with 30 records does not
    spend its whole mix on detail pages."""
    counts: dict[str, int] = defaultdict(int)
    for target in found.reads:
        counts[target.group] += 1
    for target in found.reads:
        target.weight = WEIGHTS[target.group] / counts[target.group]


def _interference_fields(browser: Browser, found: Catalogue) -> dict[str, Any] | None:
    """An interference record this role may enter through the API (officers, administrators),
    about a staff member in its scope, on one of its court's cases; None if it may not."""
    staff = browser.request("GET", "/api/v1/staff/?page_size=50&status=serving")
    if staff.status != 200:
        return None
    people = [p for p in staff.json()["results"] if p.get("department")]
    cases = browser.request("GET", "/api/v1/cases/?page_size=50")
    numbers = cases.json()["results"] if cases.status == 200 else []
    for person in people[:5]:
        case = next((c for c in numbers if c["court"] == person["court"]), None)
        fields = {
            "court": person["court"],
            "department": person["department"],
            "staff": person["id"],
            "regulation": "internal",
            "report_form": "three_rules",
            "case_number": case["number"] if case else "(2026)辽0102民初99999号",
            "case_stage": "trial",
            "interferer_kind": "internal",
            "interferer_name": "负载测试",
            "occurred_on": "2026-03-05",
            "method": "phone",
            "content": "负载测试：打听案件进展",
        }
        reply = browser.request("POST", "/api/v1/ledgers/interference/", json_body=fields)
        if reply.status == 201:
            return fields
        if reply.status in (400, 403, 404):
            continue  # not this person: try the next one in scope
        raise LoadError(f"{found.username} POST interference: HTTP {reply.status}")
    return None


def _quick_inquiry_fields(browser: Browser, found: Catalogue) -> dict[str, str] | None:
    """The home page's 逢问必录 form, for a staff member with cases of their own."""
    fields = {
        "case_number": "(2026)辽0102民初99998号",
        "interferer_kind": "internal",
        "interferer_name": "负载测试",
        "occurred_on": "2026-03-05",
        "method": "phone",
        "content": "负载测试：询问开庭时间",
    }
    reply = browser.request("POST", "/ledgers/interference/quick/", data=fields)
    if reply.status == 302:
        return fields
    if reply.status in (200, 404):  # no staff record, or a form error: not for this role
        return None
    raise LoadError(f"{found.username} POST quick inquiry: HTTP {reply.status}")


# --- the contended record -------------------------------------------------------------------


@dataclass
class Contended:
    """One record every writing client edits at once: read it, append a token of its own to
    the notes with the version read. Exactly one edit per version wins; at the end the version
    has moved once per win and the notes hold every winner's token and no loser's."""

    path: str
    start_version: int
    owner: str  # the login that entered it (and checks it at the end)
    won: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, browser: Browser) -> list[str]:
        reply = browser.request("GET", self.path)
        if reply.status != 200:
            return [f"contended record: HTTP {reply.status}"]
        record = reply.json()
        notes = record["notes"]
        problems = []
        expected = self.start_version + len(self.won)
        if record["version"] != expected:
            problems.append(
                f"contended record at version {record['version']}, expected {expected} "
                f"({len(self.won)} edits won)"
            )
        missing = [token for token in self.won if token not in notes.split()]
        if missing:
            problems.append(f"lost updates on the contended record: {missing[:5]}")
        stray = [token for token in self.lost if token in notes.split()]
        if stray:
            problems.append(f"refused edits present on the contended record: {stray[:5]}")
        return problems


def _contended(catalogues: dict[str, Catalogue], browsers: dict[str, Browser]) -> Contended | None:
    """Enter the contended record as the first role that enters records by API, and find the
    roles that may edit it: a PATCH with version 0 passes the access checks and is refused as
    stale (409) only for them."""
    owner = next((name for name, found in catalogues.items() if found.api_create), None)
    if owner is None:
        return None
    reply = browsers[owner].request(
        "POST", "/api/v1/ledgers/interference/", json_body=catalogues[owner].api_create
    )
    if reply.status != 201:
        raise LoadError(f"contended record: HTTP {reply.status}")
    record = reply.json()
    contended = Contended(f"/api/v1/ledgers/interference/{record['id']}/", record["version"], owner)
    for name, found in catalogues.items():
        probe = browsers[name].request(
            "PATCH", contended.path, json_body={"version": 0, "notes": "探测"}
        )
        if probe.status not in (403, 404, 409):
            raise LoadError(f"{name} PATCH {contended.path}: HTTP {probe.status}")
        found.contends = probe.status == 409
    return contended


# --- the clients --------------------------------------------------------------------------


@dataclass
class Client:
    number: int
    catalogue: Catalogue
    browser: Browser
    contended: Contended | None
    rng: random.Random
    samples: list[Sample] = field(default_factory=list)
    mine: tuple[str, int] | None = None  # (API path, version) of the last record it entered

    def timed(
        self,
        group: str,
        method: str,
        path: str,
        *,
        expect: Iterable[int] = (),
        **kwargs: Any,
    ) -> Reply | None:
        started = time.perf_counter()
        try:
            reply = self.browser.request(method, path, **kwargs)
        except (OSError, http.client.HTTPException) as error:
            elapsed = time.perf_counter() - started
            self.samples.append(Sample(group, elapsed, 0, f"{method} {path}: {error!r}"))
            return None
        elapsed = time.perf_counter() - started
        error = ""
        if reply.status not in tuple(expect):
            if reply.status >= 400:
                error = f"{method} {path}: HTTP {reply.status}"
            elif 300 <= reply.status < 400 and "/accounts/login/" in reply.location:
                error = f"{method} {path}: redirected to the login page"
        self.samples.append(Sample(group, elapsed, reply.status, error))
        return None if error else reply

    # The actions, chosen at random by weight.

    def read(self) -> None:
        target = self.rng.choices(self.catalogue.reads, [t.weight for t in self.catalogue.reads])[0]
        self.timed(target.group, "GET", target.path)

    def create(self) -> None:
        assert self.catalogue.api_create is not None
        fields = {
            **self.catalogue.api_create,
            "interferer_name": f"负载{self.number}",
            "content": f"负载测试 {uuid.uuid4().hex[:8]}",
        }
        reply = self.timed("api create", "POST", "/api/v1/ledgers/interference/", json_body=fields)
        if reply is not None:
            record = reply.json()
            self.mine = (f"/api/v1/ledgers/interference/{record['id']}/", record["version"])

    def edit(self) -> None:
        if self.mine is None:
            return self.create()
        path, version = self.mine
        reply = self.timed(
            "api edit",
            "PATCH",
            path,
            json_body={"version": version, "notes": f"更正 {uuid.uuid4().hex[:8]}"},
        )
        if reply is None:
            return None
        self.mine = (path, reply.json()["version"])
        # The edit's own page afterwards, as the browser shows it.
        self.timed("api detail", "GET", path)
        # Someone still holding the version before: refused with 409, nothing changes.
        self.timed(
            "api stale edit",
            "PATCH",
            path,
            json_body={"version": version, "notes": "过期的修改"},
            expect=(409,),
        )
        return None

    def contend(self) -> None:
        contended = self.contended
        assert contended is not None
        reply = self.timed("api detail", "GET", contended.path)
        if reply is None:
            return
        record = reply.json()
        token = f"c{self.number}-{uuid.uuid4().hex[:10]}"
        edit = self.timed(
            "api contended edit",
            "PATCH",
            contended.path,
            json_body={"version": record["version"], "notes": f"{record['notes']} {token}"},
            expect=(409,),
        )
        if edit is None:
            return
        with contended.lock:
            (contended.won if edit.status == 200 else contended.lost).append(token)

    def quick(self) -> None:
        assert self.catalogue.quick_inquiry is not None
        fields = {**self.catalogue.quick_inquiry, "content": f"负载测试 {uuid.uuid4().hex[:8]}"}
        self.timed("page write", "POST", "/ledgers/interference/quick/", data=fields)

    def actions(self, write_share: float) -> list[tuple[Callable[[], None], float]]:
        mix: list[tuple[Callable[[], None], float]] = [(self.read, 1.0 - write_share)]
        if self.catalogue.api_create is not None:
            mix += [(self.create, write_share * 0.3), (self.edit, write_share * 0.3)]
        if self.contended is not None:
            mix.append((self.contend, write_share * 0.3))
        if self.catalogue.quick_inquiry is not None:
            mix.append((self.quick, write_share * 0.1))
        return mix

    def run(self, until: float, write_share: float) -> None:
        mix = self.actions(write_share)
        functions, weights = [m[0] for m in mix], [m[1] for m in mix]
        while time.monotonic() < until:
            self.rng.choices(functions, weights)[0]()


# --- the run --------------------------------------------------------------------------------


@dataclass
class Outcome:
    seconds: float  # the timed window, as it ran
    clients: int
    login: list[Sample]
    samples: list[Sample]
    catalogues: dict[str, Catalogue]
    problems: list[str]  # checks that failed (the contended record)
    contended: Contended | None

    @property
    def errors(self) -> list[Sample]:
        return [s for s in [*self.login, *self.samples] if s.error]

    def rows(self) -> list[GroupStats]:
        timed = summarise(self.samples, self.seconds)
        login = summarise(self.login, self.seconds)[:-1]  # no throughput claim for logins
        for row in login:
            row.per_second = None
        return [*login, *timed]


def run(
    *,
    host: str,
    port: int,
    seconds: float,
    clients: int,
    users: Iterable[str] = DEMO_ROLES,
    password: str = DEMO_PASSWORD,
    write_share: float = 0.1,
    tls_proxy: bool = True,
    seed: int = 2026,
    log: Callable[[str], None] = lambda _line: None,
    on_window: Callable[[str], None] = lambda _moment: None,
) -> Outcome:
    """Log ``clients`` clients in (the demo roles in turn), then let them run the mix for
    ``seconds``. Returns every sample; the caller prints the table. ``on_window("start")``
    and ``on_window("end")`` are called as the timed window opens and closes (the command
    reads the processes' CPU time there)."""
    users = list(users)
    catalogues: dict[str, Catalogue] = {}
    browsers: dict[str, Browser] = {}
    for username in users:
        browsers[username] = Browser(host, port, tls_proxy=tls_proxy)
        browsers[username].login(username, password)
        catalogues[username] = discover(browsers[username], username)
    contended = _contended(catalogues, browsers)
    for username, found in catalogues.items():
        browsers[username].close()
        log(
            f"  {username}: {len(found.reads)} reads"
            + (", enters records by API" if found.api_create else "")
            + (", edits the contended record" if found.contends else "")
            + (", records inquiries on the home page" if found.quick_inquiry else "")
        )

    rng = random.Random(seed)  # noqa: S311 - a reproducible mix, not a secret
    pool = [
        Client(
            number=n,
            catalogue=catalogues[users[n % len(users)]],
            browser=Browser(host, port, tls_proxy=tls_proxy),
            contended=contended if catalogues[users[n % len(users)]].contends else None,
            rng=random.Random(rng.random()),  # noqa: S311
        )
        for n in range(clients)
    ]
    login: list[Sample] = []
    login_lock = threading.Lock()
    window: dict[str, float] = {}

    def start_clock() -> None:  # run by the last thread to reach the barrier, before any leaves
        on_window("start")
        window["started"] = time.monotonic()
        window["until"] = window["started"] + seconds

    ready = threading.Barrier(clients + 1, action=start_clock)

    def work(client: Client) -> None:
        started = time.perf_counter()
        error = ""
        try:
            client.browser.login(client.catalogue.username, password)
        except (LoadError, OSError, http.client.HTTPException) as failure:
            error = f"login {client.catalogue.username}: {failure!r}"
        with login_lock:
            login.append(Sample("login", time.perf_counter() - started, 302, error))
        try:
            ready.wait()
        except threading.BrokenBarrierError:
            return
        if not error:
            client.run(window["until"], write_share)
        client.browser.close()

    threads = [threading.Thread(target=work, args=(c,), daemon=True) for c in pool]
    for thread in threads:
        thread.start()
    ready.wait()  # every client has logged in (or failed to)
    started = window["started"]
    log(f"  {clients} clients logged in; running for {seconds:g} s")
    for thread in threads:
        thread.join(timeout=seconds + TIMEOUT + 30)
    elapsed = time.monotonic() - started
    on_window("end")
    problems: list[str] = []
    if any(t.is_alive() for t in threads):
        problems.append("some clients did not finish within the time limit")
    if contended is not None:
        checker = Browser(host, port, tls_proxy=tls_proxy)
        checker.login(contended.owner, password)
        problems += contended.check(checker)
        checker.close()
    samples = [s for c in pool for s in c.samples]
    return Outcome(elapsed, clients, login, samples, catalogues, problems, contended)
