"""Themed weeks in a browser: an employee opens the current week from the home page,
shares an initiative with a photo, an editor approves and features it in the admin, and
the employee then sees it featured. A week that is over shows what was shared, without a
form; a week to come says when sharing opens.

Every employee page visited is checked with axe-core (serious and critical violations
fail).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.editorial.weeks.models import Initiative
from portal.editorial.weeks.tests.factories import (
    grant_moderation,
    make_index,
    make_initiative,
    make_week,
    png_bytes,
)
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def messages(page):
    """The page's messages (a comment thread on the page has a status region too)."""
    return page.get_by_role("status").and_(page.locator(".messages"))


def log_out(page) -> None:
    page.locator("details.account-menu summary").click()
    page.locator(
        "details.account-menu form[action$='/account/logout/'] button[type=submit]"
    ).click()
    expect(page).to_have_url(re.compile(r"/account/login/"))


def test_share_an_initiative_and_see_it_featured_once_approved(
    page, employee, editor, home_page, login, assert_accessible, tmp_path
):
    week = make_week(make_index(home_page), "Green week")
    grant_moderation(editor)
    photo = tmp_path / "car-sharing.png"
    photo.write_bytes(png_bytes(size=(120, 80)))

    # The home page shows the week running now.
    login(page, employee.email, PASSWORD)
    panel = page.get_by_role("region", name="This week: Green week")
    expect(panel).to_contain_text(week.intro)
    assert_accessible(page)

    panel.get_by_role("link", name="Discover Green week").click()
    expect(page).to_have_url(re.compile(re.escape(week.url) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Green week")
    expect(page.get_by_role("main")).to_contain_text("No initiative yet")
    assert_accessible(page)

    # A missing title is refused, the form comes back with the error.
    page.get_by_role("button", name="Submit my initiative").click()
    expect(page.locator(".field--error")).to_contain_text("required")
    assert_accessible(page)

    page.get_by_label("Title", exact=True).fill("Car-sharing from Lyon")
    page.get_by_label("Description", exact=True).fill("Two seats left every morning.")
    page.get_by_label("Photo", exact=True).set_input_files(str(photo))
    page.get_by_role("button", name="Submit my initiative").click()

    expect(messages(page)).to_contain_text("once an editor approves it")
    mine = page.locator(".initiative", has_text="Car-sharing from Lyon")
    expect(mine).to_contain_text("Pending approval")
    expect(mine.get_by_role("img", name=re.compile("Car-sharing from Lyon"))).to_be_visible()
    assert_accessible(page)
    log_out(page)

    # An editor approves and features it from the admin's moderation queue.
    login(page, editor.email, PASSWORD, next_path="/admin/weeks/initiatives/")
    row = page.get_by_role("row", name=re.compile("Car-sharing from Lyon"))
    row.get_by_role("button", name="Approve and feature").click()
    expect(page.get_by_text("approved and featured")).to_be_visible()
    assert Initiative.objects.get().featured
    page.goto("/")
    log_out(page)

    # The employee now sees it featured, on the week and on the home page.
    login(page, employee.email, PASSWORD)
    panel = page.get_by_role("region", name="This week: Green week")
    expect(panel.get_by_role("link", name="Car-sharing from Lyon")).to_be_visible()
    assert_accessible(page)
    page.goto(week.url)
    mine = page.locator(".initiative", has_text="Car-sharing from Lyon")
    expect(mine).to_contain_text("Featured")
    expect(mine).not_to_contain_text("Pending approval")
    assert_accessible(page)


def test_a_past_week_shows_what_was_shared_and_a_week_to_come_when_it_opens(
    page, employee, colleague, home_page, login, assert_accessible
):
    index = make_index(home_page)
    past = make_week(index, "Safety week", starts_in=-30)
    upcoming = make_week(index, "Mobility week", starts_in=7)
    make_initiative(past, colleague, "First-aid training", status=Initiative.Status.APPROVED)

    login(page, employee.email, PASSWORD)
    page.goto(past.url)
    initiatives = page.get_by_role("region", name="Initiatives")
    expect(initiatives).to_contain_text("This week is over; here is what people shared.")
    expect(initiatives).to_contain_text("First-aid training")
    expect(page.get_by_role("main")).not_to_contain_text("Be the first to share yours!")
    expect(page.get_by_role("button", name="Submit my initiative")).to_have_count(0)
    assert_accessible(page)

    page.goto(upcoming.url)
    expect(page.get_by_role("region", name="Initiatives")).to_contain_text(
        "Sharing initiatives opens on"
    )
    expect(page.get_by_role("button", name="Submit my initiative")).to_have_count(0)
    assert_accessible(page)
