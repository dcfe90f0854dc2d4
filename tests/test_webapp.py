"""The installable app: manifest, service worker, offline page (portal/core/webapp.py)."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

from portal.core import webapp

pytestmark = pytest.mark.django_db


def test_the_manifest_is_valid_json_with_the_site_name(client, settings):
    settings.WAGTAIL_SITE_NAME = "Acme Intranet Portal"
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    data = json.loads(response.content)
    assert data["name"] == "Acme Intranet Portal"
    assert data["short_name"] == "Acme"
    assert data["start_url"] == "/" and data["scope"] == "/"
    assert data["display"] == "standalone"
    for key in ("theme_color", "background_color"):
        assert re.fullmatch(r"#[0-9a-f]{3,8}", data[key])
    # --color-header-bg and --color-bg of the default theme (light-dark() pairs: the light one)
    assert data["theme_color"] == "#ffffff"
    assert data["background_color"] == "#f3f4f7"


def test_theme_colours_are_read_from_light_dark_pairs(logged_in):
    assert webapp.theme_colour(*webapp.THEME_COLOR, scheme="dark") == "#141821"
    html = logged_in.get("/").content.decode()
    assert (
        '<meta name="theme-color" media="(prefers-color-scheme: dark)" content="#141821">' in html
    )


def test_the_manifest_icons_exist_at_their_sizes(client):
    icons = json.loads(client.get("/manifest.webmanifest").content)["icons"]
    assert {(i["sizes"], i["purpose"]) for i in icons} == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("512x512", "maskable"),
    }
    for icon in icons:
        assert icon["src"].startswith("/static/") and icon["type"] == "image/png"
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]
            if icon["purpose"] == "maskable":  # no transparency: it fills the mask
                assert image.mode == "RGB"


def test_the_apple_touch_icon_is_180_opaque():
    with Image.open(finders.find("portal/img/apple-touch-icon.png")) as image:
        assert image.size == (180, 180) and image.mode == "RGB"


def test_the_service_worker(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    config = json.loads(re.search(r"const CONFIG = (\{.*?\});", body).group(1))
    assert config["offlineUrl"] == "/offline/"
    assert config["staticUrl"] == "/static/"
    assert "/static/portal/css/portal.css" in config["precache"]
    for url in config["precache"]:
        assert finders.find(url.removeprefix("/static/")), url
    # Only GET, pages from the network (the offline page when it fails), static assets.
    assert 'request.method !== "GET"' in body
    assert 'request.mode === "navigate"' in body
    assert 'credentials: "omit"' in body


def test_the_offline_page_is_open_and_names_nobody(client, employee):
    response = client.get("/offline/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "You are offline" in html
    assert "<script" not in html and "style=" not in html
    client.force_login(employee)
    html = client.get("/offline/").content.decode()
    assert employee.email not in html and employee.get_full_name() not in html
    assert "csrfmiddlewaretoken" not in html


def test_a_post_is_refused(client):
    for path in ("/manifest.webmanifest", "/sw.js", "/offline/"):
        assert client.post(path).status_code == 405


def test_theme_colour_falls_back():
    assert webapp.theme_colour("--color-does-not-exist", "#123456") == "#123456"
