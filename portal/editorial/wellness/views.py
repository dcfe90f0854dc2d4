"""The session page's forms (book, cancel) and its calendar file; the page routes of
:class:`~portal.editorial.wellness.models.WellnessSessionPage` call these."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from portal import links
from portal.editorial.wellness import ics, services
from portal.ratelimit import rate_limit


@rate_limit("booking")
def book(session, request):
    """Book a place (or join the waiting list), then back to the page with a message."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        booking = services.book_session(request.user, session)
    except services.SessionUnavailable as error:
        raise Http404 from error
    except services.BookingError as error:
        messages.error(request, str(error))
        return redirect(_next_url(request, session))
    title = {"title": session.title}
    if booking.is_confirmed:
        if booking.is_new:
            messages.success(request, _("Your place in “%(title)s” is booked.") % title)
        else:
            messages.info(request, _("You already have a place in “%(title)s”.") % title)
    elif booking.is_new:
        messages.info(
            request,
            _(
                "“%(title)s” is full: you are number %(position)s on the waiting list. "
                "We will email you if a place frees up."
            )
            % {**title, "position": services.waiting_position(booking)},
        )
    else:
        messages.info(request, _("You are already on the waiting list of “%(title)s”.") % title)
    return redirect(_next_url(request, session))


@rate_limit("booking")
def cancel(session, request):
    """Cancel one's place or leave the waiting list, then back with a message."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        booking = services.cancel_booking(request.user, session)
    except services.SessionUnavailable as error:
        raise Http404 from error
    except services.BookingError as error:
        messages.error(request, str(error))
        return redirect(_next_url(request, session))
    title = {"title": session.title}
    if booking.previous_status == services.WAITING:
        messages.success(request, _("You left the waiting list of “%(title)s”.") % title)
    else:
        messages.success(request, _("Your booking for “%(title)s” is cancelled.") % title)
    return redirect(_next_url(request, session))


def calendar(session, request):
    """The session as an .ics file; the online link only for people holding a place."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    booking = services.active_booking(request.user, session)
    online_url = session.online_url if booking and booking.is_confirmed else ""
    content = ics.session_calendar(session, url=links.absolute_url(session), online_url=online_url)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{session.slug}.ics"'
    return response


def _next_url(request, session) -> str:
    """Where to go after a form: the posted ``next`` if it is on this site, else the page."""
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, request.is_secure()
    ):
        return next_url
    return session.get_url(request)
