"""The Content-Security-Policy in a browser: the main pages of the portal, the admin's
dashboard and page editor (with its live preview) and the API docs load without a single
violation (``securitypolicyviolation`` events and the console's "Refused to" errors);
the pages whose templates changed for the policy pass axe-core.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from plugins.groups import services as group_services
from portal.editorial.news.factories import make_news, make_news_index
from portal.editorial.weeks.tests.factories import make_index, make_week
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.portalCspViolation([event.violatedDirective, event.blockedURI,
    event.sourceFile + ":" + event.lineNumber, (event.sample || "").slice(0, 80)].join(" | "));
}, true);
"""


@pytest.fixture
def violations(page):
    """Every CSP violation the pages of this test reported."""
    seen: list[str] = []
    page.context.expose_function(
        "portalCspViolation", lambda text: seen.append(f"{page.url}: {text}")
    )
    page.context.add_init_script(WATCH_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            seen.append(f"{page.url}: console: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return seen


def visit(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    page.wait_for_load_state("networkidle")


@pytest.fixture
def content(home_page, employee):
    group = group_services.create_group(employee, name="Cyclists", description="Two wheels")
    news = make_news(make_news_index(home_page), "Canteen reopens", summary="New menu")
    week = make_week(make_index(home_page), "Green week")
    return {"group": group, "news": news, "week": week}


def test_the_portal_pages_load_without_a_policy_violation(
    page, employee, content, login, violations, assert_accessible
):
    login(page, employee.email, PASSWORD)
    pages = [
        "/",
        "/feed/",
        f"/groups/{content['group'].slug}/",
        "/people/",
        "/people/orgchart/",
        "/search/?q=canteen",
        content["news"].url,
        content["news"].get_parent().url,  # the news index and its copy button's script
        content["week"].url,
        content["week"].get_parent().url,
        "/account/settings/",
    ]
    for path in pages:
        visit(page, path)
    assert violations == []

    # The pages whose markup moved from style attributes to data attributes.
    visit(page, content["week"].url)
    colour = content["week"].colour
    accent = page.locator("article.week").evaluate(
        "element => getComputedStyle(element).getPropertyValue('--week-colour').trim()"
    )
    assert accent == colour
    assert_accessible(page)
    visit(page, content["week"].get_parent().url)
    assert_accessible(page)
    visit(page, "/")
    band = page.locator(".week-band")
    expect(band).to_have_css("height", "8px")
    assert_accessible(page)
    # JavaScript ran from the file in <head>.
    expect(page.locator("html")).not_to_have_class(re.compile(r"\bno-js\b"))
    assert violations == []


def test_the_admin_and_the_api_docs_load_without_a_policy_violation(
    page, editor, content, home_page, login, violations
):
    login(page, editor.email, PASSWORD, next_path="/admin/")
    visit(page, "/admin/")
    visit(page, f"/admin/pages/{content['news'].pk}/edit/")
    # The live preview frames the admin's own preview page.
    page.get_by_role("button", name=re.compile("Toggle preview")).click()
    frame = page.frame_locator("#w-preview-iframe")
    expect(frame.locator("body")).to_contain_text("Canteen reopens", timeout=15_000)
    # A chooser's modal runs the scripts of the HTML it loads.
    page.get_by_role("button", name=re.compile("Choose an image")).first.click()
    expect(page.locator(".modal-dialog")).to_be_visible()
    expect(page.locator(".modal-dialog")).to_contain_text("Choose an image")
    visit(page, f"/admin/pages/{home_page.pk}/")
    visit(page, "/admin/images/")
    visit(page, "/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Portal API")
    assert violations == []
