from django.utils.translation import gettext_lazy as _

from portal.plugins import PluginConfig


class CommentsConfig(PluginConfig):
    """Comments on posts, with one level of replies, mentions and reactions."""

    name = "plugins.comments"
    label = "comments"
    verbose_name = _("Comments")

    class PortalPluginMeta:
        name = _("Comments")
        version = "0.1.0"
        description = _("Comments and replies on posts, with mentions and reactions.")
        category = "social"
        compatibility = ">=0.1,<1"
        author = "Portal developers"
        requires = ["feed", "reactions"]
        bookmarkable = ["comments.Comment"]
        role_permissions = {"administrator": ["comments.*"]}

    def ready(self) -> None:
        from plugins.comments.feed_extension import extension
        from plugins.comments.models import Comment
        from plugins.feed import extensions
        from plugins.reactions import registry

        registry.register(Comment, api_prefix="comments")
        extensions.register(extension)
