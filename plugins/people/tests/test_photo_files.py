"""Profile photos as files: an HTML polyglot is refused or stored re-encoded under a safe
name, served so that it cannot run, only to people who may see the person."""

from __future__ import annotations

import pytest
from django.core.files.storage import storages
from django.urls import reverse
from rest_framework.test import APIClient

from plugins.people.models import Profile
from plugins.people.services import ensure_profile
from tests.uploads import (
    ACTIVE_NAMES,
    LONG_NAMES,
    assert_cannot_run,
    assert_same_404,
    browser,
    image_upload,
    polyglot,
)

pytestmark = pytest.mark.django_db


def patch_photo(user, upload):
    client = APIClient()
    client.force_authenticate(user)
    return client.patch("/api/people/me/", {"photo": upload}, format="multipart")


@pytest.mark.parametrize("name", ACTIVE_NAMES)
@pytest.mark.parametrize("fmt", ["GIF", "PNG", "JPEG"])
def test_a_polyglot_photo_through_the_api_is_refused_or_re_encoded(employee, colleague, name, fmt):
    response = patch_photo(employee, polyglot(name, fmt))
    photo = Profile.objects.get(user=employee).photo
    if response.status_code == 400:
        assert "photo" in response.json()["errors"] and not photo
        return
    assert response.status_code == 200 and fmt != "GIF"
    assert photo.name.rsplit(".", 1)[-1] in {"png", "jpg"}
    assert_cannot_run(browser(colleague).get(photo.url))


@pytest.mark.parametrize("name", ACTIVE_NAMES)
@pytest.mark.parametrize("fmt", ["GIF", "PNG"])
def test_a_polyglot_photo_through_the_form_is_refused_or_re_encoded(employee, name, fmt):
    ensure_profile(employee)
    response = browser(employee).post(
        reverse("people:edit_me"),
        {"phone": "", "bio": "", "skills": "", "languages": "", "photo": polyglot(name, fmt)},
    )
    photo = Profile.objects.get(user=employee).photo
    if response.status_code == 200:
        assert "field--error" in response.content.decode() and not photo
        return
    assert response.status_code == 302 and photo.name.endswith(".png")
    assert_cannot_run(browser(employee).get(photo.url))


@pytest.mark.parametrize("stem", LONG_NAMES)
def test_photo_names_too_long_once_encoded_give_a_clean_result(employee, stem):
    response = patch_photo(employee, image_upload(f"{stem}.png"))
    assert response.status_code == 200, response.json()
    name = Profile.objects.get(user=employee).photo.name
    assert name.startswith("people/photos/") and len(name.encode("utf-8")) < 60


def test_a_photo_is_private_and_gone_with_its_person(employee, colleague):
    assert patch_photo(employee, image_upload("me.png")).status_code == 200
    photo = Profile.objects.get(user=employee).photo
    assert storages["private"].exists(photo.name) and not storages["default"].exists(photo.name)
    missing = reverse("portal-file", args=["people.profile.photo", photo.instance.pk, "x.png"])
    assert_cannot_run(browser(colleague).get(photo.url))
    anonymous = browser()
    assert_same_404(anonymous.get(photo.url), anonymous.get(missing))
    employee.is_active = False
    employee.save()
    client = browser(colleague)
    assert_same_404(client.get(photo.url), client.get(missing))


# --- Square photos -------------------------------------------------------------------------


def _photo(width, height, orientation=None):
    """A JPEG: blue in its centred square, red in the margins; with an EXIF orientation."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    image = Image.new("RGB", (width, height), (220, 0, 0))
    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    image.paste((0, 0, 220), (left, top, left + side, top + side))
    buffer = io.BytesIO()
    options = {}
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        options["exif"] = exif
    image.save(buffer, format="JPEG", quality=95, **options)
    return SimpleUploadedFile("me.jpg", buffer.getvalue(), content_type="image/jpeg")


def _stored(user):
    from PIL import Image

    photo = Profile.objects.get(user=user).photo
    with photo.open("rb") as handle, Image.open(handle) as image:
        image.load()
        return image.convert("RGB")


def _is_blue(pixel) -> bool:
    red, _green, blue = pixel
    return blue > 150 and red < 80


def test_a_400_by_200_photo_is_stored_as_its_centred_square(employee):
    ensure_profile(employee)
    response = browser(employee).post(
        reverse("people:edit_me"),
        {"phone": "", "bio": "", "skills": "", "languages": "", "photo": _photo(400, 200)},
    )
    assert response.status_code == 302
    image = _stored(employee)
    assert image.size == (200, 200)
    # The centre was kept, the margins cut: blue to the corners.
    for xy in ((2, 2), (197, 2), (2, 197), (197, 197), (100, 100)):
        assert _is_blue(image.getpixel(xy)), xy


def test_the_api_crops_too_keeping_the_exif_orientation(employee):
    # Stored 200x400 with "rotate 90°": people see it 400x200, and that is what is cropped.
    assert patch_photo(employee, _photo(200, 400, orientation=6)).status_code == 200
    image = _stored(employee)
    assert image.size == (200, 200)
    assert _is_blue(image.getpixel((100, 100)))


def test_the_edit_form_previews_the_chosen_photo_with_its_own_script(employee):
    ensure_profile(employee)
    html = browser(employee).get(reverse("people:edit_me")).content.decode()
    assert "data-photo-preview" in html and "data-photo-input" in html
    assert 'src="/static/people/photo-preview.js" defer' in html
    assert "<script>" not in html
