"""Avatars: a person's photo, or their initials on a colour derived from them.

The core draws avatars (the ``{% avatar %}`` tag of ``ui``); where a photo comes from is a
plugin's business (the people plugin keeps profiles). A plugin registers one
:class:`PhotoSource` in its ``ready()``:

- ``related``: the relation from a user to what holds the photo (``"profile"``), so that a
  list can load it in the same query: ``queryset.select_related(*avatars.related("author"))``;
- ``url(user)``: the photo's URL from what is already loaded, or ``""``.

An avatar never costs a query: when the relation was not loaded with the user, the
person's initials are shown (:func:`photo_url` reads only the instance's cache)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

#: The colours of ``avatar--hue-N`` in portal.css, in order (all keep 4.5:1 with white
#: initials): for what draws an avatar outside a page (a generated SVG photo).
COLOURS = (
    "#1f5f8b",
    "#7a3e9d",
    "#2e7d32",
    "#a33b20",
    "#00695c",
    "#5d4037",
    "#3949ab",
    "#ad1457",
    "#455a64",
    "#6d4c00",
    "#00838f",
    "#8e24aa",
)
HUES = len(COLOURS)


@dataclass(frozen=True)
class PhotoSource:
    related: str
    url: Callable[[object], str]


_source: PhotoSource | None = None


def register(source: PhotoSource) -> None:
    """Set where photos come from (one source: the last registration wins)."""
    global _source
    _source = source


def unregister() -> None:
    global _source
    _source = None


def related(prefix: str = "") -> list[str]:
    """What ``select_related`` needs to show the photos of the users at ``prefix``
    (``"author"``, or ``""`` for a queryset of users); empty when no plugin keeps photos."""
    if _source is None:
        return []
    return [f"{prefix}__{_source.related}" if prefix else _source.related]


def photo_url(user) -> str:
    """The photo of ``user`` if it was loaded with them, else ``""`` (never a query)."""
    if _source is None or user is None:
        return ""
    cache = getattr(getattr(user, "_state", None), "fields_cache", {})
    if _source.related not in cache or cache[_source.related] is None:
        return ""
    try:
        return _source.url(user) or ""
    except Exception:  # a missing file must not break a page that lists people
        return ""


def initials(user) -> str:
    """Up to two capital letters: "Ada Lovelace" -> "AL", else the email's first letter."""
    first = (getattr(user, "first_name", "") or "").strip()
    last = (getattr(user, "last_name", "") or "").strip()
    letters = [name[0] for name in (first, last) if name]
    if not letters:
        fallback = (getattr(user, "email", "") or str(user or "")).strip()
        letters = [fallback[0]] if fallback else []
    return "".join(letters).upper()[:2] or "?"


def colour(user) -> str:
    return COLOURS[hue(user)]


def hue(user) -> int:
    """A stable colour index for a person (from their id, else their name)."""
    key = str(getattr(user, "pk", None) or user)
    return int(hashlib.blake2s(key.encode(), digest_size=2).hexdigest(), 16) % HUES
