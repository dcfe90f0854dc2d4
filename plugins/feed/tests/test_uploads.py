"""Attachments: what may be uploaded (clear refusals, nothing half-saved) and who may
download it (the visibility policy, a removed member at once)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from plugins.feed import services
from plugins.feed.models import Attachment, Post
from plugins.feed.tests.test_services import make_group
from plugins.groups import services as groups
from plugins.groups.models import Membership
from tests.factories import make_user


def image_bytes(fmt="PNG", size=(8, 6)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, fmt)
    return buffer.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files():
    storage = Attachment._meta.get_field("file").storage
    try:
        _dirs, files = storage.listdir("feed")
    except FileNotFoundError:
        return 0
    return len(files) + sum(len(storage.listdir(f"feed/{d}")[1]) for d in _dirs)


def refusal(employee, files) -> str:
    with pytest.raises(ValidationError) as error:
        services.create_post(employee, text="With files", files=files)
    assert not Post.objects.exists()
    assert not Attachment.objects.exists()
    return " ".join(error.value.message_dict["files"])


def test_images_are_recognised_by_content_and_measured(employee):
    post = services.create_post(
        employee,
        text="Photos",
        files=[
            upload("photo.png", image_bytes("PNG", (8, 6))),
            upload("renamed.dat.jpg", image_bytes("JPEG", (4, 3))),
            upload("notes.pdf", b"%PDF-1.4 notes"),
        ],
    )
    png, jpeg, pdf = post.attachments.all()
    assert (png.is_image, png.content_type, png.width, png.height) == (True, "image/png", 8, 6)
    assert (jpeg.content_type, jpeg.width) == ("image/jpeg", 4)
    assert (pdf.is_image, pdf.content_type, pdf.size) == (False, "application/pdf", 14)
    assert [a.position for a in (png, jpeg, pdf)] == [0, 1, 2]


@pytest.mark.parametrize(
    "name, content",
    [
        ("setup.exe", b"MZ\x90\x00"),
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("noextension", b"data"),
    ],
)
def test_disallowed_types_are_refused_by_name(employee, name, content):
    message = refusal(employee, [upload("fine.txt", b"ok"), upload(name, content)])
    assert name in message and "pdf" in message


def test_an_image_name_whose_content_is_not_an_image_is_refused(employee):
    message = refusal(employee, [upload("holiday.png", b"<script>alert(1)</script>")])
    assert "holiday.png" in message and "not a valid image" in message


def test_empty_files_are_refused(employee):
    assert "empty" in refusal(employee, [upload("empty.txt", b"")])


@override_settings(PORTAL_POST_MAX_FILE_BYTES=100, PORTAL_POST_MAX_IMAGE_BYTES=50)
def test_oversized_files_and_images_are_refused_with_the_limit(employee):
    message = refusal(employee, [upload("big.pdf", b"%" * 101)])
    assert "big.pdf" in message and "100" in message
    message = refusal(employee, [upload("big.png", image_bytes("PNG", (64, 64)))])
    assert "big.png" in message and "50" in message


@override_settings(PORTAL_POST_MAX_FILES=2)
def test_too_many_files_are_refused_and_nothing_is_stored(employee):
    before = stored_files()
    message = refusal(employee, [upload(f"f{i}.txt", b"x") for i in range(3)])
    assert "at most 2" in message
    assert stored_files() == before
    post = services.create_post(employee, text="two", files=[upload("a.txt", b"a")])
    with pytest.raises(ValidationError):
        services.update_post(
            employee, post, files_to_add=[upload("b.txt", b"b"), upload("c.txt", b"c")]
        )
    assert post.attachments.count() == 1


def test_an_invalid_event_stores_no_file(employee):
    before = stored_files()
    with pytest.raises(ValidationError):
        services.create_post(
            employee,
            text="x",
            kind=Post.EVENT,
            event={"title": "", "starts_at": ""},
            files=[upload("a.txt", b"a")],
        )
    assert stored_files() == before


# --- Downloads -----------------------------------------------------------------------------


@pytest.fixture
def private_post(employee, colleague):
    group = make_group(employee, "Design", members=[colleague])
    return services.create_post(
        employee,
        text="Files",
        audience=f"group:{group.pk}",
        files=[
            upload("plan.pdf", b"%PDF-1.4 secret plan"),
            upload("photo.png", image_bytes()),
        ],
    )


def test_members_download_files_and_see_images_inline(client, colleague, private_post):
    pdf, png = private_post.attachments.all()
    client.force_login(colleague)
    response = client.get(pdf.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "plan.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 secret plan"
    response = client.get(png.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")


def test_outsiders_and_removed_members_get_404(client, employee, colleague, private_post):
    outsider = make_user("outsider@example.com")
    pdf = private_post.attachments.first()
    client.force_login(outsider)
    assert client.get(pdf.get_absolute_url()).status_code == 404
    assert client.get("/feed/attachments/999999/").status_code == 404

    client.force_login(colleague)
    assert client.get(pdf.get_absolute_url()).status_code == 200
    group = private_post.group
    groups.remove_member(employee, group, colleague)
    assert not Membership.objects.filter(group=group, user=colleague).exists()
    assert client.get(pdf.get_absolute_url()).status_code == 404


def test_anonymous_visitors_never_get_a_file(client, private_post):
    response = client.get(private_post.attachments.first().get_absolute_url())
    assert response.status_code in (302, 404)
    assert b"secret plan" not in b"".join(getattr(response, "streaming_content", [b""]))
