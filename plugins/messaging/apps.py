from django.utils.translation import gettext_lazy as _

from portal.plugins import PluginConfig


class MessagingConfig(PluginConfig):
    """Messaging: one-to-one and group conversations in real time, with mode off."""

    name = "plugins.messaging"
    label = "messaging"
    verbose_name = _("Messaging")

    class PortalPluginMeta:
        name = _("Messaging")
        version = "1.0.0"
        description = _(
            "Instant messaging: one-to-one and group conversations, live, with threads, "
            "reactions, files and read receipts, that respect each person's working hours."
        )
        category = "communication"
        compatibility = ">=0.1,<1"
        author = "Portal developers"
        requires = ["groups"]
        role_permissions = {
            "employee": ["messaging.add_conversation", "messaging.add_message"],
        }

    def ready(self):
        from plugins.messaging import visibility_rules  # noqa: F401
        from plugins.messaging.models import Message
        from portal import interactions

        # People react to messages (through the reactions plugin), never comment on them;
        # a reaction is visible exactly when its message is (participants only).
        interactions.declare(
            Message,
            comments=interactions.NOBODY,
            reactions=True,
            reaction_count_field="reaction_count",
            api_prefix="messages",
            url=_message_url,
            title=_message_title,
            reactions_section=False,
        )


def _message_url(message) -> str:
    from plugins.messaging.services import conversation_url

    return conversation_url(message.conversation)


def _message_title(message) -> str:
    from plugins.messaging.services import display_title

    return display_title(message.conversation)
