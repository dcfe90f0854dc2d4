"""RSS and Atom feeds: valid XML, only what the reader may see, personal feed links (the
person's feed token) for feed readers, and titles that read well."""

import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import translation
from rest_framework.authtoken.models import Token

from portal.accounts import feed_tokens
from portal.core.models import PageAudience
from portal.editorial.news.factories import make_news

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def stories(news_index, departments, categories):
    make_news(news_index, "Open story", summary="For all", category=categories["it"])
    secret = make_news(news_index, "Sales story")
    PageAudience.objects.create(page=secret, department=departments["sales"])
    make_news(news_index, "Draft story", publish=False)


def parse(content: bytes) -> ET.Element:
    """Parse a feed, failing on invalid XML (the portal's own output, not untrusted data)."""
    return ET.fromstring(content)  # noqa: S314


def feed_url(index, kind: str) -> str:
    return index.url + index.reverse_subpage(f"feed_{kind}")


def test_the_rss_feed_is_valid_and_lists_what_the_reader_may_see(logged_in, news_index, stories):
    response = logged_in.get(feed_url(news_index, "rss"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = parse(response.content).find("channel")
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert titles == ["Open story"]
    item = channel.find("item")
    assert item.findtext("description") == "For all"
    assert item.findtext("link").endswith("/news/open-story/")
    assert item.findtext("category") == "IT"


def test_the_atom_feed_is_valid_and_lists_what_the_reader_may_see(
    client, colleague, news_index, stories
):
    client.force_login(colleague)  # in Sales: sees the Sales story too
    response = client.get(feed_url(news_index, "atom"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = parse(response.content)
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]
    assert sorted(titles) == ["Open story", "Sales story"]


def test_without_login_nor_token_the_feed_sends_to_the_login_form(client, news_index, stories):
    response = client.get(feed_url(news_index, "rss"))
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]
    response = client.get(feed_url(news_index, "rss"))
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]
    response = client.get(feed_url(news_index, "rss"), {"token": "not-a-token"})
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


def test_a_feed_reader_uses_the_personal_feed_token(client, employee, news_index, stories):
    token = feed_tokens.token_for(employee)
    response = client.get(feed_url(news_index, "atom"), {"token": token.key})
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    feed = parse(response.content)
    # Exactly what the owner may see: not the Sales story, not the draft.
    assert [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")] == ["Open story"]


def test_the_token_shows_what_its_owner_may_see(client, colleague, news_index, stories):
    key = feed_tokens.token_for(colleague).key
    channel = parse(client.get(feed_url(news_index, "rss"), {"token": key}).content)
    titles = sorted(item.findtext("title") for item in channel.find("channel").findall("item"))
    assert titles == ["Open story", "Sales story"]


def test_the_api_token_does_not_open_feeds(client, employee, news_index, stories):
    # Feed links are read-only secrets; the API token acts on one's behalf and stays out
    # of URLs.
    token = Token.objects.create(user=employee)
    response = client.get(feed_url(news_index, "rss"), {"token": token.key})
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_the_token_of_a_deactivated_account_opens_nothing(client, employee, news_index, stories):
    token = feed_tokens.token_for(employee)
    employee.is_active = False
    employee.save()
    response = client.get(feed_url(news_index, "rss"), {"token": token.key})
    assert response.status_code == 302


@pytest.mark.parametrize("bad", ["", "x" * 65, "not-a-token"])
def test_a_wrong_token_gets_the_login_page_and_no_content(
    client, employee, news_index, stories, bad
):
    feed_tokens.token_for(employee)
    response = client.get(feed_url(news_index, "rss"), {"token": bad})
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert b"Open story" not in response.content


def test_a_reset_token_stops_working(client, employee, news_index, stories):
    old = feed_tokens.token_for(employee).key
    new = feed_tokens.reset(employee).key
    assert new != old
    assert client.get(feed_url(news_index, "rss"), {"token": old}).status_code == 302
    assert client.get(feed_url(news_index, "rss"), {"token": new}).status_code == 200


def test_a_token_of_a_reader_outside_the_audience_is_not_found(
    client, employee, news_index, stories, departments
):
    PageAudience.objects.create(page=news_index, department=departments["sales"])
    key = feed_tokens.token_for(employee).key
    assert client.get(feed_url(news_index, "rss"), {"token": key}).status_code == 404


@override_settings(WAGTAIL_SITE_NAME="Acme intranet")
def test_feed_titles_name_the_site_not_the_index_twice(logged_in, news_index, stories):
    channel = parse(logged_in.get(feed_url(news_index, "rss")).content).find("channel")
    assert channel.findtext("title") == f"{news_index.title} — Acme intranet"
    assert channel.findtext("description") == "The latest news published on Acme intranet."
    assert "news of News" not in channel.findtext("description")
    atom = parse(logged_in.get(feed_url(news_index, "atom")).content)
    assert atom.findtext(f"{ATOM}title") == f"{news_index.title} — Acme intranet"
    assert atom.findtext(f"{ATOM}subtitle") == "The latest news published on Acme intranet."


def test_feed_titles_are_translated(client, employee, news_index, stories):
    employee.preferred_language = "fr"
    employee.save()
    client.force_login(employee)
    channel = parse(client.get(feed_url(news_index, "rss")).content).find("channel")
    with translation.override("fr"):
        expected = translation.gettext("The latest news published on %(site)s.")
    assert channel.findtext("description") == expected % {"site": settings.WAGTAIL_SITE_NAME}


def test_the_feed_of_an_index_restricted_to_others_is_not_found(
    logged_in, news_index, stories, departments
):
    PageAudience.objects.create(page=news_index, department=departments["sales"])
    assert logged_in.get(feed_url(news_index, "rss")).status_code == 404
