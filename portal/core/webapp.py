"""The portal as an app on phones and desktops: the web app manifest
(``/manifest.webmanifest``), a small service worker (``/sw.js``) and the page it shows when
the network is gone (``/offline/``). All three are open without login: browsers fetch the
manifest without cookies, and the offline page names nobody.

The service worker caches the offline page and static assets only; it never caches a page
of the portal (they are someone's, behind the login) nor an API answer
(``themes/default/templates/portal/sw.js``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

#: The theme's colours the manifest takes: (custom property, fallback).
THEME_COLOR = ("--color-header-bg", "#1e3a8a")
BACKGROUND_COLOR = ("--color-bg", "#f3f4f6")
#: The theme's style sheets the colours are read from, in order (the first that sets wins).
THEME_CSS = ("portal/css/theme.css", "portal/css/portal.css")
ICONS = [
    ("portal/img/icon-192.png", "192x192", "any"),
    ("portal/img/icon-512.png", "512x512", "any"),
    ("portal/img/icon-maskable-512.png", "512x512", "maskable"),
]
#: Static files the service worker stores when it is installed (what the offline page needs).
PRECACHE_STATIC = [
    "portal/css/portal.css",
    "portal/css/theme.css",
    "portal/img/logo.svg",
    "portal/img/icon-192.png",
]


@functools.cache
def theme_colour(prop: str, fallback: str, scheme: str = "light") -> str:
    """The first value of a colour custom property in the theme's CSS, else ``fallback``.
    Tokens are ``light-dark(<light>, <dark>)`` pairs: ``scheme`` picks one of them (a
    plain ``#rrggbb`` value serves both)."""
    colour = r"#[0-9a-fA-F]{3,8}"
    pair = rf"light-dark\(\s*({colour})\s*,\s*({colour})\s*\)"
    pattern = re.compile(rf"{re.escape(prop)}\s*:\s*(?:{pair}|({colour})\b)")
    for path in THEME_CSS:
        found = finders.find(path)
        if not found:
            continue
        with open(found, encoding="utf-8") as handle:
            match = pattern.search(handle.read())
        if match:
            light, dark, plain = match.groups()
            return (plain or (dark if scheme == "dark" else light)).lower()
    return fallback


def short_name(name: str) -> str:
    """What a phone shows under the icon: PORTAL_SITE_SHORT_NAME, else the site's name
    when it is short, else its first word (at most 12 characters)."""
    configured = getattr(settings, "PORTAL_SITE_SHORT_NAME", "")
    if configured:
        return configured
    if len(name) <= 12:
        return name
    return (name.split() or [name])[0][:12]


@login_not_required
@require_safe
def manifest(request):
    name = settings.WAGTAIL_SITE_NAME
    data = {
        "id": "/",
        "name": name,
        "short_name": short_name(name),
        "description": _("%(name)s, your company's intranet.") % {"name": name},
        "lang": get_language() or settings.LANGUAGE_CODE,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": theme_colour(*THEME_COLOR),
        "background_color": theme_colour(*BACKGROUND_COLOR),
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in ICONS
        ],
    }
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/manifest+json; charset=utf-8",
    )
    response["Cache-Control"] = "public, max-age=3600"
    response["Vary"] = "Accept-Language, Cookie"
    return response


@login_not_required
@require_safe
def service_worker(request):
    config = {
        "offlineUrl": reverse("offline"),
        "staticUrl": settings.STATIC_URL,
        "precache": [static(path) for path in PRECACHE_STATIC],
    }
    # A new cache name whenever what is precached changes.
    config["version"] = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:12]
    # JSON with every non-ASCII character escaped is a valid JavaScript literal.
    body = render_to_string("portal/sw.js", {"config": mark_safe(json.dumps(config))})  # noqa: S308
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # Browsers check for a new worker at each visit; never from a stale HTTP cache.
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_safe
def offline(request):
    """A page with nobody's data in it: the service worker keeps it for when the network
    is gone."""
    response = render(
        request,
        "portal/offline.html",
        {"theme_color": theme_colour(*THEME_COLOR)},
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response
