"""News pages: rules of the page types, the listing and its filters, visibility."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.core.models import ContentPage, HomePage, PageAudience
from portal.editorial.news.factories import make_image, make_news
from portal.editorial.news.models import NewsIndexPage, NewsPage

pytestmark = pytest.mark.django_db


def test_news_live_under_a_news_index_only():
    assert NewsPage.allowed_parent_page_models() == [NewsIndexPage]
    assert NewsIndexPage.allowed_subpage_models() == [NewsPage]
    assert NewsIndexPage.allowed_parent_page_models() == [HomePage]
    assert NewsPage not in ContentPage.allowed_subpage_models()


def test_a_hero_image_needs_its_alternative_text(news_index):
    news = NewsPage(title="Lyon", slug="lyon", hero_image=make_image())
    with pytest.raises(ValidationError) as error:
        news.clean()
    assert "hero_alt" in error.value.message_dict
    news.hero_alt = "The new office"
    news.clean()


def test_a_welcome_news_needs_the_colleague(news_index, colleague):
    news = NewsPage(title="Welcome", slug="welcome", kind=NewsPage.KIND_WELCOME)
    with pytest.raises(ValidationError) as error:
        news.clean()
    assert "colleague" in error.value.message_dict
    news.colleague = colleague
    news.clean()


def test_the_author_defaults_to_the_creator_and_the_date_to_today(news_index, editor):
    news = make_news(news_index, "Results", owner=editor)
    assert news.author == editor
    assert news.date == timezone.localdate()


def test_a_welcome_news_links_the_colleague(logged_in, news_index, colleague):
    news = make_news(news_index, "Welcome Colleague", kind="welcome", colleague=colleague)
    response = logged_in.get(news.url)
    assert response.status_code == 200
    assert "Welcome aboard" in response.content.decode()
    assert str(colleague) in response.content.decode()


def test_the_listing_shows_the_newest_news_first(logged_in, news_index):
    today = timezone.localdate()
    make_news(news_index, "Older news", date=today - timedelta(days=3))
    make_news(news_index, "Newer news", date=today)
    response = logged_in.get(news_index.url)
    assert response.status_code == 200
    titles = [item.title for item in response.context["items"]]
    assert titles == ["Newer news", "Older news"]


def test_the_listing_filters_by_category_and_tag(logged_in, news_index, categories):
    make_news(news_index, "VPN maintenance", category=categories["it"], tags=("security",))
    make_news(news_index, "Health plan", category=categories["hr"], tags=("benefits",))
    make_news(news_index, "Phishing", category=categories["it"], tags=("awareness",))

    by_category = logged_in.get(news_index.url, {"category": "it"})
    assert {i.title for i in by_category.context["items"]} == {"VPN maintenance", "Phishing"}
    by_tag = logged_in.get(news_index.url, {"tag": "security"})
    assert [i.title for i in by_tag.context["items"]] == ["VPN maintenance"]
    both = logged_in.get(news_index.url, {"category": "hr", "tag": "security"})
    assert both.context["items"] == []
    assert "No news matches these filters." in both.content.decode()
    unknown = logged_in.get(news_index.url, {"category": "nope"})
    assert unknown.status_code == 200 and unknown.context["items"] == []


def test_restricted_drafts_and_scheduled_news_stay_out_of_the_listing(
    logged_in, news_index, departments
):
    make_news(news_index, "For everyone")
    sales_only = make_news(news_index, "Sales only")
    PageAudience.objects.create(page=sales_only, department=departments["sales"])
    make_news(news_index, "Draft", publish=False)
    scheduled = make_news(news_index, "Scheduled", publish=False)
    scheduled.save_revision(approved_go_live_at=timezone.now() + timedelta(days=1))

    response = logged_in.get(news_index.url)
    assert [i.title for i in response.context["items"]] == ["For everyone"]
    body = response.content.decode()
    assert "Sales only" not in body and "Scheduled" not in body
    assert logged_in.get(sales_only.url).status_code == 404


def test_a_scheduled_news_appears_once_its_time_has_come(logged_in, news_index, monkeypatch):
    from django.core.management import call_command

    scheduled = make_news(news_index, "Scheduled", publish=False)
    go_live = timezone.now() + timedelta(hours=1)
    scheduled.go_live_at = go_live
    scheduled.save_revision().publish()  # with go_live_at ahead: scheduled, not live
    scheduled.refresh_from_db()
    assert not scheduled.live
    assert [i.title for i in logged_in.get(news_index.url).context["items"]] == []

    later = go_live + timedelta(minutes=1)
    with monkeypatch.context() as patch:  # two hours later, the scheduler runs
        patch.setattr(timezone, "now", lambda: later)
        call_command("publish_scheduled")
    assert [i.title for i in logged_in.get(news_index.url).context["items"]] == ["Scheduled"]


def test_the_listing_costs_the_same_queries_whatever_the_number_of_news(
    client, employee, news_index, categories
):
    client.force_login(employee)
    for number in range(2):
        image = make_image(f"Picture {number}")
        make_news(
            news_index,
            f"News {number}",
            category=categories["it"],
            tags=("a", "b"),
            hero_image=image,
            hero_alt=f"Picture {number}",
        )
    client.get(news_index.url)  # the first visit creates the visit record and renditions
    with CaptureQueriesContext(connection) as few:
        client.get(news_index.url)
    for number in range(2, 8):
        image = make_image(f"Picture {number}")
        image.get_rendition("fill-480x270")  # made when the editor saved the news
        make_news(
            news_index,
            f"News {number}",
            category=categories["hr" if number % 2 else "company"],
            tags=(f"t{number}",),
            hero_image=image,
            hero_alt=f"Picture {number}",
        )
    client.get(news_index.url)  # pages were published: what the policy remembers is refilled
    with CaptureQueriesContext(connection) as many:
        response = client.get(news_index.url)
    assert len(response.context["items"]) == 8
    assert len(many) == len(few)


def test_visitors_who_are_not_logged_in_go_to_the_login_form(client, news_index):
    response = client.get(news_index.url)
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


def test_the_home_page_shows_the_latest_news(logged_in, home_page, news_index, departments):
    for number in range(6):
        make_news(news_index, f"Story {number}", date=timezone.localdate() - timedelta(days=number))
    hidden = make_news(news_index, "Sales secret")
    PageAudience.objects.create(page=hidden, department=departments["sales"])
    response = logged_in.get(home_page.url)
    body = response.content.decode()
    assert "Latest news" in body
    # The "Latest news" panel lists five stories (the news feed, when enabled, may show
    # older ones further down the page); a page for Sales shows nowhere.
    panel = [p for p in response.context["panels"] if p.title == "Latest news"][0]
    titles = [page.title for page in panel.context["items"]]
    assert titles == [f"Story {n}" for n in range(5)]
    assert "Sales secret" not in body


def test_no_news_index_no_news_panel_nor_navigation(logged_in, home_page):
    body = logged_in.get(home_page.url).content.decode()
    assert "Latest news" not in body
