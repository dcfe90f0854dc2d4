"""Capacity under concurrency: two people taking the last place at the same moment, each
in a thread with its own database connection, as two requests would.

Inside the critical section each thread waits (up to a second) for the other one at a
meeting point. With the session locked, the second thread cannot get in: the first one
goes on alone once the wait is over. Without the lock both would meet there, both having
counted the same free place, and the session would be overbooked: the test would fail."""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.db import connection

from portal.editorial.wellness import services
from portal.editorial.wellness.models import Booking
from portal.editorial.wellness.tests.factories import make_section, make_session
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

CONFIRMED = Booking.Status.CONFIRMED
WAITING = Booking.Status.WAITING

#: How long a thread inside the critical section waits for the other one, in seconds.
MEETING_WAIT = 1.0


@pytest.fixture(autouse=True)
def _needs_separate_connections():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "The test database is in-memory SQLite: its threads share one cache with "
            "table-level locks that fail at once instead of waiting, so two real "
            "transactions cannot race. The race runs on PostgreSQL (CI's second pass); "
            "on a file database, SQLite's BEGIN IMMEDIATE serialises bookings."
        )


def meet_inside(monkeypatch, owner, name: str) -> None:
    """Make ``owner.name`` (a step of the critical section) wait for the other thread."""
    meeting_point = threading.Barrier(2)
    original = getattr(owner, name)

    def meeting(*args, **kwargs):
        # A broken barrier: the other thread could not come in, the lock held it back.
        with contextlib.suppress(threading.BrokenBarrierError):
            meeting_point.wait(timeout=MEETING_WAIT)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, meeting)


def run_together(*actions) -> list:
    """Run each action in its own thread (own connection), released at the same moment
    by a barrier; returns each action's result or the exception it raised."""
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            results[index] = action()
        except Exception as error:  # noqa: BLE001 - reported by the test's assertions
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a booking never finished"
    return results


def test_two_people_taking_the_last_place_at_once(home_page, monkeypatch):
    session = make_session(make_section(home_page), "Guided meditation", capacity=2)
    services.book_session(make_user("first@example.com"), session)
    anna, ben = make_user("anna@example.com"), make_user("ben@example.com")
    # Meet after counting the confirmed places, just before writing the booking.
    meet_inside(monkeypatch, Booking.objects, "create")

    results = run_together(
        lambda: services.book_session(anna, session).status,
        lambda: services.book_session(ben, session).status,
    )

    assert not any(isinstance(result, Exception) for result in results), results
    assert sorted(results) == [CONFIRMED, WAITING], results
    statuses = list(Booking.objects.filter(session=session).values_list("status", flat=True))
    assert statuses.count(CONFIRMED) == 2 and statuses.count(WAITING) == 1


def test_a_newcomer_does_not_jump_the_waiting_list_while_a_place_frees_up(home_page, monkeypatch):
    session = make_session(make_section(home_page), "Lunchtime yoga", capacity=1)
    holder = make_user("holder@example.com")
    waiting = make_user("waiting@example.com")
    newcomer = make_user("newcomer@example.com")
    services.book_session(holder, session)
    services.book_session(waiting, session)
    meet_inside(monkeypatch, services, "active_booking")  # both cancelling and booking use it

    results = run_together(
        lambda: services.cancel_booking(holder, session).status,
        lambda: services.book_session(newcomer, session).status,
    )

    assert not any(isinstance(result, Exception) for result in results), results
    statuses = dict(
        Booking.objects.filter(session=session).active().values_list("user__email", "status")
    )
    # Whichever ran first, the freed place went to the person who was waiting.
    assert statuses == {waiting.email: CONFIRMED, newcomer.email: WAITING}
