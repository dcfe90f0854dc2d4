"""Messaging services: every page, API view and socket goes through these.

Reading goes through the visibility policy (only current participants see a conversation
and its messages; anything else answers like a missing conversation). Writing stores
first and broadcasts after the transaction commits, so what a socket delivers is always
already in the history a reconnecting client asks for.

Channel-layer groups:

* ``conversation_group(id)``: the open sockets of a conversation's participants (each
  socket joins the conversations of its person when it connects);
* ``user_group(id)``: one person's open sockets (told when they are added to or removed
  from a conversation, when their mode off changes, when they read elsewhere).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from asgiref.sync import async_to_sync
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from plugins.messaging.models import (
    Conversation,
    Message,
    MessageAttachment,
    Participant,
    ScheduledMessage,
)
from portal import avatars, files, links, modeoff, notifications, text, visibility

logger = logging.getLogger(__name__)

#: The longest message, in characters of what the author typed.
MAX_LENGTH = 10_000
#: The most messages one history page returns.
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
#: The largest id a database stores: anything above is a missing object.
MAX_ID = 2**63 - 1
#: The search registry's key for messages (``search.py``).
SEARCH_KEY = "messaging.message"


class MessagingError(ValueError):
    """A write that cannot be done; ``field`` names the faulty input (for the 400 body)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def conversation_group(conversation_id: int) -> str:
    return f"messaging.conversation.{conversation_id}"


def user_group(user_id: int) -> str:
    return f"messaging.user.{user_id}"


# --- Reading ---------------------------------------------------------------------------


def conversations_for(user) -> QuerySet[Conversation]:
    """The conversations ``user`` takes part in (the policy), pinned first, then latest."""
    visible = visibility.filter_visible(user, Conversation.objects.all())
    return (
        visible.filter(participants__user=user)
        .annotate(
            my_pinned=F("participants__pinned"),
            my_muted=F("participants__muted"),
            my_archived=F("participants__archived"),
            my_last_read=F("participants__last_read_id"),
        )
        .order_by("-my_pinned", F("last_message_at").desc(nulls_last=True), "-pk")
    )


def get_conversation(user, pk) -> Conversation | None:
    """The conversation ``pk`` if ``user`` takes part in it, else ``None`` (a guessed id and
    a missing one answer the same)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return visibility.filter_visible(user, Conversation.objects.filter(pk=pk)).first()


def seat(user, conversation) -> Participant | None:
    return Participant.objects.filter(conversation=conversation, user=user).first()


def participant_ids(conversation) -> list[int]:
    return list(
        Participant.objects.filter(conversation=conversation).values_list("user_id", flat=True)
    )


def conversation_ids_of(user_id: int) -> list[int]:
    """The conversations a socket of this person joins when it connects."""
    return list(
        Participant.objects.filter(user_id=user_id).values_list("conversation_id", flat=True)
    )


def _messages(user, conversation) -> QuerySet[Message]:
    return (
        visibility.filter_visible(user, Message.objects.filter(conversation=conversation))
        .select_related("author", *avatars.related("author"))
        .prefetch_related("attachments")
    )


def _limit(limit) -> int:
    try:
        limit = int(limit)
    except (TypeError, ValueError):
        return PAGE_SIZE
    return max(1, min(limit, MAX_PAGE_SIZE))


def messages_after(user, conversation, after_id: int, limit=MAX_PAGE_SIZE) -> list[Message]:
    """The messages after ``after_id``, oldest first: what a reconnecting client missed.
    Exactly the gap: nothing it has, nothing skipped (ids only grow)."""
    return list(
        _messages(user, conversation).filter(pk__gt=after_id).order_by("pk")[: _limit(limit)]
    )


def history(
    user, conversation, before_id: int | None = None, limit=PAGE_SIZE, *, top_level: bool = False
) -> list[Message]:
    """One page of history before ``before_id`` (the cursor), oldest first; with
    ``top_level``, without the replies of threads (shown under their message instead)."""
    queryset = _messages(user, conversation)
    if top_level:
        queryset = queryset.filter(parent__isnull=True)
    if before_id is not None:
        queryset = queryset.filter(pk__lt=before_id)
    page = list(queryset.order_by("-pk")[: _limit(limit)])
    page.reverse()
    return page


# --- Starting conversations --------------------------------------------------------------


def _people(user, ids: Iterable) -> list:
    """The active people of ``ids`` that ``user`` may see (the directory's policy)."""
    User = get_user_model()
    try:
        wanted = {int(pk) for pk in ids}
    except (TypeError, ValueError) as error:
        raise MessagingError("participants", _("Choose people from the directory.")) from error
    people = list(User.objects.filter(pk__in=wanted, is_active=True))
    people = [p for p in people if p.pk == user.pk or visibility.can_view(user, p)]
    if len(people) != len(wanted):
        raise MessagingError("participants", _("Some of these people cannot be found."))
    return people


def direct_conversation(user, other_id) -> Conversation:
    """The one-to-one conversation of ``user`` and ``other_id``, started if need be."""
    (other,) = _people(user, [other_id])
    if other.pk == user.pk:
        raise MessagingError("participants", _("Choose someone other than yourself."))
    low, high = sorted([user.pk, other.pk])
    key = f"{low}:{high}"
    existing = Conversation.objects.filter(direct_key=key).first()
    if existing is not None:
        # Someone who left a one-to-one conversation finds it again (its history too).
        seated = set(participant_ids(existing))
        missing = [pk for pk in (low, high) if pk not in seated]
        if missing:
            _seat_people(existing, missing)
        return existing
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                kind=Conversation.DIRECT, direct_key=key, created_by=user
            )
            Participant.objects.bulk_create(
                [Participant(conversation=conversation, user_id=pk) for pk in (low, high)]
            )
    except IntegrityError:  # started at the same moment by the other person
        return Conversation.objects.get(direct_key=key)
    _tell_added(conversation, [low, high])
    return conversation


def start_group(user, participant_ids_: Iterable, title: str = "") -> Conversation:
    """An ad hoc group conversation of ``user`` and these people; ``user`` administers it."""
    people = _people(user, participant_ids_)
    others = {p.pk for p in people} - {user.pk}
    if not others:
        raise MessagingError("participants", _("Add at least one other person."))
    title = (title or "").strip()
    if len(title) > Conversation._meta.get_field("title").max_length:
        raise MessagingError("title", _("The title is too long."))
    with transaction.atomic():
        conversation = Conversation.objects.create(
            kind=Conversation.GROUP, title=title, created_by=user
        )
        Participant.objects.bulk_create(
            [Participant(conversation=conversation, user=user, is_admin=True)]
            + [Participant(conversation=conversation, user_id=pk) for pk in sorted(others)]
        )
    _tell_added(conversation, [user.pk, *others])
    visibility.access_changed([user.pk, *others])
    return conversation


# --- Writing -----------------------------------------------------------------------------


def get_message(user, conversation, message_id) -> Message | None:
    """Message ``message_id`` of ``conversation`` if ``user`` may see it, else ``None`` (a
    guessed id, another conversation's message and a missing one answer the same)."""
    try:
        message_id = int(message_id)
    except (TypeError, ValueError):
        return None
    if message_id <= 0 or message_id > MAX_ID:
        return None
    return _messages(user, conversation).filter(pk=message_id).first()


def _check_source(source, *, required: bool = True) -> str:
    if source is None:
        source = ""
    if not isinstance(source, str):
        raise MessagingError("body", _("Write a message."))
    if required and not source.strip():
        raise MessagingError("body", _("Write a message."))
    if len(source) > MAX_LENGTH:
        raise MessagingError(
            "body", _("A message holds at most %(max)d characters.") % {"max": MAX_LENGTH}
        )
    return source


def _check_parent(user, conversation, parent) -> Message | None:
    """The message a reply goes under: of this conversation, visible, not deleted, not a
    reply itself (threads are one level deep)."""
    if parent in (None, ""):
        return None
    if not isinstance(parent, Message):
        parent = get_message(user, conversation, parent)
    if (
        parent is None
        or parent.conversation_id != conversation.pk
        or parent.parent_id
        or parent.deleted_at is not None
    ):
        raise MessagingError("parent", _("Reply to a message of this conversation."))
    return parent


def check_files(uploads, *, existing: int = 0) -> list[files.Upload]:
    """Every uploaded file checked exactly as a post's attachments are
    (:func:`portal.files.check_upload`), before anything is stored; raises
    :class:`MessagingError` on the field ``attachments``."""
    uploads = [f for f in uploads or () if f]
    limit = getattr(settings, "PORTAL_MESSAGE_MAX_FILES", None) or files.max_upload_files()
    if existing + len(uploads) > limit:
        raise MessagingError(
            "attachments",
            ngettext(
                "A message may have at most %(limit)d attachment.",
                "A message may have at most %(limit)d attachments.",
                limit,
            )
            % {"limit": limit},
        )
    name_bytes = MessageAttachment._meta.get_field("name").max_length
    checked = []
    for upload in uploads:
        try:
            checked.append(
                files.check_upload(upload, field="attachments", name_max_bytes=name_bytes)
            )
        except ValidationError as error:
            messages = error.message_dict.get("attachments") or error.messages
            raise MessagingError("attachments", messages[0]) from error
    return checked


def _store_files(message: Message, uploads: list[files.Upload], stored: list) -> None:
    for position, upload in enumerate(uploads):
        files.store_upload(MessageAttachment(message=message, position=position), upload, stored)


def _delete_stored(names) -> None:
    files.delete_stored(MessageAttachment._meta.get_field("file").storage, names)


def post_message(
    user,
    conversation,
    source: str,
    *,
    parent=None,
    client_id: str = "",
    attachments=None,
    urgent: bool = False,
    reason: str = "",
) -> Message:
    """Store what ``user`` wrote in ``conversation`` (they must take part in it), then,
    once committed, broadcast it. A ``client_id`` already used by this author in this
    conversation returns the message stored the first time (a retry lands once).

    ``parent``: a message (or its id) to reply to, in its thread. ``attachments``:
    uploaded files, checked like a post's before anything is stored (a message may be
    files alone). ``urgent`` (with a ``reason``): the mode off override, only for people
    :func:`portal.modeoff.can_override` allows (else ``PermissionDenied``); logged with
    :func:`portal.modeoff.record_override`. The other participants are notified (not the
    muted ones); mentioned participants get a mention; everyone's archive is undone."""
    if seat(user, conversation) is None:
        raise PermissionDenied
    uploads = check_files(attachments)
    source = _check_source(source, required=not uploads)
    client_id = (client_id or "")[:64] if isinstance(client_id, str) else ""
    if client_id:
        again = Message.objects.filter(
            conversation=conversation, author=user, client_id=client_id
        ).first()
        if again is not None:
            return again
    parent = _check_parent(user, conversation, parent)
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if urgent:
        if not modeoff.can_override(user):
            raise PermissionDenied
        if not reason:
            raise MessagingError("reason", _("Say why this message cannot wait."))
        if len(reason) > 500:
            raise MessagingError("reason", _("The reason is too long."))
    rendered = text.render(source, author=user)
    stored: list[str] = []
    override = None
    try:
        with transaction.atomic():
            message = Message.objects.create(
                conversation=conversation,
                author=user,
                source=source,
                body=rendered.html,
                parent=parent,
                client_id=client_id,
                urgent=bool(urgent),
            )
            _store_files(message, uploads, stored)
            Conversation.objects.filter(pk=conversation.pk).update(
                last_message_at=message.created_at, last_message_id=message.pk
            )
            conversation.last_message_at = message.created_at
            conversation.last_message_id = message.pk
            if parent is not None:
                Message.objects.filter(pk=parent.pk).update(reply_count=F("reply_count") + 1)
            # The author has read what they wrote; a new message brings the conversation
            # back from everyone's archive.
            Participant.objects.filter(conversation=conversation, user=user).update(
                last_read_id=message.pk
            )
            Participant.objects.filter(conversation=conversation, archived=True).update(
                archived=False
            )
            # Broadcast first once committed (before the notifications are delivered):
            # the live message never waits for the inboxes.
            message_id, conversation_id = message.pk, conversation.pk
            parent_id = parent.pk if parent is not None else None
            transaction.on_commit(
                lambda: _broadcast_new(conversation_id, message_id, parent_id), robust=True
            )
            if urgent:
                others = [
                    p.user
                    for p in Participant.objects.filter(conversation=conversation)
                    .exclude(user=user)
                    .select_related("user")
                ]
                override = modeoff.record_override(
                    user, others, reason, message, channel=MESSAGE_KIND
                )
            # Then the inboxes (after the broadcast: asking the policy about a hundred
            # participants never delays the live message nor the sender's answer).
            transaction.on_commit(
                lambda: _notify_message(
                    user, conversation, message, rendered, urgent=override, reason=reason
                ),
                robust=True,
            )
    except IntegrityError:
        _delete_stored(stored)
        if client_id:  # the same retry, at the same moment
            again = Message.objects.filter(
                conversation=conversation, author=user, client_id=client_id
            ).first()
            if again is not None:
                return again
        raise
    except BaseException:
        _delete_stored(stored)
        raise
    if rendered.first_link:
        _enqueue_preview(message, rendered.first_link)
    return message


def _broadcast_new(conversation_id: int, message_id: int, parent_id: int | None) -> None:
    message = _loaded(message_id)
    if message is None:
        return
    broadcast(conversation_id, {"type": "message.new", "message": serialise(message)})
    if parent_id:
        _broadcast_changed(parent_id)


def _loaded(message_id: int) -> Message | None:
    return (
        Message.objects.filter(pk=message_id)
        .select_related("author", *avatars.related("author"))
        .prefetch_related("attachments")
        .first()
    )


def _broadcast_changed(message_id: int) -> None:
    """Tell the conversation's sockets that a message changed (edited, deleted, a reply or
    a reaction): ``{"type": "message.changed", "message": ...}``."""
    message = _loaded(message_id)
    if message is not None:
        broadcast(
            message.conversation_id, {"type": "message.changed", "message": serialise(message)}
        )


def changed(message_id: int) -> None:
    """Broadcast ``message.changed`` for ``message_id`` once the transaction commits (for
    other plugins' changes of a message, e.g. reactions)."""
    transaction.on_commit(lambda: _broadcast_changed(message_id), robust=True)


def _enqueue_preview(message: Message, url: str) -> None:
    """Fetch the link preview in the background (``tasks.fetch_message_preview``), as the
    feed does for posts: sending never waits for somebody else's server."""
    message_id = message.pk

    def enqueue():
        from plugins.messaging import tasks

        try:
            tasks.fetch_message_preview.enqueue(message_id, url)
        except Exception:
            logger.exception("Could not enqueue the preview of message %s", message_id)

    transaction.on_commit(enqueue, robust=True)


def _reindex(message_ids: Iterable[int]) -> None:
    try:
        from search import indexer
    except ImportError:  # pragma: no cover - search is a core app
        return
    indexer.schedule([(SEARCH_KEY, pk) for pk in message_ids])


def edit_message(user, conversation, message_id, source: str) -> Message:
    """Change what ``user`` wrote (their own message, not deleted): shown as edited, its
    preview fetched again when its first link changed, re-indexed, and broadcast as
    ``message.changed``. Another's message, or one they cannot see: ``None`` is never
    returned, :class:`LookupError` is raised (the API's 404)."""
    message = get_message(user, conversation, message_id)
    if message is None or message.author_id != user.pk or message.deleted_at is not None:
        raise LookupError(message_id)
    source = _check_source(source, required=not message.attachments.exists())
    if source == message.source:
        return message
    rendered = text.render(source, author=user)
    old_link = text.render(message.source).first_link
    with transaction.atomic():
        message.source = source
        message.body = rendered.html
        message.edited_at = now()
        fields = ["source", "body", "edited_at"]
        if rendered.first_link != old_link:
            message.preview = {}
            fields.append("preview")
        message.save(update_fields=fields)
        _reindex([message.pk])
    if rendered.first_link and rendered.first_link != old_link:
        _enqueue_preview(message, rendered.first_link)
    changed(message.pk)
    return message


def delete_message(user, conversation, message_id) -> Message:
    """Delete ``user``'s own message: its row stays as a tombstone (shown as deleted, its
    replies kept), its text, preview, reactions and attachments (files too, once
    committed) are gone; it leaves the search index. :class:`LookupError` for another's
    message or one they cannot see."""
    message = get_message(user, conversation, message_id)
    if message is None or message.author_id != user.pk:
        raise LookupError(message_id)
    if message.deleted_at is not None:
        return message
    names = list(message.attachments.values_list("file", flat=True))
    with transaction.atomic():
        message.source = ""
        message.body = ""
        message.preview = {}
        message.deleted_at = now()
        message.reaction_count = 0
        message.save(update_fields=["source", "body", "preview", "deleted_at", "reaction_count"])
        message.attachments.all().delete()
        _forget_reactions(message)
        if message.parent_id:
            Message.objects.filter(pk=message.parent_id, reply_count__gt=0).update(
                reply_count=F("reply_count") - 1
            )
            changed(message.parent_id)
        _reindex([message.pk])
        transaction.on_commit(lambda: _delete_stored(names), robust=True)
    changed(message.pk)
    return message


def _forget_reactions(message: Message) -> None:
    if not apps.is_installed("plugins.reactions"):
        return
    from django.contrib.contenttypes.models import ContentType

    from plugins.reactions.models import Reaction

    Reaction.objects.filter(
        content_type=ContentType.objects.get_for_model(Message), object_id=message.pk
    ).delete()


def thread(user, conversation, parent_id, *, after_id: int = 0, limit=MAX_PAGE_SIZE):
    """``(parent, replies)``: a message and its replies, oldest first (after ``after_id``),
    or :class:`LookupError` when ``user`` cannot see that message, or it is a reply."""
    parent = get_message(user, conversation, parent_id)
    if parent is None or parent.parent_id:
        raise LookupError(parent_id)
    replies = list(
        _messages(user, conversation)
        .filter(parent=parent, pk__gt=after_id or 0)
        .order_by("pk")[: _limit(limit)]
    )
    return parent, replies


def attachment_of(user, conversation, attachment_id) -> MessageAttachment | None:
    """The attachment if ``user`` may see its message (a participant of the conversation),
    else ``None`` (same answer for a missing one)."""
    try:
        attachment_id = int(attachment_id)
    except (TypeError, ValueError):
        return None
    if attachment_id <= 0 or attachment_id > MAX_ID:
        return None
    found = (
        MessageAttachment.objects.select_related("message")
        .filter(pk=attachment_id, message__conversation=conversation)
        .first()
    )
    if found is None or found.message.deleted_at is not None:
        return None
    if not visibility.can_view(user, found.message):
        return None
    return found


# --- Serialising -------------------------------------------------------------------------


def _person(user) -> dict | None:
    if user is None:
        return None
    return {
        "id": user.pk,
        "name": user.get_full_name() or user.get_username(),
        "avatar": avatars.photo_url(user) or "",
    }


def _serialise_attachment(attachment: MessageAttachment, conversation_id: int) -> dict:
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse(
            "conversation-attachment", kwargs={"pk": conversation_id, "aid": attachment.pk}
        )
    except NoReverseMatch:  # the API is not mounted
        url = ""
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "is_image": attachment.is_image,
        "width": attachment.width,
        "height": attachment.height,
        "url": url,
    }


def _empty_reactions() -> dict:
    return {"counts": {}, "total": 0, "mine": None, "top": []}


def reaction_summaries(user, messages) -> dict[int, dict]:
    """``{message id: {"counts", "total", "mine", "top"}}`` in one query (none when no
    message has reactions, or without the reactions plugin)."""
    messages = [m for m in messages if m.deleted_at is None]
    if not messages or not apps.is_installed("plugins.reactions"):
        return {}
    from plugins.reactions import services as reactions

    try:
        return reactions.summaries(user, messages, counted=True)
    except Exception:  # not declared (the plugin is disabled)
        return {}


def serialise(message: Message, user=None, *, reactions: dict | None = None) -> dict:
    """The one JSON shape of a message, for sockets and the REST API alike.

    A deleted message keeps its place (a tombstone: ``deleted`` true, no body, no files,
    no reactions). ``reactions`` is the summary from :func:`reaction_summaries` (its
    ``mine`` is the reaction of the person it was computed for; sockets get ``mine``
    null); without it, it is computed only when the message has reactions."""
    author = message.author
    deleted = message.deleted_at is not None
    if deleted:
        summary = _empty_reactions()
    elif reactions is not None:
        summary = reactions
    elif message.reaction_count:
        summary = reaction_summaries(user, [message]).get(message.pk, _empty_reactions())
        if user is None:
            summary = {**summary, "mine": None}
    else:
        summary = _empty_reactions()
    attachments = [] if deleted else list(message.attachments.all())
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "author": _person(author),
        "body": "" if deleted else message.body,
        "parent": message.parent_id,
        "reply_count": message.reply_count,
        "reactions": summary,
        "attachments": [_serialise_attachment(a, message.conversation_id) for a in attachments],
        "preview": (message.preview or None) if not deleted else None,
        "client_id": message.client_id,
        "urgent": message.urgent,
        "created_at": message.created_at.isoformat(),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": deleted,
    }


def serialise_many(user, messages) -> list[dict]:
    """:func:`serialise` for a page of messages, reactions read in one query (attachments
    and authors come loaded with :func:`history` / :func:`messages_after`)."""
    messages = list(messages)
    summaries = reaction_summaries(user, messages)
    empty = _empty_reactions()
    return [serialise(m, user, reactions=summaries.get(m.pk, empty)) for m in messages]


def conversation_url(conversation) -> str:
    """The conversation's page (``messaging:conversation``, from the pages of the
    plugin), or the messenger's home with the conversation's id while that page does not
    exist."""
    from django.urls import NoReverseMatch

    try:
        return conversation.get_absolute_url()
    except NoReverseMatch:
        try:
            return links.reverse("messaging:index") + f"?conversation={conversation.pk}"
        except NoReverseMatch:
            return f"/messaging/?conversation={conversation.pk}"


def display_title(conversation, participants=None, viewer=None) -> str:
    """What a conversation is called: its title, its group's name, or its other people."""
    if conversation.title:
        return conversation.title
    if conversation.kind == Conversation.SPACE and conversation.group_id:
        return conversation.group.name
    people = participants
    if people is None:
        people = [
            p.user
            for p in Participant.objects.filter(conversation=conversation).select_related("user")
        ]
    viewer_id = getattr(viewer, "pk", None)
    names = [
        p.get_full_name() or p.get_username() for p in people if p is not None and p.pk != viewer_id
    ]
    if not names:
        return _("Just you")
    if len(names) > 3:
        return _("%(names)s and %(others)d others") % {
            "names": ", ".join(names[:3]),
            "others": len(names) - 3,
        }
    return ", ".join(names)


#: How many participants a conversation's summary lists (its count says the rest).
PARTICIPANTS_SHOWN = 10


def conversation_summaries(user, conversations=None, *, archived=None) -> list[dict]:
    """The list of ``user``'s conversations as JSON (see :func:`serialise_conversation`),
    pinned first then latest, in a fixed number of queries whatever their number:
    conversations, participants, last messages, unread counts (and mode off)."""
    if conversations is None:
        conversations = conversations_for(user)
        if archived is not None:
            conversations = conversations.filter(my_archived=bool(archived))
    conversations = list(conversations.select_related("group"))
    if not conversations:
        return []
    ids = [c.pk for c in conversations]
    seats: dict[int, list[Participant]] = {}
    for p in (
        Participant.objects.filter(conversation_id__in=ids)
        .select_related("user", *avatars.related("user"))
        .order_by("conversation_id", "joined_at", "pk")
    ):
        seats.setdefault(p.conversation_id, []).append(p)
    last_ids = [c.last_message_id for c in conversations if c.last_message_id]
    last = {
        m.pk: m
        for m in Message.objects.filter(pk__in=last_ids)
        .select_related("author", *avatars.related("author"))
        .prefetch_related("attachments")
    }
    counts = unread_counts(user)
    return [
        serialise_conversation(
            user,
            c,
            participants=seats.get(c.pk, []),
            last_message=last.get(c.last_message_id),
            unread=counts.get(c.pk, 0),
        )
        for c in conversations
    ]


def serialise_conversation(
    user, conversation, *, participants=None, last_message=None, unread=None
) -> dict:
    """One conversation as ``user`` sees it: title, kind, their own flags (pinned, muted,
    archived, admin), unread count, participants (the first few) and the last message."""
    if participants is None:
        participants = list(
            Participant.objects.filter(conversation=conversation)
            .select_related("user", *avatars.related("user"))
            .order_by("joined_at", "pk")
        )
    mine = next((p for p in participants if p.user_id == user.pk), None)
    if last_message is None and conversation.last_message_id:
        last_message = _loaded(conversation.last_message_id)
    if unread is None:
        unread = unread_counts(user, [conversation.pk]).get(conversation.pk, 0)
    people = [p.user for p in participants]
    return {
        "id": conversation.pk,
        "kind": conversation.kind,
        "title": conversation.title,
        "display_title": display_title(conversation, people, user),
        "group": conversation.group_id,
        "created_at": conversation.created_at.isoformat(),
        "last_message_at": conversation.last_message_at.isoformat()
        if conversation.last_message_at
        else None,
        "last_message": serialise(last_message, user) if last_message is not None else None,
        "unread": unread,
        "pinned": bool(mine and mine.pinned),
        "muted": bool(mine and mine.muted),
        "archived": bool(mine and mine.archived),
        "is_admin": bool(mine and mine.is_admin),
        "last_read_id": mine.last_read_id if mine else 0,
        "participant_count": len(participants),
        "participants": [_person(p.user) for p in participants[:PARTICIPANTS_SHOWN]],
    }


# --- Participants ------------------------------------------------------------------------


def _seat_people(conversation, user_ids: Iterable[int], admin_ids: Iterable[int] = ()) -> list:
    """Seat these people (those not seated yet): they start with everything read, their
    sockets join the conversation, search and the access cache learn it."""
    admins = set(admin_ids)
    seated = set(participant_ids(conversation))
    new = [pk for pk in dict.fromkeys(user_ids) if pk not in seated]
    if not new:
        return []
    last = (
        Conversation.objects.filter(pk=conversation.pk)
        .values_list("last_message_id", flat=True)
        .first()
        or 0
    )
    Participant.objects.bulk_create(
        [
            Participant(
                conversation=conversation, user_id=pk, last_read_id=last, is_admin=pk in admins
            )
            for pk in new
        ],
        ignore_conflicts=True,
    )
    _participants_changed(conversation, new)
    _tell_added(conversation, new)
    return new


def _unseat_people(conversation, user_ids: Iterable[int]) -> list:
    """Remove these people: they lose the conversation everywhere at once (API, sockets,
    search, notifications); an ad hoc group left without an admin gets its oldest member
    as one."""
    ids = list(dict.fromkeys(user_ids))
    removed = list(
        Participant.objects.filter(conversation=conversation, user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )
    if not removed:
        return []
    Participant.objects.filter(conversation=conversation, user_id__in=removed).delete()
    if conversation.kind == Conversation.GROUP:
        remaining = Participant.objects.filter(conversation=conversation)
        if remaining.exists() and not remaining.filter(is_admin=True).exists():
            first = remaining.order_by("joined_at", "pk").first()
            Participant.objects.filter(pk=first.pk).update(is_admin=True)
    ScheduledMessage.objects.filter(
        conversation=conversation, author_id__in=removed, sent__isnull=True
    ).delete()
    _participants_changed(conversation, removed)
    transaction.on_commit(
        lambda: [
            tell_user(pk, {"type": "conversation.removed", "conversation": conversation.pk})
            for pk in removed
        ],
        robust=True,
    )
    return removed


def _participants_changed(conversation, user_ids) -> None:
    visibility.access_changed(list(user_ids))
    ids = list(Message.objects.filter(conversation=conversation).values_list("pk", flat=True))
    _reindex(ids)


def participant_list(user, conversation) -> list[dict]:
    """Everyone in the conversation (for ``user``, who takes part in it: else
    :class:`LookupError`), in the order they joined: ``{"id", "name", "avatar",
    "is_admin", "joined_at"}``, in one query."""
    seats = list(
        Participant.objects.filter(conversation=conversation)
        .select_related("user", *avatars.related("user"))
        .order_by("joined_at", "pk")
    )
    if not any(p.user_id == getattr(user, "pk", None) for p in seats):
        raise LookupError(getattr(conversation, "pk", conversation))
    return [
        {**_person(p.user), "is_admin": p.is_admin, "joined_at": p.joined_at.isoformat()}
        for p in seats
    ]


def _admin_seat(user, conversation) -> Participant:
    mine = seat(user, conversation)
    if mine is None:
        raise LookupError(conversation.pk)
    if conversation.kind != Conversation.GROUP:
        raise MessagingError(
            "participants",
            _("People join a group's conversation by joining the group.")
            if conversation.kind == Conversation.SPACE
            else _("A one-to-one conversation has two people: start a group conversation."),
        )
    if not mine.is_admin:
        raise PermissionDenied
    return mine


def add_participants(user, conversation, ids: Iterable) -> list[int]:
    """Add people to an ad hoc group conversation (its admins only; never to a one-to-one
    one; a group's conversation follows the group's members). Returns the ids added."""
    _admin_seat(user, conversation)
    people = _people(user, ids)
    with transaction.atomic():
        return _seat_people(conversation, [p.pk for p in people])


def remove_participant(user, conversation, user_id) -> bool:
    """Remove someone from an ad hoc group conversation (its admins only; anyone may
    remove themselves: :func:`leave`). Whether they were there."""
    try:
        user_id = int(user_id)
    except (TypeError, ValueError) as error:
        raise MessagingError("user", _("Choose a participant.")) from error
    if user_id == user.pk:
        return leave(user, conversation)
    _admin_seat(user, conversation)
    with transaction.atomic():
        return bool(_unseat_people(conversation, [user_id]))


def leave(user, conversation) -> bool:
    """``user`` leaves the conversation (and loses it everywhere). A group's
    conversation is left by leaving the group; a one-to-one conversation found again
    later (:func:`direct_conversation`) brings its history back."""
    if conversation.kind == Conversation.SPACE:
        raise MessagingError("conversation", _("Leave the group to leave its conversation."))
    with transaction.atomic():
        return bool(_unseat_people(conversation, [user.pk]))


def rename(user, conversation, title: str) -> Conversation:
    """Give an ad hoc group conversation a title (its admins)."""
    if not isinstance(title, str):
        raise MessagingError("title", _("Give a title."))
    title = title.strip()
    if len(title) > Conversation._meta.get_field("title").max_length:
        raise MessagingError("title", _("The title is too long."))
    mine = seat(user, conversation)
    if mine is None:
        raise LookupError(conversation.pk)
    if conversation.kind != Conversation.GROUP:
        raise MessagingError("title", _("Only a group conversation has a title."))
    if not mine.is_admin:
        raise PermissionDenied
    if title != conversation.title:
        conversation.title = title
        conversation.save(update_fields=["title"])
        _reindex(Message.objects.filter(conversation=conversation).values_list("pk", flat=True))
        transaction.on_commit(
            lambda: broadcast(conversation.pk, {"type": "conversation.changed"}), robust=True
        )
    return conversation


def _set_flag(user, conversation, name: str, value) -> Participant:
    if not isinstance(value, bool):
        raise MessagingError(name, _("Answer true or false."))
    mine = seat(user, conversation)
    if mine is None:
        raise LookupError(conversation.pk)
    if getattr(mine, name) != value:
        setattr(mine, name, value)
        mine.save(update_fields=[name])
        transaction.on_commit(
            lambda: tell_user(user.pk, {"type": "unread.changed", "conversation": conversation.pk}),
            robust=True,
        )
    return mine


def set_muted(user, conversation, muted: bool) -> Participant:
    """Mute (or unmute) a conversation for ``user``: a muted conversation notifies nothing,
    mentions included (its unread count still shows, but not in the total)."""
    return _set_flag(user, conversation, "muted", muted)


def set_pinned(user, conversation, pinned: bool) -> Participant:
    """Pin a conversation at the top of ``user``'s list."""
    return _set_flag(user, conversation, "pinned", pinned)


def set_archived(user, conversation, archived: bool) -> Participant:
    """Archive a conversation for ``user`` alone; a new message brings it back."""
    return _set_flag(user, conversation, "archived", archived)


# --- A group's own conversation ("space") -----------------------------------------------


def space_of(group) -> Conversation | None:
    """The conversation of ``group``, if its moderators turned it on."""
    return Conversation.objects.filter(group=group, kind=Conversation.SPACE).first()


def _group_people(group) -> tuple[list[int], list[int]]:
    from plugins.groups.models import Membership

    rows = list(
        Membership.objects.filter(group=group, user__is_active=True).values_list("user_id", "role")
    )
    return [pk for pk, _role in rows], [
        pk for pk, role in rows if role in Membership.MANAGING_ROLES
    ]


def enable_space(user, group) -> Conversation:
    """Turn on ``group``'s conversation (its owners and moderators): every member takes
    part, and joining or leaving the group joins or leaves it."""
    from plugins.groups.services import can_moderate

    if not can_moderate(user, group):
        raise PermissionDenied
    existing = space_of(group)
    if existing is not None:
        return existing
    with transaction.atomic():
        try:
            with transaction.atomic():
                conversation = Conversation.objects.create(
                    kind=Conversation.SPACE, group=group, created_by=user
                )
        except IntegrityError:
            return Conversation.objects.get(group=group)
        members, managers = _group_people(group)
        _seat_people(conversation, members, managers)
    return conversation


def disable_space(user, group) -> bool:
    """Turn off ``group``'s conversation (its owners and moderators): it is deleted with
    its messages, and every participant's sockets are told. Whether there was one."""
    from plugins.groups.services import can_moderate

    if not can_moderate(user, group):
        raise PermissionDenied
    conversation = space_of(group)
    if conversation is None:
        return False
    with transaction.atomic():
        ids = participant_ids(conversation)
        names = list(
            MessageAttachment.objects.filter(message__conversation=conversation).values_list(
                "file", flat=True
            )
        )
        message_ids = list(
            Message.objects.filter(conversation=conversation).values_list("pk", flat=True)
        )
        pk = conversation.pk
        conversation.delete()
        visibility.access_changed(ids)
        _reindex(message_ids)
        transaction.on_commit(lambda: _delete_stored(names), robust=True)
        transaction.on_commit(
            lambda: [
                tell_user(uid, {"type": "conversation.removed", "conversation": pk}) for uid in ids
            ],
            robust=True,
        )
    return True


def sync_space(conversation) -> tuple[list[int], list[int]]:
    """Make a group's conversation's participants its group's active members again (what
    membership signals cannot see: bulk changes). Returns ``(added, removed)``."""
    if conversation.kind != Conversation.SPACE or not conversation.group_id:
        return [], []
    members, managers = _group_people(conversation.group)
    seated = set(participant_ids(conversation))
    with transaction.atomic():
        added = _seat_people(conversation, [pk for pk in members if pk not in seated], managers)
        removed = _unseat_people(conversation, [pk for pk in seated if pk not in set(members)])
        seats = Participant.objects.filter(conversation=conversation)
        seats.filter(user_id__in=managers).update(is_admin=True)
        seats.exclude(user_id__in=managers).update(is_admin=False)
    return added, removed


def member_joined(group_id: int, user_id: int, *, manager: bool = False) -> None:
    """A membership was created: seat the person in the group's conversation, if any."""
    conversation = Conversation.objects.filter(group_id=group_id, kind=Conversation.SPACE).first()
    if conversation is not None:
        _seat_people(conversation, [user_id], [user_id] if manager else [])


def member_left(group_id: int, user_id: int) -> None:
    """A membership was deleted: the person leaves the group's conversation, if any."""
    conversation = Conversation.objects.filter(group_id=group_id, kind=Conversation.SPACE).first()
    if conversation is not None:
        _unseat_people(conversation, [user_id])


# --- Unread counts and read receipts -----------------------------------------------------


def _cutoffs(users) -> dict[int, datetime]:
    """``{user id: since}`` for the people who are off now: their counts stand still."""
    found = {}
    for pk, state in modeoff.states(users).items():
        if state.off and state.since:
            found[pk] = state.since
    return found


def unread_counts(user, conversation_ids: Iterable[int] | None = None) -> dict[int, int]:
    """``{conversation id: unread}`` for ``user``: messages after what they read, by
    others, not deleted; in one query (plus mode off's). Conversations with nothing
    unread are left out. While ``user`` is off, only messages from before they went off
    count (the count does not move)."""
    if not visibility.is_active_user(user):
        return {}
    queryset = Message.objects.filter(
        conversation__participants__user=user,
        pk__gt=F("conversation__participants__last_read_id"),
        deleted_at__isnull=True,
    ).exclude(author=user)
    if conversation_ids is not None:
        queryset = queryset.filter(conversation_id__in=list(conversation_ids))
    since = _cutoffs([user]).get(user.pk)
    if since is not None:
        queryset = queryset.filter(created_at__lt=since)
    rows = queryset.order_by().values_list("conversation_id").annotate(n=Count("pk"))
    return dict(rows)


def total_unread(user) -> int:
    """The unread messages of all ``user``'s conversations but the muted ones (the app
    shell's badge)."""
    if not visibility.is_active_user(user):
        return 0
    muted = set(
        Participant.objects.filter(user=user, muted=True).values_list("conversation_id", flat=True)
    )
    return sum(n for pk, n in unread_counts(user).items() if pk not in muted)


def unread_state(user, conversation) -> dict:
    """``{"conversation", "unread", "total"}`` (a conversation or its id): what a socket
    sends its person on ``unread.changed``."""
    pk = getattr(conversation, "pk", conversation)
    return {
        "conversation": pk,
        "unread": unread_counts(user, [pk]).get(pk, 0),
        "total": total_unread(user),
    }


def receipts_enabled(user) -> bool:
    """Whether ``user`` shows and sees read receipts: the company's switch and their own
    opt-out, both kept by mode off (:func:`portal.modeoff.receipts_enabled`)."""
    if not visibility.is_active_user(user):
        return False
    return modeoff.receipts_enabled(user)


def receipts(user, conversation) -> dict[int, int]:
    """``{participant id: last read message id}`` of the others, for ``user`` to see:
    only when receipts are on for ``user`` (company and personal), and only of the
    people who have them on too. Empty otherwise. Three queries."""
    return receipt_state(user, conversation)[1]


def receipt_state(user, conversation) -> tuple[bool, dict[int, int]]:
    """Whether receipts are on for ``user``, and :func:`receipts`: three queries for both
    (the seats, the company's switch, the opt-outs of everyone in the conversation)."""
    if not visibility.is_active_user(user):
        return False, {}
    seats = dict(
        Participant.objects.filter(conversation=conversation).values_list("user_id", "last_read_id")
    )
    shown = modeoff.receipts_for([user.pk, *seats])
    if not shown.get(user.pk):
        return False, {}
    return True, {pk: last for pk, last in seats.items() if pk != user.pk and shown.get(pk)}


def mark_read(user, conversation, up_to_id=None) -> int:
    """``user`` has read ``conversation`` up to ``up_to_id`` (the latest message when
    ``None``): never backwards, never beyond its last message. Their sockets hear
    ``unread.changed``; when receipts are on for them, the conversation hears
    ``{"type": "receipt", "user", "up_to"}`` (each socket forwards it only to people who
    have receipts on); reading to the end marks the conversation's "message"
    notifications read. Returns their last read id."""
    mine = seat(user, conversation)
    if mine is None:
        raise LookupError(getattr(conversation, "pk", conversation))
    last = (
        Conversation.objects.filter(pk=conversation.pk)
        .values_list("last_message_id", flat=True)
        .first()
        or 0
    )
    if up_to_id is None:
        up_to = last
    else:
        try:
            up_to = int(up_to_id)
        except (TypeError, ValueError) as error:
            raise MessagingError("up_to", _("Give the id of a message.")) from error
        if up_to < 0:
            raise MessagingError("up_to", _("Give the id of a message."))
        up_to = min(up_to, last)
    if up_to <= mine.last_read_id:
        return mine.last_read_id
    moved = Participant.objects.filter(pk=mine.pk, last_read_id__lt=up_to).update(
        last_read_id=up_to
    )
    if not moved:
        return Participant.objects.filter(pk=mine.pk).values_list("last_read_id", flat=True)[0]
    if up_to >= last:
        _mark_notifications_read(user, conversation)
    user_id, conversation_id = user.pk, conversation.pk
    show = receipts_enabled(user)

    def tell():
        tell_user(user_id, {"type": "unread.changed", "conversation": conversation_id})
        if show:
            broadcast(conversation_id, {"type": "receipt", "user": user_id, "up_to": up_to})

    transaction.on_commit(tell, robust=True)
    return up_to


def _mark_notifications_read(user, conversation) -> None:
    if not apps.is_installed("plugins.notifications"):
        return
    from django.contrib.contenttypes.models import ContentType

    from plugins.notifications import services as inbox
    from plugins.notifications.models import Notification

    ids = list(
        Notification.objects.filter(
            recipient=user,
            kind__in=[MESSAGE_KIND, notifications.MENTION.key],
            target_type=ContentType.objects.get_for_model(Conversation),
            target_id=conversation.pk,
            read_at__isnull=True,
        ).values_list("pk", flat=True)
    )
    if ids:
        inbox.mark_read(user, ids)


# --- Notifications -----------------------------------------------------------------------

MESSAGE_KIND = "message"

notifications.register_kind(
    notifications.Kind(
        MESSAGE_KIND,
        gettext_lazy("Someone sends me a message"),
        notifications._grouped(
            gettext_lazy("%(actor)s sent you a message in “%(target)s”"),
            gettext_lazy("%(actor)s and %(others)d other person sent you messages in “%(target)s”"),
            gettext_lazy("%(actor)s and %(others)d other people sent you messages in “%(target)s”"),
        ),
        counted=notifications._counted(
            "%(n)d conversation with new messages", "%(n)d conversations with new messages"
        ),
    )
)


# Marked for the translation catalogue (``_counted`` translates it when called).
_COUNTED = ngettext_lazy(
    "%(n)d conversation with new messages", "%(n)d conversations with new messages", 1
)


def _notify_message(user, conversation, message, rendered, *, urgent=None, reason="") -> None:
    """Tell the other participants, except those who muted the conversation (nothing at
    all, mentions included). Mentioned participants get a mention; people mentioned who
    do not take part hear nothing (the message is not theirs to see). The target is the
    conversation (its participants see it); mode off holds it in the core."""
    seats = list(
        Participant.objects.filter(conversation=conversation)
        .exclude(user=user)
        .select_related("user", "conversation__group")
    )
    listening = {p.user_id: p.user for p in seats if not p.muted}
    if not listening:
        return
    mentioned = {u.pk for u in rendered.mentioned_users()} & set(listening)
    title = display_title(conversation, [user] + [p.user for p in seats], None)
    if conversation.kind == Conversation.DIRECT:
        title = user.get_full_name() or user.get_username()
    url = conversation_url(conversation)
    data = {"message": message.pk}
    extra = {}
    if urgent is not None:
        # The override logged with the message: delivered at once to those it names.
        data.update({"urgent": True, "reason": reason})
        extra["urgent"] = urgent
    if mentioned:
        notifications.notify(
            notifications.MENTION.key,
            [listening[pk] for pk in mentioned],
            actor=user,
            target=conversation,
            url=url,
            title=title,
            data=data,
            **extra,
        )
    others = [u for pk, u in listening.items() if pk not in mentioned]
    if others:
        notifications.notify(
            MESSAGE_KIND,
            others,
            actor=user,
            target=conversation,
            url=url,
            title=title,
            data=data,
            **extra,
        )


# --- Mode off: people who are off, and scheduled messages --------------------------------


def recipients_off(user, conversation, at: datetime | None = None) -> list[tuple]:
    """``[(person, State)]`` for the other participants who are off now (to say "Anna is
    off until Monday 9:00" before sending), in a fixed number of queries."""
    others = [
        p.user
        for p in Participant.objects.filter(conversation=conversation, user__is_active=True)
        .exclude(user=user)
        .select_related("user")
    ]
    found = modeoff.states(others, at)
    return [(p, found[p.pk]) for p in others if p.pk in found and found[p.pk].off]


def suggested_send_at(user, conversation, at: datetime | None = None) -> datetime | None:
    """When to schedule a message so that every other participant who is off now is back
    (the latest of their returns), or ``None`` when nobody is off."""
    returns = [state.until for _person_, state in recipients_off(user, conversation, at)]
    returns = [moment for moment in returns if moment is not None]
    return max(returns) if returns else None


#: How far ahead a message may be scheduled.
MAX_SCHEDULE_AHEAD = timedelta(days=366)


def schedule_message(
    user, conversation, source: str, send_at, parent=None, client_id: str = ""
) -> ScheduledMessage:
    """Keep a message to send at ``send_at`` (a recipient's next working hour): only its
    author sees it, lists it and may cancel it; :func:`release_scheduled` sends it, as a
    new message, when its time comes. The same ``client_id`` schedules once."""
    if seat(user, conversation) is None:
        raise PermissionDenied
    source = _check_source(source)
    if isinstance(send_at, str):
        from django.utils.dateparse import parse_datetime

        parsed = parse_datetime(send_at)
        send_at = parsed
    if not isinstance(send_at, datetime):
        raise MessagingError("send_at", _("Give a date and time."))
    if timezone.is_naive(send_at):
        send_at = timezone.make_aware(send_at)
    current = now()
    if send_at <= current:
        raise MessagingError("send_at", _("Choose a time in the future."))
    if send_at > current + MAX_SCHEDULE_AHEAD:
        raise MessagingError("send_at", _("Choose a time within a year."))
    parent = _check_parent(user, conversation, parent)
    client_id = (client_id or "")[:64] if isinstance(client_id, str) else ""
    if client_id:
        again = ScheduledMessage.objects.filter(
            conversation=conversation, author=user, client_id=client_id
        ).first()
        if again is not None:
            return again
    return ScheduledMessage.objects.create(
        conversation=conversation,
        author=user,
        source=source,
        parent=parent,
        client_id=client_id,
        send_at=send_at,
    )


def scheduled_messages(user, conversation=None) -> QuerySet[ScheduledMessage]:
    """``user``'s own scheduled messages not sent yet (of one conversation), soonest
    first; only in conversations they still take part in."""
    queryset = ScheduledMessage.objects.filter(
        author=user,
        sent__isnull=True,
        conversation__participants__user=user,
    )
    if conversation is not None:
        queryset = queryset.filter(conversation=conversation)
    return queryset.order_by("send_at", "pk")


def cancel_scheduled(user, scheduled_id) -> bool:
    """Cancel one of ``user``'s scheduled messages not sent yet; whether there was one."""
    try:
        scheduled_id = int(scheduled_id)
    except (TypeError, ValueError):
        return False
    deleted, _rows = scheduled_messages(user).filter(pk=scheduled_id).delete()
    return bool(deleted)


def serialise_scheduled(scheduled: ScheduledMessage) -> dict:
    return {
        "id": scheduled.pk,
        "conversation": scheduled.conversation_id,
        "source": scheduled.source,
        "parent": scheduled.parent_id,
        "client_id": scheduled.client_id,
        "send_at": scheduled.send_at.isoformat(),
        "created_at": scheduled.created_at.isoformat(),
    }


def release_scheduled(at: datetime | None = None) -> int:
    """Send the scheduled messages whose time has come, as new messages (so they take ids
    after everything already sent). Idempotent: each is sent once, even by two runs at
    the same moment (its ``client_id``, and the ``sent`` link). A message whose author no
    longer takes part in its conversation (or is inactive) is dropped. Returns how many
    were sent."""
    at = at or now()
    sent = 0
    due = list(
        ScheduledMessage.objects.filter(sent__isnull=True, send_at__lte=at)
        .order_by("send_at", "pk")
        .values_list("pk", flat=True)[:1000]
    )
    for pk in due:
        try:
            with transaction.atomic():
                scheduled = (
                    ScheduledMessage.objects.select_for_update()
                    .select_related("author", "conversation")
                    .filter(pk=pk, sent__isnull=True)
                    .first()
                )
                if scheduled is None:
                    continue
                conversation = scheduled.conversation
                author = scheduled.author
                if not visibility.is_active_user(author) or seat(author, conversation) is None:
                    scheduled.delete()
                    continue
                parent = scheduled.parent
                if parent is not None and parent.deleted_at is not None:
                    parent = None
                message = post_message(
                    author,
                    conversation,
                    scheduled.source,
                    parent=parent,
                    client_id=scheduled.client_id or f"scheduled:{scheduled.pk}",
                )
                scheduled.sent = message
                scheduled.save(update_fields=["sent"])
                sent += 1
        except (MessagingError, PermissionDenied):
            logger.warning("Scheduled message %s could not be sent", pk, exc_info=True)
            ScheduledMessage.objects.filter(pk=pk, sent__isnull=True).delete()
    return sent


# --- Broadcasting ------------------------------------------------------------------------


def _send(group: str, event: dict) -> None:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:  # the message is stored: a layer that is down only delays it
        logger.exception("Could not broadcast to %s", group)


def broadcast(conversation_id: int, event: dict) -> None:
    """Tell the open sockets of a conversation's participants. Only participants' sockets
    are in the group (joined on connect, told on every change of participants), and each
    socket also checks the conversation is among those it joined before forwarding."""
    _send(conversation_group(conversation_id), {**event, "conversation": conversation_id})


def tell_user(user_id: int, event: dict) -> None:
    _send(user_group(user_id), event)


def _tell_added(conversation, user_ids: Iterable[int]) -> None:
    ids = list(user_ids)
    transaction.on_commit(
        lambda: [
            tell_user(pk, {"type": "conversation.added", "conversation": conversation.pk})
            for pk in ids
        ],
        robust=True,
    )


def until_label(until, now=None) -> str:
    """When someone off is back, as the conversation's "Anna is off until …" says it:
    "Monday 9:00" within the week, "Monday 4 January 9:00" later; in the active
    language and time zone (the page's and the socket's presence frames alike)."""
    from django.utils import formats

    if until is None:
        return ""
    now = now or timezone.now()
    local = timezone.localtime(until)
    if (until - now) < timedelta(days=6):
        return formats.date_format(local, "l G:i")
    return formats.date_format(local, "l j F G:i")


def now():
    return timezone.now()


# --- Appended by the msgws helper (the socket keeps this set in memory) -------------------


def muted_ids(user) -> set[int]:
    """The conversations ``user`` muted (their new messages push no unread count)."""
    return set(
        Participant.objects.filter(user=user, muted=True).values_list("conversation_id", flat=True)
    )
