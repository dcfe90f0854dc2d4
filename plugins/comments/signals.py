"""The comments plugin's contribution to the core: the thread under each commentable object
(a post's page, a news article, a course...)."""

from django.utils.translation import gettext_lazy as _

from portal import interactions, signals
from portal.navigation import HomePanel


def object_comments(sender, request, obj, **kwargs):
    """The "Comments" section of a commentable object's page: the thread and the form."""
    if not interactions.may_read_comments(request.user, obj):
        return None
    from plugins.comments.views import thread_context

    return HomePanel(
        title=_("Comments"),
        template="comments/thread.html",
        context={**thread_context(request, obj), "anchor": True},
        order=10,
    )


signals.object_sections.connect(object_comments, dispatch_uid="comments_object_thread")


def page_assets(sender, request, **kwargs):
    """Comment threads open in place wherever posts are shown."""
    return ["comments/comments.css", "comments/comments.js"]


signals.page_assets.connect(page_assets, dispatch_uid="comments_page_assets")
