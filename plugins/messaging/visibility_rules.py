"""Conversations in the visibility policy: a conversation and its messages are seen by
its current participants only. Someone removed from a conversation, or who left it (or
left the group whose conversation it is), sees none of it any more, their own messages
included, like any audience they left. (A scheduled message is not a message until its
time comes: its author alone sees it, through ``ScheduledMessage``'s own queries.)"""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from plugins.messaging.models import Conversation, Message, Participant
from portal import visibility


def _seat(user, conversation_ref: str):
    return Exists(Participant.objects.filter(conversation=OuterRef(conversation_ref), user=user))


def _is_user(user) -> bool:
    return visibility.is_active_user(user)


def can_view_conversation(user, conversation) -> bool:
    if not _is_user(user):
        return False
    return Participant.objects.filter(conversation=conversation, user=user).exists()


def filter_conversations(user, queryset):
    if not _is_user(user):
        return queryset.none()
    return queryset.filter(_seat(user, "pk"))


def conversation_tokens(conversation) -> set[str]:
    ids = Participant.objects.filter(conversation=conversation).values_list("user_id", flat=True)
    return {visibility.user_token(pk) for pk in ids}


def can_view_message(user, message) -> bool:
    if not _is_user(user):
        return False
    return can_view_conversation(user, message.conversation_id)


def filter_messages(user, queryset):
    if not _is_user(user):
        return queryset.none()
    return queryset.filter(_seat(user, "conversation_id"))


def message_tokens(message) -> set[str]:
    if message.deleted_at is not None:
        return set()
    return conversation_tokens(message.conversation_id)


visibility.register(
    Conversation,
    visibility.Rule(can_view_conversation, filter_conversations, conversation_tokens),
)
visibility.register(Message, visibility.Rule(can_view_message, filter_messages, message_tokens))
