from django.utils.translation import gettext_lazy as _

from portal.plugins import PluginConfig


class CommentsConfig(PluginConfig):
    """Comments on posts, pages and any declared object, with one level of replies,
    mentions, reactions and reports."""

    name = "plugins.comments"
    label = "comments"
    verbose_name = _("Comments")

    class PortalPluginMeta:
        name = _("Comments")
        version = "0.1.0"
        description = _("Comments and replies on posts and pages, with mentions and reactions.")
        category = "social"
        compatibility = ">=0.1,<1"
        author = "Portal developers"
        requires = ["feed", "reactions"]
        bookmarkable = ["comments.Comment"]
        role_permissions = {"administrator": ["comments.*"]}

    def ready(self) -> None:
        from plugins.comments import services, visibility_rules
        from plugins.comments.feed_extension import extension
        from plugins.comments.models import Comment
        from plugins.feed import extensions
        from portal import interactions

        visibility_rules.register()
        # People react to comments; replies are comments, not comments on comments.
        interactions.declare(
            Comment,
            comments=interactions.NOBODY,
            reactions=True,
            reaction_count_field="reaction_count",
            api_prefix="comments",
            url=lambda comment: comment.get_absolute_url(),
            title=lambda comment: str(comment),
        )
        extensions.register(extension)
        visibility_rules.connect_deletions()
        # Lists and the pages API show each object's comment count (portal.interactions).
        interactions.register_summary(
            "comments",
            services.thread_summaries,
            app_label=self.label,
            template="comments/summary.html",
            order=20,
        )
