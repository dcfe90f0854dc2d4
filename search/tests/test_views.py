"""/search/: the results page in the theme, with its filters, pages and empty states, and
the header's search box on every page."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from search.tests.test_api import index, post
from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = "/search/"


def results_html(html: str) -> str:
    """The list of results only (the header and the form left out)."""
    match = re.search(r"<ol class=\"search-results\".*?</ol>", html, re.S)
    return match.group(0) if match else ""


class TestAccess:
    def test_visitors_are_sent_to_the_login_form(self, client):
        response = client.get(URL + "?q=budget")
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/")

    def test_a_secret_groups_post_stays_hidden_from_outsiders(self, logged_in, colleague):
        from plugins.groups import services

        group = services.create_group(colleague, name="Falcon", privacy="secret")
        post(colleague, "Falcon budget draft", audience=f"group:{group.pk}")
        post(colleague, "Public budget review")
        html = logged_in.get(URL, {"q": "budget"}).content.decode()
        assert "Public <mark>budget</mark> review" in html
        assert "Falcon" not in html
        assert "1 result for “budget”" in html


class TestPage:
    def test_the_empty_page_explains_what_to_type(self, logged_in):
        response = logged_in.get(URL)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<title>Search ·" in html
        assert re.search(r"<h1[^>]*>Search</h1>", html)
        assert "Find anything you may see" in html
        assert 'class="search-results"' not in html

    def test_ranked_highlighted_results_with_type_date_author(self, logged_in, colleague):
        created = post(colleague, "Quarterly budget review")
        response = logged_in.get(URL, {"q": "budget"})
        html = response.content.decode()
        assert "<title>“budget” – Search ·" in html
        assert re.search(r"<h1[^>]*>Search results</h1>", html)
        assert 'role="status" aria-live="polite"' in html
        listing = results_html(html)
        assert f'<a href="{created.get_absolute_url()}">Quarterly <mark>budget</mark>' in listing
        assert '<span class="search-result__type">Posts</span>' in listing
        assert colleague.get_full_name() in listing
        assert f'datetime="{timezone.localtime(created.created_at).isoformat()[:10]}' in listing
        assert 'value="budget"' in html  # the form keeps the words

    def test_a_title_with_markup_is_escaped_and_still_highlighted(self, logged_in, colleague):
        post(colleague, "<script>alert(1)</script> budget")
        html = logged_in.get(URL, {"q": "budget"}).content.decode()
        listing = results_html(html)
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>budget</mark>" in listing

    def test_the_query_itself_is_escaped(self, logged_in):
        html = logged_in.get(URL, {"q": '"><img src=x onerror=alert(1)>'}).content.decode()
        assert "<img src=x" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html

    def test_no_results_suggests_checking_the_spelling(self, logged_in):
        html = logged_in.get(URL, {"q": "zzzyyyxxx"}).content.decode()
        assert "No results for “zzzyyyxxx”." in html
        assert "Check the spelling" in html

    def test_the_search_box_is_in_every_pages_header(self, logged_in, home_page):
        html = logged_in.get("/").content.decode()
        header = html.split("</header>")[0]
        assert 'role="search"' in header and 'action="/search/"' in header
        assert 'role="combobox"' in header and 'aria-controls="site-search-listbox"' in header
        assert '<label for="site-search-input"' in header
        assert 'data-suggest-url="/api/search/suggest/"' in header
        assert "search/search.js" in html and "search/search.css" in html
        assert 'class="skip-link"' in html and "data-nav-toggle" in html

    def test_the_login_page_has_no_search_box(self, client):
        html = client.get("/account/login/").content.decode()
        assert "site-search" not in html and "search/search.js" not in html


class TestFilters:
    @pytest.fixture
    def offsite(self, colleague):
        from plugins.groups import services

        group = services.create_group(colleague, name="Offsite crew", privacy="public")
        index(group)
        post(colleague, "Offsite logistics")
        post(colleague, "Offsite agenda")
        return group

    def test_type_links_with_counts(self, logged_in, offsite):
        html = logged_in.get(URL, {"q": "offsite"}).content.decode()
        nav = re.search(r'<nav class="search-types".*?</nav>', html, re.S).group(0)
        assert 'aria-current="true"' in nav and "All <span" in nav
        assert 'Posts <span class="search-types__count">(2)</span>' in nav
        assert 'Groups <span class="search-types__count">(1)</span>' in nav
        assert "People" not in nav  # no match: not offered
        assert "3 results for “offsite”" in html

        html = logged_in.get(URL, {"q": "offsite", "type": "groups.group"}).content.decode()
        assert "1 result for “offsite”" in html
        listing = results_html(html)
        assert (
            listing.count('class="search-result"') == 1 and "<mark>Offsite</mark> crew" in listing
        )
        nav = re.search(r'<nav class="search-types".*?</nav>', html, re.S).group(0)
        assert re.search(r'aria-current="true" data-type="groups.group"', nav)
        # The form keeps the type for the next search.
        assert '<input type="hidden" name="type" value="groups.group"' in html

    def test_comma_separated_types(self, logged_in, offsite):
        html = logged_in.get(URL, {"q": "offsite", "type": "groups.group,feed.post"}).content
        assert "3 results for “offsite”" in html.decode()

    def test_an_unknown_type_is_an_error_message(self, logged_in, offsite):
        response = logged_in.get(URL, {"q": "offsite", "type": "nope"})
        assert response.status_code == 200
        html = response.content.decode()
        assert 'role="alert"' in html and "nope" in html
        assert 'class="search-results"' not in html

    def test_dates(self, logged_in, colleague):
        from datetime import timedelta

        from django.utils import timezone

        from plugins.feed.models import Post

        old = post(colleague, "Kiwi harvest last year")
        Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
        old.refresh_from_db()
        index(old)
        post(colleague, "Kiwi harvest this week")
        since = (timezone.localdate() - timedelta(days=30)).isoformat()
        html = logged_in.get(URL, {"q": "kiwi", "date_from": since}).content.decode()
        listing = results_html(html)
        assert "this week" in listing and "last year" not in listing
        assert f'value="{since}"' in html
        assert "Clear the filters" in html

        bad = logged_in.get(URL, {"q": "kiwi", "date_from": "not-a-date"}).content.decode()
        assert "Enter a valid date." in bad and not results_html(bad)
        reversed_dates = logged_in.get(
            URL, {"q": "kiwi", "date_from": "2026-02-01", "date_to": "2026-01-01"}
        ).content.decode()
        assert "The end date comes before the start date." in reversed_dates

    def test_a_filter_hiding_every_match_offers_the_other_types(self, logged_in, colleague):
        post(colleague, "Offsite logistics")
        html = logged_in.get(URL, {"q": "offsite", "type": "groups.group"}).content.decode()
        assert "No results for “offsite”." in html
        assert "1 result of another type matches." in html
        assert "Show every type" in html


class TestPages:
    def test_previous_and_next_keep_the_filters(self, logged_in, colleague):
        for n in range(23):
            post(colleague, f"Kiwi number {n}")
        html = logged_in.get(URL, {"q": "kiwi", "type": "feed.post"}).content.decode()
        assert results_html(html).count('class="search-result"') == 20
        assert 'href="?q=kiwi&amp;type=feed.post&amp;page=2" rel="next"' in html
        assert "Page 1 of 2" in html

        html = logged_in.get(URL, {"q": "kiwi", "type": "feed.post", "page": 2}).content.decode()
        assert results_html(html).count('class="search-result"') == 3
        assert '<ol class="search-results" start="21"' in html
        assert 'rel="prev"' in html and 'rel="next"' not in html

    def test_a_page_past_the_end_shows_the_last_one(self, logged_in, colleague):
        post(colleague, "Papaya")
        for page in ("9", "zero", "-3"):
            html = logged_in.get(URL, {"q": "papaya", "page": page}).content.decode()
            assert results_html(html).count('class="search-result"') == 1

    def test_queries_do_not_grow_with_the_results(
        self, client, colleague, django_assert_max_num_queries
    ):
        reader = make_user("reader@example.com")
        client.force_login(reader)
        post(colleague, "Mango number 0")
        client.get(URL, {"q": "mango"})  # warm the shell's caches
        # A fixed number with one result (the shell's share included: the chat panel's
        # counts, mode off, the menus; PostgreSQL's search adds its savepoint)...
        with django_assert_max_num_queries(30) as one:
            client.get(URL, {"q": "mango"})
        for n in range(1, 20):
            post(colleague, f"Mango number {n}")
        # ...and no more with twenty.
        with django_assert_max_num_queries(len(one.captured_queries)):
            html = client.get(URL, {"q": "mango"}).content.decode()
        assert results_html(html).count('class="search-result"') == 20


class TestPageSnippets:
    def test_a_news_snippet_whose_body_repeats_its_summary_shows_it_once(
        self, logged_in, home_page
    ):
        """Regression: the demo's news bodies open with their summary, and the snippet
        showed the sentence twice."""
        from portal.editorial.news.factories import make_news, make_news_index

        summary = "The new canteen menu is out"
        news = make_news(
            make_news_index(home_page),
            "Canteen reopens",
            summary=summary,
            body=[("paragraph", f"<p>{summary}</p>")],
        )
        index(news)
        listing = results_html(logged_in.get(URL, {"q": "menu"}).content.decode())
        assert listing.count('class="search-result"') == 1
        assert listing.count("<mark>menu</mark>") == 1
