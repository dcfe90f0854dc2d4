"""The default photo: an SVG with the person's initials on their colour (the core's
:mod:`portal.avatars`, so that it matches their avatar everywhere else)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape

from plugins.people.models import Profile
from portal import avatars as core_avatars


def initials(first_name: str, last_name: str, fallback: str = "") -> str:
    """Up to two capital letters: "Ada Lovelace" -> "AL"."""
    letters = [name.strip()[0] for name in (first_name, last_name) if name and name.strip()]
    if not letters and fallback:
        letters = [fallback.strip()[0]]
    return "".join(letters).upper()[:2] or "?"


def avatar_svg(profile: Profile) -> str:
    """The SVG document of ``profile``'s default photo."""
    user = profile.user
    text = escape(initials(user.first_name, user.last_name, user.email))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96" width="96" height="96" '
        f'role="img" aria-label="{text}">'
        f'<rect width="96" height="96" fill="{core_avatars.colour(user)}"/>'
        '<text x="48" y="48" dy=".35em" text-anchor="middle" fill="#ffffff" '
        'font-family="system-ui, sans-serif" font-size="38" font-weight="600">'
        f"{text}</text></svg>"
    )


def photo_url(profile: Profile) -> str:
    """The uploaded photo's URL, or the generated default's."""
    if profile.photo:
        return profile.photo.url
    return reverse("people:avatar", args=[profile.pk])
