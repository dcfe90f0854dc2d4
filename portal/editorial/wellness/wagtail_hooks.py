"""Admin side of Wellness: the participants and waiting list of a session, for the
editors who may edit it (the coach's list at the door)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from portal.editorial.wellness.models import Booking, WellnessSessionPage


def participants(request, page_id: int):
    session = get_object_or_404(WellnessSessionPage, pk=page_id)
    if not session.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    bookings = list(
        Booking.objects.active().filter(session=session).select_related("user").order_by("pk")
    )
    return render(
        request,
        "wellness/admin/participants.html",
        {
            "session": session,
            "confirmed": [b for b in bookings if b.is_confirmed],
            "waiting": [b for b in bookings if b.is_waiting],
            "header_title": _("Participants: %(title)s") % {"title": session.title},
        },
    )


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path(
            "wellness/sessions/<int:page_id>/participants/",
            participants,
            name="wellness_participants",
        )
    ]


def _participants_button(page, user, priority: int):
    if not isinstance(page.specific_deferred, WellnessSessionPage):
        return
    if not page.permissions_for_user(user).can_edit():
        return
    yield Button(
        _("Participants"),
        reverse("wellness_participants", args=[page.pk]),
        icon_name="group",
        priority=priority,
    )


@hooks.register("register_page_listing_more_buttons")
def participants_in_listings(page, user, next_url=None):
    yield from _participants_button(page, user, priority=90)


@hooks.register("register_page_header_buttons")
def participants_in_header(page, user, view_name, next_url=None):
    yield from _participants_button(page, user, priority=90)
