from django.utils.translation import gettext_lazy as _

from portal.plugins import PluginConfig


class NotificationsConfig(PluginConfig):
    """In-app notifications with an unread count, grouped, live or polled, and an email
    digest; what the core notification service delivers."""

    name = "plugins.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    class PortalPluginMeta:
        name = _("Notifications")
        version = "0.1.0"
        description = _(
            "In-app notifications with an unread count, live updates, preferences per "
            "kind and a daily email digest."
        )
        category = "communication"
        compatibility = ">=0.1,<1"
        author = "Portal developers"
        requires = []
        role_permissions = {"administrator": ["notifications.view_notification"]}
