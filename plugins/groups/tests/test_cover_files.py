"""Group covers as files: an HTML polyglot can neither keep its name nor run, and a
restricted group's cover is served only to those who may see the group (a person who
left, an outsider and an anonymous visitor get the answer of a missing file)."""

from __future__ import annotations

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from plugins.groups import services
from plugins.groups.models import Group
from tests.factories import make_user
from tests.uploads import (
    ACTIVE_NAMES,
    LONG_NAMES,
    PAYLOAD,
    assert_cannot_run,
    assert_same_404,
    browser,
    image_upload,
    polyglot,
)

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def missing_url(group: Group) -> str:
    """The address of a cover that does not exist (another name, the same group)."""
    return reverse("portal-file", args=["groups.group.cover", group.pk, "0" * 32 + ".png"])


@pytest.mark.parametrize("name", ACTIVE_NAMES)
def test_a_polyglot_cover_through_the_api_is_stored_re_encoded_and_cannot_run(employee, name):
    response = api(employee).post(
        "/api/groups/", {"name": f"Covers {name}", "cover": polyglot(name)}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    group = Group.objects.get(pk=response.json()["id"])
    assert group.cover.name.endswith(".gif") and name not in group.cover.name
    assert response.json()["cover"].endswith(group.cover.url)
    assert_cannot_run(browser(employee).get(group.cover.url))


@pytest.mark.parametrize("name", ACTIVE_NAMES)
def test_a_polyglot_cover_through_the_form_is_stored_re_encoded_and_cannot_run(employee, name):
    response = browser(employee).post(
        reverse("groups:create"),
        {"name": "Chess", "privacy": "public", "tags": "", "cover": polyglot(name)},
    )
    assert response.status_code == 302
    cover = Group.objects.get(name="Chess").cover
    assert cover.name.rsplit(".", 1)[-1] == "gif"
    assert_cannot_run(browser(employee).get(cover.url))


def test_a_page_named_like_an_image_is_refused_with_the_field_and_nothing_stored(employee):
    response = api(employee).post(
        "/api/groups/",
        {"name": "Pages", "cover": SimpleUploadedFile("c.gif", PAYLOAD)},
        format="multipart",
    )
    assert response.status_code == 400 and "cover" in response.json()["errors"]
    form = browser(employee).post(
        reverse("groups:create"),
        {"name": "Pages", "privacy": "public", "cover": SimpleUploadedFile("c.gif", PAYLOAD)},
    )
    assert form.status_code == 200 and "field--error" in form.content.decode()
    assert not Group.objects.filter(name="Pages").exists()


@pytest.mark.parametrize("stem", LONG_NAMES)
def test_cover_names_too_long_once_encoded_give_a_clean_result(employee, stem):
    response = api(employee).post(
        "/api/groups/",
        {"name": "Long", "cover": image_upload(f"{stem}.png")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    name = Group.objects.get(pk=response.json()["id"]).cover.name
    assert len(name.encode("utf-8")) <= 100 and name.endswith(".png")
    assert name.rsplit("/", 1)[-1][:32].isalnum()


@pytest.fixture
def secret_with_cover(owner):
    return services.create_group(
        owner, name="Falcon", privacy=Group.SECRET, cover=image_upload("falcon.png")
    )


def test_a_secret_groups_cover_is_for_its_members_only(owner, secret_with_cover):
    member = make_user("member@example.com")
    services.invite(owner, secret_with_cover, [member])
    services.accept_invitation(member, secret_with_cover.invitations.get(user=member))
    url = secret_with_cover.cover.url
    assert url.startswith("/files/groups.group.cover/")
    for person in (owner, member):
        assert_cannot_run(browser(person).get(url))

    services.leave(member, secret_with_cover)
    outsider = make_user("outsider-cover@example.com")
    for client in (browser(member), browser(outsider), browser()):
        assert_same_404(client.get(url), client.get(missing_url(secret_with_cover)))
    assert_cannot_run(browser(owner).get(url))


def test_a_replaced_cover_is_gone_and_a_group_made_secret_hides_its_cover(owner, employee):
    group = services.create_group(owner, name="Open", cover=image_upload("a.png"))
    old = group.cover.url
    assert_cannot_run(browser(employee).get(old))
    services.update_group(owner, group, cover=image_upload("b.png"))
    group.refresh_from_db()
    assert group.cover.url != old
    client = browser(employee)
    assert_same_404(client.get(old), client.get(missing_url(group)))
    assert_cannot_run(client.get(group.cover.url))

    services.update_group(owner, group, privacy=Group.SECRET)
    assert_same_404(client.get(group.cover.url), client.get(missing_url(group)))


def test_covers_are_never_on_public_media(owner):
    group = services.create_group(owner, name="Private", cover=image_upload())
    assert storages["private"].exists(group.cover.name)
    assert not storages["default"].exists(group.cover.name)
