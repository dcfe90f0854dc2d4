"""Content in several languages (portal.core.localisation): each person reads the version
of a page in their language when there is one, the original otherwise, and never both,
in the pages, the home panels, the feeds, the pages API and search; the address of a page
shows the reader's version and links the others; editors translate pages in the admin.

The French interface strings themselves (the "Lire en français" label) come with the
catalogue; these tests look at the languages and the addresses."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, Page

from portal.core import localisation
from portal.editorial.news.factories import make_news, make_news_index
from portal.editorial.news.models import NewsPage
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_reader(departments):
    return make_user(
        "louis@example.com", department=departments["platform"], preferred_language="fr"
    )


@pytest.fixture
def english_reader(departments):
    return make_user("emma@example.com", department=departments["sales"], preferred_language="en")


@pytest.fixture
def news(home_page):
    """A news index with a translated news item and an untranslated one, in a site whose
    home page and news index have French versions."""
    index = make_news_index(home_page)
    translated = make_news(index, "Our Lyon office opens", summary="Forty colleagues move in.")
    original = make_news(index, "VPN maintenance in Lyon", summary="Saturday night.")
    localisation.translate_page(home_page, "fr", title="Accueil")
    index_fr = localisation.translate_page(index, "fr", title="Actualités")
    french = localisation.translate_page(
        translated, "fr", title="Notre bureau de Lyon ouvre", summary="Quarante collègues."
    )
    return {
        "index": index,
        "index_fr": index_fr,
        "translated": translated,
        "french": french,
        "original": original,
    }


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


# --- Setup -----------------------------------------------------------------------------


def test_a_locale_for_each_content_language():
    assert set(Locale.objects.values_list("language_code", flat=True)) >= {"en", "fr"}
    assert localisation.content_languages() == ["en", "fr"]


def test_a_translation_shares_the_address_and_the_translation_key(news):
    assert news["french"].translation_key == news["translated"].translation_key
    assert news["french"].locale.language_code == "fr"
    assert news["french"].url == news["translated"].url == "/news/our-lyon-office-opens/"
    assert news["french"].live


def test_the_readers_language(french_reader, english_reader, employee):
    assert localisation.reader_language(french_reader) == "fr"
    assert localisation.reader_language(english_reader) == "en"
    assert localisation.reader_language(employee) == "en"  # no preference: the active one


# --- One version of each page ------------------------------------------------------------


def test_localized_pages_keeps_one_version_per_page(news):
    pages = NewsPage.objects.live()
    french = set(localisation.localized_pages(pages, "fr"))
    english = set(localisation.localized_pages(pages, "en"))
    assert french == {news["french"], news["original"]}
    assert english == {news["translated"], news["original"]}


def test_a_translation_the_reader_may_not_see_leaves_the_original(news, french_reader):
    news["french"].unpublish()
    visible = localisation.localized_visible(french_reader, NewsPage.objects.all())
    assert set(visible) == {news["translated"], news["original"]}


def test_a_page_only_in_french_is_listed_for_everyone(news, english_reader):
    only_french = make_news(news["index_fr"], "Seulement en français")
    english = localisation.localized_visible(english_reader, NewsPage.objects.all())
    assert only_french in set(english)


class TestNewsPages:
    def test_a_french_reader_reads_the_french_version_and_the_untranslated_original(
        self, client, news, french_reader
    ):
        client.force_login(french_reader)
        html = text_of(client.get("/news/"))
        assert "Notre bureau de Lyon ouvre" in html and "VPN maintenance in Lyon" in html
        assert "Our Lyon office opens" not in html
        assert "<h1>Actualités</h1>" in html

    def test_an_english_reader_reads_the_originals(self, client, news, english_reader):
        client.force_login(english_reader)
        html = text_of(client.get("/news/"))
        assert "Our Lyon office opens" in html and "VPN maintenance in Lyon" in html
        assert "Notre bureau de Lyon ouvre" not in html

    def test_the_address_shows_the_readers_version_and_links_the_other(
        self, client, news, french_reader
    ):
        client.force_login(french_reader)
        url = news["translated"].url
        html = text_of(client.get(url))
        assert "Notre bureau de Lyon ouvre" in html and "Our Lyon office opens" not in html
        switch = re.search(r'<nav class="content-languages".*?</nav>', html, re.S).group()
        assert f'href="{url}?lang=en"' in switch and 'hreflang="en"' in switch
        assert "Read in English" in switch  # the label is in the language it leads to
        html = text_of(client.get(url + "?lang=en"))
        assert "Our Lyon office opens" in html and "Notre bureau de Lyon ouvre" not in html
        assert '<div lang="en">' in html  # English content in a French interface
        assert f'href="{url}?lang=fr"' in html

    def test_an_english_reader_gets_the_original_and_a_link_to_the_french(
        self, client, news, english_reader
    ):
        client.force_login(english_reader)
        html = text_of(client.get(news["translated"].url))
        assert "Our Lyon office opens" in html
        assert f'href="{news["translated"].url}?lang=fr"' in html and 'hreflang="fr"' in html

    def test_an_untranslated_page_is_served_from_its_own_tree(self, client, news, french_reader):
        client.force_login(french_reader)
        html = text_of(client.get(news["original"].url))
        assert "VPN maintenance in Lyon" in html
        assert 'class="content-languages"' not in html  # no other version
        assert '<div lang="en">' in html

    def test_a_translation_with_its_own_slug_is_reached_from_the_originals_address(
        self, client, news, french_reader, english_reader
    ):
        french = news["french"]
        french.slug = "notre-bureau-de-lyon"
        french.save_revision().publish()
        french.refresh_from_db()
        original = news["translated"].url
        client.force_login(french_reader)
        response = client.get(original)
        assert response.status_code == 302 and response["Location"] == french.url
        assert "Our Lyon office opens" in text_of(client.get(original + "?lang=en"))
        client.force_login(english_reader)
        response = client.get(french.url)
        assert response.status_code == 302 and response["Location"] == original

    def test_a_translation_below_a_french_draft_leaves_the_original(
        self, client, news, french_reader
    ):
        news["index_fr"].refresh_from_db()
        news["index_fr"].unpublish()
        client.force_login(french_reader)
        assert "Our Lyon office opens" in text_of(client.get(news["translated"].url))
        assert "Our Lyon office opens" in text_of(client.get("/news/"))

    def test_the_home_panel_and_the_navigation(self, client, news, french_reader):
        client.force_login(french_reader)
        html = text_of(client.get("/"))
        assert "Notre bureau de Lyon ouvre" in html and "VPN maintenance in Lyon" in html
        assert "Our Lyon office opens" not in html
        assert 'href="/news/"' in html

    def test_the_feeds_follow_the_readers_language(self, client, news, french_reader):
        client.force_login(french_reader)
        rss = text_of(client.get("/news/feed/rss/"))
        assert "Notre bureau de Lyon ouvre" in rss and "VPN maintenance in Lyon" in rss
        assert "Our Lyon office opens" not in rss


def test_the_home_feed_shows_the_news_in_the_readers_language(news, french_reader, english_reader):
    from plugins.feed import queries

    def titles(user) -> set[str]:
        page = queries.home_feed(user)
        return {item.page.title for item in page.items if item.kind == queries.NEWS}

    assert titles(french_reader) == {"Notre bureau de Lyon ouvre", "VPN maintenance in Lyon"}
    # The same restrictions, another language: the feed's shared cache keeps them apart.
    assert titles(english_reader) == {"Our Lyon office opens", "VPN maintenance in Lyon"}


@pytest.mark.parametrize("url", ["/news/", "/"])
def test_the_news_index_and_the_home_page_cost_the_same_queries_whatever_the_translations(
    client, news, french_reader, django_assert_num_queries, url
):
    client.force_login(french_reader)
    client.get(url)  # fill what the policy remembers
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    few = len(context)  # now: the next request empties the log
    assert few > 10
    for number in range(5):
        english = make_news(news["index"], f"Story {number}")
        localisation.translate_page(english, "fr", title=f"Histoire {number}")
    client.get(url)  # pages were published: what the policy remembers is refilled
    with django_assert_num_queries(few):
        html = text_of(client.get(url))
    assert "Histoire 4" in html and "Story 4" not in html


# --- The pages API -----------------------------------------------------------------------


class TestPagesAPI:
    URL = "/api/v2/pages/?type=news.NewsPage"

    def client(self, api_client, user):
        api_client.force_authenticate(user)
        return api_client

    def test_listings_follow_the_readers_language(self, api_client, news, french_reader):
        client = self.client(api_client, french_reader)
        assert ids(client.get(self.URL)) == {news["french"].pk, news["original"].pk}
        items = client.get(self.URL).json()["items"]
        assert {item["meta"]["locale"] for item in items} == {"fr", "en"}

    def test_an_english_reader_lists_the_originals(self, api_client, news, english_reader):
        client = self.client(api_client, english_reader)
        assert ids(client.get(self.URL)) == {news["translated"].pk, news["original"].pk}

    def test_locale_lists_one_language(self, api_client, news, english_reader):
        client = self.client(api_client, english_reader)
        assert ids(client.get(self.URL + "&locale=fr")) == {news["french"].pk}
        assert ids(client.get(self.URL + "&locale=en")) == {
            news["translated"].pk,
            news["original"].pk,
        }

    def test_an_unknown_locale_is_a_400_naming_the_field(self, api_client, news, french_reader):
        client = self.client(api_client, french_reader)
        for value in ("xx", "", "FR", "fr-fr" * 40):
            response = client.get(self.URL + f"&locale={value}")
            assert response.status_code == 400, value
            assert "locale" in response.json()["errors"]

    def test_every_version_with_translation_of(self, api_client, news, french_reader):
        client = self.client(api_client, french_reader)
        url = f"/api/v2/pages/?translation_of={news['translated'].pk}"
        assert ids(client.get(url)) == {news["french"].pk}

    def test_a_page_names_its_translations(self, api_client, news, english_reader):
        client = self.client(api_client, english_reader)
        body = client.get(f"/api/v2/pages/{news['translated'].pk}/").json()
        assert body["meta"]["locale"] == "en"
        assert body["meta"]["translations"] == [{"id": news["french"].pk, "locale": "fr"}]
        french = client.get(f"/api/v2/pages/{news['french'].pk}/").json()
        assert french["title"] == "Notre bureau de Lyon ouvre"  # its own address: that page
        assert french["meta"]["translations"] == [{"id": news["translated"].pk, "locale": "en"}]

    def test_search_in_the_pages_api(self, api_client, news, french_reader):
        client = self.client(api_client, french_reader)
        found = ids(client.get(self.URL + "&search=Lyon"))
        assert found == {news["french"].pk, news["original"].pk}
        found = ids(client.get(self.URL + "&search=Lyon&locale=en"))
        assert found == {news["translated"].pk, news["original"].pk}

    def test_find_by_address_follows_the_readers_language(self, api_client, news, french_reader):
        client = self.client(api_client, french_reader)
        path = news["translated"].url
        response = client.get(f"/api/v2/pages/find/?html_path={path}")
        assert response.status_code == 302
        assert response["Location"].split("?")[0].endswith(f"/api/v2/pages/{news['french'].pk}/")


# --- Search --------------------------------------------------------------------------------


def index_pages() -> None:
    """Index every live page as the indexer would."""
    from search.backends import get_backend
    from search.documents import build
    from search.registry import types_for_model

    documents = []
    for page in Page.objects.live().specific():
        for searchable in types_for_model(type(page)):
            document = build(searchable, page)
            if document is not None:
                documents.append(document)
    get_backend().index(documents)


class TestSearch:
    def found(self, user, q="Lyon") -> list[str]:
        from search import query

        results = query.search(user, q, types=["pages.newspage"])
        assert results.total == len(results.hits)
        return sorted(hit.title for hit in results.hits)

    def test_one_version_of_each_page_in_the_readers_language(
        self, news, french_reader, english_reader
    ):
        index_pages()
        assert self.found(french_reader) == [
            "Notre bureau de Lyon ouvre",
            "VPN maintenance in Lyon",
        ]
        assert self.found(english_reader) == ["Our Lyon office opens", "VPN maintenance in Lyon"]
        # The French reader finds the French version only, even by its English words.
        assert self.found(french_reader, "office") == []
        assert self.found(english_reader, "bureau") == []

    def test_suggestions_too(self, news, french_reader):
        from search import query

        index_pages()
        titles = {hit.title for hit in query.suggest(french_reader, "Notre")}
        assert "Notre bureau de Lyon ouvre" in titles
        titles = {hit.title for hit in query.suggest(french_reader, "Our")}
        assert "Our Lyon office opens" not in titles

    def test_the_search_page(self, client, news, french_reader):
        index_pages()
        client.force_login(french_reader)
        html = text_of(client.get("/search/?q=Lyon"))
        assert "bureau de <mark>Lyon</mark>" in html or "Notre bureau de" in html
        assert "Our <mark>Lyon</mark> office" not in html and "Our Lyon office" not in html

    def test_publishing_a_translation_re_indexes_the_original(
        self, home_page, french_reader, english_reader, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            index = make_news_index(home_page)
            english = make_news(index, "Lyon canteen menu")
        assert self.found(french_reader) == ["Lyon canteen menu"]
        with django_capture_on_commit_callbacks(execute=True):
            localisation.translate_page(home_page, "fr", title="Accueil")
            localisation.translate_page(index, "fr", title="Actualités")
            french = localisation.translate_page(english, "fr", title="Menu de la cantine de Lyon")
        assert self.found(french_reader) == ["Menu de la cantine de Lyon"]
        assert self.found(english_reader) == ["Lyon canteen menu"]
        with django_capture_on_commit_callbacks(execute=True):
            french.unpublish()
        assert self.found(french_reader) == ["Lyon canteen menu"]


# --- Other sections ------------------------------------------------------------------------


def test_a_wellness_session_is_one_event_in_every_language(home_page, french_reader, employee):
    from portal.editorial.wellness import services
    from portal.editorial.wellness.tests.factories import make_section, make_session

    section = make_section(home_page)
    session = make_session(section, "Yoga", capacity=1)
    localisation.translate_page(home_page, "fr", title="Accueil")
    localisation.translate_page(section, "fr", title="Bien-être")
    yoga = localisation.translate_page(session, "fr", title="Yoga du midi")
    first = services.book_session(employee, session)
    second = services.book_session(french_reader, yoga)
    assert first.is_confirmed and second.is_waiting  # one place for both versions
    assert services.book_session(french_reader, session).pk == second.pk  # booked once
    assert services.session_state(french_reader, yoga)["places_left"] == 0
    [listed] = services.upcoming_sessions(french_reader)
    assert listed.pk == yoga.pk and listed.confirmed_count == 1 and listed.my_status == "waiting"
    services.cancel_booking(employee, session)
    second.refresh_from_db()
    assert second.is_confirmed


def test_a_themed_weeks_initiatives_show_on_every_version(home_page, french_reader, employee):
    import datetime

    from django.utils import timezone

    from portal.editorial.weeks import services
    from portal.editorial.weeks.models import ThemedWeekIndexPage, ThemedWeekPage

    index = home_page.add_child(instance=ThemedWeekIndexPage(title="Weeks", slug="weeks"))
    index.save_revision().publish()
    today = timezone.localdate()
    week = index.add_child(
        instance=ThemedWeekPage(
            title="Green week",
            slug="green",
            start_date=today,
            end_date=today + datetime.timedelta(days=3),
        )
    )
    week.save_revision().publish()
    localisation.translate_page(home_page, "fr", title="Accueil")
    localisation.translate_page(index, "fr", title="Semaines")
    green = localisation.translate_page(week, "fr", title="Semaine verte")
    mine = services.submit_initiative(employee, week, title="Car-sharing")
    assert list(services.visible_initiatives(employee, green)) == [mine]
    assert services.current_week(french_reader).pk == green.pk
    assert [w.pk for w in services.visible_weeks(french_reader, parent=index)] == [green.pk]


def test_a_prerequisite_is_met_by_any_version(home_page, french_reader):
    from portal.editorial.learning import services
    from portal.editorial.learning.factories import make_course, make_course_index, make_lesson

    catalogue = make_course_index(home_page, "Courses", slug="courses")
    gdpr = make_course(catalogue, "GDPR essentials")
    make_lesson(gdpr, "Personal data")
    security = make_course(catalogue, "Security", prerequisites=[gdpr])
    localisation.translate_page(home_page, "fr", title="Accueil")
    localisation.translate_page(catalogue, "fr", title="Formations")
    rgpd = localisation.translate_page(gdpr, "fr", title="L'essentiel du RGPD")
    localisation.translate_page(services.course_lessons(gdpr)[0], "fr", title="Données")
    assert [c.title for c in services.missing_prerequisites(french_reader, security)] == [
        "L'essentiel du RGPD"
    ]
    services.enrol(french_reader, rgpd)
    services.complete_lesson(french_reader, services.course_lessons(rgpd)[0])
    assert services.missing_prerequisites(french_reader, security) == []
    titles = [c.title for c in services.catalogue_courses(french_reader, catalogue)]
    assert titles == ["L'essentiel du RGPD", "Security"]

    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(french_reader)
    listed = api.get("/api/learning/courses/").json()["results"]
    assert sorted(course["title"] for course in listed) == ["L'essentiel du RGPD", "Security"]


def test_resources_and_their_home_panel(client, home_page, french_reader):
    from portal.editorial.resources.models import ResourceIndexPage, ResourcePage

    index = home_page.add_child(instance=ResourceIndexPage(title="Resources", slug="resources"))
    index.save_revision().publish()
    resource = index.add_child(
        instance=ResourcePage(
            title="Remote work study", source_url="https://example.com/", summary="S"
        )
    )
    resource.save_revision().publish()
    localisation.translate_page(home_page, "fr", title="Accueil")
    localisation.translate_page(index, "fr", title="Ressources")
    localisation.translate_page(resource, "fr", title="Étude sur le télétravail")
    client.force_login(french_reader)
    for url in ("/resources/", "/"):
        html = text_of(client.get(url))
        assert "Étude sur le télétravail" in html and "Remote work study" not in html


# --- Translating in the admin ------------------------------------------------------------------


class TestAdmin:
    def test_the_translate_action_copies_every_page_type(self, client, home_page, editor):
        """The admin's "Translate" on the home page with its subtree: every page type of the
        portal is copied (routable pages, tags, blocks, quizzes, linked pages...) and each
        copy opens in the editor."""

        from django.utils import timezone

        from portal.editorial.learning.factories import make_course, make_course_index, make_lesson
        from portal.editorial.resources.models import ResourceIndexPage, ResourcePage
        from portal.editorial.weeks.models import (
            ThemedWeekIndexPage,
            ThemedWeekItem,
            ThemedWeekPage,
        )
        from portal.editorial.wellness.tests.factories import make_section, make_session
        from tests.factories import make_content_page

        index = make_news_index(home_page)
        story = make_news(index, "Story", tags=("a",), body=[("paragraph", "<p>Hi</p>")])
        catalogue = make_course_index(home_page, "Courses", slug="courses")
        course = make_course(catalogue, "Course")
        make_course(catalogue, "Next course", prerequisites=[course])
        make_lesson(course, "Quiz", quiz=[("Question", [("Yes", True), ("No", False)])])
        make_session(make_section(home_page), "Yoga")
        resources = home_page.add_child(instance=ResourceIndexPage(title="R", slug="r"))
        resources.add_child(
            instance=ResourcePage(title="Study", source_url="https://example.com/", summary="S")
        ).tags.add("t")
        weeks = home_page.add_child(instance=ThemedWeekIndexPage(title="W", slug="w"))
        today = timezone.localdate()
        week = ThemedWeekPage(title="Green", slug="green", start_date=today, end_date=today)
        week.items.add(ThemedWeekItem(page=story))
        weeks.add_child(instance=week)
        make_content_page(home_page, "Guide")
        before = Page.objects.filter(depth__gt=1).count()

        client.force_login(editor)
        edit = text_of(client.get(f"/admin/pages/{story.pk}/edit/"))
        assert "/admin/translation/submit/page/" in edit  # the "Translate" action
        french = Locale.objects.get(language_code="fr")
        url = f"/admin/translation/submit/page/{home_page.pk}/"
        assert client.get(url).status_code == 200
        response = client.post(url, {"locales": [french.pk], "include_subtree": "on"})
        assert response.status_code == 302
        copies = Page.objects.filter(locale=french)
        assert copies.count() == before
        for copy in copies:
            assert client.get(f"/admin/pages/{copy.pk}/edit/").status_code == 200, copy
        story_fr = NewsPage.objects.get(locale=french)
        assert story_fr.translation_key == story.translation_key
        assert list(story_fr.tags.names()) == ["a"]
        assert not story_fr.live  # a translation starts as a draft

    def test_a_french_news_is_saved_through_the_news_form(self, client, news, editor):
        french = news["french"]
        client.force_login(editor)
        edit = f"/admin/pages/{french.pk}/edit/"
        html = text_of(client.get(edit))
        assert "Notre bureau de Lyon ouvre" in html
        data = {
            "title": "Notre bureau de Lyon ouvre ses portes",
            "slug": french.slug,
            "kind": "news",
            "date": french.date.isoformat(),
            "author": "",
            "colleague": "",
            "category": "",
            "tags": "",
            "summary": "Quarante collègues.",
            "hero_image": "",
            "hero_alt": "",
            "body-count": "0",
            "portal_audiences-TOTAL_FORMS": "0",
            "portal_audiences-INITIAL_FORMS": "0",
            "portal_audiences-MIN_NUM_FORMS": "0",
            "portal_audiences-MAX_NUM_FORMS": "1000",
            "action-publish": "action-publish",
        }
        response = client.post(edit, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        french.refresh_from_db()
        assert french.title == "Notre bureau de Lyon ouvre ses portes" and french.live

    def test_a_translated_section_keeps_its_moderation_and_writers(self, home_page):
        from wagtail.models import GroupPagePermission

        from portal.editorial.news import services

        index = make_news_index(home_page)
        services.setup_news_moderation(index)
        localisation.translate_page(home_page, "fr", title="Accueil")
        french = localisation.translate_page(index, "fr", title="Actualités")
        assert french.get_workflow() == index.get_workflow()
        writers = GroupPagePermission.objects.filter(group__name=services.WRITERS_GROUP_NAME)
        assert set(writers.values_list("page_id", flat=True)) == {index.pk, french.pk}

    def test_editors_may_translate(self, editor):
        assert editor.has_perm("simple_translation.submit_translation")
