"""The social pages on the design system, checked with axe-core in light and dark, on a
desktop (1280 px) and on a phone (390 px): the groups directory, a group's page, a
profile, the people directory, the notifications and the bookmarks."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VARIANTS = [
    pytest.param("light", 1280, id="light-desktop"),
    pytest.param("dark", 1280, id="dark-desktop"),
    pytest.param("light", 390, id="light-phone"),
    pytest.param("dark", 390, id="dark-phone"),
]


@pytest.fixture
def social(home_page, departments, employee):
    """A public group with a few members (one invites the employee, who is notified), a
    colleague with a profile worth reading, and two bookmarks of the employee's."""
    from plugins.bookmarks import services as bookmarks
    from plugins.groups import services as groups
    from plugins.people import orgchart
    from tests.factories import make_user

    boss = make_user(
        "nadia.benali@example.com",
        first_name="Nadia",
        last_name="Benali",
        department=departments["engineering"],
        password=PASSWORD,
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
    dev.profile.phone = "+33 1 23 45 67 89"
    dev.profile.bio = "Keeps the lights on."
    dev.profile.save()
    dev.profile.skills.set(["Terraform", "Python"])
    dev.profile.languages.set(["French", "English"])
    orgchart.set_manager(dev.profile, boss.profile)

    runners = groups.create_group(
        boss, name="Runners", description="We run on Thursdays.", privacy="public", tags=["sport"]
    )
    groups.join(dev, runners)
    board = groups.create_group(boss, name="Board games", description="Fridays.", privacy="public")
    groups.create_group(boss, name="Book club", description="Monthly.", privacy="private")
    groups.invite(boss, board, [employee])
    groups.join(employee, runners)
    bookmarks.toggle_bookmark(employee, runners)
    bookmarks.toggle_bookmark(employee, dev)
    return {"runners": runners, "dev": dev}


@pytest.mark.parametrize(("scheme", "width"), VARIANTS)
def test_social_pages_are_accessible(
    page, social, employee, login, assert_accessible, scheme, width
):
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 800})
    page.emulate_media(color_scheme=scheme)
    login(page, employee.email, PASSWORD)
    context = None

    def check():
        assert_accessible(page, context=context)

    page.goto("/groups/")
    expect(page.get_by_role("heading", level=1, name="Groups")).to_be_visible()
    expect(page.get_by_role("link", name="Runners")).to_be_visible()
    check()

    page.goto(social["runners"].get_absolute_url())
    expect(page.get_by_role("heading", level=1, name="Runners")).to_be_visible()
    expect(page.get_by_role("navigation", name="Group sections")).to_be_visible()
    check()

    page.goto(social["runners"].get_absolute_url() + "members/")
    tabs = page.get_by_role("navigation", name="Group sections")
    expect(tabs.get_by_role("link", name="Members")).to_have_attribute("aria-current", "page")
    check()

    page.goto(f"/people/{social['dev'].profile.pk}/")
    expect(page.get_by_role("heading", level=1, name="Hugo Lefebvre")).to_be_visible()
    expect(page.get_by_role("link", name="Terraform")).to_be_visible()
    check()

    page.goto("/people/?skill=Terraform")
    expect(page.locator("[data-people-results] .people-card")).to_have_count(1)
    expect(page.get_by_role("list", name="Filters in use")).to_be_visible()
    check()

    page.goto("/notifications/")
    expect(page.get_by_role("heading", level=1, name="Notifications")).to_be_visible()
    expect(page.locator(".notification--unread")).to_have_count(1)
    check()

    page.goto("/notifications/preferences/")
    check()

    page.goto("/bookmarks/")
    expect(page.locator(".bookmarks-card")).to_have_count(2)
    check()


def test_empty_social_pages_are_accessible(page, employee, home_page, login, assert_accessible):
    page.emulate_media(color_scheme="dark")
    login(page, employee.email, PASSWORD)
    for path in ("/groups/?q=nothing+like+this", "/notifications/", "/bookmarks/"):
        page.goto(path)
        expect(page.locator(".empty-state").first).to_be_visible()
        assert_accessible(page)
