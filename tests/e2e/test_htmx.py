"""htmx (vendored, themes/default/static/portal/vendor/) under the portal's strict CSP:
it loads, takes the page's htmx-config (no indicator <style>, no eval), breaks no rule of
the policy, and its POSTs carry Django's CSRF token (portal/js/htmx-setup.js)."""

import pytest
from playwright.sync_api import expect

from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HTMX_SCRIPT = 'script[src$="portal/vendor/htmx.min.js"]'
#: Run before any script of the page (Playwright's init scripts are not subject to the CSP).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def watch(page) -> list[str]:
    """CSP violations and console errors of the page, as they come."""
    problems: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            if message.type == "error" or "Content Security Policy" in message.text
            else None
        ),
    )
    return problems


def assert_htmx_configured(page, problems) -> None:
    page.wait_for_function("() => window.htmx && window.htmx.version")
    assert page.evaluate("() => htmx.version").startswith("2.")
    config = page.evaluate(
        "() => ({indicator: htmx.config.includeIndicatorStyles, eval: htmx.config.allowEval})"
    )
    assert config == {"indicator": False, "eval": False}
    # htmx would have inserted its indicator styles as a <style> element.
    assert page.evaluate("() => document.querySelectorAll('style').length") == 0
    assert page.evaluate("() => window.__cspViolations") == []
    assert problems == []


def test_htmx_under_the_csp_with_csrf(page, live_server, settings, home_page):
    settings.ROOT_URLCONF = "tests.e2e.htmx_urls"
    problems = watch(page)
    page.goto(live_server.url + "/__htmx__/")
    assert_htmx_configured(page, problems)
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#answer")).to_have_text("Posted with X-CSRFToken, POST")
    assert page.evaluate("() => window.__cspViolations") == []
    assert problems == []


def test_the_home_page_with_htmx_breaks_no_csp_rule(page, live_server, employee, home_page, login):
    """No CSP violation on the home page; once base.html loads htmx (the design system's
    lead adds the lines of tests/e2e/htmx_urls.HEAD_LINES), htmx is checked there too."""
    problems = watch(page)
    login(page, employee.email, PASSWORD)
    page.goto(live_server.url + "/")
    page.wait_for_load_state("load")
    if page.locator(HTMX_SCRIPT).count():
        page.wait_for_function("() => window.htmx && window.htmx.version")
        config = page.evaluate("() => [htmx.config.includeIndicatorStyles, htmx.config.allowEval]")
        assert config == [False, False]
    assert page.evaluate("() => window.__cspViolations") == []
    assert [p for p in problems if "Content Security Policy" in p] == []
