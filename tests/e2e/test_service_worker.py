"""The service worker in a real browser: it registers from a page (when the portal is
set to), and a page that cannot be reached offline gives the offline page, never a page
kept from before."""

import pytest
from playwright.sync_api import expect

from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_worker_registers_and_offline_navigation_shows_the_offline_page(
    page, live_server, employee, home_page, login, settings
):
    settings.PORTAL_SERVICE_WORKER = True
    login(page, employee.email, PASSWORD)
    page.goto(live_server.url + "/")
    assert page.locator('script[src$="portal/js/sw-register.js"]').count() == 1
    page.wait_for_function("() => navigator.serviceWorker.ready.then(r => !!r.active)", polling=200)
    # The worker keeps the offline page once installed; pages themselves are never kept.
    page.wait_for_function(
        """() => caches.keys().then(async (names) => {
             for (const name of names) {
               const cache = await caches.open(name);
               if (await cache.match('/offline/')) { return true; }
             }
             return false;
           })""",
        polling=200,
    )
    page.reload()  # now controlled by the worker
    page.context.set_offline(True)
    page.goto(live_server.url + "/groups/")
    expect(page.locator("h1")).to_contain_text("offline", ignore_case=True)
    assert "Hello," not in page.content()  # nothing of the person's pages was kept
    page.context.set_offline(False)
    page.evaluate(
        "() => navigator.serviceWorker.getRegistrations()"
        ".then(rs => Promise.all(rs.map(r => r.unregister())))"
    )


def test_pages_do_not_register_it_when_the_portal_is_set_not_to(
    page, live_server, employee, home_page, login, settings
):
    settings.PORTAL_SERVICE_WORKER = False
    login(page, employee.email, PASSWORD)
    page.goto(live_server.url + "/")
    assert page.locator('script[src$="portal/js/sw-register.js"]').count() == 0
