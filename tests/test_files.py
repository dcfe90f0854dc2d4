"""The shared upload helper (portal.files): images judged by content and re-encoded,
names bounded in bytes, files served so that they cannot run, the media and checked file
views, and the demo's settings; and the spreadsheet cell check."""

import io
import subprocess
import sys

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import Client
from PIL import Image

from portal import files
from portal.files import image_format, neutralise_formula
from tests.uploads import (
    PAYLOAD,
    assert_cannot_run,
    assert_same_404,
    body_of,
    polyglot_bytes,
)


def png_bytes() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 20, 30)).save(buffer, format="PNG")
    buffer.seek(2)  # wherever the caller left it
    return buffer


def test_an_image_is_recognised_by_its_content_and_the_position_is_kept():
    upload = png_bytes()
    assert image_format(upload) == "PNG"
    assert upload.tell() == 2


def test_svg_html_and_empty_files_are_not_images():
    for content in (b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', b"<html></html>", b""):
        assert image_format(io.BytesIO(content)) is None


def test_cells_that_would_run_as_formulas_are_quoted():
    for value in ("=1+1", "+33 1 23", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise_formula(value) == "'" + value
    assert neutralise_formula("Paris") == "Paris"
    assert neutralise_formula(42) == 42


# --- Re-encoding: what an upload is stored as -------------------------------------------


@pytest.mark.parametrize("fmt, extension", [("GIF", "gif"), ("PNG", "png"), ("JPEG", "jpg")])
def test_a_polyglot_is_re_encoded_without_its_payload_under_a_name_of_its_format(fmt, extension):
    clean = files.reencode_image(io.BytesIO(polyglot_bytes(fmt)), files.IMAGE_TYPES)
    data = clean.read()
    assert PAYLOAD not in data and b"<script" not in data
    assert image_format(io.BytesIO(data)) == fmt
    assert clean.name.endswith(f".{extension}") and len(clean.name) == 32 + 1 + len(extension)
    assert (clean.width, clean.height, clean.content_type) == (12, 8, f"image/{fmt.lower()}")


def test_an_animation_stays_animated_and_a_photo_upright_without_its_exif():
    frames = [Image.new("RGB", (10, 10), (index * 60, 0, 0)) for index in range(3)]
    buffer = io.BytesIO()
    frames[0].save(
        buffer, "GIF", save_all=True, append_images=frames[1:], duration=80, comment=PAYLOAD
    )
    animated = Image.open(files.reencode_image(buffer, ["GIF"]))
    assert animated.n_frames == 3 and "comment" not in animated.info

    photo = Image.new("RGB", (20, 10))
    exif = photo.getexif()
    exif[0x0112] = 6  # "rotate 90° to display": the camera was held upright
    exif[0x010F] = "Camera maker"
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", exif=exif)
    clean = files.reencode_image(buffer, ["JPEG"])
    stored = Image.open(clean)
    assert stored.size == (10, 20) and (clean.width, clean.height) == (10, 20)
    assert not stored.getexif()


def test_refusals_name_the_field_and_images_with_too_many_pixels_are_refused(monkeypatch):
    options = {
        "formats": ["PNG"],
        "max_bytes": 10_000,
        "invalid_message": "Not a PNG.",
        "too_large_message": "Too big.",
    }
    with pytest.raises(ValidationError) as error:
        files.clean_image(io.BytesIO(polyglot_bytes("GIF")), field="cover", **options)
    assert error.value.message_dict == {"cover": ["Not a PNG."]}
    with pytest.raises(ValidationError) as error:
        files.clean_image(ContentFile(b"x" * 10_001, name="a.png"), **options)
    assert error.value.messages == ["Too big."] and error.value.code == "file_too_large"
    monkeypatch.setattr(files, "MAX_IMAGE_PIXELS", 50)
    with pytest.raises(ValidationError) as error:
        files.clean_image(io.BytesIO(polyglot_bytes("PNG")), **options)
    assert error.value.code == "image_too_large"


# --- Names ------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", ["é" * 300, "\U0001f600" * 200, "a" * 400])
def test_display_names_fit_255_bytes_once_encoded_and_keep_their_extension(stem):
    name = files.display_name(f"{stem}.pdf")
    assert len(name.encode("utf-8")) <= 255 and name.endswith(".pdf")
    assert name.removesuffix(".pdf") and stem.startswith(name.removesuffix(".pdf"))


def test_display_names_lose_paths_controls_and_lone_surrogates():
    assert files.display_name("C:\\Users\\me\\..\\report.txt") == "report.txt"
    assert files.display_name("../../etc/pa\x00ss\ud800wd\u202e.txt") == "passwd.txt"
    assert files.display_name("   ", "file") == "file"
    assert len(files.display_name("\U0001f600" * 300).encode("utf-8")) <= 255


def test_storage_names_are_generated_with_a_clean_extension():
    assert files.storage_name("PDF").endswith(".pdf")
    name = files.storage_name("../x")
    assert "/" not in name and name.endswith(".x") and len(name) == 34
    assert "." not in files.storage_name("")


# --- Serving ----------------------------------------------------------------------------


def _served(name: str, content: bytes, **options):
    storage = storages["private"]
    stored = storage.save(name, ContentFile(content))
    return files.file_response(storage.open(stored, "rb"), stored_name=stored, **options)


def test_only_images_confirmed_by_content_are_served_as_images():
    image = _served("a.gif", polyglot_bytes("GIF"))
    assert image["Content-Type"] == "image/gif"
    assert not image.get("Content-Disposition", "").startswith("attachment")
    assert image["X-Content-Type-Options"] == "nosniff"
    # A page that says it is an image, an image whose name says page: downloads.
    for name, content, claimed in (
        ("a.png", PAYLOAD, "image/png"),
        ("a.html", polyglot_bytes("GIF"), "text/html"),
        ("a.svg", b"<svg onload='alert(1)'/>", "image/svg+xml"),
        ("a.xml", b"<x/>", "application/xhtml+xml"),
    ):
        response = _served(name, content, content_type=claimed)
        assert response["Content-Type"] == "application/octet-stream", name
        assert_cannot_run(response)
    pdf = _served("a.pdf", b"%PDF-1.4", content_type="application/pdf", download_name="Q3.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="Q3.pdf"'


@pytest.fixture
def employee_browser(employee) -> Client:
    client = Client()
    client.force_login(employee)
    return client


def test_public_media_is_served_with_safe_headers_and_never_documents(employee_browser):
    storage = storages["default"]
    image = storage.save("original_images/hero.png", ContentFile(polyglot_bytes("PNG")))
    page = storage.save("original_images/hero.html", ContentFile(PAYLOAD))
    document = storage.save("documents/secret.pdf", ContentFile(b"%PDF-1.4"))
    served = employee_browser.get(f"/media/{image}")
    assert served["Content-Type"] == "image/png" and served["X-Content-Type-Options"] == "nosniff"
    assert served["Cache-Control"].startswith("public")
    assert_cannot_run(employee_browser.get(f"/media/{page}"))
    missing = employee_browser.get("/media/original_images/nothing.png")
    assert missing.status_code == 404
    for path in (document, "original_images/../documents/secret.pdf", "../settings.py"):
        assert_same_404(employee_browser.get(f"/media/{path}"), missing)


def test_the_private_file_view_answers_404_for_anything_odd(employee_browser):
    missing = employee_browser.get("/files/groups.group.cover/1/none.png")
    assert missing.status_code == 404
    for path in (
        "/files/nothing.here.at_all/1/x.png",
        f"/files/groups.group.cover/{2**70}/x.png",
        "/files/groups.group.cover/1x/x.png",
        "/files/people.profile.photo/-1/x.png",
    ):
        assert_same_404(employee_browser.get(path), missing)
    assert body_of(missing)


# --- The demo's settings ----------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [("", "False"), ("1", "True"), ("0", "False")])
def test_the_demo_runs_without_debug_unless_a_developer_asks(value, expected, tmp_path):
    code = "from portal.settings import dev; print(dev.DEBUG)"
    environment = {"PORTAL_DEBUG": value, "PORTAL_VAR_DIR": str(tmp_path), "PATH": "/usr/bin"}
    found = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == expected


# --- Files stored before: the data migrations ----------------------------------------


def test_files_on_public_media_move_to_the_private_storage_re_encoded(db, employee):
    from plugins.groups.models import Group

    public, private = storages["default"], storages["private"]
    legacy = public.save("groups/covers/2024/cover.html", ContentFile(polyglot_bytes("GIF")))
    page = public.save("groups/covers/2024/page.png", ContentFile(PAYLOAD))
    kept = Group.objects.create(name="Old", slug="old")
    emptied = Group.objects.create(name="Page", slug="page")
    Group.objects.filter(pk=kept.pk).update(cover=legacy)
    Group.objects.filter(pk=emptied.pk).update(cover=page)

    assert files.secure_stored_images(Group, "cover") == 2
    kept.refresh_from_db()
    emptied.refresh_from_db()
    assert kept.cover.name.startswith("groups/covers/") and kept.cover.name.endswith(".gif")
    assert PAYLOAD not in private.open(kept.cover.name).read()
    assert not emptied.cover
    assert not public.exists(legacy) and not public.exists(page)
    # Run again (a second migrate, a file already moved): nothing changes.
    assert files.secure_stored_images(Group, "cover") == 0
