"""Absolute links in what is read outside the portal's pages (emails, .ics files, news
feeds) are on the configured address (``PORTAL_BASE_URL``, read into
``WAGTAILADMIN_BASE_URL``), through ``portal.links.absolute_url``: never the Wagtail Site
record's ``localhost`` nor the host a request came through."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from portal import links

pytestmark = pytest.mark.django_db

BASE = "https://intranet.example.com"


@pytest.fixture(autouse=True)
def configured(settings):
    settings.WAGTAILADMIN_BASE_URL = BASE + "/"


@pytest.fixture
def proxied(client, employee):
    """A browser reaching the portal through a proxy that says it is ``localhost``."""
    client.force_login(employee)
    client.defaults["HTTP_HOST"] = "localhost"
    return client


def test_the_helper(home_page):
    from tests.factories import make_content_page

    page = make_content_page(home_page, "Welcome guide", slug="welcome-guide")
    assert links.site_url() == BASE
    assert links.site_host() == "intranet.example.com"
    assert links.absolute_url("/feed/posts/3/") == BASE + "/feed/posts/3/"
    assert links.absolute_url("feed/") == BASE + "/feed/"
    assert links.absolute_url(page) == BASE + page.url
    assert "localhost" not in links.absolute_url(page)  # the Site record says localhost
    assert links.absolute_url("https://meet.example.com/x") == "https://meet.example.com/x"


def test_a_feed_events_ics_file(proxied, employee):
    from plugins.feed.tests.test_events import make_event_post

    post = make_event_post(employee)
    body = proxied.get(f"/feed/posts/{post.pk}/event.ics").content.decode()
    lines = body.split("\r\n")
    assert f"URL:{BASE}{post.get_absolute_url()}" in lines
    assert f"UID:feed-event-{post.pk}@intranet.example.com" in lines
    assert "localhost" not in body


def test_a_wellness_sessions_ics_file_and_email(
    proxied, home_page, employee, colleague, django_capture_on_commit_callbacks
):
    from portal.editorial.wellness import services
    from portal.editorial.wellness.tests.factories import make_section, make_session

    session = make_session(make_section(home_page), "Guided meditation", capacity=1)
    body = proxied.get(session.url + "calendar/").content.decode()
    assert f"URL:{BASE}{session.url}" in body.split("\r\n")
    assert "localhost" not in body
    services.book_session(colleague, session)
    services.book_session(employee, session)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(colleague, session)  # the employee moves up and is told
    (email,) = mail.outbox
    assert f"{BASE}{session.url}" in email.body
    assert "localhost" not in email.body


def test_news_feed_links(proxied, home_page):
    from portal.editorial.news.factories import make_news, make_news_index

    news_index = make_news_index(home_page)
    story = make_news(news_index, "Open story")
    rss = proxied.get(news_index.url + "feed/rss/").content.decode()
    assert f"<link>{BASE}{story.url}</link>" in rss
    assert f"<link>{BASE}{news_index.url}</link>" in rss
    assert "localhost" not in rss
    atom = proxied.get(news_index.url + "feed/atom/").content.decode()
    assert f'href="{BASE}{news_index.url}feed/atom/"' in atom
    assert "localhost" not in atom
    page = proxied.get(news_index.url).content.decode()
    assert f'value="{BASE}{news_index.url}feed/rss/?token=' in page  # the personal feed link


def test_the_password_reset_email(client, employee, home_page):
    client.defaults["HTTP_HOST"] = "localhost"
    client.post("/account/password/reset/", {"email": employee.email})
    (email,) = mail.outbox
    assert re.search(re.escape(BASE) + r"/account/password/reset/\S+/", email.body)
    assert "localhost" not in email.body + email.subject
