"""News as people meet them in a browser: a news writer writes a news item in the Wagtail
admin and submits it to moderation, an editor approves it, and an employee finds it,
marked New, on the news index and in the home page's "Latest news" panel.

axe-core checks the employee-facing pages (not the Wagtail admin)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from portal.editorial.news import services
from portal.editorial.news.factories import make_category, make_news, make_news_index
from tests.factories import make_user
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def news_index(home_page):
    index = make_news_index(home_page)
    services.setup_news_moderation(index)
    make_category("IT", "it")
    make_news(index, "Older story", summary="Published before you joined")
    return index


@pytest.fixture
def writer(news_index):
    user = make_user("writer@example.com", password=PASSWORD)
    user.groups.add(Group.objects.get(name=services.WRITERS_GROUP_NAME))
    return user


def test_write_submit_approve_and_read_a_news(
    page, live_server, news_index, writer, editor, employee, login, assert_accessible
):
    # A news writer writes the news in the Wagtail admin and submits it to moderation.
    login(page, writer.email, PASSWORD)
    page.goto(f"/admin/pages/add/news/newspage/{news_index.pk}/")
    page.locator("#id_title").fill("The VPN moves to a new provider")
    page.locator("#id_category").select_option(label="IT")
    page.locator("#id_summary").fill("Nothing to do on your side; expect a short outage.")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Submit to News moderation").click()
    expect(page.locator(".messages")).to_contain_text("submitted")
    news = services.NewsPage.objects.get(title="The VPN moves to a new provider")
    assert not news.live
    assert news.author == writer
    page.context.clear_cookies()

    # An editor approves it from the page editor.
    login(page, editor.email, PASSWORD)
    page.goto(f"/admin/pages/{news.pk}/edit/")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Approve and Publish", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("has been updated")
    news.refresh_from_db()
    assert news.live
    page.context.clear_cookies()

    # An employee finds it on the home page and on the news index, marked New.
    login(page, employee.email, PASSWORD)
    panel = page.get_by_role("region", name="Latest news", exact=True)
    expect(panel.get_by_role("link", name="The VPN moves to a new provider")).to_be_visible()
    expect(panel.get_by_role("listitem").filter(has_text="The VPN moves")).to_contain_text("New")
    assert_accessible(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="News").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("News")
    card = page.get_by_role("listitem").filter(has_text="The VPN moves to a new provider")
    expect(card).to_contain_text("New")
    expect(card).to_contain_text("Nothing to do on your side")
    older = page.get_by_role("listitem").filter(has_text="Older story")
    expect(older).not_to_contain_text("New")
    assert_accessible(page)

    page.get_by_label("Category").select_option(label="IT")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"\?category=it"))
    expect(page.get_by_role("listitem").filter(has_text="Older story")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="The VPN moves to a new provider").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The VPN moves to a new provider")
    assert_accessible(page)


def test_copy_and_reset_the_personal_feed_link(
    page, live_server, news_index, employee, login, assert_accessible, settings
):
    # The feed link is built on the portal's configured address: here, the test server's.
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(page, employee.email, PASSWORD)
    page.goto(news_index.url)
    section = page.get_by_role("region", name="Follow the news in your feed reader")
    field = section.get_by_label("Your personal feed link")
    link = field.input_value()
    assert re.search(r"/feed/rss/\?token=[\w-]{20,}$", link)
    # The copy button appears with JavaScript and puts the link on the clipboard.
    section.get_by_role("button", name="Copy the link").click()
    expect(section.get_by_role("status")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == link
    assert_accessible(page)

    # Resetting gives a new link; the old one opens nothing any more.
    section.get_by_role("button", name="Reset my feed link").click()
    expect(page.locator(".messages")).to_contain_text("the old one no longer works")
    new_link = page.get_by_label("Your personal feed link").input_value()
    assert new_link != link
    assert_accessible(page)

    page.context.clear_cookies()  # a feed reader: no session, only the link
    old = page.request.get(link, max_redirects=0)
    assert old.status == 302 and "/account/login/" in old.headers["location"]
    fresh = page.request.get(new_link, max_redirects=0)
    assert fresh.status == 200 and "Older story" in fresh.text()
