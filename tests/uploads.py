"""Hostile uploads for the upload tests of every site: images that are also HTML pages
(polyglots), names too long once encoded, and the check that a served file cannot run."""

from __future__ import annotations

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image, PngImagePlugin

#: What a polyglot hides: a page with a script, which a browser sniffing or trusting the
#: extension would run in the portal's origin.
PAYLOAD = b"<html><body><script>alert(document.cookie)</script></body></html>"
#: The names that make a web server or a browser treat a file as a page.
ACTIVE_NAMES = ("cover.html", "cover.htm", "cover.shtml", "cover.svg", "cover.xhtml")
#: Safe extensions an image may be stored under.
IMAGE_EXTENSIONS = (".jpg", ".png", ".gif", ".webp")


def polyglot_bytes(fmt: str = "GIF", size=(12, 8)) -> bytes:
    """A valid image of ``fmt`` whose bytes also carry :data:`PAYLOAD` (in its comment or
    text metadata, and after its end)."""
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    if fmt == "GIF":
        image.save(buffer, "GIF", comment=PAYLOAD)
    elif fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", PAYLOAD.decode())
        image.save(buffer, "PNG", pnginfo=info)
    elif fmt == "JPEG":
        image.save(buffer, "JPEG", comment=PAYLOAD)
    else:
        image.save(buffer, fmt, xmp=PAYLOAD)
    data = buffer.getvalue() + PAYLOAD
    assert PAYLOAD in data
    return data


def polyglot(name: str = "cover.html", fmt: str = "GIF") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, polyglot_bytes(fmt), content_type="text/html")


def image_upload(name: str = "photo.png", fmt: str = "PNG", size=(12, 8)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


#: 300 characters, and 200 emoji (800 bytes of UTF-8), before the extension.
LONG_NAMES = ("é" * 300, "\U0001f600" * 200)


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def assert_cannot_run(response) -> bytes:
    """``response`` serves a user's file so that it cannot run as a page: an image type
    only for re-encoded images (no payload left), otherwise a download; ``nosniff`` and a
    sandbox always. Returns the body."""
    assert response.status_code == 200, response.status_code
    content_type = response["Content-Type"]
    assert "html" not in content_type and "svg" not in content_type and "xml" not in content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    body = body_of(response)
    if content_type.startswith("image/"):
        assert b"<script" not in body and b"<html" not in body
        Image.open(io.BytesIO(body)).verify()
    else:
        assert response["Content-Disposition"].startswith("attachment")
    return body


#: What differs between any two pages whatever they say: the form tokens, and the address
#: asked for (which the page's own forms send back as "next").
_PER_REQUEST = re.compile(rb'(name="csrfmiddlewaretoken" value|name="next" value)="[^"]*"')


def assert_same_404(response, missing) -> None:
    """``response`` is the answer for a missing file, word for word (but for the form
    tokens and the requested address): nothing tells "hidden" from "missing"."""
    assert response.status_code == missing.status_code
    if missing.status_code == 302:
        assert response["Location"].split("?")[0] == missing["Location"].split("?")[0]
        return
    assert missing.status_code == 404
    assert response["Content-Type"] == missing["Content-Type"]
    assert _PER_REQUEST.sub(b"", body_of(response)) == _PER_REQUEST.sub(b"", body_of(missing))


def browser(user=None) -> Client:
    """A browser's client, logged in as ``user`` (anonymous when None)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
