"""The wellness part of the demo company: a week of sessions, one of them full."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Locale

from portal.editorial.wellness import services
from portal.editorial.wellness.models import Booking, WellnessIndexPage, WellnessSessionPage

pytestmark = pytest.mark.django_db


def test_a_week_of_sessions_from_tomorrow_one_full_with_a_waiting_list(home_page, client):
    call_command("load_demo")

    section = WellnessIndexPage.objects.live().get(locale__language_code="en")
    sessions = WellnessSessionPage.objects.live().child_of(section).order_by("starts_at")
    days = [timezone.localdate(s.starts_at) - timezone.localdate() for s in sessions]
    assert len(sessions) >= 5
    assert days[0] == timedelta(days=1) and days[-1] <= timedelta(days=7)

    full = [s for s in sessions if s.places_left == 0]
    assert [s.title for s in full] == ["Guided meditation"]
    waiting = services.event_bookings(full[0]).filter(status=Booking.Status.WAITING)
    assert [b.user.email for b in waiting] == ["employee@example.com"]

    # The demo employee, who reads French, finds the sessions on the home page and theirs
    # under My sessions, in French.
    employee = waiting[0].user
    client.force_login(employee)
    assert [b.session.title for b in services.my_bookings(employee)] == ["Méditation guidée"]
    assert client.get(section.url).status_code == 200
    assert client.get(full[0].url).status_code == 200

    # In French too, with the same places and the same waiting list (one event).
    french = full[0].get_translation(Locale.objects.get(language_code="fr")).specific
    assert french.live and french.title == "Méditation guidée"
    assert services.session_state(employee, french)["places_left"] == 0
    assert services.active_booking(employee, french) == waiting[0]
    html = client.get(french.url).content.decode()  # the demo employee reads French
    assert "Méditation guidée" in html and "Guided meditation" not in html
