"""The app shell in a real browser: the avatar menu (mouse and keyboard), the colour scheme
and the language chosen from it, the phone's bottom bar and drawer, a dialog's focus, a
keyboard-only path through the navigation, and the style guide; axe-core on the home page
and the style guide in both schemes, on a desktop and a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def staff(administrator):
    administrator.is_staff = True
    administrator.save()
    return administrator


def account_menu(page):
    return page.locator("details.account-menu")


def active_inside(page, selector: str) -> bool:
    return page.evaluate(
        "(s) => { const c = document.querySelector(s);"
        " return !!c && c.contains(document.activeElement); }",
        selector,
    )


def page_background(page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


def test_the_avatar_menu_opens_by_mouse_and_keyboard_and_escape_returns_focus(
    page, employee, home_page, login
):
    login(page, employee.email, PASSWORD)
    menu = account_menu(page)
    button = menu.locator("summary")
    panel = menu.locator(".menu__panel")
    expect(button).to_have_accessible_name("Account menu of Employee Tester")
    expect(panel).to_be_hidden()

    # By mouse: everything a person looks for in it.
    button.click()
    expect(panel).to_be_visible()
    expect(panel.get_by_role("link", name="Settings")).to_be_visible()
    expect(panel.get_by_role("link", name="My profile")).to_be_visible()
    expect(panel.get_by_role("button", name="Français")).to_be_visible()
    expect(panel.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    for scheme in ("System", "Light", "Dark"):
        expect(panel.get_by_role("button", name=scheme, exact=True)).to_be_visible()
    expect(panel.get_by_role("button", name="Log out")).to_be_visible()
    # A click elsewhere closes it.
    page.locator("h1").click()
    expect(panel).to_be_hidden()

    # By keyboard: Enter opens, Tab walks in, Escape closes and gives the focus back.
    button.focus()
    page.keyboard.press("Enter")
    expect(panel).to_be_visible()
    page.keyboard.press("Tab")
    assert active_inside(page, "details.account-menu .menu__panel")
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(button).to_be_focused()
    page.keyboard.press("Space")
    expect(panel).to_be_visible()
    page.keyboard.press("Escape")
    expect(button).to_be_focused()


def test_the_colour_scheme_is_chosen_in_the_menu_and_kept_on_the_account(
    page, employee, home_page, login, assert_accessible
):
    page.emulate_media(color_scheme="light")
    login(page, employee.email, PASSWORD)
    html = page.locator("html")
    light_background = page_background(page)
    expect(html).not_to_have_attribute("data-theme", re.compile(".*"))

    account_menu(page).locator("summary").click()
    account_menu(page).get_by_role("button", name="Dark", exact=True).click()
    expect(html).to_have_attribute("data-theme", "dark")
    expect(account_menu(page).get_by_role("button", name="Dark", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page_background(page) != light_background
    employee.refresh_from_db()
    assert employee.theme == "dark"

    # The system says light, the person said dark: the page stays dark after a reload.
    page.reload()
    expect(html).to_have_attribute("data-theme", "dark")
    dark_background = page_background(page)
    assert dark_background != light_background
    assert_accessible(page)

    # Light, chosen while the system is dark.
    page.emulate_media(color_scheme="dark")
    account_menu(page).locator("summary").click()
    account_menu(page).get_by_role("button", name="Light", exact=True).click()
    expect(html).to_have_attribute("data-theme", "light")
    page.reload()
    assert page_background(page) == light_background

    # System: the system's scheme again (dark here).
    account_menu(page).locator("summary").click()
    account_menu(page).get_by_role("button", name="System", exact=True).click()
    # Saved once the page applied it (the answer came back), then kept after a reload.
    expect(html).not_to_have_attribute("data-theme", re.compile(".*"))
    page.reload()
    expect(html).not_to_have_attribute("data-theme", re.compile(".*"))
    assert page_background(page) == dark_background
    employee.refresh_from_db()
    assert employee.theme == ""


def test_without_javascript_the_scheme_buttons_post_the_form(
    browser, browser_context_args, employee, home_page, login
):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    try:
        page = context.new_page()
        login(page, employee.email, PASSWORD)
        account_menu(page).locator("summary").click()
        account_menu(page).get_by_role("button", name="Dark", exact=True).click()
        expect(page).to_have_url(re.compile(r"/$"))
        expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    finally:
        context.close()


def test_the_language_is_switched_from_the_menu(page, employee, home_page, login):
    login(page, employee.email, PASSWORD)
    account_menu(page).locator("summary").click()
    account_menu(page).get_by_role("button", name="Français", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour, {employee.first_name}")
    employee.refresh_from_db()
    assert employee.preferred_language == "fr"

    page.context.clear_cookies(name="django_language")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    account_menu(page).locator("summary").click()
    expect(account_menu(page).get_by_role("button", name="Français")).to_have_attribute(
        "aria-pressed", "true"
    )
    account_menu(page).get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_the_phone_has_a_bottom_bar_and_a_drawer_that_keeps_the_focus(
    page, employee, home_page, login, assert_accessible
):
    login(page, employee.email, PASSWORD)
    nav = page.locator("#site-nav")
    bottombar = page.get_by_role("navigation", name="Shortcuts")
    expect(nav).to_be_visible()  # the left navigation on a desktop
    expect(bottombar).to_be_hidden()

    page.set_viewport_size(PHONE)
    page.reload()
    expect(bottombar).to_be_visible()
    expect(nav).to_be_hidden()
    expect(bottombar.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    menu = bottombar.get_by_role("button", name="Menu", exact=True)
    box = bottombar.bounding_box()
    assert box is not None and abs(box["y"] + box["height"] - PHONE["height"]) < 2

    menu.click()
    expect(nav).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#main")).to_have_attribute("inert", "")  # the page behind
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    assert active_inside(page, "#site-nav")
    expect(nav.get_by_role("link", name="Home")).to_be_focused()
    assert_accessible(page)

    # Tab and Shift+Tab go round inside the drawer.
    for _ in range(15):
        page.keyboard.press("Tab")
        assert active_inside(page, "#site-nav"), "the focus left the open drawer"
    for _ in range(4):
        page.keyboard.press("Shift+Tab")
        assert active_inside(page, "#site-nav"), "the focus left the open drawer"

    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(page.locator("#main")).not_to_have_attribute("inert", "")

    # The close button and the backdrop close it too.
    menu.click()
    nav.get_by_role("button", name="Close the navigation").click()
    expect(nav).to_be_hidden()
    expect(menu).to_be_focused()
    menu.click()
    page.mouse.click(PHONE["width"] - 10, PHONE["height"] // 2)
    expect(nav).to_be_hidden()

    # Back on a desktop: the left navigation, no bottom bar.
    page.set_viewport_size(DESKTOP)
    expect(nav).to_be_visible()
    expect(bottombar).to_be_hidden()


def test_a_keyboard_alone_reaches_the_navigation(page, employee, home_page, login):
    login(page, employee.email, PASSWORD)
    page.goto("/")
    target = page.locator("#site-nav").get_by_role("link", name="My bookmarks")
    order = []
    for _ in range(40):
        page.keyboard.press("Tab")
        order.append(
            page.evaluate(
                "(el => el.getAttribute('aria-label') || el.textContent.trim() || el.id)"
                "(document.activeElement)"
            )
        )
        if target.evaluate("(el) => el === document.activeElement"):
            break
    else:
        pytest.fail(f"Tab never reached the navigation's My bookmarks: {order}")
    # The skip link first, then the top bar (search, account menu), then the navigation.
    assert order[0] == "Skip to main content"
    assert "site-search-input" in order
    assert any(name.startswith("Account menu of") for name in order)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/bookmarks/$"))
    expect(page.locator("#site-nav").get_by_role("link", name="My bookmarks")).to_have_attribute(
        "aria-current", "page"
    )


def test_the_style_guide_dialog_keeps_and_returns_the_focus(page, staff, home_page, login):
    login(page, staff.email, PASSWORD, next_path="/styleguide/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Style guide")
    opener = page.get_by_role("button", name="Open a dialog")
    dialog = page.locator("#sg-dialog")
    opener.click()
    expect(dialog).to_be_visible()
    expect(page.get_by_role("dialog", name="Delete this post?")).to_be_visible()
    assert active_inside(page, "#sg-dialog")
    for _ in range(6):
        page.keyboard.press("Tab")
        assert active_inside(page, "#sg-dialog"), "the focus left the dialog"
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()

    opener.click()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()


def test_the_style_guide_is_for_staff(page, employee, home_page, login):
    page.goto("/styleguide/")
    expect(page).to_have_url(re.compile(r"/account/login/\?next=/styleguide/$"))
    login(page, employee.email, PASSWORD)
    response = page.goto("/styleguide/")
    assert response is not None and response.status == 404


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_home_page_and_the_style_guide_pass_axe(
    page, staff, home_page, login, assert_accessible, scheme, viewport
):
    page.set_viewport_size(viewport)
    page.emulate_media(color_scheme=scheme)
    login(page, staff.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    page.goto("/styleguide/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Style guide")
    assert_accessible(page)


def test_the_style_guide_in_french_and_in_the_dark(
    page, staff, home_page, login, assert_accessible
):
    staff.preferred_language = "fr"
    staff.theme = "dark"
    staff.save()
    login(page, staff.email, PASSWORD, next_path="/styleguide/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(page.locator("section[lang=fr]")).to_be_visible()
    assert_accessible(page)
