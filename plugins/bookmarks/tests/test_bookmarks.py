"""Bookmarks: services, pages, API, privacy and the visibility of what is bookmarked."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from plugins.bookmarks import privacy, services
from plugins.bookmarks.models import Bookmark
from tests.factories import make_content_page, make_user
from tests.sample_plugin.models import Note

pytestmark = pytest.mark.django_db


def restrict_to_editors(page):
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.get(name="Editors"))


class TestServices:
    def test_toggle(self, employee, content_page):
        assert services.toggle_bookmark(employee, content_page) is True
        assert services.is_bookmarked(employee, content_page)
        assert services.toggle_bookmark(employee, content_page) is False
        assert not Bookmark.objects.exists()

    def test_a_page_is_saved_under_its_specific_type_however_loaded(self, employee, content_page):
        from wagtail.models import Page

        services.add_bookmark(employee, Page.objects.get(pk=content_page.pk))
        _bookmark, created = services.add_bookmark(employee, content_page)
        assert not created
        assert Bookmark.objects.get().target_type == "core.contentpage"

    def test_what_you_may_not_see_cannot_be_bookmarked(self, employee, home_page):
        secret = make_content_page(home_page, "Editors corner")
        restrict_to_editors(secret)
        with pytest.raises(services.BookmarkError):
            services.add_bookmark(employee, secret)

    def test_any_object_the_policy_knows_can_be_bookmarked(self, employee, colleague):
        note = Note.objects.create(author=colleague, text="a note for all")
        services.add_bookmark(employee, note)
        services.add_bookmark(employee, colleague)
        kinds = {b.target_type for b in services.visible_bookmarks(employee)}
        assert kinds == {"sample_plugin.note", "accounts.user"}

    def test_bookmarks_whose_target_became_invisible_are_hidden(
        self, employee, home_page, colleague
    ):
        page = make_content_page(home_page, "Soon restricted")
        note = Note.objects.create(author=colleague, text="soon private")
        services.add_bookmark(employee, page)
        services.add_bookmark(employee, note)
        restrict_to_editors(page)
        note.set_audience_people()
        note.save()
        employee = type(employee).objects.get(pk=employee.pk)  # as on the next request
        assert list(services.visible_bookmarks(employee)) == []
        assert Bookmark.objects.count() == 2  # kept, in case access comes back

    def test_deleted_targets_vanish_from_lists(self, employee, content_page):
        services.add_bookmark(employee, content_page)
        content_page.delete()
        assert list(services.visible_bookmarks(employee)) == []


class TestPages:
    def test_the_button_appears_on_pages(self, logged_in, content_page):
        html = logged_in.get(content_page.url).content.decode()
        assert "data-bookmark-toggle" in html
        assert 'aria-pressed="false"' in html

    def test_toggle_from_a_form_redirects_back(self, logged_in, employee, content_page):
        response = logged_in.post(
            "/bookmarks/toggle/",
            {"type": "core.contentpage", "id": content_page.pk, "next": content_page.url},
        )
        assert response.status_code == 302 and response["Location"] == content_page.url
        assert services.is_bookmarked(employee, content_page)
        assert 'aria-pressed="true"' in logged_in.get(content_page.url).content.decode()

    def test_toggle_from_a_script_answers_json(self, logged_in, content_page):
        response = logged_in.post(
            "/bookmarks/toggle/",
            {"type": "core.contentpage", "id": content_page.pk},
            HTTP_ACCEPT="application/json",
        )
        assert response.json() == {"bookmarked": True}

    def test_toggle_never_redirects_off_site(self, logged_in, content_page):
        response = logged_in.post(
            "/bookmarks/toggle/",
            {"type": "core.contentpage", "id": content_page.pk, "next": "https://evil.example/"},
        )
        assert response["Location"] == "/bookmarks/"

    def test_toggle_refuses_what_you_may_not_see(self, logged_in, home_page):
        secret = make_content_page(home_page, "Editors corner")
        restrict_to_editors(secret)
        response = logged_in.post(
            "/bookmarks/toggle/",
            {"type": "core.contentpage", "id": secret.pk},
            HTTP_ACCEPT="application/json",
        )
        assert response.status_code == 400
        assert "may not see it" in response.json()["detail"]
        assert not Bookmark.objects.exists()

    def test_toggle_needs_a_post(self, logged_in):
        assert logged_in.get("/bookmarks/toggle/").status_code == 405

    def test_my_bookmarks_lists_titles(self, logged_in, employee, content_page):
        services.add_bookmark(employee, content_page)
        html = logged_in.get("/bookmarks/").content.decode()
        assert "Welcome guide" in html and "Remove" in html

    def test_the_home_page_panel(self, logged_in, employee, content_page):
        services.add_bookmark(employee, content_page)
        html = logged_in.get("/").content.decode()
        assert "My bookmarks" in html and "Welcome guide" in html

    def test_the_navigation_entry(self, logged_in):
        assert 'href="/bookmarks/"' in logged_in.get("/").content.decode()


class TestAPI:
    def test_create_list_retrieve_delete(self, employee_client, content_page):
        response = employee_client.post(
            "/api/bookmarks/",
            {"target_type": "core.contentpage", "target_id": content_page.pk, "note": "read later"},
            format="json",
        )
        assert response.status_code == 201
        created = response.json()
        assert created["title"] == "Welcome guide"
        assert created["url"] == "/welcome-guide/"
        assert created["target_type"] == "core.contentpage"
        listed = employee_client.get("/api/bookmarks/").json()
        assert listed["count"] == 1 and listed["results"][0]["note"] == "read later"
        assert listed["results"][0]["kind"] == created["kind"] == "content page"
        assert employee_client.get(f"/api/bookmarks/{created['id']}/").status_code == 200
        assert employee_client.delete(f"/api/bookmarks/{created['id']}/").status_code == 204
        assert employee_client.get("/api/bookmarks/").json()["count"] == 0

    def test_saving_twice_answers_200_with_the_same_bookmark(self, employee_client, content_page):
        payload = {"target_type": "core.contentpage", "target_id": content_page.pk}
        first = employee_client.post("/api/bookmarks/", payload, format="json")
        second = employee_client.post("/api/bookmarks/", payload, format="json")
        assert second.status_code == 200 and second.json()["id"] == first.json()["id"]

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({}, "target_type"),
            ({"target_type": "core.contentpage"}, "target_id"),
            ({"target_type": "core.contentpage", "target_id": "abc"}, "target_id"),
            ({"target_type": "core.contentpage", "target_id": -1}, "target_id"),
            ({"target_type": "nothing.here", "target_id": 1}, "target_id"),
            ({"target_type": "core.contentpage", "target_id": 999999}, "target_id"),
            ({"target_type": "sample_plugin.unruled", "target_id": 1}, "target_id"),
            ({"target_type": "core.contentpage", "target_id": 1, "note": "x" * 201}, "note"),
        ],
    )
    def test_bad_input_is_a_400_naming_the_field(
        self, employee_client, content_page, payload, field
    ):
        response = employee_client.post("/api/bookmarks/", payload, format="json")
        assert response.status_code == 400
        assert field in response.json()["errors"]
        assert not Bookmark.objects.exists()

    def test_an_invisible_target_looks_like_a_missing_one(self, employee_client, home_page):
        secret = make_content_page(home_page, "Editors corner")
        restrict_to_editors(secret)
        hidden = employee_client.post(
            "/api/bookmarks/",
            {"target_type": "core.contentpage", "target_id": secret.pk},
            format="json",
        ).json()
        missing = employee_client.post(
            "/api/bookmarks/",
            {"target_type": "core.contentpage", "target_id": 999999},
            format="json",
        ).json()
        assert hidden == missing

    def test_other_peoples_bookmarks_do_not_exist(self, employee_client, colleague, content_page):
        theirs, _ = services.add_bookmark(colleague, content_page)
        assert employee_client.get(f"/api/bookmarks/{theirs.pk}/").status_code == 404
        assert employee_client.delete(f"/api/bookmarks/{theirs.pk}/").status_code == 404
        assert employee_client.get("/api/bookmarks/").json()["count"] == 0
        assert Bookmark.objects.filter(pk=theirs.pk).exists()

    def test_outsiders_get_401(self, api_client, employee, content_page):
        bookmark, _ = services.add_bookmark(employee, content_page)
        assert api_client.get("/api/bookmarks/").status_code == 401
        assert api_client.get(f"/api/bookmarks/{bookmark.pk}/").status_code == 401
        assert api_client.delete(f"/api/bookmarks/{bookmark.pk}/").status_code == 401
        assert Bookmark.objects.count() == 1

    def test_filter_by_type(self, employee_client, employee, content_page, colleague):
        services.add_bookmark(employee, content_page)
        services.add_bookmark(employee, colleague)
        data = employee_client.get("/api/bookmarks/?type=accounts.user").json()
        assert [item["title"] for item in data["results"]] == [str(colleague)]

    def test_listing_costs_the_same_queries_whatever_the_number(
        self, employee_client, employee, home_page, django_assert_num_queries
    ):
        def count_queries():
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as context:
                assert employee_client.get("/api/bookmarks/").status_code == 200
            return len(context)

        for i in range(3):
            services.add_bookmark(employee, make_content_page(home_page, f"Page {i}"))
        services.add_bookmark(employee, make_user("p1@example.com"))
        count_queries()  # caches of the site (root paths) and of the person's access filled
        few = count_queries()
        for i in range(3, 20):
            services.add_bookmark(employee, make_content_page(home_page, f"Page {i}"))
        for i in range(2, 8):
            services.add_bookmark(employee, make_user(f"p{i}@example.com"))
        assert count_queries() == few


class TestPrivacy:
    def test_export_and_erase(self, employee, content_page):
        services.add_bookmark(employee, content_page, note="mine")
        exported = privacy.export_user_data(employee)
        assert exported[0]["type"] == "core.contentpage" and exported[0]["note"] == "mine"
        privacy.erase_user_data(employee)
        assert not Bookmark.objects.filter(user=employee).exists()


def test_editors_see_the_most_bookmarked_pages_report(client, editor, employee, content_page):
    services.add_bookmark(employee, content_page)
    client.force_login(editor)
    html = client.get("/admin/reports/bookmarks/").content.decode()
    assert "Welcome guide" in html
    client.force_login(employee)
    assert client.get("/admin/reports/bookmarks/").status_code in (302, 403)


# --- Posts: bookmarked through the plugin contract (the feed declares them) -----------------


@pytest.fixture
def feed_post(colleague):
    from plugins.feed import services as feed

    return feed.create_post(colleague, text="Our roadmap for the year")


def _private_post(colleague):
    from plugins.feed import services as feed
    from plugins.groups import services as groups

    group = groups.create_group(colleague, name="Falcon", privacy="private")
    return feed.create_post(colleague, text="Falcon plans", audience=f"group:{group.pk}")


class TestPosts:
    def test_a_post_is_bookmarked_listed_and_gone_once_hidden_through_the_api(
        self, employee_client, employee, colleague, feed_post
    ):
        response = employee_client.post(
            "/api/bookmarks/",
            {"target_type": "feed.post", "target_id": feed_post.pk},
            format="json",
        )
        assert response.status_code == 201
        assert response.json()["url"] == feed_post.get_absolute_url()
        listed = employee_client.get("/api/bookmarks/?type=feed.post").json()
        assert [b["target_id"] for b in listed["results"]] == [feed_post.pk]
        # A post the employee may not see cannot be bookmarked, like a missing one.
        hidden = _private_post(colleague)
        refused = employee_client.post(
            "/api/bookmarks/", {"target_type": "feed.post", "target_id": hidden.pk}, format="json"
        )
        assert refused.status_code == 400 and "target_id" in refused.json()["errors"]
        # Once the post is hidden from them (moved to a private group), its bookmark
        # disappears from the list (kept, in case access comes back).
        feed_post.audience, feed_post.group = hidden.audience, hidden.group
        feed_post.save()
        assert employee_client.get("/api/bookmarks/").json()["count"] == 0
        assert Bookmark.objects.filter(user=employee).count() == 1

    def test_the_post_page_has_a_button_showing_the_saved_state(
        self, logged_in, employee, feed_post
    ):
        url = feed_post.get_absolute_url()
        html = logged_in.get(url).content.decode()
        assert 'name="type" value="feed.post"' in html
        assert 'aria-pressed="false"' in html
        assert "data-bookmark-saved hidden>Saved</span>" in html
        # Without scripts: the form posts, then the page comes back saying it is saved.
        response = logged_in.post(
            "/bookmarks/toggle/", {"type": "feed.post", "id": feed_post.pk, "next": url}
        )
        assert response.status_code == 302 and response["Location"] == url
        assert services.is_bookmarked(employee, feed_post)
        html = logged_in.get(url).content.decode()
        assert 'aria-pressed="true"' in html and 'title="Remove bookmark"' in html
        assert "data-bookmark-unsaved hidden>Bookmark</span>" in html
        assert "data-bookmark-saved>Saved</span>" in html
        # With scripts: the JSON answer gives the new state (portal.js swaps the words).
        response = logged_in.post(
            "/bookmarks/toggle/",
            {"type": "feed.post", "id": feed_post.pk},
            HTTP_ACCEPT="application/json",
        )
        assert response.json() == {"bookmarked": False}
        assert 'aria-pressed="false"' in logged_in.get(url).content.decode()

    def test_the_bookmarks_plugin_names_no_feed_model(self):
        import pathlib

        plugin = pathlib.Path(services.__file__).parent
        sources = [p.read_text() for p in plugin.glob("*.py")]
        assert not any("plugins.feed" in source for source in sources)
