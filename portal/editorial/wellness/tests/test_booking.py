"""Booking rules: places, the waiting list, sessions that started, who may book."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal import links
from portal.editorial.wellness import services
from portal.editorial.wellness.models import Booking, WellnessSessionPage
from portal.editorial.wellness.tests.factories import make_session
from tests.factories import make_user

pytestmark = pytest.mark.django_db

CONFIRMED = Booking.Status.CONFIRMED
WAITING = Booking.Status.WAITING
CANCELLED = Booking.Status.CANCELLED


def people(count: int) -> list:
    return [make_user(f"person{i}@example.com") for i in range(count)]


class TestBooking:
    def test_a_free_place_is_confirmed(self, employee, session):
        booking = services.book_session(employee, session)
        assert booking.status == CONFIRMED and booking.is_new
        assert session.places_left == session.capacity - 1

    def test_a_full_session_puts_people_on_its_waiting_list_in_order(self, section):
        session = make_session(section, capacity=2)
        first, second, third, fourth = people(4)
        assert services.book_session(first, session).status == CONFIRMED
        assert services.book_session(second, session).status == CONFIRMED
        waiting = [services.book_session(p, session) for p in (third, fourth)]
        assert [b.status for b in waiting] == [WAITING, WAITING]
        assert [services.waiting_position(b) for b in waiting] == [1, 2]
        assert session.places_left == 0

    def test_booking_twice_changes_nothing(self, employee, session):
        first = services.book_session(employee, session)
        again = services.book_session(employee, session)
        assert again.pk == first.pk and not again.is_new
        assert Booking.objects.filter(session=session, user=employee).count() == 1

    def test_waiting_twice_keeps_the_rank(self, section, employee, colleague):
        session = make_session(section, capacity=1)
        services.book_session(colleague, session)
        waiting = services.book_session(employee, session)
        assert services.book_session(employee, session).pk == waiting.pk
        assert Booking.objects.filter(session=session, status=WAITING).count() == 1

    def test_a_started_session_is_refused_with_a_clear_message_and_nothing_written(
        self, section, employee
    ):
        started = make_session(section, "Started yoga", starts_in=timedelta(minutes=-5))
        with pytest.raises(services.SessionStarted) as refused:
            services.book_session(employee, started)
        assert str(refused.value) == (
            "This session has already started: it can no longer be booked."
        )
        assert not Booking.objects.exists()

    def test_a_past_session_is_refused_too(self, section, employee):
        past = make_session(section, "Last week's yoga", starts_in=timedelta(days=-7))
        with pytest.raises(services.SessionStarted):
            services.book_session(employee, past)
        assert not Booking.objects.exists()

    def test_booking_again_after_cancelling_goes_to_the_end_of_the_line(self, section):
        session = make_session(section, capacity=1)
        holder, first_waiting, leaver = people(3)
        services.book_session(holder, session)
        services.book_session(leaver, session)
        services.book_session(first_waiting, session)
        services.cancel_booking(leaver, session)
        again = services.book_session(leaver, session)
        assert again.status == WAITING and services.waiting_position(again) == 2
        assert Booking.objects.filter(user=leaver, status=CANCELLED).count() == 1


class TestWhoMayBook:
    def test_a_restricted_session_cannot_be_booked_by_outsiders(
        self, restricted_session, colleague, employee
    ):
        with pytest.raises(services.SessionUnavailable):
            services.book_session(colleague, restricted_session)
        assert not Booking.objects.exists()
        # Platform is inside Engineering: the employee may book.
        assert services.book_session(employee, restricted_session).status == CONFIRMED

    def test_an_outsider_cannot_cancel_either(self, restricted_session, employee, colleague):
        services.book_session(employee, restricted_session)
        with pytest.raises(services.SessionUnavailable):
            services.cancel_booking(colleague, restricted_session)

    def test_an_unpublished_session_cannot_be_booked(self, session, employee):
        session.unpublish()
        with pytest.raises(services.SessionUnavailable):
            services.book_session(employee, WellnessSessionPage.objects.get(pk=session.pk))

    def test_an_inactive_account_cannot_book(self, session, employee):
        employee.is_active = False
        employee.save()
        with pytest.raises(services.SessionUnavailable):
            services.book_session(employee, session)


class TestCancelling:
    def test_the_first_person_waiting_moves_up_and_is_told_by_email(
        self, section, django_capture_on_commit_callbacks, mailoutbox
    ):
        session = make_session(
            section, "Guided meditation", capacity=1, online_url="https://meet.example.com/m"
        )
        holder, first, second = people(3)
        services.book_session(holder, session)
        services.book_session(first, session)
        services.book_session(second, session)

        with django_capture_on_commit_callbacks(execute=True):
            cancelled = services.cancel_booking(holder, session)

        assert cancelled.status == CANCELLED and cancelled.previous_status == CONFIRMED
        promoted = Booking.objects.get(user=first, session=session)
        assert promoted.status == CONFIRMED and promoted.promoted_at is not None
        still_waiting = Booking.objects.get(user=second, session=session)
        assert still_waiting.status == WAITING and services.waiting_position(still_waiting) == 1
        assert len(mailoutbox) == 1
        email = mailoutbox[0]
        assert email.to == [first.email]
        assert email.subject == "A place is yours: Guided meditation"
        assert "moved up from the waiting list" in email.body
        assert "https://meet.example.com/m" in email.body  # the link, now they have a place
        assert links.absolute_url(session.url) in email.body

    def test_the_email_speaks_the_persons_language(
        self, section, django_capture_on_commit_callbacks, mailoutbox
    ):
        from django.utils import formats, translation

        session = make_session(section, "Yoga", capacity=1)
        holder = make_user("holder@example.com")
        francophone = make_user("francophone@example.com", preferred_language="fr")
        services.book_session(holder, session)
        services.book_session(francophone, session)
        with django_capture_on_commit_callbacks(execute=True):
            services.cancel_booking(holder, session)
        starts_at = timezone.localtime(session.starts_at)
        with translation.override("fr"):
            french_day = formats.date_format(starts_at, "l")
        with translation.override("en"):
            english_day = formats.date_format(starts_at, "l")
        assert french_day in mailoutbox[0].body and english_day not in mailoutbox[0].body

    def test_nobody_is_told_before_the_promotion_is_committed(
        self, section, django_capture_on_commit_callbacks, mailoutbox
    ):
        session = make_session(section, capacity=1)
        holder, waiting = people(2)
        services.book_session(holder, session)
        services.book_session(waiting, session)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.cancel_booking(holder, session)
        assert len(callbacks) == 1 and mailoutbox == []

    def test_leaving_the_waiting_list_frees_no_place(
        self, section, django_capture_on_commit_callbacks, mailoutbox
    ):
        session = make_session(section, capacity=1)
        holder, first, second = people(3)
        services.book_session(holder, session)
        services.book_session(first, session)
        services.book_session(second, session)
        with django_capture_on_commit_callbacks(execute=True):
            left = services.cancel_booking(first, session)
        assert left.previous_status == WAITING
        assert Booking.objects.get(user=second, session=session).status == WAITING
        assert Booking.objects.get(user=holder, session=session).status == CONFIRMED
        assert mailoutbox == []

    def test_cancelling_without_a_booking_says_so(self, session, employee):
        with pytest.raises(services.NotBooked, match="You have no booking for this session."):
            services.cancel_booking(employee, session)

    def test_a_started_session_cannot_be_cancelled_and_nobody_moves_up(self, section):
        session = make_session(section, capacity=1)
        holder, waiting = people(2)
        services.book_session(holder, session)
        services.book_session(waiting, session)
        WellnessSessionPage.objects.filter(pk=session.pk).update(
            starts_at=timezone.now() - timedelta(minutes=1)
        )
        with pytest.raises(services.SessionStarted, match="can no longer be cancelled"):
            services.cancel_booking(holder, session)
        statuses = dict(Booking.objects.values_list("user__email", "status"))
        assert statuses == {holder.email: CONFIRMED, waiting.email: WAITING}

    def test_raising_the_capacity_moves_people_up(
        self, section, django_capture_on_commit_callbacks, mailoutbox
    ):
        session = make_session(section, capacity=1)
        holder, first, second, third = people(4)
        for person in (holder, first, second, third):
            services.book_session(person, session)
        session.capacity = 3
        with django_capture_on_commit_callbacks(execute=True):
            session.save_revision().publish()
        statuses = dict(Booking.objects.values_list("user__email", "status"))
        assert statuses == {
            holder.email: CONFIRMED,
            first.email: CONFIRMED,
            second.email: CONFIRMED,
            third.email: WAITING,
        }
        assert sorted(m.to[0] for m in mailoutbox) == [first.email, second.email]


class TestMySessions:
    def test_upcoming_and_running_bookings_soonest_first(self, section, employee):
        later = make_session(section, "Later", starts_in=timedelta(days=3))
        sooner = make_session(section, "Sooner", starts_in=timedelta(days=1))
        running = make_session(section, "Running now", starts_in=timedelta(days=1))
        ended = make_session(section, "Ended", starts_in=timedelta(days=1))
        for session in (later, sooner, running, ended):
            services.book_session(employee, session)
        now = timezone.now()
        WellnessSessionPage.objects.filter(pk=running.pk).update(
            starts_at=now - timedelta(minutes=10), duration_minutes=45
        )
        WellnessSessionPage.objects.filter(pk=ended.pk).update(
            starts_at=now - timedelta(minutes=50), duration_minutes=45
        )
        titles = [b.session.title for b in services.my_bookings(employee)]
        assert titles == ["Running now", "Sooner", "Later"]

    def test_cancelled_bookings_and_other_peoples_are_not_mine(self, section, employee, colleague):
        mine = make_session(section, "Mine")
        theirs = make_session(section, "Theirs")
        cancelled = make_session(section, "Cancelled")
        services.book_session(employee, mine)
        services.book_session(colleague, theirs)
        services.book_session(employee, cancelled)
        services.cancel_booking(employee, cancelled)
        assert [b.session.title for b in services.my_bookings(employee)] == ["Mine"]

    def test_the_waiting_rank_is_given(self, section, employee):
        session = make_session(section, capacity=1)
        holder, ahead = people(2)
        for person in (holder, ahead, employee):
            services.book_session(person, session)
        (booking,) = services.my_bookings(employee)
        assert booking.waiting_position == 2
        (held,) = services.my_bookings(holder)
        assert held.waiting_position is None

    def test_a_session_i_may_no_longer_see_leaves_my_list(self, restricted_session, employee):
        services.book_session(employee, restricted_session)
        employee.department = None
        employee.save()
        employee = type(employee).objects.get(pk=employee.pk)
        assert list(services.my_bookings(employee)) == []


class TestPersonalData:
    def test_export_lists_the_bookings(self, session, employee):
        from portal.privacy import export_user_data

        services.book_session(employee, session)
        (exported,) = export_user_data(employee)["wellness"]
        assert exported["session"] == session.title and exported["status"] == "confirmed"

    def test_erasing_a_person_frees_their_places(
        self, section, employee, django_capture_on_commit_callbacks, mailoutbox
    ):
        from portal.privacy import erase_user_data

        session = make_session(section, capacity=1)
        (waiting,) = people(1)
        services.book_session(employee, session)
        services.book_session(waiting, session)
        with django_capture_on_commit_callbacks(execute=True):
            erase_user_data(employee)
        assert not Booking.objects.filter(user=employee).exists()
        assert Booking.objects.get(user=waiting).status == CONFIRMED
        assert [m.to for m in mailoutbox] == [[waiting.email]]


class TestData:
    def test_one_active_booking_per_person_and_session(self, session, employee):
        Booking.objects.create(session=session, user=employee, status=CONFIRMED)
        with pytest.raises(IntegrityError), transaction.atomic():
            Booking.objects.create(session=session, user=employee, status=WAITING)
        Booking.objects.filter(user=employee).update(status=CANCELLED)
        Booking.objects.create(session=session, user=employee, status=CONFIRMED)

    def test_the_capacity_is_positive(self, session):
        with pytest.raises(IntegrityError), transaction.atomic():
            WellnessSessionPage.objects.filter(pk=session.pk).update(capacity=0)

    def test_a_session_needs_a_place_or_an_online_link(self, section):
        session = WellnessSessionPage(
            title="Nowhere", slug="nowhere", starts_at=timezone.now(), capacity=3
        )
        with pytest.raises(ValidationError) as error:
            session.full_clean()
        assert "place" in error.value.message_dict and "online_url" in error.value.message_dict
        session.online_url = "https://meet.example.com/x"
        session.full_clean(exclude=["path", "depth", "url_path"])
