"""The feed in a real browser: infinite scroll, the composer's kinds, a mention picked with
the keyboard, and the feed's pages checked with axe-core."""

import re

import pytest
from playwright.sync_api import expect

from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_feed_scroll_compose_mention(
    page, live_server, employee, colleague, home_page, login, assert_accessible
):
    from plugins.feed import services

    for n in range(45):
        services.create_post(colleague, text=f"Message number {n}")
    login(page, employee.email, PASSWORD)
    page.goto(live_server.url + "/")
    expect(page.get_by_text("Message number 44")).to_be_visible()
    assert_accessible(page)
    # kinds: event and poll fieldsets hidden until chosen
    expect(page.get_by_role("group", name="Poll")).to_be_hidden()
    page.get_by_role("button", name=re.compile("What's new")).click()
    expect(page.get_by_role("group", name="Poll")).to_be_hidden()
    page.get_by_role("tab", name="Poll", exact=True).click()
    expect(page.get_by_role("group", name="Poll")).to_be_visible()
    page.get_by_role("tab", name="Status", exact=True).click()
    # infinite scroll
    page.mouse.wheel(0, 20000)
    expect(page.get_by_text("Message number 10", exact=True)).to_be_attached()
    page.mouse.wheel(0, 40000)
    expect(page.get_by_text("Message number 0", exact=True)).to_be_attached()
    expect(page.locator("[data-feed-status]")).to_contain_text("new items loaded")
    assert page.locator(".feed__item").count() == 45
    # mention
    box = page.get_by_role("textbox", name="Message")
    box.click()
    box.press_sequentially("Hi @Coll")
    option = page.get_by_role("option", name="Colleague Tester")
    expect(option).to_be_visible()
    assert_accessible(page)
    box.press("Enter")
    # The box shows the name; the markup the server reads goes in the hidden field.
    expect(box).to_have_value("Hi @Colleague Tester ")
    expect(page.locator("input[type=hidden][name=text]")).to_have_value(
        f"Hi @[Colleague Tester](user:{colleague.pk}) "
    )
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".post-card__body a.mention").first).to_have_text("@Colleague Tester")


def test_pages_accessible(
    page, live_server, employee, colleague, editor, home_page, login, assert_accessible
):
    from datetime import timedelta

    from django.utils import timezone

    from plugins.feed import services
    from plugins.feed.models import Post
    from plugins.groups.models import Group, Membership

    group = Group.objects.create(name="Guild", slug="guild", privacy=Group.PRIVATE)
    Membership.objects.create(group=group, user=colleague, role=Membership.OWNER)
    Membership.objects.create(group=group, user=editor)
    p = services.create_post(colleague, text="Group post #guild", audience=f"group:{group.pk}")
    services.create_post(
        colleague,
        text="",
        kind=Post.EVENT,
        audience=f"group:{group.pk}",
        event={"title": "Meetup", "starts_at": timezone.now() + timedelta(days=2)},
    )
    services.pin_post(colleague, p, True)
    services.report_post(editor, p, "Spam")
    login(page, colleague.email, PASSWORD)
    for path in [
        "/feed/groups/guild/",
        "/groups/guild/",
        f"/feed/posts/{p.pk}/",
        "/feed/reports/",
        "/feed/following/",
        "/feed/last-24-hours/",
        "/feed/tags/guild/",
        f"/feed/posts/{p.pk}/edit/",
        f"/feed/posts/{p.pk}/delete/",
    ]:
        page.goto(live_server.url + path)
        assert_accessible(page)
    page.goto(live_server.url + "/groups/guild/")


def test_news_card_in_the_home_feed(
    page, live_server, employee, home_page, login, assert_accessible
):
    """A published news item comes into the home feed as a card with its category and
    summary; its title opens the news page."""
    from portal.editorial.news.factories import make_category, make_news, make_news_index

    index = make_news_index(home_page)
    make_news(
        index,
        "Canteen reopens",
        category=make_category("Life at work"),
        summary="New menu from Monday.",
    )
    login(page, employee.email, PASSWORD)
    page.goto(live_server.url + "/")
    card = page.locator(".post-card--news").filter(has_text="Canteen reopens")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Life at work")
    expect(card).to_contain_text("New menu from Monday.")
    assert_accessible(page)
    card.get_by_role("link", name="Canteen reopens").click()
    expect(page.get_by_role("heading", name="Canteen reopens")).to_be_visible()
