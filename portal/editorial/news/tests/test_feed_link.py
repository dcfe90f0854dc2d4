"""The personal feed link on the news index: shown to copy, carrying the person's feed
token, and reset by a rate-limited POST after which the old link stops working."""

import re

import pytest
from django.conf import settings
from django.test import override_settings

from portal import links
from portal.accounts import feed_tokens
from portal.accounts.models import FeedToken
from portal.editorial.news.factories import make_news
from portal.signals import user_erased

pytestmark = pytest.mark.django_db

RESET_URL = "/account/feed-token/reset/"


@pytest.fixture
def story(news_index):
    return make_news(news_index, "Open story")


def link_of(html: str) -> str:
    match = re.search(r'id="feed-link-url"[^>]*value="([^"]+)"', html)
    assert match, "no personal feed link on the page"
    return match.group(1).replace("&amp;", "&")


def test_the_news_index_offers_a_personal_feed_link_to_copy(logged_in, employee, news_index):
    html = logged_in.get(news_index.url).content.decode()
    key = FeedToken.objects.get(user=employee).key
    assert "Your personal feed link" in html
    link = link_of(html)
    assert link == f"{links.site_url()}{news_index.url}feed/rss/?token={key}"
    # Both autodiscovery links carry it too, and the copy button is left to the script.
    atom = f'href="{links.site_url()}{news_index.url}feed/atom/?token={key}"'
    assert html.count(atom) == 2  # the autodiscovery link and the "for Atom" link
    assert re.search(r"<button[^>]*data-copy-from=\"feed-link-url\"[^>]*hidden", html)
    assert "portal/js/copy.js" in html
    assert "<script>" not in html  # no inline script: the CSP forbids them


def test_the_link_is_stable_and_each_person_has_their_own(client, employee, colleague, news_index):
    client.force_login(employee)
    first = link_of(client.get(news_index.url).content.decode())
    assert link_of(client.get(news_index.url).content.decode()) == first
    client.force_login(colleague)
    assert link_of(client.get(news_index.url).content.decode()) != first
    assert FeedToken.objects.count() == 2


def test_the_copied_link_works_in_a_feed_reader_without_a_session(
    client, employee, news_index, story
):
    client.force_login(employee)
    link = link_of(client.get(news_index.url).content.decode())
    client.logout()
    response = client.get(link.removeprefix(links.site_url()))
    assert response.status_code == 200
    assert b"Open story" in response.content


def test_resetting_makes_a_new_link_and_the_old_one_stops_working(
    client, employee, news_index, story
):
    client.force_login(employee)
    old = link_of(client.get(news_index.url).content.decode())
    response = client.post(RESET_URL, {"next": news_index.url}, follow=True)
    assert response.redirect_chain[-1][0] == news_index.url
    html = response.content.decode()
    assert "old one no longer works" in html
    new = link_of(html)
    assert new != old
    client.logout()
    assert client.get(old.removeprefix(links.site_url())).status_code == 302
    assert client.get(new.removeprefix(links.site_url())).status_code == 200


def test_reset_is_a_post_and_goes_back_to_this_site_only(logged_in, employee):
    assert logged_in.get(RESET_URL).status_code == 405
    response = logged_in.post(RESET_URL, {"next": "https://evil.example/"})
    assert response["Location"] == "/account/settings/"
    assert FeedToken.objects.filter(user=employee).exists()


def test_reset_needs_a_login(client):
    response = client.post(RESET_URL)
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert not FeedToken.objects.exists()


@override_settings(PORTAL_RATE_LIMITS={**settings.PORTAL_RATE_LIMITS, "feed_token": ("2/m", None)})
def test_reset_is_rate_limited(logged_in, employee):
    feed_tokens.reset(employee)  # not through the page: not counted
    assert logged_in.post(RESET_URL).status_code == 302
    assert logged_in.post(RESET_URL).status_code == 302
    refused = logged_in.post(RESET_URL)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    key = FeedToken.objects.get(user=employee).key
    logged_in.post(RESET_URL)
    assert FeedToken.objects.get(user=employee).key == key  # nothing changed when refused


def test_the_settings_page_offers_the_reset(logged_in):
    html = logged_in.get("/account/settings/").content.decode()
    assert "Personal feed links" in html and f'action="{RESET_URL}"' in html


def test_an_erased_person_loses_their_feed_token(employee):
    feed_tokens.token_for(employee)
    user_erased.send(sender=type(employee), user=employee)
    assert not FeedToken.objects.filter(user=employee).exists()
