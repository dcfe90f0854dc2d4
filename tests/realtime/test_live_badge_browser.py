"""The notifications badge in a real browser: Chromium opens the notifications page from
daphne, the page's script connects to /ws/notifications/, and a mention made elsewhere
shows up in the navigation without a reload. The pages pass axe-core too."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from plugins.notifications.models import Notification
from portal.notifications import notify
from tests.realtime.test_live_notifications import in_server, make_post

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

CHROMIUM = Path(os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium"))
TIMEOUT_MS = 10_000


@pytest.fixture
def chromium(monkeypatch):
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        if os.environ.get("PORTAL_REQUIRE_BROWSER") == "1":
            pytest.fail(f"no Chromium executable at {CHROMIUM}")
        pytest.skip(f"no Chromium executable at {CHROMIUM}")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    # Playwright keeps an event loop running in this thread; the ORM calls of the test
    # are still plain synchronous calls (see tests/e2e/conftest.py).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()


def signed_in_page(chromium, server, user):
    client = Client()
    client.force_login(user)
    base_url = f"http://{server.host}:{server.port}"
    context = chromium.new_context(base_url=base_url, locale="en-US")
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors


def assert_accessible(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    blocking = [v["id"] for v in violations if v.get("impact") in {"serious", "critical"}]
    assert blocking == [], f"accessibility violations on {page.url}: {blocking}"


def test_the_badge_updates_live_and_mark_all_read_works_in_place(
    chromium, asgi_server, employee, colleague
):
    from playwright.sync_api import expect

    post = make_post(employee)
    page, errors = signed_in_page(chromium, asgi_server, employee)
    page.goto("/notifications/")
    badge = page.locator('.topbar [data-badge="notifications"]')
    expect(badge).to_be_hidden()
    page.wait_for_function("window.portalNotificationsLoaded === true")
    page.wait_for_timeout(500)  # the socket opens after the page's scripts run

    in_server(
        asgi_server,
        lambda: notify("mention", [employee], actor=colleague, target=post, url="/"),
    )
    expect(badge).to_be_visible()
    expect(badge).to_have_text("(1)")

    page.reload()
    message = "Colleague Tester mentioned you in “Launch”"
    expect(page.get_by_role("link", name=message)).to_be_visible()
    expect(page.get_by_text("Unread", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("All notifications marked as read.")).to_be_visible()
    expect(badge).to_be_hidden()
    expect(page.get_by_text("Unread", exact=True)).to_have_count(0)
    assert Notification.objects.get().read_at is not None

    page.goto("/notifications/preferences/")
    page.get_by_role("group", name="Someone mentions me or one of my groups").get_by_label(
        "Off"
    ).check()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Your notification preferences are saved.")).to_be_visible()
    assert_accessible(page)
    assert errors == []
