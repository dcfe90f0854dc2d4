"""News through the API: Wagtail's pages API (fields, visibility) and /api/news/."""

import pytest

from portal.core.models import PageAudience
from portal.editorial.news.factories import make_image, make_news

pytestmark = pytest.mark.django_db

FIELDS = (
    "kind,date,summary,category_name,tag_names,author_name,colleague_name,hero_image_url,hero_alt"
)


def test_the_pages_api_exposes_news_fields(
    employee_client, news_index, categories, editor, colleague
):
    make_news(
        news_index,
        "Welcome Colleague",
        kind="welcome",
        colleague=colleague,
        category=categories["hr"],
        tags=("welcome", "sales"),
        author=editor,
        summary="Say hello",
        hero_image=make_image(),
        hero_alt="A smile",
    )
    response = employee_client.get("/api/v2/pages/", {"type": "news.NewsPage", "fields": FIELDS})
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["kind"] == "welcome"
    assert item["category_name"] == "HR"
    assert item["tag_names"] == ["sales", "welcome"]
    assert item["author_name"] == str(editor)
    assert item["colleague_name"] == str(colleague)
    assert item["summary"] == "Say hello"
    assert item["hero_alt"] == "A smile"
    assert item["hero_image_url"]["url"]


def test_restricted_news_stay_out_of_the_pages_api(employee_client, news_index, departments):
    make_news(news_index, "Open story")
    secret = make_news(news_index, "Sales story")
    PageAudience.objects.create(page=secret, department=departments["sales"])
    response = employee_client.get("/api/v2/pages/", {"type": "news.NewsPage"})
    assert [i["title"] for i in response.json()["items"]] == ["Open story"]
    assert employee_client.get(f"/api/v2/pages/{secret.pk}/").status_code == 404


def test_the_categories_are_listed(employee_client, categories):
    response = employee_client.get("/api/news/categories/")
    assert response.status_code == 200
    body = response.json()
    items = body["results"] if isinstance(body, dict) else body
    assert [c["slug"] for c in items] == ["company", "hr", "it"]


def test_anonymous_gets_no_categories(api_client, categories):
    response = api_client.get("/api/news/categories/")
    assert response.status_code in (401, 403)
    assert "results" not in response.json()


def test_the_categories_endpoint_is_read_only(employee_client):
    response = employee_client.post("/api/news/categories/", {"name": "X", "slug": "x"})
    assert response.status_code == 405


def test_listing_news_through_the_pages_api_costs_the_same_queries_whatever_its_length(
    employee_client, news_index, categories
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = "/api/v2/pages/?type=news.NewsPage&fields=date,category_name,tag_names,hero_image_url"

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert employee_client.get(url).status_code == 200
        return len(context)

    image = make_image()
    for i in range(2):
        make_news(
            news_index,
            f"Story {i}",
            category=categories["it"],
            tags=("a", "b"),
            hero_image=image,
            hero_alt="A picture",
        )
    queries()  # warm the caches and create the rendition
    few = queries()
    for i in range(2, 12):
        make_news(
            news_index,
            f"Story {i}",
            category=categories["hr"],
            tags=("c",),
            hero_image=image,
            hero_alt="A picture",
        )
    queries()  # pages were published: what the policy remembers is refilled
    assert queries() == few
