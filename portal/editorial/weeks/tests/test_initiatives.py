"""Initiatives: submitting them (page form and API), the photo checks, moderation and
who sees what."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.editorial.weeks import services
from portal.editorial.weeks.models import Initiative
from portal.editorial.weeks.tests.factories import (
    make_initiative,
    png_bytes,
    png_upload,
    restrict_to_department,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9"/></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def stored_photos() -> set[str]:
    """The photo files in storage (shared by the whole test session: compare)."""
    try:
        return set(default_storage.listdir("weeks/initiatives")[1])
    except FileNotFoundError:
        return set()


def api_url(week) -> str:
    return f"/api/weeks/{week.pk}/initiatives/"


class TestSubmittingOnThePage:
    def test_an_employee_submits_an_initiative_with_a_photo(self, logged_in, week, employee):
        response = logged_in.post(
            week.url + "initiatives/submit/",
            {"title": "Car-sharing", "description": "From Lyon", "photo": png_upload()},
        )
        assert response.status_code == 302
        assert response["Location"] == week.url + "#initiatives"
        initiative = Initiative.objects.get()
        assert (initiative.author, initiative.title, initiative.status) == (
            employee,
            "Car-sharing",
            Initiative.Status.SUBMITTED,
        )
        assert initiative.photo.name.endswith(".png")
        page = logged_in.get(week.url).content.decode()
        assert "Car-sharing" in page and "Pending approval" in page
        assert "will appear once an editor approves it" in page

    def test_the_photo_is_optional(self, logged_in, week):
        response = logged_in.post(week.url + "initiatives/submit/", {"title": "Seed swap"})
        assert response.status_code == 302
        assert not Initiative.objects.get().photo

    def test_a_missing_title_shows_the_form_again(self, logged_in, week):
        response = logged_in.post(week.url + "initiatives/submit/", {"description": "No title"})
        assert response.status_code == 400
        assert "field--error" in response.content.decode()
        assert not Initiative.objects.exists()

    def test_a_disguised_svg_is_refused_and_nothing_is_written(self, logged_in, week):
        before = stored_photos()
        photo = SimpleUploadedFile("innocent.png", SVG, content_type="image/png")
        response = logged_in.post(
            week.url + "initiatives/submit/", {"title": "Sneaky", "photo": photo}
        )
        assert response.status_code == 400
        assert "must be a JPEG, PNG or WebP image" in response.content.decode()
        assert not Initiative.objects.exists()
        assert stored_photos() == before

    def test_getting_the_submit_address_is_not_allowed(self, logged_in, week):
        assert logged_in.get(week.url + "initiatives/submit/").status_code == 405

    def test_anonymous_visitors_are_sent_to_log_in(self, client, week):
        response = client.post(week.url + "initiatives/submit/", {"title": "x"})
        assert response.status_code == 302
        assert "/account/login/" in response["Location"]
        assert not Initiative.objects.exists()


class TestSubmittingThroughTheApi:
    def test_multipart_submission(self, employee_client, week, employee):
        response = employee_client.post(
            api_url(week),
            {"title": "Bike workshop", "description": "Thursday noon", "photo": png_upload()},
            format="multipart",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["status"] == "submitted"
        assert body["is_mine"] is True
        assert body["photo_url"].endswith(f"/initiatives/{body['id']}/photo/")
        assert body["author"]["id"] == employee.pk

    @pytest.mark.parametrize(
        ("name", "content"),
        [("photo.png", SVG), ("photo.png", HTML), ("photo.svg", SVG), ("photo.png", b"")],
    )
    def test_what_is_not_a_photo_is_refused_with_a_clear_400(
        self, employee_client, week, name, content
    ):
        before = stored_photos()
        photo = SimpleUploadedFile(name, content, content_type="image/png")
        response = employee_client.post(
            api_url(week), {"title": "Sneaky", "photo": photo}, format="multipart"
        )
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "invalid"
        assert "photo" in body["errors"]
        assert not Initiative.objects.exists()
        assert stored_photos() == before

    def test_a_gif_is_a_real_image_but_not_an_accepted_format(self, employee_client, week):
        photo = SimpleUploadedFile("anim.gif", png_bytes(image_format="GIF"))
        response = employee_client.post(
            api_url(week), {"title": "Gif", "photo": photo}, format="multipart"
        )
        assert response.status_code == 400
        assert "JPEG, PNG or WebP" in response.json()["errors"]["photo"][0]

    def test_jpeg_and_webp_are_accepted_and_named_by_their_content(self, employee_client, week):
        for image_format, extension in (("JPEG", "jpg"), ("WEBP", "webp")):
            photo = SimpleUploadedFile("photo.html", png_bytes(image_format=image_format))
            response = employee_client.post(
                api_url(week), {"title": image_format, "photo": photo}, format="multipart"
            )
            assert response.status_code == 201, response.json()
            saved = Initiative.objects.get(pk=response.json()["id"])
            assert saved.photo.name.endswith(f".{extension}")

    def test_a_photo_too_big_is_refused(self, employee_client, week, monkeypatch):
        monkeypatch.setattr(services, "MAX_PHOTO_SIZE", 100)
        before = stored_photos()
        response = employee_client.post(
            api_url(week),
            {"title": "Big", "photo": png_upload(size=(400, 400))},
            format="multipart",
        )
        assert response.status_code == 400
        assert "too large" in response.json()["errors"]["photo"][0]
        assert not Initiative.objects.exists()
        assert stored_photos() == before

    def test_a_missing_title_is_a_field_error(self, employee_client, week):
        response = employee_client.post(api_url(week), {"description": "x"}, format="multipart")
        assert response.status_code == 400
        assert "title" in response.json()["errors"]
        blank = employee_client.post(api_url(week), {"title": "   "}, format="multipart")
        assert blank.status_code == 400
        assert "title" in blank.json()["errors"]
        assert not Initiative.objects.exists()

    def test_anonymous_gets_401(self, api_client, week):
        assert api_client.post(api_url(week), {"title": "x"}).status_code == 401
        assert api_client.get(api_url(week)).status_code == 401


class TestModeration:
    def test_employees_may_not_moderate(self, employee_client, week, colleague, employee):
        initiative = make_initiative(week, colleague)
        response = employee_client.post(
            f"/api/weeks/initiatives/{initiative.pk}/moderate/", {"action": "approve"}
        )
        assert response.status_code == 403
        with pytest.raises(PermissionDenied):
            services.moderate_initiative(employee, initiative, services.APPROVE)
        initiative.refresh_from_db()
        assert initiative.status == Initiative.Status.SUBMITTED

    def test_an_editor_approves_features_unfeatures_and_rejects(
        self, api_client, week, colleague, moderator
    ):
        initiative = make_initiative(week, colleague)
        api_client.force_authenticate(moderator)
        url = f"/api/weeks/initiatives/{initiative.pk}/moderate/"

        body = api_client.post(url, {"action": "approve"}).json()
        assert (body["status"], body["featured"]) == ("approved", False)
        body = api_client.post(url, {"action": "feature"}).json()
        assert (body["status"], body["featured"]) == ("approved", True)
        body = api_client.post(url, {"action": "unfeature"}).json()
        assert body["featured"] is False
        body = api_client.post(url, {"action": "reject"}).json()
        assert body["status"] == "rejected"
        initiative.refresh_from_db()
        assert initiative.moderated_by == moderator
        assert initiative.moderated_at is not None

    def test_an_unknown_action_is_a_field_error(self, api_client, week, colleague, moderator):
        initiative = make_initiative(week, colleague)
        api_client.force_authenticate(moderator)
        response = api_client.post(
            f"/api/weeks/initiatives/{initiative.pk}/moderate/", {"action": "delete"}
        )
        assert response.status_code == 400
        assert "action" in response.json()["errors"]

    def test_the_admin_queue(self, client, week, colleague, moderator, editor):
        initiative = make_initiative(week, colleague, "Bike workshop")
        client.force_login(moderator)
        assert "Bike workshop" in client.get("/admin/weeks/initiatives/").content.decode()
        response = client.post(
            f"/admin/weeks/initiatives/{initiative.pk}/moderate/", {"action": "feature"}
        )
        assert response.status_code == 302
        initiative.refresh_from_db()
        assert initiative.status == Initiative.Status.APPROVED and initiative.featured

    def test_editors_moderate_initiatives(self, editor):
        assert editor.has_perm("weeks.change_initiative")

    def test_the_admin_queue_needs_the_permission(self, client, week, colleague, departments):
        initiative = make_initiative(week, colleague)
        # HR may use the admin but does not moderate initiatives (editors do).
        hr_person = make_user("hr-person@example.com", role="hr")
        client.force_login(hr_person)
        assert client.get("/admin/weeks/initiatives/").status_code in (302, 403)
        client.post(f"/admin/weeks/initiatives/{initiative.pk}/moderate/", {"action": "approve"})
        initiative.refresh_from_db()
        assert initiative.status == Initiative.Status.SUBMITTED


class TestWhoSeesWhat:
    def test_pending_initiatives_are_seen_by_their_author_and_moderators_only(
        self, api_client, week, employee, colleague, moderator
    ):
        make_initiative(week, colleague, "Approved", status=Initiative.Status.APPROVED)
        make_initiative(week, colleague, "Colleague pending")
        make_initiative(week, employee, "Mine pending")
        make_initiative(week, colleague, "Rejected", status=Initiative.Status.REJECTED)

        def titles(user):
            api_client.force_authenticate(user)
            return {item["title"] for item in api_client.get(api_url(week)).json()["results"]}

        assert titles(employee) == {"Approved", "Mine pending"}
        assert titles(colleague) == {"Approved", "Colleague pending", "Rejected"}
        assert titles(moderator) == {"Approved", "Colleague pending", "Mine pending", "Rejected"}

    def test_featured_initiatives_come_first(self, employee_client, week, colleague):
        make_initiative(week, colleague, "Plain", status=Initiative.Status.APPROVED)
        make_initiative(week, colleague, "Star", status=Initiative.Status.APPROVED, featured=True)
        results = employee_client.get(api_url(week)).json()["results"]
        assert [item["title"] for item in results] == ["Star", "Plain"]

    def test_a_restricted_week_does_not_exist_for_outsiders(
        self, employee_client, logged_in, week, colleague, departments
    ):
        approved = make_initiative(
            week, colleague, "Sales only", status=Initiative.Status.APPROVED, photo="x.png"
        )
        restrict_to_department(week, departments["sales"])
        assert employee_client.get(f"/api/weeks/{week.pk}/").status_code == 404
        assert employee_client.get(api_url(week)).status_code == 404
        response = employee_client.post(api_url(week), {"title": "x"}, format="multipart")
        assert response.status_code == 404
        assert employee_client.get(f"/api/weeks/initiatives/{approved.pk}/").status_code == 404
        assert employee_client.get("/api/weeks/current/").status_code == 404
        assert employee_client.get("/api/weeks/").json()["results"] == []
        assert logged_in.get(week.url + f"initiatives/{approved.pk}/photo/").status_code == 404
        assert Initiative.objects.count() == 1

    def test_photos_are_served_to_those_who_may_see_the_initiative(
        self, logged_in, client, week, colleague, employee
    ):
        mine = services.submit_initiative(employee, week, title="Mine", photo=png_upload())
        theirs = services.submit_initiative(colleague, week, title="Theirs", photo=png_upload())
        response = logged_in.get(week.url + f"initiatives/{mine.pk}/photo/")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
        assert logged_in.get(week.url + f"initiatives/{theirs.pk}/photo/").status_code == 404
        theirs.status = Initiative.Status.APPROVED
        theirs.save()
        assert logged_in.get(week.url + f"initiatives/{theirs.pk}/photo/").status_code == 200

    def test_the_listing_costs_the_same_queries_whatever_its_length(
        self, employee_client, week, colleague, departments
    ):
        def count_queries() -> int:
            with CaptureQueriesContext(connection) as context:
                assert employee_client.get(api_url(week)).status_code == 200
            return len(context.captured_queries)

        make_initiative(week, colleague, "One", status=Initiative.Status.APPROVED, photo="a.png")
        count_queries()  # warm the per-process caches (site, content types)
        few = count_queries()
        for number in range(8):
            author = make_user(f"author{number}@example.com", department=departments["sales"])
            make_initiative(
                week, author, f"Idea {number}", status=Initiative.Status.APPROVED, photo="b.png"
            )
        assert count_queries() == few


class TestPhotoCheck:
    def test_the_real_size_limit_is_five_megabytes(self):
        from django.core.exceptions import ValidationError

        big = SimpleUploadedFile("big.png", png_bytes() + b"\0" * (5 * 1024 * 1024))
        with pytest.raises(ValidationError) as error:
            services.validate_photo(big)
        assert "too large" in error.value.messages[0]
        clean = services.validate_photo(png_upload())
        assert clean.format == "PNG" and clean.name.endswith(".png")
