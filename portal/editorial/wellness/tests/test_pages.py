"""The wellness pages as employees use them: the list of sessions, a session's page with
its booking form, "My sessions", the calendar file and the home page panel."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from portal import links
from portal.editorial.wellness import services
from portal.editorial.wellness.models import Booking
from portal.editorial.wellness.tests.factories import make_section, make_session
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


class TestSectionPage:
    def test_lists_upcoming_sessions_with_their_free_places(self, logged_in, section, colleague):
        full = make_session(section, "Guided meditation", capacity=1)
        services.book_session(colleague, full)
        make_session(section, "Lunchtime yoga", capacity=12)
        make_session(section, "Yesterday's run", starts_in=timedelta(days=-1))

        page = html(logged_in.get(section.url))

        assert "Lunchtime yoga" in page and "12 places left" in page
        assert "Guided meditation" in page and "Full: waiting list" in page
        assert "Yesterday&#x27;s run" not in page and "Yesterday's run" not in page

    def test_costs_the_same_queries_whatever_the_number_of_sessions(
        self, logged_in, section, employee
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def count_queries() -> int:
            with CaptureQueriesContext(connection) as context:
                html(logged_in.get(section.url))
            return len(context)

        def add_sessions(start: int, end: int) -> None:
            for i in range(start, end):
                session = make_session(section, f"Session {i}", capacity=1)
                services.book_session(
                    employee if i % 2 else make_user(f"p{i}@example.com"), session
                )

        add_sessions(0, 2)
        count_queries()  # the first request fills per-process caches (site root paths)
        few = count_queries()
        add_sessions(2, 12)
        count_queries()  # pages were added: what the policy remembers is refilled
        assert count_queries() == few

    def test_shows_my_booking_status(self, logged_in, section, employee):
        booked = make_session(section, "Pilates")
        services.book_session(employee, booked)
        assert "Booked" in html(logged_in.get(section.url))

    def test_restricted_sessions_are_not_listed_to_outsiders(
        self, client, section, restricted_session, colleague, employee
    ):
        client.force_login(colleague)
        assert "Back care for developers" not in html(client.get(section.url))
        client.force_login(employee)
        assert "Back care for developers" in html(client.get(section.url))


class TestSessionPage:
    def test_shows_the_facts_and_a_booking_button(self, logged_in, section):
        session = make_session(
            section,
            "Guided meditation",
            place="",
            online_url="https://meet.example.com/secret-room",
            coach="Sarah Cohen",
            level="beginner",
            capacity=8,
        )
        page = html(logged_in.get(session.url))
        assert "Sarah Cohen" in page and "Beginner" in page
        assert "8 free places of 8" in page
        assert "Book a place" in page
        # The online link is for people holding a place.
        assert "secret-room" not in page
        assert "the link appears here once you have a place" in page

    def test_booking_through_the_form(self, logged_in, section, employee):
        session = make_session(section, "Lunchtime yoga", online_url="https://meet.example.com/y")
        response = logged_in.post(session.url + "book/", follow=True)
        assert response.redirect_chain[-1][0] == session.url
        assert messages_of(response) == ["Your place in “Lunchtime yoga” is booked."]
        page = html(response)
        assert "You have a place in this session." in page
        assert "Cancel my booking" in page
        assert "https://meet.example.com/y" in page
        assert Booking.objects.get(user=employee).status == Booking.Status.CONFIRMED

    def test_a_full_session_offers_the_waiting_list(self, logged_in, section, colleague, employee):
        session = make_session(section, "Guided meditation", capacity=1)
        services.book_session(colleague, session)
        assert "Join the waiting list" in html(logged_in.get(session.url))

        response = logged_in.post(session.url + "book/", follow=True)

        assert messages_of(response) == [
            "“Guided meditation” is full: you are number 1 on the waiting list. "
            "We will email you if a place frees up."
        ]
        assert "You are number 1 on the waiting list." in html(response)
        assert "Leave the waiting list" in html(response)

    def test_cancelling_through_the_form(self, logged_in, section, employee):
        session = make_session(section, "Lunchtime yoga")
        services.book_session(employee, session)
        response = logged_in.post(session.url + "cancel/", follow=True)
        assert messages_of(response) == ["Your booking for “Lunchtime yoga” is cancelled."]
        assert "Book a place" in html(response)

    def test_a_started_session_says_so_and_writes_nothing(self, logged_in, section):
        session = make_session(section, "Morning run", starts_in=timedelta(minutes=-10))
        page = html(logged_in.get(session.url))
        assert "This session has already started: it can no longer be booked." in page
        assert "Book a place" not in page

        response = logged_in.post(session.url + "book/", follow=True)

        assert messages_of(response) == [
            "This session has already started: it can no longer be booked."
        ]
        assert not Booking.objects.exists()

    def test_booking_needs_a_post(self, logged_in, session):
        assert logged_in.get(session.url + "book/").status_code == 405
        assert logged_in.get(session.url + "cancel/").status_code == 405
        assert not Booking.objects.exists()

    def test_outsiders_get_404_everywhere(self, client, restricted_session, colleague):
        client.force_login(colleague)
        for path in ("", "book/", "cancel/", "calendar/"):
            assert client.get(restricted_session.url + path).status_code == 404, path
        assert client.post(restricted_session.url + "book/").status_code == 404
        assert not Booking.objects.exists()

    def test_next_only_goes_to_this_site(self, logged_in, section, employee):
        session = make_session(section)
        services.book_session(employee, session)
        response = logged_in.post(session.url + "cancel/", {"next": "https://evil.example.com/"})
        assert response["Location"] == session.url


class TestMySessions:
    def test_lists_my_places_and_waiting_lists_with_a_way_out(
        self, logged_in, section, employee, colleague
    ):
        yoga = make_session(section, "Lunchtime yoga", online_url="https://meet.example.com/y")
        meditation = make_session(section, "Guided meditation", capacity=1)
        services.book_session(employee, yoga)
        services.book_session(colleague, meditation)
        services.book_session(employee, meditation)
        make_session(section, "Running club")  # not booked

        url = section.url + "my-sessions/"
        page = html(logged_in.get(url))

        assert "Lunchtime yoga" in page and "Guided meditation" in page
        assert "Running club" not in page
        assert "Waiting list: number 1" in page
        assert "https://meet.example.com/y" in page
        assert 'Cancel<span class="visually-hidden"> Lunchtime yoga</span>' in page

        response = logged_in.post(meditation.url + "cancel/", {"next": url}, follow=True)
        assert response.redirect_chain[-1][0] == url
        assert messages_of(response) == ["You left the waiting list of “Guided meditation”."]

    def test_says_so_when_empty(self, logged_in, section):
        assert "You have not booked any upcoming session." in html(
            logged_in.get(section.url + "my-sessions/")
        )


class TestCalendarFile:
    def test_a_valid_event_in_utc(self, logged_in, section, employee):
        starts_at = timezone.now().replace(microsecond=0) + timedelta(days=2)
        session = make_session(
            section,
            "Yoga; stretch, breathe",
            starts_at=starts_at,
            duration_minutes=45,
            place="Room 3, 2nd floor",
            online_url="https://meet.example.com/y",
        )
        response = logged_in.get(session.url + "calendar/")

        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert response["Content-Disposition"] == 'attachment; filename="yoga-stretch-breathe.ics"'
        body = response.content.decode()
        assert body.endswith("\r\n") and "\n" not in body.replace("\r\n", "")
        lines = body.split("\r\n")
        assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
        assert (
            f"UID:wellness-session-{session.pk}@{links.site_host()}" in lines
        )  # the portal's host
        assert "DTSTART:" + starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ") in lines
        ends = starts_at + timedelta(minutes=45)
        assert "DTEND:" + ends.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ") in lines
        assert "SUMMARY:Yoga\\; stretch\\, breathe" in lines
        assert "LOCATION:Room 3\\, 2nd floor" in lines
        assert f"URL:{links.absolute_url(session.url)}" in lines
        assert any(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines)
        # The online link only goes to people holding a place.
        assert "meet.example.com" not in body
        services.book_session(employee, session)
        body = logged_in.get(session.url + "calendar/").content.decode()
        assert "LOCATION:Room 3\\, 2nd floor\\, https://meet.example.com/y" in body.split("\r\n")


class TestHomePanel:
    def panel(self, client) -> str:
        page = html(client.get("/"))
        assert "Upcoming sessions with free places" in page
        start = page.index("Upcoming sessions with free places")
        return page[start : page.index("</section>", start)]

    def test_upcoming_visible_sessions_with_places_only(
        self, client, section, colleague, employee, restricted_session
    ):
        full = make_session(section, "Guided meditation", capacity=1)
        services.book_session(employee, full)
        make_session(section, "Lunchtime yoga")
        make_session(section, "Started stretching", starts_in=timedelta(minutes=-5))

        client.force_login(colleague)
        panel = self.panel(client)

        assert "Lunchtime yoga" in panel
        assert "Guided meditation" not in panel  # full
        assert "Started stretching" not in panel  # started
        assert "Back care for developers" not in panel  # Engineering only
        assert section.url + "my-sessions/" in panel

        client.force_login(employee)
        assert "Back care for developers" in self.panel(client)

    def test_no_section_no_panel(self, logged_in, home_page):
        assert "Upcoming sessions with free places" not in html(logged_in.get("/"))

    def test_a_section_restricted_to_others_brings_no_panel(self, client, home_page, departments):
        from portal.core.models import PageAudience

        hidden = make_section(home_page, "Engineering wellness")
        PageAudience.objects.create(page=hidden, department=departments["engineering"])
        make_session(hidden, "Back care")
        client.force_login(make_user("sales.person@example.com", department=departments["sales"]))
        assert "Upcoming sessions with free places" not in html(client.get("/"))
        assert "Back care" not in html(client.get("/"))


class TestNavigation:
    def test_a_wellness_entry_when_a_section_is_visible(self, logged_in, section):
        page = html(logged_in.get("/"))
        assert f'<a href="{section.url}"' in page and ">Wellness</a>" in page

    def test_no_entry_without_a_section(self, logged_in, home_page):
        assert ">Wellness</a>" not in html(logged_in.get("/"))


class TestParticipantsInTheAdmin:
    def test_editors_see_who_comes_and_who_waits(self, client, editor, section, colleague):
        session = make_session(section, "Guided meditation", capacity=1)
        services.book_session(colleague, session)
        services.book_session(make_user("next.in.line@example.com"), session)
        client.force_login(editor)

        page = html(client.get(f"/admin/wellness/sessions/{session.pk}/participants/"))

        assert "colleague@example.com" in page and "next.in.line@example.com" in page
        assert "1 of 1 places taken" in page
        edit = html(client.get(f"/admin/pages/{session.pk}/edit/"))
        assert f"/admin/wellness/sessions/{session.pk}/participants/" in edit
        listing = html(client.get(f"/admin/pages/{section.pk}/"))
        assert f"/admin/wellness/sessions/{session.pk}/participants/" in listing

    def test_employees_do_not(self, logged_in, session):
        response = logged_in.get(f"/admin/wellness/sessions/{session.pk}/participants/")
        assert response.status_code in (302, 403)


class TestEditing:
    def add_url(self, section) -> str:
        return f"/admin/pages/add/wellness/wellnesssessionpage/{section.pk}/"

    def form(self, **fields) -> dict:
        starts = timezone.localtime() + timedelta(days=3)
        return {
            "title": "Pilates",
            "slug": "pilates",
            "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
            "duration_minutes": "50",
            "place": "",
            "online_url": "",
            "coach": "Léa",
            "level": "all",
            "capacity": "8",
            "intro": '{"blocks": [], "entityMap": {}}',  # Draftail's empty content
            "portal_audiences-TOTAL_FORMS": "0",
            "portal_audiences-INITIAL_FORMS": "0",
            "portal_audiences-MIN_NUM_FORMS": "0",
            "portal_audiences-MAX_NUM_FORMS": "1000",
            **fields,
        }

    def test_a_session_needs_a_place_or_a_link_and_a_positive_capacity(
        self, client, editor, section
    ):
        from portal.editorial.wellness.models import WellnessSessionPage

        client.force_login(editor)
        assert client.get(self.add_url(section)).status_code == 200
        response = client.post(self.add_url(section), self.form(capacity="0"))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Give a place, an online link, or both." in page
        assert "Ensure this value is greater than or equal to 1." in page
        assert not WellnessSessionPage.objects.filter(slug="pilates").exists()

        response = client.post(self.add_url(section), self.form(place="Room 2"))
        assert response.status_code == 302
        assert WellnessSessionPage.objects.get(slug="pilates").capacity == 8
