"""/api/wellness/: sessions with their free places, booking and cancelling, my bookings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal import links
from portal.editorial.wellness import services
from portal.editorial.wellness.models import Booking
from portal.editorial.wellness.tests.factories import make_session
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SESSIONS = "/api/wellness/sessions/"
BOOKINGS = "/api/wellness/bookings/"


def book_url(session) -> str:
    return f"{SESSIONS}{session.pk}/book/"


def cancel_url(session) -> str:
    return f"{SESSIONS}{session.pk}/cancel/"


class TestPermissions:
    def test_outsiders_get_401_and_nothing_is_written(self, api_client, session):
        for path in (SESSIONS, f"{SESSIONS}{session.pk}/", BOOKINGS):
            response = api_client.get(path)
            assert response.status_code == 401, path
            assert response.json()["code"] == "not_authenticated"
        for path in (book_url(session), cancel_url(session)):
            assert api_client.post(path).status_code == 401, path
        assert not Booking.objects.exists()

    def test_a_restricted_session_does_not_exist_for_other_departments(
        self, restricted_session, colleague, employee
    ):
        from rest_framework.test import APIClient

        outsider = APIClient()
        outsider.force_authenticate(colleague)
        assert restricted_session.pk not in [
            item["id"] for item in outsider.get(SESSIONS).json()["results"]
        ]
        for response in (
            outsider.get(f"{SESSIONS}{restricted_session.pk}/"),
            outsider.post(book_url(restricted_session)),
            outsider.post(cancel_url(restricted_session)),
        ):
            assert response.status_code == 404
            assert response.json() == {"status": 404, "code": "not_found", "detail": "Not found."}
        assert not Booking.objects.exists()

        services.book_session(employee, restricted_session)
        assert outsider.get(BOOKINGS).json()["count"] == 0

    def test_other_peoples_bookings_do_not_exist(self, employee_client, session, colleague):
        theirs = services.book_session(colleague, session)
        assert employee_client.get(BOOKINGS).json()["count"] == 0
        assert employee_client.get(f"{BOOKINGS}{theirs.pk}/").status_code == 404

    def test_bookings_are_read_only(self, employee_client, employee, session):
        booking = services.book_session(employee, session)
        assert employee_client.post(BOOKINGS, {"session": session.pk}).status_code == 405
        assert employee_client.delete(f"{BOOKINGS}{booking.pk}/").status_code == 405


class TestSessions:
    def test_upcoming_sessions_with_places_left_and_my_status(
        self, employee_client, employee, colleague, section
    ):
        yoga = make_session(
            section, "Lunchtime yoga", capacity=5, online_url="https://meet.example.com/y"
        )
        full = make_session(section, "Guided meditation", capacity=1, starts_in=timedelta(days=2))
        make_session(section, "Last week's run", starts_in=timedelta(days=-7))
        services.book_session(employee, yoga)
        services.book_session(colleague, full)
        services.book_session(employee, full)

        data = employee_client.get(SESSIONS).json()

        assert [item["title"] for item in data["results"]] == [
            "Lunchtime yoga",
            "Guided meditation",
        ]
        first, second = data["results"]
        assert first["places_left"] == 4 and first["my_status"] == "confirmed"
        assert first["online_url"] == "https://meet.example.com/y"
        assert first["url"] == links.absolute_url(yoga.url)
        assert first["calendar_url"] == links.absolute_url(yoga.url) + "calendar/"
        assert second["places_left"] == 0 and second["waiting_count"] == 1
        assert second["my_status"] == "waiting"

    def test_the_online_link_only_for_people_with_a_place(
        self, employee_client, section, employee, colleague
    ):
        session = make_session(section, capacity=1, online_url="https://meet.example.com/secret")
        services.book_session(colleague, session)
        (item,) = employee_client.get(SESSIONS).json()["results"]
        assert item["online_url"] is None and item["my_status"] is None
        assert "secret" not in employee_client.get(f"{SESSIONS}{session.pk}/").content.decode()

    def test_only_those_with_places(self, employee_client, section, colleague):
        full = make_session(section, "Full", capacity=1)
        services.book_session(colleague, full)
        make_session(section, "Open")
        data = employee_client.get(SESSIONS, {"has_places": "true"}).json()
        assert [item["title"] for item in data["results"]] == ["Open"]

    def test_the_listing_costs_the_same_queries_whatever_the_number(
        self, employee_client, employee, section
    ):
        def count_queries() -> int:
            with CaptureQueriesContext(connection) as context:
                assert employee_client.get(SESSIONS).status_code == 200
            return len(context)

        def add_sessions(start: int, end: int) -> None:
            for i in range(start, end):
                session = make_session(section, f"Session {i}", capacity=2)
                services.book_session(make_user(f"p{i}@example.com"), session)
                if i % 2:
                    services.book_session(employee, session)

        add_sessions(0, 2)
        count_queries()  # the first request fills per-process caches (site root paths)
        few = count_queries()
        add_sessions(2, 12)
        assert count_queries() == few

    def test_a_past_session_can_be_read_by_id(self, employee_client, section):
        past = make_session(section, "Yesterday", starts_in=timedelta(days=-1))
        assert employee_client.get(f"{SESSIONS}{past.pk}/").json()["title"] == "Yesterday"

    def test_the_schema_describes_the_endpoints(self, employee_client):
        schema = employee_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
        paths = schema["paths"]
        assert "/api/wellness/sessions/" in paths
        assert "/api/wellness/sessions/{id}/" in paths
        assert "post" in paths["/api/wellness/sessions/{id}/book/"]
        assert "post" in paths["/api/wellness/sessions/{id}/cancel/"]
        assert "/api/wellness/bookings/" in paths
        book = paths["/api/wellness/sessions/{id}/book/"]["post"]
        assert {"200", "201", "404", "409"} <= set(book["responses"])


class TestBookingAndCancelling:
    def test_book_then_book_again(self, employee_client, employee, session):
        response = employee_client.post(book_url(session))
        assert response.status_code == 201
        body = response.json()
        assert body["status"] == "confirmed" and body["waiting_position"] is None
        assert body["session"]["id"] == session.pk

        again = employee_client.post(book_url(session))
        assert again.status_code == 200 and again.json()["id"] == body["id"]
        assert Booking.objects.filter(user=employee).count() == 1

    def test_a_full_session_puts_me_on_the_waiting_list(self, employee_client, section, colleague):
        session = make_session(section, capacity=1)
        services.book_session(colleague, session)
        body = employee_client.post(book_url(session)).json()
        assert body["status"] == "waiting" and body["waiting_position"] == 1

    def test_a_started_session_is_refused_with_a_clear_message(self, employee_client, section):
        started = make_session(section, "Morning run", starts_in=timedelta(minutes=-1))
        response = employee_client.post(book_url(started))
        assert response.status_code == 409
        assert response.json() == {
            "status": 409,
            "code": "session_started",
            "detail": "This session has already started: it can no longer be booked.",
        }
        assert not Booking.objects.exists()

    def test_cancel_gives_the_place_to_the_first_waiting(
        self,
        employee_client,
        employee,
        section,
        django_capture_on_commit_callbacks,
        mailoutbox,
    ):
        session = make_session(section, capacity=1)
        waiting = make_user("waiting@example.com")
        services.book_session(employee, session)
        services.book_session(waiting, session)

        with django_capture_on_commit_callbacks(execute=True):
            response = employee_client.post(cancel_url(session))

        assert response.status_code == 200 and response.json()["status"] == "cancelled"
        assert Booking.objects.get(user=waiting).status == "confirmed"
        assert [m.to for m in mailoutbox] == [[waiting.email]]

    def test_cancel_without_a_booking(self, employee_client, session):
        response = employee_client.post(cancel_url(session))
        assert response.status_code == 409
        assert response.json()["code"] == "not_booked"
        assert response.json()["detail"] == "You have no booking for this session."

    def test_an_unknown_session(self, employee_client, home_page):
        assert employee_client.post(f"{SESSIONS}999999/book/").status_code == 404


class TestMyBookings:
    def test_my_upcoming_bookings_with_my_rank(self, employee_client, employee, colleague, section):
        yoga = make_session(section, "Yoga", online_url="https://meet.example.com/y")
        meditation = make_session(section, "Meditation", capacity=1, starts_in=timedelta(days=2))
        services.book_session(employee, yoga)
        services.book_session(colleague, meditation)
        services.book_session(employee, meditation)

        results = employee_client.get(BOOKINGS).json()["results"]

        assert [(b["session"]["title"], b["status"], b["waiting_position"]) for b in results] == [
            ("Yoga", "confirmed", None),
            ("Meditation", "waiting", 1),
        ]
        assert results[0]["session"]["online_url"] == "https://meet.example.com/y"
        assert results[1]["session"]["online_url"] is None

    def test_the_listing_costs_the_same_queries_whatever_the_number(
        self, employee_client, employee, section
    ):
        def count_queries() -> int:
            with CaptureQueriesContext(connection) as context:
                assert employee_client.get(BOOKINGS).status_code == 200
            return len(context)

        for i in range(2):
            services.book_session(employee, make_session(section, f"Session {i}"))
        count_queries()
        few = count_queries()
        for i in range(2, 10):
            services.book_session(employee, make_session(section, f"Session {i}"))
        assert count_queries() == few
