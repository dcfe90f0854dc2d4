"""Wellness sessions in a browser: an employee books a session from the home page, finds
it under "My sessions", joins the waiting list of a full one and downloads a calendar
file. Every page visited is checked with axe-core."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from portal.editorial.wellness import services
from portal.editorial.wellness.models import Booking
from portal.editorial.wellness.tests.factories import make_section, make_session
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def heading(page):
    return page.get_by_role("heading", level=1)


def status(page):
    """The page's messages (the session's comment thread has a status region too)."""
    return page.get_by_role("status").and_(page.locator(".messages"))


def test_book_find_it_in_my_sessions_and_wait_for_a_full_one(
    page, employee, colleague, home_page, login, assert_accessible
):
    section = make_section(home_page, "Wellness")
    make_session(section, "Lunchtime yoga", capacity=12, starts_in=timedelta(days=1))
    meditation = make_session(section, "Guided meditation", capacity=1, starts_in=timedelta(days=2))
    services.book_session(colleague, meditation)  # the colleague took the only place

    # The home page offers the sessions that still have room.
    login(page, employee.email, PASSWORD)
    panel = page.get_by_role("region", name="Upcoming sessions with free places")
    expect(panel.get_by_role("link", name="Lunchtime yoga")).to_be_visible()
    expect(panel.get_by_role("link", name="Guided meditation")).to_have_count(0)
    assert_accessible(page)

    # The wellness section lists every upcoming session, the full one too.
    panel.get_by_role("link", name=re.compile("^See all")).click()
    expect(heading(page)).to_have_text("Wellness")
    sessions = page.get_by_role("list", name="Upcoming sessions")
    expect(sessions.get_by_role("listitem")).to_have_count(2)
    expect(sessions).to_contain_text("12 places left")
    expect(sessions).to_contain_text("Full: waiting list")
    assert_accessible(page)

    # Book a place.
    sessions.get_by_role("link", name="Lunchtime yoga").click()
    expect(heading(page)).to_have_text("Lunchtime yoga")
    expect(page.get_by_role("main")).to_contain_text("12 free places of 12")
    assert_accessible(page)
    page.get_by_role("button", name="Book a place").click()
    expect(status(page)).to_contain_text("Your place in “Lunchtime yoga” is booked.")
    expect(page.get_by_role("main")).to_contain_text("You have a place in this session.")
    expect(page.get_by_role("button", name="Cancel my booking")).to_be_visible()
    assert_accessible(page)

    # It is under My sessions, with a calendar file.
    page.get_by_role("link", name="My sessions", exact=True).click()
    expect(heading(page)).to_have_text("My sessions")
    mine = page.get_by_role("list", name="My sessions")
    expect(mine.get_by_role("link", name="Lunchtime yoga", exact=True)).to_be_visible()
    expect(mine).to_contain_text("Booked")
    with page.expect_download() as download_info:
        mine.get_by_role("link", name="Add to my calendar Lunchtime yoga").click()
    download = download_info.value
    assert download.suggested_filename == "lunchtime-yoga.ics"
    calendar = Path(download.path()).read_bytes().decode()
    assert calendar.startswith("BEGIN:VCALENDAR\r\n") and "SUMMARY:Lunchtime yoga\r\n" in calendar
    assert_accessible(page)

    # The full session: the employee joins its waiting list.
    page.get_by_role("link", name="All sessions").click()
    page.get_by_role("list", name="Upcoming sessions").get_by_role(
        "link", name="Guided meditation"
    ).click()
    expect(heading(page)).to_have_text("Guided meditation")
    expect(page.get_by_role("main")).to_contain_text("This session is full.")
    assert_accessible(page)
    page.get_by_role("button", name="Join the waiting list").click()
    expect(status(page)).to_contain_text("you are number 1 on the waiting list")
    expect(page.get_by_role("button", name="Leave the waiting list")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="My sessions", exact=True).click()
    mine = page.get_by_role("list", name="My sessions")
    expect(mine.get_by_role("listitem")).to_have_count(2)
    expect(mine).to_contain_text("Waiting list: number 1")
    assert_accessible(page)

    statuses = dict(Booking.objects.filter(user=employee).values_list("session__title", "status"))
    assert statuses == {"Lunchtime yoga": "confirmed", "Guided meditation": "waiting"}

    # Cancelling from My sessions comes back to it.
    mine.get_by_role("button", name="Cancel Lunchtime yoga").click()
    expect(status(page)).to_contain_text("Your booking for “Lunchtime yoga” is cancelled.")
    expect(heading(page)).to_have_text("My sessions")
    expect(page.get_by_role("list", name="My sessions").get_by_role("listitem")).to_have_count(1)
    assert_accessible(page)


def test_a_session_restricted_to_another_department_is_not_found(
    page, colleague, home_page, departments, login
):
    from portal.core.models import PageAudience

    section = make_section(home_page, "Wellness")
    session = make_session(section, "Back care for developers")
    PageAudience.objects.create(page=session, department=departments["engineering"])

    login(page, colleague.email, PASSWORD)  # Sales
    expect(
        page.get_by_role("region", name="Upcoming sessions with free places")
    ).not_to_contain_text("Back care")
    response = page.goto(session.url)
    assert response is not None and response.status == 404
