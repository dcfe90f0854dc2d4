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
