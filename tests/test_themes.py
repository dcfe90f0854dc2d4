"""Themes: the default theme's structure, a second theme overriding templates and assets,
and nothing loaded from the internet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings

from portal.settings.base import THEMES_DIR, theme_dirs

pytestmark = pytest.mark.django_db


def themed(name: str):
    from django.conf import settings

    templates = [{**settings.TEMPLATES[0], "DIRS": theme_dirs(name, "templates")}]
    return override_settings(
        PORTAL_THEME=name, TEMPLATES=templates, STATICFILES_DIRS=theme_dirs(name, "static")
    )


class TestDefaultTheme:
    def test_home_page_has_the_portal_structure(self, logged_in):
        html = logged_in.get("/").content.decode()
        assert '<a class="skip-link" href="#main">' in html
        assert '<nav id="site-nav" class="site-nav sidenav" aria-label="Main" data-drawer>' in html
        assert '<main id="main"' in html
        assert "Hello," in html
        assert 'name="viewport"' in html

    def test_current_page_is_marked_in_the_navigation(self, logged_in):
        html = logged_in.get("/bookmarks/").content.decode()
        assert '<a class="sidenav__link" href="/bookmarks/" aria-current="page">' in html

    def test_administration_link_only_for_staff(self, client, employee, editor, home_page):
        client.force_login(employee)
        assert "/admin/" not in client.get("/").content.decode()
        client.force_login(editor)
        assert 'href="/admin/"' in client.get("/").content.decode()

    def test_error_pages_use_the_theme(self, logged_in):
        response = logged_in.get("/no-such-page/")
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()


class TestSecondTheme:
    def test_it_overrides_a_template_and_falls_back_for_the_rest(self, logged_in):
        with themed("ocean"):
            html = logged_in.get("/").content.decode()
        assert 'data-theme="ocean"' in html  # themes/ocean/templates/includes/logo.html
        assert "Hello," in html  # the home page itself comes from the default theme

    def test_it_overrides_static_files(self):
        with themed("ocean"):
            finders.get_finder.cache_clear()
            found = Path(finders.find("portal/css/theme.css"))
            base = Path(finders.find("portal/css/portal.css"))
        finders.get_finder.cache_clear()
        assert found == THEMES_DIR / "ocean/static/portal/css/theme.css"
        assert base == THEMES_DIR / "default/static/portal/css/portal.css"
        assert "#0f766e" in found.read_text()

    def test_it_changes_only_colours_and_logo(self):
        ocean = THEMES_DIR / "ocean"
        files = sorted(str(p.relative_to(ocean)) for p in ocean.rglob("*") if p.is_file())
        assert files == [
            "static/portal/css/theme.css",
            "static/portal/img/logo.svg",
            "templates/includes/logo.html",
        ]


EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)
CSS_EXTERNAL = re.compile(r"""(?:@import|url\()\s*["']?(?:https?:)?//""", re.IGNORECASE)


def test_themes_load_nothing_from_the_internet():
    offenders = []
    for path in THEMES_DIR.rglob("*"):
        if path.suffix in {".html", ".txt"} and EXTERNAL.search(path.read_text()):
            offenders.append(path)
        if path.suffix in {".css", ".js"} and CSS_EXTERNAL.search(path.read_text()):
            offenders.append(path)
    assert offenders == []


def test_rendered_pages_reference_only_this_site(logged_in, content_page):
    for url in ("/", content_page.url, "/bookmarks/", "/account/settings/"):
        html = logged_in.get(url).content.decode()
        assert not EXTERNAL.search(html), url


def test_pages_can_add_to_the_head(logged_in):
    """base.html keeps its ``extra_head`` block: pages load their own stylesheets there."""
    html = logged_in.get("/groups/").content.decode()
    head = html[: html.index("</head>")]
    assert "groups/groups.css" in head
