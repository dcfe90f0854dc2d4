"""Data-protection requests: what messaging holds about a person.

Export: their conversations (as they take part in them), the messages they wrote (in any
conversation, including ones they left: exported by author, not through the policy),
their attachments' names and their scheduled messages. Erasure: their messages become
tombstones (text, previews and attachments gone, files removed once committed), their
scheduled messages and their seats are deleted."""

from __future__ import annotations

from django.db import transaction

from plugins.messaging import services
from plugins.messaging.models import (
    Message,
    MessageAttachment,
    Participant,
    ScheduledMessage,
)


def export_user_data(user) -> dict:
    messages = (
        Message.objects.filter(author=user)
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )
    return {
        "conversations": [
            {
                "id": seat.conversation_id,
                "kind": seat.conversation.kind,
                "title": seat.conversation.title,
                "joined_at": seat.joined_at.isoformat(),
                "muted": seat.muted,
                "pinned": seat.pinned,
                "archived": seat.archived,
                "last_read_id": seat.last_read_id,
            }
            for seat in Participant.objects.filter(user=user)
            .select_related("conversation")
            .order_by("joined_at", "pk")
        ],
        "messages": [
            {
                "id": message.pk,
                "conversation": message.conversation_id,
                "text": message.source,
                "parent": message.parent_id,
                "created_at": message.created_at.isoformat(),
                "edited_at": message.edited_at.isoformat() if message.edited_at else None,
                "deleted_at": message.deleted_at.isoformat() if message.deleted_at else None,
                "urgent": message.urgent,
                "attachments": [a.name for a in message.attachments.all()],
            }
            for message in messages
        ],
        "scheduled_messages": [
            {
                "conversation": scheduled.conversation_id,
                "text": scheduled.source,
                "send_at": scheduled.send_at.isoformat(),
                "sent": scheduled.sent_id,
            }
            for scheduled in ScheduledMessage.objects.filter(author=user).order_by("pk")
        ],
    }


def erase_user_data(user) -> None:
    """Their messages are emptied (the rows stay as tombstones so that the others'
    threads keep their shape), their files removed, their scheduled messages and seats
    deleted (their sockets are told)."""
    names = list(
        MessageAttachment.objects.filter(message__author=user).values_list("file", flat=True)
    )
    ids = list(Message.objects.filter(author=user).values_list("pk", flat=True))
    MessageAttachment.objects.filter(message__author=user).delete()
    Message.objects.filter(author=user, deleted_at__isnull=True).update(deleted_at=services.now())
    Message.objects.filter(author=user).update(
        source="", body="", preview={}, client_id="", reaction_count=0
    )
    for message in Message.objects.filter(pk__in=ids):
        services._forget_reactions(message)
    ScheduledMessage.objects.filter(author=user).delete()
    for seat in Participant.objects.filter(user=user).select_related("conversation"):
        services._unseat_people(seat.conversation, [user.pk])
    services._reindex(ids)
    transaction.on_commit(lambda: services._delete_stored(names))
