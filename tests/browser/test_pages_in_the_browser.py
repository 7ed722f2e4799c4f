"""Every page without arguments, opened in Chromium as four of the demo logins: each page the
role may use renders with no script error, no missing asset and no Content-Security-Policy
violation (the `journey` fixture fails on any console error). A page a role may not use
answers 404, as the access policy wants, and is not opened."""

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db(transaction=True)

# Not pages: actions, downloads, feeds for scripts and the machine-readable API.
SKIP_PREFIXES = ("api/v1/", "api/schema/", "i18n/", "accounts/logout/", "healthz")
SKIP_NAMES = {"export-template"}


def _pages(patterns=None, prefix="") -> list[str]:
    found = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("admin/"):
                continue
            found += _pages(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            if entry.pattern.regex.groups or "<" in route or "(?P" in route:
                continue
            if route.startswith(SKIP_PREFIXES) or entry.name in SKIP_NAMES:
                continue
            found.append("/" + route.lstrip("^").rstrip("$"))
    return sorted(set(found))


def test_every_page_renders_in_the_browser_without_errors(journey):
    call_command("seed_demo", verbosity=0)
    pages = [*_pages(), "/admin/", "/api/docs/"]
    problems, opened = [], set()
    for username in ("admin", "discipline", "leader", "staff"):
        journey.logout()
        journey.login(username, "Qinglian@2026")
        problems += _open_all(journey, pages, username, opened)
    assert problems == [], "\n".join(problems)
    assert len(opened) > 25


def _open_all(journey, pages, username, opened) -> list[str]:
    problems = []
    for path in pages:
        # Actions that only take a POST answer 405 to a GET: not pages, so not opened.
        probe = journey.page.request.get(journey.url(path), max_redirects=0)
        # A page this role may not use answers 404 and is not opened.
        if probe.status in (404, 405) or "<html" not in probe.text():
            continue  # and fragments that htmx swaps into a page are not pages either
        response = journey.page.goto(journey.url(path))
        if response is None or response.status >= 400:
            problems.append(f"{path}: {response and response.status}")
        else:
            journey.shot(f"{username}-" + (path.strip("/").replace("/", "_") or "home"))
            opened.add(path)
        if journey.errors:
            problems.append(f"{path}: {journey.errors[:]}")
            journey.errors.clear()
    return problems
