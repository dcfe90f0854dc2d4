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
