"""Sharing in a real browser: Anna shares a course into her group with a comment, from
the course's Share button, and the group's feed shows the course's card. Ben, a member
of the group outside the department a second course is for, sees Anna's comment on her
share of that one and a neutral placeholder, nothing of the course. The share page and
the group's page are checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import make_user
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def falcon(home_page, departments):
    from plugins.groups import services
    from plugins.groups.models import Membership
    from portal.core.models import PageAudience
    from portal.editorial.learning.factories import make_course, make_course_index

    anna = make_user(
        "anna.martin@example.com",
        first_name="Anna",
        last_name="Martin",
        department=departments["platform"],
        password=PASSWORD,
    )
    ben = make_user(
        "ben.durand@example.com",
        first_name="Ben",
        last_name="Durand",
        department=departments["sales"],
        password=PASSWORD,
    )
    group = services.create_group(
        anna, name="Project Falcon", description="Launching Falcon.", privacy="private"
    )
    Membership.objects.create(group=group, user=ben)
    catalogue = make_course_index(home_page, "Courses")
    course = make_course(catalogue, "Safety basics", intro="Stay safe at work.")
    internal = make_course(catalogue, "Platform on-call", intro="Who wakes up at night.")
    PageAudience.objects.create(page=internal, department=departments["engineering"])
    return {"anna": anna, "ben": ben, "group": group, "course": course, "internal": internal}


def test_share_a_course_into_a_group(
    page, browser, browser_context_args, falcon, login, assert_accessible
):
    from plugins.feed import services

    group_url = f"/groups/{falcon['group'].slug}/"
    login(page, "anna.martin@example.com", PASSWORD, next_path=falcon["course"].url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Safety basics")
    page.get_by_role("link", name="Share Safety basics").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Share")
    expect(page.get_by_role("region", name="What you share")).to_contain_text("Safety basics")
    assert_accessible(page)
    page.get_by_label("Share with").select_option(label="Project Falcon · group")
    page.get_by_role("textbox", name="Your comment").fill("Everyone in Falcon should take this")
    page.get_by_role("button", name="Share", exact=True).click()

    # The new post, then the group's feed with the course's card.
    expect(page.locator(".messages")).to_contain_text("Shared.")
    shared = page.locator("article.post-card", has_text="Everyone in Falcon should take this")
    expect(shared.get_by_role("link", name="Course Safety basics")).to_be_visible()
    page.goto(group_url)
    card = page.locator("article.post-card", has_text="Everyone in Falcon should take this")
    expect(card).to_contain_text("Stay safe at work.")
    expect(card.get_by_role("link", name="Course Safety basics")).to_have_attribute(
        "href", falcon["course"].url
    )
    assert_accessible(page)

    # Ben, in Sales, sees Anna's comment on a course for Engineering, and nothing of it.
    services.share(
        falcon["anna"], falcon["internal"], text="For the on-call crew", group=falcon["group"]
    )
    context = browser.new_context(**browser_context_args)
    try:
        other = context.new_page()
        login(other, "ben.durand@example.com", PASSWORD, next_path=group_url)
        hidden = other.locator("article.post-card", has_text="For the on-call crew")
        expect(hidden).to_contain_text("This content is not available to you.")
        expect(other.locator("body")).not_to_contain_text("Platform on-call")
        assert falcon["internal"].slug not in other.content()
        expect(
            other.locator("article.post-card", has_text="Everyone in Falcon should take this")
        ).to_contain_text("Safety basics")
        assert_accessible(other)
    finally:
        context.close()
