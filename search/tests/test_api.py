"""/api/search/ and /api/search/suggest/: only for people who are logged in, only what the
visibility policy lets them see, errors that name the field, counts per type, pages and
the OpenAPI schema."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = "/api/search/"
SUGGEST = "/api/search/suggest/"


def index(*objects) -> None:
    """Put these objects in the index as the indexer would (policy tokens included)."""
    from search.backends import get_backend
    from search.documents import build
    from search.registry import types_for_model

    documents = []
    for obj in objects:
        for searchable in types_for_model(type(obj)):
            document = build(searchable, obj)
            if document is not None:
                documents.append(document)
    get_backend().index(documents)


def post(author, text, **kwargs):
    from plugins.feed import services

    created = services.create_post(author, text=text, **kwargs)
    index(created)
    return created


def client_for(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def secret_project(colleague):
    """A secret group of the colleague's, with a post nobody else may find."""
    from plugins.groups import services

    group = services.create_group(colleague, name="Falcon", privacy="secret")
    index(group)
    secret = post(colleague, "Falcon acquisition budget draft", audience=f"group:{group.pk}")
    return group, secret


class TestAccess:
    @pytest.mark.parametrize("path", [URL + "?q=budget", SUGGEST + "?q=bud"])
    def test_anonymous_visitors_are_refused(self, api_client, path):
        response = api_client.get(path)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"

    def test_an_outsider_finds_only_what_the_policy_lets_them_see(
        self, employee, colleague, secret_project
    ):
        group, secret = secret_project
        public = post(colleague, "Public budget review on Monday")

        data = client_for(employee).get(URL, {"q": "budget"}).json()
        assert [(hit["type"], hit["id"]) for hit in data["results"]] == [
            ("feed.post", str(public.pk))
        ]
        assert data["count"] == 1
        assert data["counts"]["feed.post"]["count"] == 1
        # Neither the group nor its post shows in suggestions either.
        suggestions = client_for(employee).get(SUGGEST, {"q": "falc"}).json()["results"]
        assert suggestions == []

        # The group's member finds both posts, and the secret group itself.
        member = client_for(colleague).get(URL, {"q": "budget"}).json()
        assert {hit["id"] for hit in member["results"]} == {str(public.pk), str(secret.pk)}
        groups = client_for(colleague).get(URL, {"q": "falcon", "type": "groups.group"}).json()
        assert [hit["id"] for hit in groups["results"]] == [str(group.pk)]

    def test_a_deactivated_person_finds_nothing(self, employee, colleague):
        post(colleague, "Budget for the offsite")
        employee.is_active = False
        employee.save()
        data = client_for(employee).get(URL, {"q": "budget"}).json()
        assert data["results"] == [] and data["count"] == 0


class TestResults:
    def test_a_result_has_every_field_with_safe_highlights(self, employee, colleague):
        created = post(colleague, "<script>alert(1)</script> quarterly budget")
        data = client_for(employee).get(URL, {"q": "budget"}).json()
        assert set(data) == {
            "count",
            "capped",
            "page",
            "pages",
            "next",
            "previous",
            "counts",
            "results",
        }
        assert data["capped"] is False  # under 1,000 matches the counts are exact
        (hit,) = data["results"]
        assert set(hit) == {
            "type",
            "type_label",
            "id",
            "title",
            "title_html",
            "snippet_html",
            "url",
            "author",
            "date",
        }
        assert hit["type"] == "feed.post" and hit["type_label"] == "Posts"
        assert hit["url"] == created.get_absolute_url()
        assert hit["author"] == colleague.get_full_name()
        # In the company's time zone, as the API gives it (in the last hour of a UTC day,
        # Paris is already on the next).
        assert hit["date"].startswith(str(timezone.localtime(created.created_at).date()))
        assert "<mark>budget</mark>" in hit["title_html"]
        assert "<script>" not in hit["title_html"] + hit["snippet_html"]
        assert "&lt;script&gt;" in hit["title_html"]

    def test_an_empty_query_answers_no_results(self, employee_client, colleague):
        post(colleague, "Budget for the offsite")
        for params in ({}, {"q": ""}, {"q": "   "}):
            response = employee_client.get(URL, params)
            assert response.status_code == 200
            data = response.json()
            assert data["count"] == 0 and data["results"] == []
            assert data["next"] is None and data["previous"] is None

    def test_counts_cover_every_type_whatever_the_type_filter(self, employee_client, colleague):
        from plugins.groups import services

        group = services.create_group(colleague, name="Offsite crew", privacy="public")
        index(group)
        post(colleague, "Offsite logistics")
        post(colleague, "Offsite agenda")

        everything = employee_client.get(URL, {"q": "offsite"}).json()
        assert everything["count"] == 3
        assert everything["counts"]["feed.post"] == {"label": "Posts", "count": 2}
        assert everything["counts"]["groups.group"]["count"] == 1

        groups = employee_client.get(URL, {"q": "offsite", "type": "groups.group"}).json()
        assert groups["count"] == 1
        assert [hit["type"] for hit in groups["results"]] == ["groups.group"]
        assert groups["counts"] == everything["counts"]

        for params in ("type=groups.group,feed.post", "type=groups.group&type=feed.post"):
            both = employee_client.get(f"{URL}?q=offsite&{params}").json()
            assert both["count"] == 3

    def test_pages(self, employee_client, colleague):
        for n in range(23):
            post(colleague, f"Kiwi number {n}")
        first = employee_client.get(URL, {"q": "kiwi"}).json()
        assert first["count"] == 23 and first["pages"] == 2 and first["page"] == 1
        assert len(first["results"]) == 20
        assert first["previous"] is None and "page=2" in first["next"]
        second = employee_client.get(first["next"]).json()
        assert second["page"] == 2 and len(second["results"]) == 3
        assert second["next"] is None and "page=1" in second["previous"]
        titles = {hit["title"] for hit in first["results"] + second["results"]}
        assert len(titles) == 23

    def test_date_filters(self, employee_client, colleague):
        from datetime import timedelta

        from django.utils import timezone

        from plugins.feed.models import Post

        old = post(colleague, "Kiwi harvest last year")
        Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
        old.refresh_from_db()
        index(old)
        recent = post(colleague, "Kiwi harvest this week")
        since = (timezone.localdate() - timedelta(days=30)).isoformat()
        data = employee_client.get(URL, {"q": "kiwi", "date_from": since}).json()
        assert [hit["id"] for hit in data["results"]] == [str(recent.pk)]
        until = employee_client.get(URL, {"q": "kiwi", "date_to": since}).json()
        assert [hit["id"] for hit in until["results"]] == [str(old.pk)]

    def test_queries_do_not_grow_with_the_results(
        self, employee_client, colleague, django_assert_max_num_queries
    ):
        for n in range(20):
            post(colleague, f"Mango number {n}")
        with django_assert_max_num_queries(12):
            data = employee_client.get(URL, {"q": "mango"}).json()
        assert len(data["results"]) == 20


class TestValidation:
    @pytest.mark.parametrize(
        "params, field",
        [
            ({"q": "x", "type": "nope.thing"}, "type"),
            ({"q": "x", "type": "feed.post,nope.thing"}, "type"),
            ({"q": "x", "date_from": "yesterday"}, "date_from"),
            ({"q": "x", "date_to": "2026-13-45"}, "date_to"),
            ({"q": "x", "date_from": "2026-02-01", "date_to": "2026-01-01"}, "date_to"),
            ({"q": "x", "page": "0"}, "page"),
            ({"q": "x", "page": "two"}, "page"),
            ({"q": "x", "page": "100000"}, "page"),
            ({"q": "x" * 201}, "q"),
        ],
    )
    def test_bad_input_is_a_400_naming_the_field(self, employee_client, params, field):
        response = employee_client.get(URL, params)
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "invalid"
        assert field in body["errors"], body

    def test_a_page_past_the_last_one(self, employee_client, colleague):
        post(colleague, "Papaya")
        response = employee_client.get(URL, {"q": "papaya", "page": 2})
        assert response.status_code == 400
        assert "page" in response.json()["errors"]


class TestSuggest:
    def test_people_come_first(self, employee_client, colleague):
        person = make_user("zoe.marchand@example.com", first_name="Zoé", last_name="Marchand")
        index(person)
        post(colleague, "Marchand de glaces à la cantine")
        data = employee_client.get(SUGGEST, {"q": "march"}).json()["results"]
        assert len(data) >= 2
        assert data[0]["person"] is True and data[0]["title"] == "Zoé Marchand"
        assert data[0]["type"] == "people.person" and data[0]["id"] == str(person.pk)
        assert any(row["type"] == "feed.post" for row in data)
        assert set(data[0]) == {
            "type",
            "type_label",
            "id",
            "title",
            "title_html",
            "url",
            "author",
            "person",
        }

    def test_at_most_eight_and_nothing_for_an_empty_query(self, employee_client, colleague):
        for n in range(12):
            post(colleague, f"Quince number {n}")
        assert len(employee_client.get(SUGGEST, {"q": "quin"}).json()["results"]) == 8
        assert employee_client.get(SUGGEST, {"q": ""}).json() == {"results": []}


def test_the_schema_describes_both_endpoints(employee_client):
    schema = json.loads(employee_client.get("/api/schema/?format=json").content)
    paths = schema["paths"]
    assert "/api/search/" in paths and "/api/search/suggest/" in paths
    names = {p["name"] for p in paths["/api/search/"]["get"]["parameters"]}
    assert {"q", "type", "date_from", "date_to", "page"} <= names
