"""The default photo: an SVG with the person's initials on a colour derived from their id."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape

from plugins.people.models import Profile

#: Dark enough for white initials to keep a 4.5:1 contrast.
PALETTE = (
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
)


def initials(first_name: str, last_name: str, fallback: str = "") -> str:
    """Up to two capital letters: "Ada Lovelace" -> "AL"."""
    letters = [name.strip()[0] for name in (first_name, last_name) if name and name.strip()]
    if not letters and fallback:
        letters = [fallback.strip()[0]]
    return "".join(letters).upper()[:2] or "?"


def hue_for(identifier: int) -> int:
    """A stable index in :data:`PALETTE` for an id: the ``avatar--hue-N`` class."""
    return (identifier * 7919) % len(PALETTE)


def colour_for(identifier: int) -> str:
    """A stable colour of :data:`PALETTE` for an id."""
    return PALETTE[hue_for(identifier)]


def avatar_svg(profile: Profile) -> str:
    """The SVG document of ``profile``'s default photo."""
    user = profile.user
    text = escape(initials(user.first_name, user.last_name, user.email))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96" width="96" height="96" '
        f'role="img" aria-label="{text}">'
        f'<rect width="96" height="96" fill="{colour_for(profile.pk)}"/>'
        '<text x="48" y="48" dy=".35em" text-anchor="middle" fill="#ffffff" '
        'font-family="system-ui, sans-serif" font-size="38" font-weight="600">'
        f"{text}</text></svg>"
    )


def photo_url(profile: Profile) -> str:
    """The uploaded photo's URL, or the generated default's."""
    if profile.photo:
        return profile.photo.url
    return reverse("people:avatar", args=[profile.pk])
