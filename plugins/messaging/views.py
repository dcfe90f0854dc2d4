"""The messenger's pages: the conversation list and a conversation (``/messaging/``), the
chat panel's fragments (loaded when the panel opens), and the plain-HTTP writes that keep
everything working without the socket (forms post, the page reloads or htmx swaps a part).

Every read goes through ``services`` and the visibility policy: a conversation someone
does not take part in (an outsider, someone removed, a guessed id) answers exactly like a
missing one (404).

Some services are being written alongside these pages (issue 15: unread counts, marking
read, editing, scheduling, participants). Until they land, thin local versions below do
the same through the ORM and the policy; each is marked ``# rewire at merge``.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from plugins.messaging import services
from plugins.messaging.models import (
    Conversation,
    Message,
    MessageAttachment,
    Participant,
    ScheduledMessage,
)
from portal import avatars, files, modeoff, visibility
from portal.ratelimit import rate_limit

User = get_user_model()

#: How many conversations the chat panel lists.
PANEL_SIZE = 8
#: Longest reason for an urgent message.
MAX_REASON = 300


# --- Local versions of services being written in parallel (# rewire at merge) ------------


def _unread_subquery(user):
    """Per conversation: messages after what ``user`` read, not theirs, not deleted."""
    return Coalesce(
        Subquery(
            Message.objects.filter(
                conversation=OuterRef("pk"),
                pk__gt=OuterRef("my_last_read"),
                deleted_at__isnull=True,
                parent__isnull=True,
            )
            .exclude(author=user)
            .order_by()
            .values("conversation")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        0,
    )


def conversations_with_unread(user):
    # rewire at merge: services.unread_counts(user) / conversations_for with unread
    return services.conversations_for(user).annotate(unread=_unread_subquery(user))


def total_unread(user) -> int:
    """The shell's badge: unread messages in conversations that are not muted."""
    # rewire at merge: services.total_unread(user)
    if not visibility.is_active_user(user):
        return 0
    return (
        Message.objects.filter(
            conversation__participants__user=user,
            conversation__participants__muted=False,
            pk__gt=F("conversation__participants__last_read_id"),
            deleted_at__isnull=True,
            parent__isnull=True,
        )
        .exclude(author=user)
        .count()
    )


def mark_read(user, conversation, up_to: int | None = None) -> None:
    # rewire at merge: services.mark_read(user, conversation, up_to)
    up_to = conversation.last_message_id if up_to is None else up_to
    changed = Participant.objects.filter(
        conversation=conversation, user=user, last_read_id__lt=up_to
    ).update(last_read_id=up_to)
    if changed:
        transaction.on_commit(
            lambda: services.tell_user(
                user.pk, {"type": "unread.changed", "conversation": conversation.pk}
            ),
            robust=True,
        )


def set_flag(user, conversation, flag: str, value: bool) -> None:
    # rewire at merge: services.mute / pin / archive (REST PATCH mirror)
    Participant.objects.filter(conversation=conversation, user=user).update(**{flag: value})


def leave(user, conversation) -> None:
    # rewire at merge: services.leave(user, conversation)
    if conversation.kind != Conversation.GROUP:
        raise services.MessagingError("conversation", _("You cannot leave this conversation."))
    Participant.objects.filter(conversation=conversation, user=user).delete()
    visibility.access_changed([user])
    transaction.on_commit(
        lambda: services.tell_user(
            user.pk, {"type": "conversation.removed", "conversation": conversation.pk}
        ),
        robust=True,
    )


def add_people(user, conversation, people) -> None:
    # rewire at merge: services.add_participants(user, conversation, ids)
    existing = set(services.participant_ids(conversation))
    new = [p for p in people if p.pk not in existing]
    Participant.objects.bulk_create(
        [
            Participant(
                conversation=conversation, user=p, last_read_id=conversation.last_message_id
            )
            for p in new
        ]
    )
    visibility.access_changed(new)
    services._tell_added(conversation, [p.pk for p in new])


def remove_person(user, conversation, person_id: int) -> None:
    # rewire at merge: services.remove_participant(user, conversation, id)
    Participant.objects.filter(conversation=conversation, user_id=person_id).delete()
    visibility.access_changed(User.objects.filter(pk=person_id))
    transaction.on_commit(
        lambda: services.tell_user(
            person_id, {"type": "conversation.removed", "conversation": conversation.pk}
        ),
        robust=True,
    )


def edit_message(user, message, source: str) -> None:
    # rewire at merge: services.edit_message(user, message, source)
    from portal import text

    if message.author_id != user.pk or message.deleted_at:
        raise PermissionDenied
    if not source.strip():
        raise services.MessagingError("body", _("Write a message."))
    if len(source) > services.MAX_LENGTH:
        raise services.MessagingError("body", _("This message is too long."))
    message.source = source
    message.body = text.render(source, author=user).html
    message.edited_at = timezone.now()
    message.save(update_fields=["source", "body", "edited_at"])
    _changed(message)


def delete_message(user, message) -> None:
    # rewire at merge: services.delete_message(user, message)
    if message.author_id != user.pk:
        raise PermissionDenied
    message.deleted_at = timezone.now()
    message.source = ""
    message.body = ""
    message.save(update_fields=["deleted_at", "source", "body"])
    _changed(message)


def _changed(message) -> None:
    transaction.on_commit(
        lambda: services.broadcast(
            message.conversation_id,
            {"type": "message.changed", "message": services.serialise(message)},
        ),
        robust=True,
    )


def schedule_message(user, conversation, source: str, send_at, parent=None, client_id=""):
    # rewire at merge: services.schedule_message(user, conversation, source, send_at, ...)
    if not source.strip():
        raise services.MessagingError("body", _("Write a message."))
    if len(source) > services.MAX_LENGTH:
        raise services.MessagingError("body", _("This message is too long."))
    return ScheduledMessage.objects.create(
        conversation=conversation,
        author=user,
        source=source,
        parent=parent,
        client_id=client_id[:64],
        send_at=send_at,
    )


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


def _decorate(user, conversations) -> list:
    """Name, other people and last message of each listed conversation (3 queries)."""
    conversations = list(conversations)
    _participants(conversations)
    last = {
        m.pk: m
        for m in Message.objects.filter(
            pk__in=[c.last_message_id for c in conversations if c.last_message_id]
        ).select_related("author")
    }
    for conversation in conversations:
        conversation.others = [p for p in conversation.people if p.pk != user.pk]
        conversation.display_name = display_name(conversation, user)
        conversation.last_message = last.get(conversation.last_message_id)
    return conversations


def display_name(conversation, user) -> str:
    if conversation.title:
        return conversation.title
    others = getattr(conversation, "others", None)
    if others is None:
        others = [p for p in getattr(conversation, "people", []) if p.pk != user.pk]
    names = [o.get_full_name() or o.get_username() for o in others]
    if not names:
        return _("Only you")
    return ", ".join(names[:3]) + ("…" if len(names) > 3 else "")


def _until_text(until: datetime.datetime | None, now: datetime.datetime) -> str:
    if until is None:
        return ""
    local = timezone.localtime(until)
    if (until - now) < datetime.timedelta(days=6):
        return formats.date_format(local, "l G:i")
    return formats.date_format(local, "l j F G:i")


def off_people(user, people) -> list[dict]:
    """Who among ``people`` (not ``user``) is off now, until when, with the next start."""
    now = timezone.now()
    others = [p for p in people if p.pk != user.pk]
    found = modeoff.states(others, now)
    result = []
    for person in others:
        state = found.get(person.pk)
        if state is None or not state.off:
            continue
        name = person.get_full_name() or person.get_username()
        until = _until_text(state.until, now)
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
    conversations = conversations_with_unread(user).filter(my_archived=show_archived)
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
    offs = off_people(user, conversation.people)
    latest_start = max((o["next_start"] for o in offs if o["next_start"]), default=None)
    context = {
        "conversation": conversation,
        "reactions": reactions,
        "seat": seat,
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
        "scheduled": ScheduledMessage.objects.filter(
            conversation=conversation, author=user, sent__isnull=True
        ).order_by("send_at")[:5],
    }
    if before_id is None and page:
        mark_read(user, conversation, page[-1].pk)
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
    parent = (
        visibility.filter_visible(user, Message.objects.filter(conversation=found, pk=message_id))
        .select_related("author", *avatars.related("author"))
        .prefetch_related("attachments")
        .first()
    )
    if parent is None or parent.parent_id is not None:
        raise Http404
    replies = list(
        visibility.filter_visible(user, Message.objects.filter(parent=parent))
        .select_related("author", *avatars.related("author"))
        .prefetch_related("attachments")
        .order_by("pk")
    )
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
        user, conversations_with_unread(user).filter(my_archived=False)[:PANEL_SIZE]
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


def _attach(message, uploads) -> None:
    from plugins.feed import uploads as checks

    for position, upload in enumerate(uploads):
        attachment = MessageAttachment(
            message=message,
            name=upload.name,
            size=upload.size,
            content_type=upload.content_type,
            is_image=upload.is_image,
            width=upload.width,
            height=upload.height,
            position=position,
        )
        upload.file.seek(0)
        attachment.file.save(upload.storage_name, upload.file, save=False)
        stored = attachment.file.name
        try:
            attachment.save()
        except Exception:
            checks.delete_files([stored])
            raise


@login_required
@require_POST
@rate_limit("post")
def send(request, pk: int):
    """A message sent by the form (no socket, or with files): store, then back to the
    conversation (htmx: the new message's markup)."""
    from plugins.feed import uploads as checks

    user = request.user
    found = _conversation_or_404(user, pk)
    _seat_or_404(user, found)
    source = request.POST.get("body", "")
    try:
        parent = _parent(user, found, request.POST.get("parent"))
        try:
            uploads = checks.validate(request.FILES.getlist("files"))
        except ValidationError as error:
            raise services.MessagingError("files", error.messages[0]) from error
        if not source.strip() and uploads:
            source = " ".join(u.name for u in uploads)
        when = request.POST.get("when", "now")
        if when == "scheduled":
            send_at = parse_datetime(request.POST.get("send_at", ""))
            if send_at is None or timezone.is_naive(send_at) or send_at <= timezone.now():
                raise services.MessagingError("send_at", _("Choose a time in the future."))
            if uploads:
                raise services.MessagingError(
                    "files", _("Files cannot be scheduled; send them now or later by hand.")
                )
            schedule_message(
                user,
                found,
                source,
                send_at,
                parent=parent,
                client_id=request.POST.get("client_id", ""),
            )
            return _back(request, found.get_absolute_url())
        urgent = when == "urgent"
        reason = request.POST.get("reason", "").strip()[:MAX_REASON]
        offs = []
        if urgent:
            _decorate(user, [found])
            offs = [o["person"] for o in off_people(user, found.people)]
            if not modeoff.can_override(user):
                raise services.MessagingError("when", _("You may not send urgent messages."))
            if not reason:
                raise services.MessagingError("reason", _("Say why this cannot wait."))
        with transaction.atomic():
            message = services.post_message(
                user, found, source, parent=parent, client_id=request.POST.get("client_id", "")
            )
            _attach(message, uploads)
            if urgent:
                # rewire at merge: services.post_message(..., urgent=True, reason=...)
                Message.objects.filter(pk=message.pk).update(urgent=True)
                modeoff.record_override(user, offs, reason, target=message)
    except services.MessagingError as error:
        return _form_error(request, found, error.field, error.message)
    except PermissionDenied:
        return _form_error(request, found, "when", _("You may not send urgent messages."), 403)
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
    if action in flags:
        set_flag(user, found, *flags[action])
        return _back(request, found.get_absolute_url())
    if action == "read":
        mark_read(user, found)
        return (
            HttpResponse(status=204)
            if _wants_fragment(request)
            else _back(request, found.get_absolute_url())
        )
    if action == "leave":
        try:
            leave(user, found)
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
            if person_id == user.pk or person_id not in services.participant_ids(found):
                raise services.MessagingError("remove", _("Choose someone of this conversation."))
            remove_person(user, found, person_id)
        else:
            ids = _chosen_people(request)
            if not ids:
                raise services.MessagingError("emails", _("Choose at least one person."))
            add_people(user, found, services._people(user, ids))
    except services.MessagingError as error:
        return _form_error(request, found, error.field, error.message)
    return _back(request, found.get_absolute_url())


def _own_message(user, conversation, message_id) -> Message:
    if message_id > MAX_PK:
        raise Http404
    message = visibility.filter_visible(
        user, Message.objects.filter(conversation=conversation, pk=message_id)
    ).first()
    if message is None:
        raise Http404
    return message


@login_required
@require_POST
@rate_limit("post")
def edit(request, pk: int, message_id: int):
    user = request.user
    found = _conversation_or_404(user, pk)
    message = _own_message(user, found, message_id)
    try:
        if request.POST.get("action") == "delete":
            delete_message(user, message)
        else:
            edit_message(user, message, request.POST.get("body", ""))
    except PermissionDenied:
        raise Http404 from None
    except services.MessagingError as error:
        return _form_error(request, found, error.field, error.message)
    return _back(request, found.get_absolute_url() + f"#message-{message.pk}")


@login_required
@require_safe
def attachment(request, pk: int):
    if pk > MAX_PK:
        raise Http404
    found = (
        MessageAttachment.objects.select_related("message")
        .filter(pk=pk, message__deleted_at__isnull=True)
        .first()
    )
    if found is None or not visibility.can_view(request.user, found.message):
        raise Http404
    handle = files.open_stored(found.file.storage, found.file.name)
    return files.file_response(
        handle,
        stored_name=found.file.name,
        download_name=found.name,
        content_type=found.content_type,
    )
