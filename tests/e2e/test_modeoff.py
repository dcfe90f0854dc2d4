"""Mode off's settings in a browser: from the account menu to the page, a wrong value
refused with the field named (nothing saved), hours saved, switching off until the next
working day and back on. Checked with axe-core (serious and critical violations fail)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.accounts.models import WorkingHours
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_set_working_hours_and_switch_off(page, employee, home_page, login, assert_accessible):
    login(page, employee.email, PASSWORD)
    page.locator("details.account-menu summary").click()
    page.get_by_role("link", name="Working hours and mode off").click()
    expect(page).to_have_url(re.compile(r"/account/mode-off/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Working hours and mode off")
    expect(page.get_by_role("main")).to_contain_text("You may work fewer hours, not more.")
    assert_accessible(page)

    # The end before the start: refused, the field named, nothing saved.
    page.get_by_label("Start of the day").fill("12:00")
    page.get_by_label("End of the day").fill("11:00")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("nothing was saved")
    expect(page.locator("#id_end_error")).to_contain_text("must come after its start")
    assert not WorkingHours.objects.exists()
    assert_accessible(page)

    # Every day, all day: on now, whatever the hour the suite runs at.
    for day in ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]:
        page.get_by_label(day, exact=True).check()
    page.get_by_label("Start of the day").fill("00:00")
    page.get_by_label("End of the day").fill("23:59")
    page.get_by_label("Time zone").fill("Europe/Paris")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").and_(page.locator(".messages"))).to_contain_text(
        "Your working hours are saved."
    )
    hours = WorkingHours.objects.get(user=employee)
    assert hours.days == "1234567" and hours.time_zone == "Europe/Paris"

    page.get_by_role("button", name="Switch off now until my next working day").click()
    expect(page.locator("[data-modeoff-state]")).to_have_attribute("data-modeoff-state", "off")
    expect(page.locator("[data-modeoff-state]")).to_contain_text("Off until")
    assert_accessible(page)
    page.get_by_role("button", name="Switch back on now").click()
    expect(page.locator("[data-modeoff-state]")).to_have_attribute("data-modeoff-state", "on")


def test_a_colleague_who_is_off_shows_it_on_the_profile(
    page, employee, colleague, home_page, login, assert_accessible
):
    import datetime as dt

    from django.utils import timezone

    WorkingHours.objects.create(
        user=colleague,
        days="1234567",
        start=dt.time(0, 0),
        end=dt.time(23, 59),
        off_until=timezone.now() + dt.timedelta(days=3),
        off_since=timezone.now(),
    )
    login(page, employee.email, PASSWORD)
    page.goto(colleague.get_absolute_url())
    status = page.locator("[data-modeoff-status]")
    expect(status).to_contain_text("Off until")
    expect(page.locator(".people-profile__avatar [data-modeoff]")).to_have_count(1)
    assert_accessible(page)
