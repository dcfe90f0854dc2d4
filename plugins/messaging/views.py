"""The messenger's pages: the conversation list and a conversation (``/messaging/``), the
chat panel's fragments (loaded when the panel opens), and the plain-HTTP writes that keep
everything working without the socket (forms post, the page reloads or htmx swaps a part).

Every read goes through ``services`` and the visibility policy: a conversation someone
does not take part in (an outsider, someone removed, a guessed id) answers exactly like a
missing one (404).

Writes go through ``services`` too: ``MessagingError`` is the form's error (400),
``PermissionDenied`` a 403, ``LookupError`` a 404 (like a missing conversation).
"""

from __future__ import annotations

import datetime
import json

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from plugins.messaging import services
from plugins.messaging.models import (
    Conversation,
    Message,
    Participant,
)
from portal import avatars, modeoff, visibility
from portal.ratelimit import rate_limit

User = get_user_model()

#: How many conversations the chat panel lists.
PANEL_SIZE = 8
#: Longest reason for an urgent message.
MAX_REASON = 300


# --- Unread counts -----------------------------------------------------------------------


def total_unread(user) -> int:
    """The shell's badge: unread messages in conversations that are not muted."""
    return services.total_unread(user)


def _seat_or_404(user, conversation) -> Participant:
    seat = services.seat(user, conversation)
    if seat is None:
        raise Http404
    return seat


# --- Helpers ------------------------------------------------------------------------------


#: Larger ids than any row (and than the database's integers): a missing one at once.
MAX_PK = 2**62


def _conversation_or_404(user, pk) -> Conversation:
    if int(pk) > MAX_PK:
        raise Http404
    conversation = services.get_conversation(user, pk)
    if conversation is None:
        raise Http404
    return conversation


def _participants(conversations) -> None:
    """``c.people``: every participant's user (avatars without queries), one query."""
    seats = (
        Participant.objects.filter(conversation__in=conversations)
        .select_related("user", *avatars.related("user"))
        .order_by("conversation_id", "pk")
    )
    by_conversation: dict[int, list] = {}
    for seat in seats:
        by_conversation.setdefault(seat.conversation_id, []).append(seat)
    for conversation in conversations:
        conversation.seats = by_conversation.get(conversation.pk, [])
        conversation.people = [s.user for s in conversation.seats]


def _decorate(user, conversations, unread: bool = True) -> list:
    """Name, other people, unread count and last message of each listed conversation
    (4 queries, whatever their number)."""
    conversations = list(conversations)
    _participants(conversations)
    counts = (
        services.unread_counts(user, [c.pk for c in conversations])
        if unread and conversations
        else {}
    )
    last = {
        m.pk: m
        for m in Message.objects.filter(
            pk__in=[c.last_message_id for c in conversations if c.last_message_id]
        ).select_related("author")
    }
    for conversation in conversations:
        conversation.others = [p for p in conversation.people if p.pk != user.pk]
        conversation.display_name = services.display_title(conversation, conversation.people, user)
        conversation.unread = counts.get(conversation.pk, 0)
        conversation.last_message = last.get(conversation.last_message_id)
    return conversations


#: How many readers "Seen by…" names before it counts the rest.
SEEN_NAMES = 3


def _seen_text(conversation, receipts: dict[int, int], user) -> str:
    """ "Seen" (one-to-one) or "Seen by Anna, Ben and 2 others": the others who have read
    the conversation's last message, but its author (live.js writes the same line)."""
    last = conversation.last_message
    if last is None:
        return ""
    names = {p.pk: p.get_full_name() or p.get_username() for p in conversation.people}
    readers = [
        names[pk]
        for pk, up_to in sorted(receipts.items())
        if pk in names and pk not in (user.pk, last.author_id) and (up_to or 0) >= last.pk
    ]
    if not readers:
        return ""
    if conversation.kind == Conversation.DIRECT:
        return _("Seen")
    shown = ", ".join(readers[:SEEN_NAMES])
    if len(readers) > SEEN_NAMES:
        return _("Seen by %(names)s and %(count)s more") % {
            "names": shown,
            "count": len(readers) - SEEN_NAMES,
        }
    return _("Seen by %(names)s") % {"names": shown}


def off_people(user, conversation) -> list[dict]:
    """Who among the other participants is off now, until when, with the next start
    (``services.recipients_off``: a fixed number of queries)."""
    now = timezone.now()
    result = []
    for person, state in services.recipients_off(user, conversation, now):
        name = person.get_full_name() or person.get_username()
        until = services.until_label(state.until, now)
        result.append(
            {
                "person": person,
                "state": state,
                "next_start": state.until or modeoff.next_start(person, now),
                "text": (
                    _("%(name)s is off until %(until)s") % {"name": name, "until": until}
                    if until
                    else _("%(name)s is off") % {"name": name}
                ),
            }
        )
    return result


def _group_messages(messages) -> list[dict]:
    """Messages as days, then runs by the same author (a new run after 5 minutes)."""
    days: list[dict] = []
    previous = None
    for message in messages:
        local = timezone.localtime(message.created_at)
        if not days or days[-1]["date"] != local.date():
            days.append({"date": local.date(), "runs": []})
            previous = None
        runs = days[-1]["runs"]
        if (
            previous is None
            or previous.author_id != message.author_id
            or (message.created_at - previous.created_at) > datetime.timedelta(minutes=5)
        ):
            runs.append({"author": message.author, "messages": []})
        runs[-1]["messages"].append(message)
        previous = message
    return days


def _errors(errors) -> dict:
    return dict(errors or {})


def _first(errors, *fields) -> str:
    for field in fields:
        if (errors or {}).get(field):
            return errors[field][0]
    return ""


def reactable() -> bool:
    """Whether people react to messages with the reactions plugin's widget: when messages
    are declared to ``portal.interactions`` with reactions (the API helper's part) and
    the reactions plugin is on."""
    from portal import interactions

    declaration = interactions.declaration_for(Message)
    return bool(declaration and declaration.reactions)


def _with_reactions(user, messages) -> bool:
    """Give each message its interaction summaries (a fixed number of queries)."""
    if not reactable():
        return False
    from portal import interactions

    interactions.attach_summaries(user, messages)
    return True


def _main_line(messages) -> list:
    return [m for m in messages if m.parent_id is None]


def _wants_fragment(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _back(request, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or default
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = default
    return HttpResponseRedirect(target)


def _form_error(request, conversation, field: str, message: str, status: int = 400):
    return _render_conversation(
        request, conversation, errors={field: [message]}, status=status, source=request.POST
    )


# --- Pages ----------------------------------------------------------------------------------


def _list_context(request, show_archived: bool) -> dict:
    user = request.user
    conversations = services.conversations_for(user).filter(my_archived=show_archived)
    return {
        "conversations": _decorate(user, conversations),
        "show_archived": show_archived,
        "start_form": StartForm(),
        "start_errors": [],
        "title_errors": [],
        "start_open": False,
        "add_form": StartForm(auto_id="add_%s"),
    }


@login_required
@require_safe
def messenger(request):
    context = _list_context(request, request.GET.get("archived") == "1")
    context["errors"] = {}
    return render(request, "messaging/messenger.html", context)


def _render_conversation(request, conversation, errors=None, status=200, source=None):
    user = request.user
    seat = _seat_or_404(user, conversation)
    before = request.GET.get("before")
    try:
        before_id = int(before) if before else None
        if before_id is not None and not 0 < before_id <= MAX_PK:
            before_id = None
    except ValueError:
        before_id = None
    page = services.history(user, conversation, before_id=before_id)
    first_id = page[0].pk if page else None
    more = bool(page) and len(page) >= services.PAGE_SIZE
    messages = _main_line(page)
    reactions = _with_reactions(user, messages)
    if _wants_fragment(request) and before_id is not None:
        return render(
            request,
            "messaging/includes/history.html",
            {
                "reactions": reactions,
                "days": _group_messages(messages),
                "more": more,
                "first_id": first_id,
                "conversation": conversation,
            },
        )
    _decorate(user, [conversation])
    offs = off_people(user, conversation)
    latest_start = max((o["next_start"] for o in offs if o["next_start"]), default=None)
    receipts_on, receipts = services.receipt_state(user, conversation)
    context = {
        "conversation": conversation,
        "reactions": reactions,
        "seat": seat,
        # Read receipts, for the viewer only when they have them on (so do the others):
        # ``data-receipts`` for live.js, and "Seen by…" under the last message.
        "receipts_json": json.dumps({str(k): v for k, v in receipts.items()})
        if receipts_on
        else "",
        "seen_text": _seen_text(conversation, receipts, user) if receipts_on else "",
        "days": _group_messages(messages),
        "more": more,
        "first_id": first_id,
        "last_id": page[-1].pk if page else 0,
        "off_people": offs,
        "schedule_at": latest_start,
        "can_override": bool(offs) and modeoff.can_override(user),
        "errors": _errors(errors),
        "header_error": _first(errors, "action", "participants", "remove"),
        "people_errors": (errors or {}).get("emails") or (errors or {}).get("user_ids") or [],
        "composer_errors": {
            k: v
            for k, v in (errors or {}).items()
            if k not in ("action", "participants", "remove", "emails", "user_ids")
        },
        "source": (source or {}).get("body", ""),
        "scheduled": services.scheduled_messages(user, conversation)[:5],
    }
    if before_id is None and page:
        services.mark_read(user, conversation, page[-1].pk)
    if request.GET.get("panel") == "1":
        context["compact"] = True
        return render(request, "messaging/panel_conversation.html", context, status=status)
    context.update(_list_context(request, seat.archived))
    return render(request, "messaging/conversation.html", context, status=status)


@login_required
@require_safe
def conversation(request, pk: int):
    found = _conversation_or_404(request.user, pk)
    return _render_conversation(request, found)


@login_required
@require_safe
def thread(request, pk: int, message_id: int):
    user = request.user
    found = _conversation_or_404(user, pk)
    if message_id > MAX_PK:
        raise Http404
    try:
        parent, replies = services.thread(user, found, message_id)
    except LookupError:
        raise Http404 from None
    reactions = _with_reactions(user, [parent, *replies])
    context = {
        "conversation": found,
        "parent": parent,
        "replies": replies,
        "errors": {},
        "reactions": reactions,
    }
    template = (
        "messaging/includes/thread_pane.html"
        if _wants_fragment(request)
        else ("messaging/thread.html")
    )
    return render(request, template, context)


@login_required
@require_safe
def panel(request):
    """The chat panel's list, fetched when the panel opens."""
    user = request.user
    conversations = _decorate(
        user, services.conversations_for(user).filter(my_archived=False)[:PANEL_SIZE]
    )
    return render(request, "messaging/panel_list.html", {"conversations": conversations})


@login_required
@require_safe
def unread(request):
    """The total for clients without the socket (and tests)."""
    from django.http import JsonResponse

    return JsonResponse({"total": total_unread(request.user)})


# --- Writes ---------------------------------------------------------------------------------


class StartForm(forms.Form):
    title = forms.CharField(label=_("Title (for a group)"), max_length=120, required=False)
    emails = forms.CharField(
        label=_("People"),
        required=False,
        help_text=_(
            "Start typing a name; without JavaScript, email addresses separated by commas."
        ),
    )


def _chosen_people(request) -> list[int]:
    ids: list[int] = []
    for raw in request.POST.getlist("user_ids"):
        try:
            ids.append(int(raw))
            if ids[-1] > MAX_PK or ids[-1] < 1:
                raise ValueError
        except ValueError as error:
            raise services.MessagingError(
                "user_ids", _("Choose people from the directory.")
            ) from error
    emails = [
        part.strip().lower()
        for part in request.POST.get("emails", "").replace(";", ",").split(",")
        if part.strip()
    ][:50]
    if emails:
        found = {
            u.email.lower(): u.pk
            for u in visibility.filter_visible(
                request.user, User.objects.filter(email__in=emails, is_active=True)
            )
        }
        unknown = [e for e in emails if e not in found]
        if unknown:
            raise services.MessagingError(
                "emails",
                _("No colleague with the address: %(emails)s.") % {"emails": ", ".join(unknown)},
            )
        ids.extend(found.values())
    return list(dict.fromkeys(i for i in ids if i != request.user.pk))


@login_required
@require_POST
@rate_limit("group")
def start(request):
    form = StartForm(request.POST)
    try:
        if not form.is_valid():
            field, messages = next(iter(form.errors.items()))
            raise services.MessagingError(field, messages[0])
        ids = _chosen_people(request)
        if not ids:
            raise services.MessagingError("emails", _("Choose at least one person."))
        if len(ids) == 1 and not form.cleaned_data["title"]:
            found = services.direct_conversation(request.user, ids[0])
        else:
            found = services.start_group(request.user, ids, form.cleaned_data["title"])
    except services.MessagingError as error:
        context = _list_context(request, False)
        context["errors"] = {error.field: [error.message]}
        context["start_errors"] = [error.message] if error.field != "title" else []
        context["title_errors"] = [error.message] if error.field == "title" else []
        context["start_open"] = True
        return render(request, "messaging/messenger.html", context, status=400)
    return HttpResponseRedirect(found.get_absolute_url())


def _parent(user, conversation, raw):
    if not raw:
        return None
    try:
        pk = int(raw)
        if pk > MAX_PK:
            raise ValueError
    except ValueError as error:
        raise services.MessagingError(
            "parent", _("Reply to a message of this conversation.")
        ) from error
    parent = visibility.filter_visible(
        user, Message.objects.filter(conversation=conversation, pk=pk, parent__isnull=True)
    ).first()
    if parent is None:
        raise services.MessagingError("parent", _("Reply to a message of this conversation."))
    return parent


@login_required
@require_POST
@rate_limit("post")
def send(request, pk: int):
    """A message sent by the form (no socket, or with files): store, then back to the
    conversation (htmx: the new message's markup)."""
    user = request.user
    found = _conversation_or_404(user, pk)
    _seat_or_404(user, found)
    source = request.POST.get("body", "")
    client_id = request.POST.get("client_id", "")
    uploads = request.FILES.getlist("files")
    parent = None
    try:
        parent = _parent(user, found, request.POST.get("parent"))
        when = request.POST.get("when", "now")
        if when == "scheduled":
            try:
                send_at = parse_datetime(request.POST.get("send_at", ""))
            except ValueError:
                send_at = None
            if send_at is None:
                raise services.MessagingError("send_at", _("Choose a time in the future."))
            if uploads:
                raise services.MessagingError(
                    "files", _("Files cannot be scheduled; send them now or later by hand.")
                )
            services.schedule_message(
                user, found, source, send_at, parent=parent, client_id=client_id
            )
            return _back(request, found.get_absolute_url())
        urgent = when == "urgent"
        message = services.post_message(
            user,
            found,
            source,
            parent=parent,
            client_id=client_id,
            attachments=uploads,
            urgent=urgent,
            reason=request.POST.get("reason", "") if urgent else "",
        )
    except services.MessagingError as error:
        field = "files" if error.field == "attachments" else error.field
        return _form_error(request, found, field, error.message)
    except PermissionDenied:
        # The seat was checked above: only the override can be refused (a form error).
        return _form_error(request, found, "when", _("You may not send urgent messages."))
    if parent is not None:
        return _back(request, reverse("messaging:thread", args=[found.pk, parent.pk]))
    return _back(request, found.get_absolute_url() + f"#message-{message.pk}")


@login_required
@require_POST
@rate_limit("write")
def settings_action(request, pk: int):
    """Mute, pin, archive (and their opposite), leave."""
    user = request.user
    found = _conversation_or_404(user, pk)
    action = request.POST.get("action", "")
    flags = {
        "mute": ("muted", True),
        "unmute": ("muted", False),
        "pin": ("pinned", True),
        "unpin": ("pinned", False),
        "archive": ("archived", True),
        "unarchive": ("archived", False),
    }
    setters = {
        "muted": services.set_muted,
        "pinned": services.set_pinned,
        "archived": services.set_archived,
    }
    if action in flags:
        flag, value = flags[action]
        try:
            setters[flag](user, found, value)
        except LookupError:
            raise Http404 from None
        return _back(request, found.get_absolute_url())
    if action == "read":
        try:
            services.mark_read(user, found)
        except LookupError:
            raise Http404 from None
        return (
            HttpResponse(status=204)
            if _wants_fragment(request)
            else _back(request, found.get_absolute_url())
        )
    if action == "leave":
        try:
            services.leave(user, found)
        except services.MessagingError as error:
            return _form_error(request, found, error.field, error.message)
        return HttpResponseRedirect(reverse("messaging:messenger"))
    return _form_error(request, found, "action", _("Unknown action."))


@login_required
@require_POST
@rate_limit("group")
def people(request, pk: int):
    """Group admins add people (person picker) or remove one."""
    user = request.user
    found = _conversation_or_404(user, pk)
    seat = _seat_or_404(user, found)
    if found.kind != Conversation.GROUP or not seat.is_admin:
        return _form_error(
            request, found, "participants", _("Only the conversation's admins may do this."), 403
        )
    try:
        remove = request.POST.get("remove")
        if remove:
            try:
                person_id = int(remove)
                if person_id > MAX_PK:
                    raise ValueError
            except ValueError as error:
                raise services.MessagingError(
                    "remove", _("Choose someone of this conversation.")
                ) from error
            if person_id == user.pk or not services.remove_participant(user, found, person_id):
                raise services.MessagingError("remove", _("Choose someone of this conversation."))
        else:
            ids = _chosen_people(request)
            if not ids:
                raise services.MessagingError("emails", _("Choose at least one person."))
            services.add_participants(user, found, ids)
    except services.MessagingError as error:
        field = "user_ids" if error.field in ("user", "participant_ids") else error.field
        return _form_error(request, found, field, error.message)
    except PermissionDenied:
        return _form_error(
            request, found, "participants", _("Only the conversation's admins may do this."), 403
        )
    except LookupError:
        raise Http404 from None
    return _back(request, found.get_absolute_url())


@login_required
@require_POST
@rate_limit("post")
def edit(request, pk: int, message_id: int):
    user = request.user
    found = _conversation_or_404(user, pk)
    if message_id > MAX_PK:
        raise Http404
    try:
        if request.POST.get("action") == "delete":
            message = services.delete_message(user, found, message_id)
        else:
            message = services.edit_message(user, found, message_id, request.POST.get("body", ""))
    except (LookupError, PermissionDenied):
        raise Http404 from None
    except services.MessagingError as error:
        return _form_error(request, found, error.field, error.message)
    return _back(request, found.get_absolute_url() + f"#message-{message.pk}")
