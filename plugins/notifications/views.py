"""My notifications, opening one, marking them read, and my preferences."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from plugins.notifications import services
from portal.notifications import CHANNELS, kinds

PAGE_SIZE = 30


def notification_list(request):
    """Newest first, in sections by day; unread ones are marked in words, not colour alone."""
    paginator = Paginator(services.with_people(services.visible(request.user)), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    today = timezone.localdate()
    sections: list[dict] = []
    for notification in page.object_list:
        day = timezone.localdate(notification.updated_at)
        if not sections or sections[-1]["day"] != day:
            sections.append({"day": day, "title": _day_title(day, today), "items": []})
        sections[-1]["items"].append(
            {"notification": notification, "message": services.message(notification)}
        )
    unread = services.unread_count(request.user)
    return render(
        request,
        "notifications/list.html",
        {"page": page, "sections": sections, "unread": unread},
    )


def _day_title(day, today) -> str:
    if day == today:
        return _("Today")
    if (today - day).days == 1:
        return _("Yesterday")
    return date_format(day, "DATE_FORMAT")


def _own_visible(request, pk: int):
    """The person's own notification, if they may still see it; else 404."""
    notification = services.visible(request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404(_("No such notification."))
    return notification


def open_notification(request, pk: int):
    """Mark the notification read and go to what it is about (never off the site)."""
    notification = _own_visible(request, pk)
    services.mark_read(request.user, [notification.pk])
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return redirect(url)
    return redirect("notifications:list")


@require_POST
def read_one(request, pk: int):
    notification = _own_visible(request, pk)
    services.mark_read(request.user, [notification.pk])
    return _answer(request, _("Notification marked as read."))


@require_POST
def read_all(request):
    services.mark_read(request.user)
    return _answer(request, _("All notifications marked as read."))


def _answer(request, text: str):
    """JSON for scripts (the page updates in place), else back to the list with a message."""
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"unread": services.unread_count(request.user), "detail": text})
    messages.success(request, text)
    return redirect("notifications:list")


class PreferenceForm(forms.Form):
    """One radio group per kind of notification."""

    def __init__(self, *args, initial_channels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for key, kind in kinds().items():
            self.fields[key] = forms.ChoiceField(
                label=kind.label,
                choices=CHANNELS,
                initial=initial_channels.get(key, kind.default_channel),
                widget=forms.RadioSelect,
                error_messages={"required": gettext_lazy("Choose how to be told.")},
            )


def preference_form(request):
    form = PreferenceForm(request.POST or None, initial_channels=services.preferences(request.user))
    if request.method == "POST" and form.is_valid():
        services.set_preferences(request.user, form.cleaned_data)
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
