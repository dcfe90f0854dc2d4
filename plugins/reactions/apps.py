from django.utils.translation import gettext_lazy as _

from portal.plugins import PluginConfig


class ReactionsConfig(PluginConfig):
    """Reactions (like, celebrate, love, insightful, funny) on posts, comments, pages and any
    object declared reactable."""

    name = "plugins.reactions"
    label = "reactions"
    verbose_name = _("Reactions")

    class PortalPluginMeta:
        name = _("Reactions")
        version = "0.1.0"
        description = _("Like, celebrate, love, insightful and funny, and who reacted.")
        category = "social"
        compatibility = ">=0.1,<1"
        author = "Portal developers"
        requires = ["feed"]
        role_permissions = {"administrator": ["reactions.view_reaction"]}

    def ready(self) -> None:
        from plugins.feed import extensions
        from plugins.reactions import registry, services, visibility_rules  # noqa: F401
        from plugins.reactions.feed_extension import extension
        from portal import interactions

        registry.connect()
        extensions.register(extension)
        # Lists and the pages API show each object's reactions (portal.interactions).
        interactions.register_summary(
            "reactions",
            services.object_summaries,
            app_label=self.label,
            template="reactions/summary.html",
            order=10,
        )
