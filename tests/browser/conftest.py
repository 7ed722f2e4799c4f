"""Real-browser journeys: Playwright for Python driving the Debian ``chromium`` package.

Each journey runs against ``live_server`` (so its tests are ``transaction=True``), saves a
screenshot of every step under ``var/screenshots/<test>/`` and, when it fails, a screenshot
and the HTML of the page it failed on, whose text also goes into the failure report.

Without Chromium or Playwright the journeys are skipped, unless ``QINGLIAN_BROWSER=required``
(as in ``.ci/run``), where a missing browser is a failure.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PASSWORD = "Journey@2026"
# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
# still plain synchronous code, so Django's async-safety guard is told so.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the dev requirements install it
    sync_playwright = None


def _unavailable() -> str | None:
    if sync_playwright is None:
        return "playwright is not installed"
    if not shutil.which(CHROMIUM):
        return f"{CHROMIUM} is not installed (apt-get install chromium fonts-noto-cjk)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _unavailable()
    if reason is None:
        return
    if os.environ.get("QINGLIAN_BROWSER") == "required":
        raise pytest.UsageError(f"browser journeys are required here but {reason}")
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Journey:
    """One test's browser tab plus its screenshot folder."""

    def __init__(self, page, base_url: str, folder: Path):
        self.page = page
        self.base_url = base_url
        self.folder = folder
        self.step = 0

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str):
        response = self.page.goto(self.url(path))
        assert response is not None, f"GET {path} gave no response"
        assert response.status < 400, f"GET {path} answered {response.status}:\n{self.text()}"
        return response

    def shot(self, name: str) -> Path:
        """Save a full-page screenshot of the current step."""
        self.step += 1
        path = self.folder / f"{self.step:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def text(self) -> str:
        try:
            return self.page.inner_text("body")[:4000]
        except PlaywrightError:
            return "(no page)"

    def login(self, username: str, password: str = PASSWORD):
        self.goto("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()
        assert "/accounts/login/" not in self.page.url, f"login failed:\n{self.text()}"

    def logout(self):
        self.page.context.clear_cookies()


@pytest.fixture
def journey(browser, live_server, request):
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    folder = SCREENSHOTS / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" else None,
    )
    journey = Journey(page, live_server.url, folder)
    journey.errors = errors
    yield journey
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        page.screenshot(path=str(folder / "failure.png"), full_page=True)
        (folder / "failure.html").write_text(page.content(), encoding="utf-8")
        print(f"\nfailure screenshot: {folder / 'failure.png'}")
        print(f"page at {page.url}:\n{journey.text()}")
    context.close()
    # A page that broke its own script or was refused by the CSP shows up here.
    assert not errors, f"the browser reported errors: {errors}"
