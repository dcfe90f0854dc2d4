"""The iCalendar writer: escaping, line folding and the event's properties (RFC 5545)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.editorial.wellness import ics
from portal.editorial.wellness.models import WellnessSessionPage

# Building a page, even unsaved, looks up Wagtail's default locale.
pytestmark = pytest.mark.django_db

STAMP = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def unfold(text: str) -> list[str]:
    """Content lines as a calendar application reads them."""
    assert text.endswith("\r\n")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def session(**fields) -> WellnessSessionPage:
    defaults = {
        "pk": 42,
        "title": "Yoga",
        "starts_at": datetime(2026, 3, 3, 12, 30, tzinfo=UTC) + timedelta(hours=-1),
        "duration_minutes": 45,
        "place": "Room 3",
        "online_url": "",
        "coach": "Léa Moreau",
        "level": WellnessSessionPage.Level.BEGINNER,
        "capacity": 10,
        "intro": "<p>Bring a mat &amp; water.</p>",
    }
    return WellnessSessionPage(**{**defaults, **fields})


def calendar(**fields) -> str:
    online_url = fields.pop("online_for_me", "")
    return ics.session_calendar(
        session(**fields),
        url="https://intranet.example.com/wellness/yoga/",
        online_url=online_url,
        now=STAMP,
    )


def test_escaping_of_text_values():
    assert ics.escape_text("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_long_lines_are_folded_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "é" * 100
    folded = ics.fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode("utf-8")) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert folded.replace("\r\n ", "") == line


def test_the_event_in_utc_with_a_stable_uid():
    lines = unfold(calendar())
    assert lines[:6] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Portal//Wellness sessions//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
    ]
    assert lines[-2:] == ["END:VEVENT", "END:VCALENDAR"]
    assert "UID:wellness-session-42@intranet.example.com" in lines
    assert "DTSTAMP:20260302T080000Z" in lines
    assert "DTSTART:20260303T113000Z" in lines
    assert "DTEND:20260303T121500Z" in lines
    assert "SUMMARY:Yoga" in lines
    assert "LOCATION:Room 3" in lines
    assert "URL:https://intranet.example.com/wellness/yoga/" in lines
    (description,) = [line for line in lines if line.startswith("DESCRIPTION:")]
    assert description == (
        "DESCRIPTION:Coach: Léa Moreau\\n\\nLevel: Beginner\\n\\nBring a mat & water."
        "\\n\\nhttps://intranet.example.com/wellness/yoga/"
    )


def test_a_time_zone_other_than_utc_is_converted():
    from zoneinfo import ZoneInfo

    paris = datetime(2026, 7, 1, 12, 30, tzinfo=ZoneInfo("Europe/Paris"))
    assert "DTSTART:20260701T103000Z" in unfold(calendar(starts_at=paris))


def test_the_online_link_only_when_given():
    online = {"place": "", "online_url": "https://meet.example.com/secret"}
    hidden = calendar(**online)
    assert "secret" not in hidden and "LOCATION:Online" in unfold(hidden)
    shown = unfold(calendar(**online, online_for_me="https://meet.example.com/secret"))
    assert "LOCATION:https://meet.example.com/secret" in shown
    assert any("Online link: https://meet.example.com/secret" in line for line in shown)
