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
        from plugins.feed.models import Post
        from portal import interactions

        polls.register_visibility_rule()
        # Whoever sees a post may comment on it and react to it (see portal.interactions).
        interactions.declare(
            Post,
            comments=interactions.VIEWERS,
            reactions=True,
            moderates=_moderates_post,
            comment_count_field="comment_count",
            reaction_count_field="reaction_count",
            api_prefix="posts",
            # A post's card shows its reactions: no "Reactions" section under it.
            reactions_section=False,
        )


def _moderates_post(user, post) -> bool:
    """A group's moderators moderate the comments of its posts."""
    from plugins.groups.services import can_moderate

    return post.group_id is not None and can_moderate(user, post.group)
