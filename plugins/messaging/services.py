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

from asgiref.sync import async_to_sync
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from plugins.messaging.models import Conversation, Message, Participant
from portal import avatars, text, visibility

logger = logging.getLogger(__name__)

#: The longest message, in characters of what the author typed.
MAX_LENGTH = 10_000
#: The most messages one history page returns.
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


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


def history(user, conversation, before_id: int | None = None, limit=PAGE_SIZE) -> list[Message]:
    """One page of history before ``before_id`` (the cursor), oldest first."""
    queryset = _messages(user, conversation)
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
    return conversation


# --- Writing -----------------------------------------------------------------------------


def post_message(user, conversation, source: str, *, parent=None, client_id: str = "") -> Message:
    """Store what ``user`` wrote in ``conversation`` (they must take part in it), then,
    once committed, broadcast it. A ``client_id`` already used by this author in this
    conversation returns the message stored the first time (a retry lands once)."""
    if not isinstance(source, str) or not source.strip():
        raise MessagingError("body", _("Write a message."))
    if len(source) > MAX_LENGTH:
        raise MessagingError(
            "body", _("A message holds at most %(max)d characters.") % {"max": MAX_LENGTH}
        )
    client_id = (client_id or "")[:64] if isinstance(client_id, str) else ""
    if client_id:
        again = Message.objects.filter(
            conversation=conversation, author=user, client_id=client_id
        ).first()
        if again is not None:
            return again
    if parent is not None and (parent.conversation_id != conversation.pk or parent.parent_id):
        raise MessagingError("parent", _("Reply to a message of this conversation."))
    rendered = text.render(source, author=user)
    with transaction.atomic():
        message = Message.objects.create(
            conversation=conversation,
            author=user,
            source=source,
            body=rendered.html,
            parent=parent,
            client_id=client_id,
        )
        Conversation.objects.filter(pk=conversation.pk).update(
            last_message_at=message.created_at, last_message_id=message.pk
        )
        if parent is not None:
            Message.objects.filter(pk=parent.pk).update(reply_count=F("reply_count") + 1)
        # The author has read what they wrote.
        Participant.objects.filter(conversation=conversation, user=user).update(
            last_read_id=message.pk
        )
    transaction.on_commit(
        lambda: broadcast(conversation.pk, {"type": "message.new", "message": serialise(message)}),
        robust=True,
    )
    return message


def serialise(message: Message) -> dict:
    """The one JSON shape of a message, for sockets and the REST API alike."""
    author = message.author
    deleted = message.deleted_at is not None
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "author": None
        if author is None
        else {"id": author.pk, "name": author.get_full_name() or author.get_username()},
        "body": "" if deleted else message.body,
        "parent": message.parent_id,
        "reply_count": message.reply_count,
        "client_id": message.client_id,
        "created_at": message.created_at.isoformat(),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": deleted,
    }


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


def now():
    return timezone.now()


# --- Appended by the msgws helper (the socket needs these; msgapi may own better ones) -----
# Names as in the shared brief: mark_read(user, conversation, up_to_id), unread_counts(user),
# total_unread(user). mark_read stores, then (after commit) tells the reader's sockets
# ("unread.changed") and, where receipts are on, the conversation ("receipt").


def unread_counts(user) -> dict[int, int]:
    """``{conversation id: unread messages}`` for every conversation ``user`` takes part in
    (muted ones included; zero counts left out), in one query. Their own messages and
    deleted ones do not count."""
    from django.db.models import Count

    rows = (
        Message.objects.filter(
            conversation__participants__user=user,
            pk__gt=F("conversation__participants__last_read_id"),
            deleted_at__isnull=True,
        )
        .exclude(author=user)
        .values("conversation_id")
        .annotate(n=Count("pk"))
    )
    return {row["conversation_id"]: row["n"] for row in rows if row["n"]}


def muted_ids(user) -> set[int]:
    return set(
        Participant.objects.filter(user=user, muted=True).values_list("conversation_id", flat=True)
    )


def total_unread(user) -> int:
    """The shell's badge: unread messages of the conversations that are not muted."""
    muted = muted_ids(user)
    return sum(n for pk, n in unread_counts(user).items() if pk not in muted)


def personal_receipts(user) -> bool:
    """HOOK (personal opt-out of read receipts): until a preference exists, an attribute
    ``read_receipts`` on the account (absent: receipts on). Whoever adds the setting
    replaces this function's body."""
    return bool(getattr(user, "read_receipts", True))


def receipts_enabled(user) -> bool:
    """Read receipts for ``user``: the company's switch (``PORTAL_READ_RECEIPTS``, on by
    default) and their own opt-out. Someone who opted out neither shows nor sees them."""
    from django.conf import settings

    return bool(getattr(settings, "PORTAL_READ_RECEIPTS", True)) and personal_receipts(user)


def mark_read(user, conversation, up_to_id) -> int:
    """``user`` has read ``conversation`` up to message ``up_to_id`` (never backwards, never
    past the conversation's last message). Returns the new ``last_read_id``."""
    try:
        up_to_id = int(up_to_id)
    except (TypeError, ValueError) as error:
        raise MessagingError("up_to", _("Choose a message of this conversation.")) from error
    latest = (
        Message.objects.filter(conversation=conversation, pk__lte=up_to_id)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if latest is None:
        raise MessagingError("up_to", _("Choose a message of this conversation."))
    updated = Participant.objects.filter(
        conversation=conversation, user=user, last_read_id__lt=latest
    ).update(last_read_id=latest)
    if updated:
        pk, reader = conversation.pk, user.pk
        receipts = receipts_enabled(user)

        def tell():
            tell_user(reader, {"type": "unread.changed", "conversation": pk})
            if receipts:
                broadcast(pk, {"type": "receipt", "user": reader, "up_to": latest})

        transaction.on_commit(tell, robust=True)
        return latest
    seat_ = seat(user, conversation)
    return seat_.last_read_id if seat_ else 0
