"""Fixtures of the browser tests: Chromium through Playwright, a page per test, helpers to
log in and to check a page with axe-core.

Chromium is Debian's (``/usr/bin/chromium``; ``playwright install`` is never needed).
Without it the tests are skipped with a message, unless ``PORTAL_REQUIRE_BROWSER=1``
(as in CI), which turns the skip into a failure.

Playwright's sync API keeps an asyncio event loop running in the main thread while it
is started, so Django's ORM, called from the tests and their fixtures in that thread,
would refuse to work (``SynchronousOnlyOperation``). The ``browser`` fixture sets
``DJANGO_ALLOW_ASYNC_UNSAFE`` before it starts Playwright (so before any ORM call of a
browser test: higher-scoped fixtures are set up first), and after the last browser test
it stops Playwright and restores the variable, so that neither the running event loop
nor the permission leaks into the other suites run in the same session.
"""

from __future__ import annotations

import os
import threading
import time
import warnings
from pathlib import Path
from urllib.parse import quote

import pytest

CHROMIUM = Path(os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: How long an expectation or an action waits before failing, in milliseconds.
TIMEOUT_MS = 10_000
#: axe-core impacts that fail a test; "minor" and "moderate" ones are left to review.
BLOCKING_IMPACTS = {"serious", "critical"}
LOGIN_PATH = "/account/login/"


class _InFlight:
    """How many requests the live server is serving now (Django's request signals).

    A page keeps asking after the test's last step (the shell's counters, a socket's
    fallback); when the test ends, such a request may still be running in a server
    thread, which on SQLite shares the test's connection, while the test database is
    flushed ("database table is locked"). The page fixture closes its browser context,
    then waits here until the server is idle."""

    def __init__(self):
        self.count = 0
        self.idle = threading.Condition()

    # Only the live server's threads count: the test client serves in the main thread.
    def started(self, **kwargs):
        if threading.current_thread() is threading.main_thread():
            return
        with self.idle:
            self.count += 1

    def finished(self, **kwargs):
        if threading.current_thread() is threading.main_thread():
            return
        with self.idle:
            self.count = max(0, self.count - 1)
            self.idle.notify_all()

    def wait(self, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        with self.idle:
            while self.count and time.monotonic() < deadline:
                self.idle.wait(max(0.0, deadline - time.monotonic()))


IN_FLIGHT = _InFlight()


def _count_requests() -> None:
    from django.core.signals import request_finished, request_started

    request_started.connect(IN_FLIGHT.started, dispatch_uid="e2e-in-flight-started")
    request_finished.connect(IN_FLIGHT.finished, dispatch_uid="e2e-in-flight-finished")


class AccessibilityWarning(UserWarning):
    """A minor or moderate axe-core violation: reported, not failed."""


def _unavailable(reason: str):
    """Skip the browser tests, or fail them when the CI requires a browser."""
    message = f"Browser tests cannot run: {reason}"
    if os.environ.get("PORTAL_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{message} (PORTAL_REQUIRE_BROWSER=1 makes this an error)", pytrace=False)
    pytest.skip(f"{message} (install Debian's chromium: apt-get install chromium)")


@pytest.fixture(scope="package")
def browser():
    """One headless Chromium for all the browser tests.

    Package-scoped rather than session-scoped on purpose: it is closed after the last
    test of tests/e2e, which stops Playwright's event loop before other suites run."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"no Chromium executable at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")

    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    with pytest.MonkeyPatch.context() as patch:
        # Before any ORM call of the browser tests (see the module's docstring).
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        try:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
        except Exception as error:
            playwright.stop()
            _unavailable(f"Chromium at {CHROMIUM} did not start: {error}")
        yield browser
        browser.close()
        playwright.stop()


@pytest.fixture
def browser_context_args(live_server) -> dict:
    """Options of each test's browser context; override to change them."""
    return {
        "base_url": live_server.url,
        "locale": "en-US",
        "viewport": {"width": 1280, "height": 800},
    }


@pytest.fixture
def page(browser, browser_context_args, request):
    """A fresh page in a new context (no cookies, no storage) for each test.

    JavaScript errors thrown by the page fail the test."""
    _count_requests()
    context = browser.new_context(**browser_context_args)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    js_errors: list[str] = []
    page.on("pageerror", lambda error: js_errors.append(f"{page.url}: {error}"))
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        _save_failure_screenshot(page, request)
    context.close()
    IN_FLIGHT.wait()  # before the database is flushed (see _InFlight)
    if js_errors and not (report is not None and report.failed):
        pytest.fail("JavaScript errors on the page:\n" + "\n".join(js_errors), pytrace=False)


def _save_failure_screenshot(page, request) -> None:
    """Keep what the browser showed when a test failed (PORTAL_E2E_ARTIFACTS or tmp)."""
    folder = os.environ.get("PORTAL_E2E_ARTIFACTS")
    if folder:
        target = Path(folder)
    else:
        target = request.config._tmp_path_factory.getbasetemp() / "e2e-failures"
    try:
        target.mkdir(parents=True, exist_ok=True)
        path = target / f"{request.node.name}.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"\nScreenshot of the failing page ({page.url}): {path}")
    except Exception as error:  # a screenshot must never hide the real failure
        print(f"\nCould not take a screenshot of the failing page: {error}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Let fixtures see whether the test itself failed (``item.rep_call``)."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def login(page, email: str, password: str, next_path: str | None = None) -> None:
    """Log in through the login form, as a person would, and wait to leave it."""
    url = LOGIN_PATH + (f"?next={quote(next_path)}" if next_path else "")
    page.goto(url)
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(lambda url: LOGIN_PATH not in url)


def assert_accessible(page, context=None) -> None:
    """Run axe-core on the page at rest; fail on serious or critical violations.

    A panel that fades in is half transparent for a few frames, and axe measures the
    contrast of what it sees: wait for the running animations and transitions to finish
    first (finite ones; an infinite spinner never does and is left out)."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_function(
        """() => document.getAnimations().every((a) => {
            const timing = a.effect && a.effect.getComputedTiming();
            return a.playState !== "running" || !timing || timing.endTime === Infinity;
        })"""
    )
    results = Axe().run(page, context=context)
    violations = results.response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    for violation in violations:
        if violation not in blocking:
            targets = "; ".join(", ".join(map(str, n["target"])) for n in violation["nodes"])
            warnings.warn(
                f"{violation['id']} ({violation['impact']}) on {page.url}: "
                f"{violation['help']} [{targets}]",
                AccessibilityWarning,
                stacklevel=2,
            )
    if not blocking:
        return
    lines = [f"{len(blocking)} serious/critical accessibility violation(s) on {page.url}:"]
    for violation in blocking:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation.get('helpUrl', '')}")
        for node in violation["nodes"]:
            target = ", ".join(str(t) for t in node["target"])
            lines.append(f"    * {target}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend(f"      {line}" for line in summary.splitlines())
    pytest.fail("\n".join(lines), pytrace=False)


@pytest.fixture(name="login")
def login_fixture():
    """``login(page, email, password, next_path=None)``."""
    return login


@pytest.fixture(name="assert_accessible")
def assert_accessible_fixture():
    """``assert_accessible(page)``: axe-core, failing on serious or critical violations."""
    return assert_accessible
