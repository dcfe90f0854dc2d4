from django.utils.translation import gettext_lazy as _

from portal.plugins import PluginConfig


class FeedConfig(PluginConfig):
    """The feed: status, event and poll posts, follows, pins, relaunches and the last 24
    hours, merged with the editorial news."""

    name = "plugins.feed"
    label = "feed"
    verbose_name = _("Feed")

    class PortalPluginMeta:
        name = _("Feed")
        version = "0.1.0"
        description = _(
            "Status, event and poll posts for the company, a department or a group; the "
            "home feed with news, follows, pins, relaunches and the last 24 hours."
        )
        category = "social"
        compatibility = ">=0.1,<1"
        author = "Portal developers"
        requires = ["groups"]
        bookmarkable = ["feed.Post"]
        role_permissions = {
            "editor": ["feed.relaunch_post", "feed.pin_post"],
            "administrator": ["feed.*"],
        }

    def ready(self) -> None:
        from plugins.feed import polls

        polls.register_visibility_rule()
