"""The comments plugin's contribution to the core: the thread under each post."""

from django.utils.translation import gettext_lazy as _

from plugins.comments import services
from plugins.feed.models import Post
from portal import signals, visibility
from portal.navigation import HomePanel


def post_comments(sender, request, obj, **kwargs):
    """The "Comments" section of a post's page: the whole thread and the form."""
    if not visibility.can_view(request.user, obj):
        return None
    return HomePanel(
        title=_("Comments"),
        template="comments/thread.html",
        context={"post": obj, "comments": services.thread(request.user, obj), "anchor": True},
        order=10,
    )


signals.object_sections.connect(post_comments, sender=Post, dispatch_uid="comments_post_thread")


def page_assets(sender, request, **kwargs):
    """Comment threads open in place wherever posts are shown."""
    return ["comments/comments.css", "comments/comments.js"]


signals.page_assets.connect(page_assets, dispatch_uid="comments_page_assets")
