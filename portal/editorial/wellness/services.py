"""Booking services: the pages, the API and the home page panel all go through these.

Every change to a session's bookings happens inside one transaction that first locks the
session's row (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the whole database is
locked by ``BEGIN IMMEDIATE``, see ``transaction_mode`` in the settings). Counting the
confirmed places and writing the booking therefore never interleave: when two people
take the last place at the same moment, one gets it and the other joins the waiting list.

A session translated into another language (portal.core.localisation) is still one
event: its places, waiting list and each person's booking are shared by every language
version (the bookings of the versions sharing its ``translation_key``, all locked
together). A booking stays on the version the person booked, which "My sessions" shows;
the capacity is the booked version's (a translation copies it).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal import links, visibility
from portal.core import localisation
from portal.editorial.wellness.models import Booking, WellnessIndexPage, WellnessSessionPage

logger = logging.getLogger(__name__)

CONFIRMED = Booking.Status.CONFIRMED
WAITING = Booking.Status.WAITING
CANCELLED = Booking.Status.CANCELLED


class BookingError(Exception):
    """A booking request that cannot be honoured; the message is for the person."""

    code = "invalid"


class SessionUnavailable(BookingError):
    """The session does not exist, is not published or the person may not see it (the
    three look the same, so that a request never reveals what exists)."""

    code = "not_found"


class SessionStarted(BookingError):
    """The session has started: its bookings are frozen."""

    code = "session_started"


class NotBooked(BookingError):
    """The person has no booking to cancel."""

    code = "not_booked"


# --- Reading -------------------------------------------------------------------------


def visible_sessions(user) -> QuerySet[WellnessSessionPage]:
    """The published sessions ``user`` may see (the one visibility policy decides)."""
    return visibility.filter_visible(user, WellnessSessionPage.objects.all())


def event_bookings(session) -> QuerySet[Booking]:
    """The bookings of ``session`` and of its translations: one event (see the module)."""
    return Booking.objects.filter(session__translation_key=session.translation_key)


def with_booking_state(queryset: QuerySet, user) -> QuerySet[WellnessSessionPage]:
    """Annotate sessions with ``confirmed_count``, ``waiting_count`` and ``my_status``
    (the user's active booking status, or None), in the same query as the sessions; the
    bookings of every language version of a session count."""
    same_event = Booking.objects.filter(session__translation_key=OuterRef("translation_key"))

    def count(status):
        counted = (
            same_event.filter(status=status)
            .order_by()
            .values("session__translation_key")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )
        return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

    mine = same_event.filter(status__in=Booking.ACTIVE_STATUSES, user=user.pk)
    return queryset.annotate(
        confirmed_count=count(CONFIRMED),
        waiting_count=count(WAITING),
        my_status=Subquery(mine.values("status")[:1]),
    )


def upcoming_sessions(
    user, *, within=None, with_places: bool = False, now: datetime | None = None
) -> QuerySet[WellnessSessionPage]:
    """Sessions ``user`` may see that have not started yet, soonest first, with their
    booking state (see :func:`with_booking_state`), each in the reader's language when
    translated into it. ``within`` keeps those below one wellness section (or one of its
    translations); ``with_places`` only those with a free place. Whatever the number of
    sessions, listing them costs the same number of queries."""
    queryset = visible_sessions(user).filter(starts_at__gt=now or timezone.now())
    if within is not None:
        queryset = localisation.below_any_version(queryset, within, children_only=True)
    queryset = localisation.localized_pages(queryset, localisation.reader_language(user))
    queryset = with_booking_state(queryset, user)
    if with_places:
        queryset = queryset.filter(capacity__gt=F("confirmed_count"))
    return queryset.order_by("starts_at", "pk")


def first_section(user) -> WellnessIndexPage | None:
    """The first wellness section (index page) ``user`` may see, if any, in their language."""
    sections = localisation.localized_visible(user, WellnessIndexPage.objects.all())
    return localisation.in_tree_order(sections).first()


def my_sessions_url(section: WellnessIndexPage | None, request=None) -> str:
    """The address of "My sessions" (a page of the wellness section)."""
    if section is None:
        return ""
    return section.get_url(request) + section.reverse_subpage("my_sessions")


def _ends_at(prefix: str = "") -> ExpressionWrapper:
    """A session's end as a database expression: its start plus its duration."""
    # As a plain integer: SQLite refuses to multiply a "positive integer" by a duration.
    minutes = ExpressionWrapper(F(f"{prefix}duration_minutes"), output_field=IntegerField())
    duration = ExpressionWrapper(
        minutes * Value(timedelta(minutes=1)), output_field=DurationField()
    )
    return ExpressionWrapper(F(f"{prefix}starts_at") + duration, output_field=DateTimeField())


def _waiting_position() -> Case:
    """A waiting booking's rank on its session's waiting list (1 is next in line)."""
    ahead = (
        Booking.objects.filter(
            session__translation_key=OuterRef("session__translation_key"),
            status=WAITING,
            pk__lte=OuterRef("pk"),
        )
        .order_by()
        .values("session__translation_key")
        .annotate(rank=Count("pk"))
        .values("rank")
    )
    return Case(When(status=WAITING, then=Subquery(ahead[:1])), default=None)


def my_bookings(user, *, now: datetime | None = None) -> QuerySet[Booking]:
    """ "My sessions": the user's confirmed and waiting bookings of visible sessions that
    have not ended yet (a session in progress stays, with its link), soonest first; each
    carries ``waiting_position`` (None when confirmed)."""
    return (
        Booking.objects.active()
        .filter(user=user.pk, session__in=visible_sessions(user).values("pk"))
        .alias(session_ends_at=_ends_at("session__"))
        .filter(session_ends_at__gt=now or timezone.now())
        .annotate(waiting_position=_waiting_position())
        .select_related("session")
        .order_by("session__starts_at", "pk")
    )


def active_booking(user, session) -> Booking | None:
    """``user``'s place or rank in ``session``, whichever language version they booked."""
    return event_bookings(session).active().filter(user=user.pk).first()


def waiting_position(booking: Booking) -> int | None:
    """1 for the next person in line; None for a booking that is not waiting."""
    if not booking.is_waiting:
        return None
    event = WellnessSessionPage.objects.filter(pk=booking.session_id).values("translation_key")
    return Booking.objects.filter(
        session__translation_key=Subquery(event), status=WAITING, pk__lte=booking.pk
    ).count()


def session_state(user, session: WellnessSessionPage) -> dict:
    """What a session's page shows a person: their booking and rank on the waiting list,
    the free places and the length of the waiting list, and whether it is still open."""
    counts = event_bookings(session).aggregate(
        confirmed=Count("pk", filter=Q(status=CONFIRMED)),
        waiting=Count("pk", filter=Q(status=WAITING)),
    )
    booking = active_booking(user, session) if user.is_authenticated else None
    started = session.has_started()
    return {
        "booking": booking,
        "waiting_position": waiting_position(booking) if booking else None,
        "places_left": max(session.capacity - counts["confirmed"], 0),
        "waiting_count": counts["waiting"],
        "started": started,
        "can_see_online_url": can_see_online_url(booking.status if booking else None),
    }


def can_see_online_url(status: str | None) -> bool:
    """The online link is for people holding a confirmed place: otherwise the capacity of
    an online session would mean nothing."""
    return status == CONFIRMED


# --- Booking and cancelling ------------------------------------------------------------


def _lock(session: WellnessSessionPage) -> WellnessSessionPage:
    """Lock the session's row, and those of its translations (one event), until the end
    of the transaction, always in the same order; return the session fresh.

    Only the wellness table's rows are locked (``of=("self",)``), not Wagtail's page rows,
    so editors are not held up by bookings."""
    rows = list(
        WellnessSessionPage.objects.select_for_update(of=("self",))
        .filter(translation_key=session.translation_key)
        .order_by("pk")
    )
    fresh = next((row for row in rows if row.pk == session.pk and row.live), None)
    if fresh is None:
        raise SessionUnavailable(_("No such session, or you may not see it."))
    return fresh


def _check_visible(user, session) -> None:
    if not visibility.can_view(user, session):
        raise SessionUnavailable(_("No such session, or you may not see it."))


def book_session(user, session: WellnessSessionPage) -> Booking:
    """Book a place for ``user``, or a rank on the waiting list when the session is full.

    Booking again while booked (or waiting) changes nothing and returns the same booking:
    a double click never books twice. The returned booking's ``is_new`` says whether it
    was just made. Raises :class:`SessionUnavailable` when the person may not see the
    session, :class:`SessionStarted` once it has started; nothing is written then."""
    _check_visible(user, session)
    with transaction.atomic():
        session = _lock(session)
        if session.has_started():
            raise SessionStarted(_("This session has already started: it can no longer be booked."))
        existing = active_booking(user, session)
        if existing is not None:
            existing.is_new = False
            return existing
        confirmed = event_bookings(session).filter(status=CONFIRMED).count()
        booking = Booking.objects.create(
            session=session,
            user=user,
            status=CONFIRMED if confirmed < session.capacity else WAITING,
        )
    booking.is_new = True
    return booking


def cancel_booking(user, session: WellnessSessionPage) -> Booking:
    """Cancel ``user``'s place (or leave the waiting list) and, in the same transaction,
    give the freed place to the first person waiting, who is then told by email. Returns
    the cancelled booking; its ``previous_status`` says what the person gave up.

    Raises :class:`SessionUnavailable`, :class:`SessionStarted` (a started session's
    bookings are frozen) or :class:`NotBooked`; nothing is written then."""
    _check_visible(user, session)
    with transaction.atomic():
        session = _lock(session)
        if session.has_started():
            raise SessionStarted(
                _("This session has already started: bookings can no longer be cancelled.")
            )
        booking = active_booking(user, session)
        if booking is None:
            raise NotBooked(_("You have no booking for this session."))
        _cancel(booking)
        fill_free_places(session)
    return booking


def _cancel(booking: Booking) -> None:
    booking.previous_status = booking.status
    booking.status = CANCELLED
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["status", "cancelled_at"])


def fill_free_places(session: WellnessSessionPage) -> list[Booking]:
    """Give the session's free places to the people waiting, first come first served, and
    tell each of them once the transaction commits. Call it with the session locked
    (inside :func:`book_session`'s kind of transaction); returns the promoted bookings."""
    if session.has_started():
        return []
    bookings = event_bookings(session)
    confirmed = bookings.filter(status=CONFIRMED).count()
    free = session.capacity - confirmed
    if free <= 0:
        return []
    promoted = list(
        bookings.filter(status=WAITING).select_related("user", "session").order_by("pk")[:free]
    )
    now = timezone.now()
    for booking in promoted:
        booking.status = CONFIRMED
        booking.promoted_at = now
        booking.save(update_fields=["status", "promoted_at"])
        # After the commit only: a rolled-back promotion must not be announced.
        transaction.on_commit(partial(notify_promoted, booking), robust=True)
    return promoted


def promote_waiting(session: WellnessSessionPage) -> list[Booking]:
    """Fill the free places of a session from its waiting list (after an editor raised
    its capacity, for instance)."""
    with transaction.atomic():
        try:
            locked = _lock(session)
        except SessionUnavailable:
            return []
        return fill_free_places(locked)


def notify_promoted(booking: Booking) -> None:
    """Tell a person that they moved up from the waiting list and have a place.

    An email in the person's language for now; the portal's notification service will
    replace it, here and nowhere else."""
    user = booking.user
    if not user.is_active or not user.email:
        return
    session = booking.session
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "session": session,
            "url": links.absolute_url(session),
            "online_url": session.online_url,
        }
        subject = _("A place is yours: %(title)s") % {"title": session.title}
        body = render_to_string("wellness/email/promoted.txt", context)
    send_mail(subject, body, None, [user.email])


def forget_person(user) -> None:
    """A person's data is erased: every booking of theirs goes, and their places in
    upcoming sessions go to the people waiting."""
    held = list(
        WellnessSessionPage.objects.filter(
            bookings__user=user.pk, bookings__status=CONFIRMED
        ).distinct()
    )
    Booking.objects.filter(user=user.pk).delete()
    for session in held:
        promote_waiting(session)
