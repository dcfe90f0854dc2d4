"""RSS and Atom feeds: valid XML, only what the reader may see, API-token access."""

import xml.etree.ElementTree as ET

import pytest
from rest_framework.authtoken.models import Token

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


def test_a_feed_reader_uses_the_api_token(client, employee, news_index, stories):
    token = Token.objects.create(user=employee)
    response = client.get(feed_url(news_index, "atom"), {"token": token.key})
    assert response.status_code == 200
    feed = parse(response.content)
    assert [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")] == ["Open story"]


def test_the_token_of_a_deactivated_account_opens_nothing(client, employee, news_index, stories):
    token = Token.objects.create(user=employee)
    employee.is_active = False
    employee.save()
    response = client.get(feed_url(news_index, "rss"), {"token": token.key})
    assert response.status_code == 302


def test_the_feed_of_an_index_restricted_to_others_is_not_found(
    logged_in, news_index, stories, departments
):
    PageAudience.objects.create(page=news_index, department=departments["sales"])
    assert logged_in.get(feed_url(news_index, "rss")).status_code == 404
