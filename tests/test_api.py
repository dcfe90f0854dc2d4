"""The API base: authentication, one error body, pagination, schema and docs, pages API."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from tests.factories import make_content_page

pytestmark = pytest.mark.django_db


class TestAuthentication:
    @pytest.mark.parametrize(
        "path",
        [
            "/api/",
            "/api/me/",
            "/api/bookmarks/",
            "/api/departments/",
            "/api/v2/pages/",
            "/api/plugins/",
            "/api/schema/",
        ],
    )
    def test_outsiders_get_401_and_nothing_else(self, api_client, path, home_page):
        response = api_client.get(path, HTTP_ACCEPT="application/json")
        assert response.status_code == 401
        body = response.json()
        assert body["status"] == 401 and body["code"] == "not_authenticated"
        assert set(body) == {"status", "code", "detail"}

    def test_the_docs_page_sends_visitors_to_login(self, client):
        response = client.get("/api/docs/")
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/")

    def test_the_401_names_the_token_scheme(self, api_client):
        assert api_client.get("/api/me/")["WWW-Authenticate"] == "Token"

    def test_a_bad_token_is_refused(self, api_client):
        api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
        response = api_client.get("/api/me/")
        assert response.status_code == 401
        assert response.json()["code"] == "authentication_failed"


class TestErrors:
    def test_unknown_api_paths_answer_json_404(self, employee_client):
        response = employee_client.get("/api/no-such-thing/")
        assert response.status_code == 404
        assert response.json() == {"status": 404, "code": "not_found", "detail": "Not found."}

    def test_validation_errors_name_the_fields(self, employee_client):
        response = employee_client.patch(
            "/api/me/", {"preferred_language": "klingon"}, format="json"
        )
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "invalid"
        assert "preferred_language" in body["errors"]
        assert isinstance(body["errors"]["preferred_language"][0], str)

    def test_malformed_json_is_a_400_not_a_500(self, employee_client):
        response = employee_client.generic(
            "PATCH", "/api/me/", "{not json", content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["code"] == "parse_error"

    def test_unknown_method_is_405_in_the_same_shape(self, employee_client):
        response = employee_client.delete("/api/me/")
        assert response.status_code == 405
        assert response.json()["code"] == "method_not_allowed"


class TestMe:
    def test_read_my_account(self, employee_client, employee, departments):
        data = employee_client.get("/api/me/").json()
        assert data["email"] == employee.email
        assert data["department"]["name"] == "Platform"
        assert data["roles"] == ["Employees"]

    def test_choose_the_language(self, employee_client, employee):
        response = employee_client.patch("/api/me/", {"preferred_language": "fr"}, format="json")
        assert response.status_code == 200
        employee.refresh_from_db()
        assert employee.preferred_language == "fr"

    def test_read_only_fields_stay_read_only(self, employee_client, employee):
        employee_client.patch("/api/me/", {"email": "other@example.com"}, format="json")
        employee.refresh_from_db()
        assert employee.email == "employee@example.com"


class TestPagination:
    def test_departments_are_paginated(self, employee_client, departments):
        data = employee_client.get("/api/departments/?page_size=2").json()
        assert data["count"] == 4
        assert len(data["results"]) == 2
        assert data["next"].endswith("page=2&page_size=2")

    def test_page_size_is_capped(self, employee_client, departments):
        data = employee_client.get("/api/departments/?page_size=100000").json()
        assert len(data["results"]) == 4

    def test_filtering_by_field(self, employee_client, departments):
        parent = departments["company"].pk
        names = [
            d["name"]
            for d in employee_client.get(f"/api/departments/?parent={parent}").json()["results"]
        ]
        assert sorted(names) == ["Engineering", "Sales"]

    def test_a_page_past_the_end_is_a_clear_404(self, employee_client, departments):
        response = employee_client.get("/api/departments/?page=99")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    def test_a_bad_filter_value_is_a_400(self, employee_client, departments):
        response = employee_client.get("/api/departments/?parent=abc")
        assert response.status_code == 400
        assert "parent" in response.json()["errors"]


class TestSchema:
    def test_openapi_schema_describes_the_portal_api(self, employee_client):
        response = employee_client.get("/api/schema/?format=json")
        assert response.status_code == 200
        schema = json.loads(response.content)
        assert schema["openapi"].startswith("3.")
        paths = schema["paths"]
        assert "/api/bookmarks/" in paths and "/api/me/" in paths
        assert not any(path.startswith("/admin/") for path in paths)
        assert "tokenAuth" in schema["components"]["securitySchemes"]

    def test_interactive_docs_load_their_assets_locally(self, client, employee):
        client.force_login(employee)
        html = client.get("/api/docs/").content.decode()
        assert "swagger-ui" in html
        assert "cdn" not in html.lower() and "https://" not in html.split("<body")[0]


class TestPagesAPI:
    def test_lists_live_pages(self, employee_client, content_page):
        data = employee_client.get("/api/v2/pages/").json()
        titles = {item["title"] for item in data["items"]}
        assert "Welcome guide" in titles

    def test_hides_drafts_and_restricted_pages(self, employee_client, editor, home_page):
        draft = make_content_page(home_page, "Draft news")
        draft.unpublish()
        section = make_content_page(home_page, "Editors corner")
        make_content_page(section, "Editors tips")
        restriction = PageViewRestriction.objects.create(
            page=section, restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.add(Group.objects.get(name="Editors"))
        titles = {i["title"] for i in employee_client.get("/api/v2/pages/").json()["items"]}
        assert titles.isdisjoint({"Draft news", "Editors corner", "Editors tips"})
        assert employee_client.get(f"/api/v2/pages/{section.pk}/").status_code == 404

        employee_client.force_authenticate(editor)
        titles = {i["title"] for i in employee_client.get("/api/v2/pages/").json()["items"]}
        assert {"Editors corner", "Editors tips"} <= titles

    def test_page_fields_are_exposed(self, employee_client, content_page):
        content_page.intro = "Read me first"
        content_page.save_revision().publish()
        data = employee_client.get(f"/api/v2/pages/{content_page.pk}/").json()
        assert data["intro"] == "Read me first"

    def test_listing_cost_does_not_grow_with_restrictions_or_pages(
        self, employee_client, home_page
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def queries() -> int:
            with CaptureQueriesContext(connection) as context:
                assert employee_client.get("/api/v2/pages/").status_code == 200
            return len(context)

        for i in range(3):
            make_content_page(home_page, f"Page {i}")
        section = make_content_page(home_page, "Section 0")
        PageViewRestriction.objects.create(
            page=section, restriction_type=PageViewRestriction.GROUPS
        ).groups.add(Group.objects.get(name="Editors"))
        queries()  # warm the content type and site caches
        baseline = queries()
        for i in range(3, 12):
            make_content_page(home_page, f"Page {i}")
        for i in range(1, 4):
            section = make_content_page(home_page, f"Section {i}")
            PageViewRestriction.objects.create(
                page=section, restriction_type=PageViewRestriction.GROUPS
            ).groups.add(Group.objects.get(name="Editors"))
        queries()  # pages and restrictions changed: what the policy remembers is refilled
        assert queries() == baseline
