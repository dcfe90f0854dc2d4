"""``reverse()`` for the links a page lists by the dozen.

A feed card links its author, its group, itself and its files; Django's resolver builds
each URL again from its pattern, which was a tenth of a feed page's time. :func:`reverse`
keeps the URL of a name and its arguments for the resolver and script prefix in use (a
new urlconf, as tests and ``override_settings`` make, has a new resolver, so nothing stale
is ever returned)."""

from __future__ import annotations

from functools import lru_cache

from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse

_MISSING = object()


@lru_cache(maxsize=100_000)
def _reverse(resolver, prefix: str, name: str, args: tuple):
    try:
        return django_reverse(name, urlconf=resolver.urlconf_name, args=args)
    except NoReverseMatch:
        return _MISSING


def reverse(name: str, args=()) -> str:
    """``django.urls.reverse(name, args=args)``, remembered; raises ``NoReverseMatch``
    the same way."""
    url = _reverse(get_resolver(get_urlconf()), get_script_prefix(), name, tuple(args))
    if url is _MISSING:
        raise NoReverseMatch(f"Reverse for '{name}' with arguments {args!r} not found.")
    return url


def reverse_or_empty(name: str, args=()) -> str:
    """:func:`reverse`, or ``""`` when the name is not routed (a disabled plugin's)."""
    url = _reverse(get_resolver(get_urlconf()), get_script_prefix(), name, tuple(args))
    return "" if url is _MISSING else url


# --- Absolute links, for what is read outside the portal's pages -------------------------


def site_url() -> str:
    """The portal's configured address, without a trailing slash: ``PORTAL_BASE_URL``
    (read into Wagtail's ``WAGTAILADMIN_BASE_URL`` by the settings)."""
    from django.conf import settings

    return (getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "http://127.0.0.1:8000").rstrip("/")


def site_host() -> str:
    """The host name of :func:`site_url` (``intranet.example.com``)."""
    from urllib.parse import urlsplit

    return urlsplit(site_url()).hostname or "portal"


def absolute_url(target) -> str:
    """An absolute link on the portal's configured address, for emails, calendar files and
    news feeds: never the request's host nor the Wagtail ``Site`` record's (``localhost``
    until someone edits it).

    ``target`` is a path (``/feed/posts/3/``), a Wagtail page or an object with
    ``get_absolute_url``. An address with a scheme (an outside link) is returned as it is;
    a page that has no URL gives ``""``."""
    from urllib.parse import urlsplit

    from wagtail.models import Page

    if isinstance(target, Page):
        parts = target.get_url_parts()
        if parts is None:
            return ""
        target = parts[2]
    elif not isinstance(target, str):
        target = target.get_absolute_url() if hasattr(target, "get_absolute_url") else ""
    target = str(target or "")
    if urlsplit(target).scheme:
        return target
    return site_url() + "/" + target.lstrip("/")
