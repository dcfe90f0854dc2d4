"""An iCalendar (RFC 5545) file for one wellness session, written by hand: the format is
small, and the portal does not need a dependency for one event."""

from __future__ import annotations

from datetime import UTC, datetime
from html import unescape
from urllib.parse import urlsplit

from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

#: RFC 5545 §3.1: content lines are folded after 75 octets (CRLF, then one space).
LINE_OCTETS = 75
CRLF = "\r\n"


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma, newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, never inside a character."""
    chunks: list[str] = []
    current = ""
    size = 0
    limit = LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            chunks.append(current)
            current, size = "", 0
            limit = LINE_OCTETS - 1  # continuation lines start with a space
        current += char
        size += width
    chunks.append(current)
    return (CRLF + " ").join(chunks)


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def session_calendar(
    session, *, url: str, online_url: str = "", now: datetime | None = None
) -> str:
    """The session as a one-event calendar. ``url`` is the session's page (absolute);
    ``online_url`` the video-call link, given only to people holding a place.

    The UID depends on the session alone, so importing the file again after a change of
    time updates the event instead of adding a second one."""
    host = urlsplit(url).hostname or "portal"
    where = [session.place] if session.place else []
    if online_url:
        where.append(online_url)
    elif session.online_url and not session.place:
        where.append(_("Online"))
    details = []
    if session.coach:
        details.append(_("Coach: %(coach)s") % {"coach": session.coach})
    details.append(_("Level: %(level)s") % {"level": session.get_level_display()})
    if online_url:
        details.append(_("Online link: %(url)s") % {"url": online_url})
    intro = unescape(strip_tags(session.intro)).strip()
    if intro:
        details.append(intro)
    details.append(url)

    properties = [
        ("BEGIN", "VCALENDAR"),
        ("VERSION", "2.0"),
        ("PRODID", "-//Portal//Wellness sessions//EN"),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
        ("BEGIN", "VEVENT"),
        ("UID", f"wellness-session-{session.pk}@{host}"),
        ("DTSTAMP", utc_stamp(now or timezone.now())),
        ("DTSTART", utc_stamp(session.starts_at)),
        ("DTEND", utc_stamp(session.ends_at)),
        ("SUMMARY", escape_text(session.title)),
        ("LOCATION", escape_text(", ".join(where))) if where else None,
        ("DESCRIPTION", escape_text("\n\n".join(details))),
        ("URL", url),
        ("END", "VEVENT"),
        ("END", "VCALENDAR"),
    ]
    return "".join(fold(f"{name}:{value}") + CRLF for name, value in filter(None, properties))
