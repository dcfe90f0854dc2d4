"""Messages in the portal's search. Who may find a message is the visibility policy's
answer (``tokens_for_object``: the ``user:<id>`` tokens of the conversation's current
participants; none for a deleted message), so only participants find it; a change of
participants re-indexes the conversation's messages (``services._participants_changed``)."""

from django.utils.translation import gettext_lazy as _

from plugins.messaging.models import Message
from plugins.messaging.services import SEARCH_KEY, conversation_url, display_title
from portal.text import plain_text
from search.registry import register


def message_document(message: Message) -> dict:
    author = message.author
    return {
        "title": display_title(message.conversation),
        # The title names the conversation the message is in: shown, never matched.
        "match_title": False,
        "body": plain_text(message.body),
        "author": (author.get_full_name() or str(author)) if author else "",
        "date": message.created_at,
        "tags": [],
        "type": "message",
        "url": f"{conversation_url(message.conversation)}#message-{message.pk}",
    }


def messages():
    return Message.objects.filter(deleted_at__isnull=True).select_related(
        "author", "conversation", "conversation__group"
    )


register(
    SEARCH_KEY,
    Message,
    message_document,
    _("Messages"),
    queryset=messages,
    should_index=lambda message: message.deleted_at is None,
)
