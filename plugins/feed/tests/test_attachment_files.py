"""Post attachments as files: an HTML polyglot is stored re-encoded under a safe name and
served so that it cannot run, names too long once encoded are bounded, and a restricted
post's files (and its group's files page) answer outsiders, people who left and anonymous
visitors exactly as for a file that does not exist."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from plugins.feed import services
from plugins.feed.models import Attachment
from plugins.feed.tests.test_services import make_group
from plugins.groups import services as groups
from tests.factories import make_user
from tests.uploads import (
    ACTIVE_NAMES,
    LONG_NAMES,
    PAYLOAD,
    assert_cannot_run,
    assert_same_404,
    browser,
    polyglot,
)

pytestmark = pytest.mark.django_db

MISSING = "/feed/attachments/999999/"


def stored_as_safe_image(attachment: Attachment, name: str) -> None:
    stored = attachment.file.name.rsplit("/", 1)[-1]
    assert stored.endswith(".gif") and len(stored) == 36
    assert attachment.is_image and attachment.content_type == "image/gif"
    assert attachment.name == name.rsplit(".", 1)[0] + ".gif"


@pytest.mark.parametrize("name", ACTIVE_NAMES)
def test_a_polyglot_attached_through_the_api_is_re_encoded_and_cannot_run(employee, name):
    client = APIClient()
    client.force_authenticate(employee)
    response = client.post(
        "/api/posts/", {"text": "Look", "files": [polyglot(name)]}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    attachment = Attachment.objects.get()
    stored_as_safe_image(attachment, name)
    assert_cannot_run(browser(employee).get(attachment.get_absolute_url()))


@pytest.mark.parametrize("name", ACTIVE_NAMES)
def test_a_polyglot_attached_through_the_composer_is_re_encoded_and_cannot_run(employee, name):
    response = browser(employee).post(
        reverse("feed:compose"),
        {"audience": "all", "kind": "status", "text": "Look", "files": [polyglot(name)]},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    stored_as_safe_image(attachment, name)
    assert_cannot_run(browser(employee).get(attachment.get_absolute_url()))


def test_a_page_is_refused_whatever_its_name(employee):
    from django.core.files.uploadedfile import SimpleUploadedFile

    for name in (*ACTIVE_NAMES, "cover.gif"):
        client = APIClient()
        client.force_authenticate(employee)
        response = client.post(
            "/api/posts/",
            {"text": "x", "files": [SimpleUploadedFile(name, PAYLOAD)]},
            format="multipart",
        )
        assert response.status_code == 400 and name in response.json()["errors"]["files"][0]
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("stem", LONG_NAMES)
def test_names_too_long_once_encoded_are_bounded_in_bytes(employee, stem):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = APIClient()
    client.force_authenticate(employee)
    response = client.post(
        "/api/posts/",
        {"text": "x", "files": [SimpleUploadedFile(f"{stem}.pdf", b"%PDF-1.4 long")]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    attachment = Attachment.objects.get()
    assert len(attachment.name.encode("utf-8")) <= 255 and attachment.name.endswith(".pdf")
    assert len(attachment.file.name.rsplit("/", 1)[-1]) == 36
    download = browser(employee).get(attachment.get_absolute_url())
    assert_cannot_run(download)
    assert download["Content-Type"] == "application/pdf"


def test_a_groups_files_are_for_its_members_only(employee, colleague):
    group = make_group(employee, "Falcon", members=[colleague])
    post = services.create_post(
        employee, text="Plan", audience=f"group:{group.pk}", files=[polyglot("plan.html")]
    )
    url = post.attachments.get().get_absolute_url()
    files_page = reverse("feed:group_files", args=[group.slug])
    missing_page = reverse("feed:group_files", args=["no-such-group"])
    assert_cannot_run(browser(colleague).get(url))
    assert browser(colleague).get(files_page).status_code == 200

    groups.remove_member(employee, group, colleague)
    for client in (browser(colleague), browser(make_user("outsider-files@example.com")), browser()):
        assert_same_404(client.get(url), client.get(MISSING))
        assert_same_404(client.get(files_page), client.get(missing_page))
    assert_cannot_run(browser(employee).get(url))
