"""The people directory as an employee uses it: searching by name and by skill, opening a
colleague's profile, then editing their own profile (bio and skills).

Every page visited is checked with axe-core (serious and critical violations fail).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def results(page):
    return page.locator("[data-people-results]")


def make_colleagues(departments):
    from plugins.people import orgchart
    from tests.factories import make_user

    boss = make_user(
        "nadia.benali@example.com",
        first_name="Nadia",
        last_name="Benali",
        department=departments["engineering"],
    )
    boss.profile.job_title = "Head of engineering"
    boss.profile.save()
    dev = make_user(
        "hugo.lefebvre@example.com",
        first_name="Hugo",
        last_name="Lefebvre",
        department=departments["platform"],
    )
    dev.profile.job_title = "Site reliability engineer"
    dev.profile.location = "Lyon"
    dev.profile.save()
    dev.profile.skills.set(["Terraform", "Python"])
    orgchart.set_manager(dev.profile, boss.profile)
    return boss, dev


def test_search_open_a_profile_and_edit_mine(
    page, live_server, employee, departments, home_page, login, assert_accessible
):
    boss, dev = make_colleagues(departments)
    login(page, employee.email, PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1, name="People")).to_be_visible()
    assert_accessible(page)

    search = page.get_by_role("searchbox", name="Search")
    search.fill("lefeb")
    expect(results(page).get_by_role("link")).to_have_count(1)
    expect(results(page).get_by_role("link", name="Hugo Lefebvre")).to_be_visible()
    expect(results(page)).to_contain_text("Engineering › Platform")
    assert_accessible(page)

    search.fill("terraform")
    expect(results(page).get_by_role("link")).to_have_count(1)
    expect(results(page).get_by_role("link", name="Hugo Lefebvre")).to_be_visible()
    search.fill("")
    expect(results(page).get_by_role("link")).to_have_count(3)

    results(page).get_by_role("link", name="Hugo Lefebvre").click()
    expect(page.get_by_role("heading", level=1, name="Hugo Lefebvre")).to_be_visible()
    expect(page.get_by_text("Site reliability engineer")).to_be_visible()
    org = page.get_by_role("region", name="Organisation")
    expect(org.get_by_role("link", name="Nadia Benali")).to_be_visible()
    expect(page.get_by_role("link", name="Edit my profile")).to_have_count(0)
    assert_accessible(page)

    page.goto("/people/me/")
    page.get_by_role("link", name="Edit my profile").click()
    expect(page.get_by_role("heading", level=1, name="Edit my profile")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Short bio").fill("I keep the platform running.")
    page.get_by_label("Skills").fill("Ansible, Go")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(rf"/people/{employee.profile.pk}/$"))
    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text(
        "Your profile has been saved"
    )
    expect(page.get_by_text("I keep the platform running.")).to_be_visible()
    skills = page.get_by_role("region", name="Skills and languages")
    expect(skills.get_by_role("link", name="Ansible")).to_be_visible()
    expect(skills.get_by_role("link", name="Go", exact=True)).to_be_visible()
    assert_accessible(page)

    # The directory finds the employee by their new skill, without scripts too.
    page.goto("/people/?q=ansible")
    expect(results(page).get_by_role("link")).to_have_count(1)
    assert_accessible(page)


def test_hr_reads_profile_completeness(
    page, live_server, hr_user, employee, departments, login, assert_accessible
):
    make_colleagues(departments)
    login(page, hr_user.email, PASSWORD, next_path="/people/")
    page.get_by_role("link", name="Profile completeness").click()
    expect(page.get_by_role("heading", level=1, name="Profile completeness")).to_be_visible()
    table = page.get_by_role("table")
    expect(table.get_by_role("rowheader", name="Platform")).to_be_visible()
    assert_accessible(page)
