"""The platform foundation as a person uses it in a browser: logging in, reading a page,
bookmarking it, choosing the language, logging out; by keyboard and on a small screen.

Every page visited is checked with axe-core (serious and critical violations fail).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOGIN_PATH = "/account/login/"
LOGIN_URL = re.compile(re.escape(LOGIN_PATH))


def main_nav(page):
    return page.get_by_role("navigation", name="Main")


def bookmarks_panel(page):
    """The home page's "My bookmarks" panel (a region named by its heading)."""
    return page.get_by_role("region", name="My bookmarks", exact=True)


def test_login_redirects_rejects_a_wrong_password_and_greets(
    page, live_server, employee, home_page, assert_accessible
):
    page.goto("/")
    expect(page).to_have_url(re.compile(re.escape(LOGIN_PATH) + r"\?next=/$"))
    expect(page.get_by_role("heading", level=1, name="Log in")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Email address", exact=True).fill(employee.email)
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Log in", exact=True).click()

    error = page.get_by_role("alert")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    expect(page).to_have_url(LOGIN_URL)
    expect(page.get_by_label("Email address", exact=True)).to_have_value(employee.email)
    expect(main_nav(page)).to_have_count(0)
    assert_accessible(page)  # the form with its error message

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()

    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {employee.first_name}")
    expect(main_nav(page).get_by_role("link", name="Home", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    assert_accessible(page)


def test_login_takes_you_back_to_the_page_you_asked_for(page, employee, content_page):
    page.goto(content_page.url)
    expect(page).to_have_url(LOGIN_URL)

    page.get_by_label("Email address", exact=True).fill(employee.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()

    expect(page).to_have_url(re.compile(re.escape(content_page.url) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome guide")


def test_bookmark_a_page_find_it_remove_it_switch_language_and_log_out(
    page, employee, content_page, login, assert_accessible
):
    login(page, employee.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {employee.first_name}")
    expect(bookmarks_panel(page)).to_contain_text("Nothing saved yet")
    assert_accessible(page)

    # Open the page from the home page's list of pages.
    page.get_by_role("link", name="Welcome guide", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(content_page.url) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome guide")
    assert_accessible(page)

    # The Bookmark button toggles in place, without loading another page.
    page.evaluate("window.__sameDocument = true")
    bookmark = page.get_by_role("button", name="Bookmark", exact=True)
    expect(bookmark).to_have_attribute("aria-pressed", "false")
    bookmark.click()
    bookmarked = page.get_by_role("button", name="Saved", exact=True)
    expect(bookmarked).to_have_attribute("aria-pressed", "true")
    expect(bookmarked).to_be_enabled()
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"
    assert_accessible(page)

    # It is listed under My bookmarks...
    main_nav(page).get_by_role("link", name="My bookmarks", exact=True).click()
    expect(page).to_have_url(re.compile(r"/bookmarks/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My bookmarks")
    saved = page.get_by_role("list", name="My bookmarks")
    expect(saved.get_by_role("link", name="Welcome guide", exact=True)).to_be_visible()
    assert_accessible(page)

    # ... and in the home page's panel.
    main_nav(page).get_by_role("link", name="Home", exact=True).click()
    expect(bookmarks_panel(page).get_by_role("link", name="Welcome guide")).to_be_visible()

    # Remove it from My bookmarks.
    main_nav(page).get_by_role("link", name="My bookmarks", exact=True).click()
    page.get_by_role("button", name="Remove Welcome guide").click()
    expect(page.get_by_role("status")).to_contain_text("Bookmark removed.")
    expect(page.get_by_role("link", name="Welcome guide", exact=True)).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text("Nothing saved yet")
    assert_accessible(page)

    # Switch the interface to French with the avatar menu's language switch. From here on,
    # elements are found by their markup, not their (now perhaps translated) names.
    account_menu = page.locator("details.account-menu")
    account_menu.locator("summary").click()
    account_menu.get_by_role("button", name="Français", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page).to_have_url(re.compile(r"/bookmarks/$"))
    expect(account_menu.locator("button[name=language][value=fr]")).to_have_attribute(
        "aria-pressed", "true"
    )
    employee.refresh_from_db()
    assert employee.preferred_language == "fr"

    # The choice is saved on the profile: it holds without the language cookie.
    page.context.clear_cookies(name="django_language")
    site_nav = page.locator("nav#site-nav")
    account_menu.locator("summary").click()
    account_menu.locator(".site-nav__user").click()  # the avatar menu's Settings
    expect(page).to_have_url(re.compile(r"/account/settings/$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#id_language")).to_have_value("fr")
    assert_accessible(page)

    # Log out with the avatar menu's button (found by its form: its label may be French now).
    account_menu.locator("summary").click()
    account_menu.locator("form[action$='/account/logout/'] button[type=submit]").click()
    expect(page).to_have_url(LOGIN_URL)
    expect(page.locator("input[type=password]")).to_be_visible()
    expect(site_nav).to_have_count(0)
    expect(account_menu).to_have_count(0)

    page.goto("/")
    expect(page).to_have_url(re.compile(re.escape(LOGIN_PATH) + r"\?next=/$"))


def test_keyboard_skip_link_and_small_screen_menu(
    page, employee, home_page, login, assert_accessible
):
    login(page, employee.email, PASSWORD)
    page.goto("/")

    # The first Tab reaches the skip link, which shows itself and leads to the content.
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    box = skip_link.bounding_box()
    assert box is not None and box["y"] >= 0, f"the focused skip link is off screen: {box}"
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    # On a small screen the navigation hides behind the Menu button.
    page.set_viewport_size({"width": 375, "height": 700})
    page.reload()
    menu = page.get_by_role("button", name="Menu")
    nav = page.locator("#site-nav")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-controls", "site-nav")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    expect(main_nav(page).get_by_role("link", name="My bookmarks", exact=True)).to_be_visible()
    assert_accessible(page)  # with the menu open

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()

    # Escape closes the open menu and gives the focus back to its button.
    menu.click()
    expect(nav).to_be_visible()
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    expect(menu).to_be_focused()


def test_an_employee_cannot_use_the_wagtail_admin(page, employee, home_page, login):
    login(page, employee.email, PASSWORD)
    expect(main_nav(page).get_by_role("link", name="Administration")).to_have_count(0)

    response = page.goto("/admin/")

    # Wagtail sends people without the "access admin" permission back to its login
    # form with a message (or answers 403): never the dashboard.
    assert response is not None
    path = urlsplit(page.url).path
    assert path != "/admin/" or response.status == 403, (
        f"/admin/ showed {page.url} ({response.status}) to an employee"
    )
    if path.startswith("/admin/login/"):
        expect(page.get_by_text("You do not have permission to access the admin")).to_be_visible()
    expect(page.get_by_role("link", name="Pages", exact=True)).to_have_count(0)


def test_forgotten_password_link_by_email_then_log_in_with_the_new_one(
    page, live_server, employee, home_page, mailoutbox, login, assert_accessible, settings
):
    # The email's link is built on the portal's configured address: here, the test server's.
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    page.goto(LOGIN_PATH)
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    assert_accessible(page)

    page.get_by_label("Email address", exact=True).fill(employee.email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert len(mailoutbox) == 1, [m.subject for m in mailoutbox]
    link = re.search(r"https?://\S+/account/password/reset/\S+", mailoutbox[0].body)
    assert link, mailoutbox[0].body
    assert link.group(0).startswith(live_server.url)

    page.goto(link.group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    assert_accessible(page)
    new_password = "a brand new passphrase 42"
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("New password confirmation", exact=True).fill("something else")
    page.get_by_role("button", name="Save the password").click()
    expect(page.locator(".field__errors")).to_contain_text("didn’t match")
    assert_accessible(page)  # with the error shown

    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("New password confirmation", exact=True).fill(new_password)
    page.get_by_role("button", name="Save the password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Password saved")

    login(page, employee.email, new_password)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {employee.first_name}")


def test_password_fields_are_described_by_their_help_and_errors(page, employee, home_page):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(employee.pk))
    token = default_token_generator.make_token(employee)
    page.goto(f"/account/password/reset/{uid}/{token}/")

    new_password = page.get_by_label("New password", exact=True)
    expect(new_password).to_have_accessible_description(re.compile("at least 8 characters"))

    new_password.fill("a brand new passphrase 42")
    confirmation = page.get_by_label("New password confirmation", exact=True)
    confirmation.fill("something else")
    page.get_by_role("button", name="Save the password").click()
    expect(confirmation).to_have_attribute("aria-invalid", "true")
    expect(confirmation).to_have_accessible_description(re.compile("didn’t match"))


def test_without_javascript_the_small_screen_menu_is_open_without_a_dead_button(
    browser, browser_context_args, employee, home_page, login
):
    context = browser.new_context(
        **{**browser_context_args, "viewport": {"width": 375, "height": 700}},
        java_script_enabled=False,
    )
    try:
        page = context.new_page()
        login(page, employee.email, PASSWORD)
        expect(main_nav(page).get_by_role("link", name="My bookmarks")).to_be_visible()
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    finally:
        context.close()
