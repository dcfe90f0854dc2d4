"""The design system's template tags: ``{% load ui %}``.

Each component has one template under ``components/`` (see /styleguide/); these tags
give them their data. None of them runs a query."""

from __future__ import annotations

import datetime

from django import template
from django.templatetags.static import static
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext, pgettext

from portal import avatars, links

register = template.Library()

SIZES = {"xs", "sm", "md", "lg", "xl"}


def _name(user) -> str:
    if user is None:
        return ""
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or getattr(user, "email", "") or str(user)


@register.inclusion_tag("components/avatar.html")
def avatar(person, size: str = "md", presence: bool = False, decorative: bool = True):
    """A round photo, or initials on the person's colour. ``decorative``: the name is
    written beside it (alt=""); else the image is labelled with the name. ``presence``:
    the presence dot, "off" when the person is off (mode off) and the view said so with
    :func:`portal.modeoff.annotate`; messaging's live presence updates it."""
    return {
        "person": person,
        "size": size if size in SIZES else "md",
        "photo": avatars.photo_url(person),
        "initials": avatars.initials(person),
        "hue": avatars.hue(person),
        "name": _name(person),
        "presence": presence,
        # Mode off, when the view gave it (portal.modeoff.annotate): never a query here.
        "modeoff": getattr(person, "modeoff_state", None) if presence else None,
        "decorative": decorative,
    }


def hovercard_url(person) -> str:
    pk = getattr(person, "pk", None)
    return links.reverse_or_empty("people:hovercard", args=[pk]) if pk else ""


@register.inclusion_tag("components/person_chip.html")
def person_chip(person, size: str = "sm", meta: str = "", link: bool = True):
    """An avatar and a name, linking to the profile, with a hover card where the people
    plugin gives one."""
    url = person.get_absolute_url() if (link and person is not None) else ""
    return {
        "person": person,
        "size": size,
        "meta": meta,
        "url": url,
        "name": _name(person),
        "hovercard": hovercard_url(person) if url else "",
    }


@register.simple_tag
def icon_url(name: str) -> str:
    return f"{static('portal/img/icons.svg')}#{name}"


@register.inclusion_tag("components/icon.html")
def icon(name: str, size: str = "", label: str = ""):
    """An icon of the sprite; decorative unless ``label`` names it."""
    return {"href": icon_url(name), "size": size, "label": label}


def relative_time(value: datetime.datetime, now: datetime.datetime | None = None) -> str:
    """ "just now", "5 min ago", "2 h ago", "3 d ago", then the date ("2 Dec 2026"; in
    French "2 déc. 2026"), in the active language."""
    now = now or timezone.now()
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    seconds = (now - value).total_seconds()
    if seconds < 0:  # in the future (an event): the date itself
        return formats.date_format(timezone.localtime(value), "DATE_FORMAT")
    if seconds < 60:
        return gettext("just now")
    minutes = int(seconds // 60)
    if minutes < 60:
        return ngettext("%(count)d min ago", "%(count)d min ago", minutes) % {"count": minutes}
    hours = minutes // 60
    if hours < 24:
        return ngettext("%(count)d h ago", "%(count)d h ago", hours) % {"count": hours}
    days = hours // 24
    if days < 7:
        return ngettext("%(count)d d ago", "%(count)d d ago", days) % {"count": days}
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT")


@register.inclusion_tag("components/reltime.html")
def reltime(value):
    """``<time>`` with the relative time, the exact date and hour on hover."""
    if not value:
        return {"value": None}
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return {
            "value": value,
            "iso": value.isoformat(),
            "text": formats.date_format(value, "DATE_FORMAT"),
            "exact": formats.date_format(value, "DATE_FORMAT"),
        }
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return {
        "value": value,
        "iso": value.isoformat(),
        "text": relative_time(value),
        "exact": formats.date_format(local, "DATETIME_FORMAT"),
    }


@register.inclusion_tag("components/empty_state.html")
def empty_state(
    title: str, text: str = "", action_url: str = "", action_label: str = "", art: str = "inbox"
):
    """An empty list: an illustration, what is missing and what to do about it."""
    return {
        "title": title,
        "text": text,
        "action_url": action_url,
        "action_label": action_label,
        "art": art if art in ART else "inbox",
    }


#: The empty-state illustrations (static/portal/img/empty/<name>.svg).
ART = {"inbox", "people", "search", "calendar", "bookmark", "bell", "groups"}


@register.simple_tag
def empty_art_url(name: str) -> str:
    return static(f"portal/img/empty/{name if name in ART else 'inbox'}.svg")


@register.filter
def initials(person) -> str:
    return avatars.initials(person)


@register.simple_tag
def theme_choices():
    return [
        ("", pgettext("colour scheme", "System"), "monitor"),
        ("light", pgettext("colour scheme", "Light"), "sun"),
        ("dark", pgettext("colour scheme", "Dark"), "moon"),
    ]
