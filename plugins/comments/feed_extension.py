"""The comments part of every post card of the feed (see :mod:`plugins.feed.extensions`)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Subquery

from plugins.comments.models import Comment
from plugins.feed.extensions import PostExtension
from plugins.feed.models import Post
from portal import avatars
from portal.prepared import Prepared


def _post_type() -> int:
    return ContentType.objects.get_for_model(Post).pk


def _latest_query(post_type, post_ids):
    newest = (
        Comment.objects.filter(content_type_id=post_type, object_id=OuterRef("pk"))
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    latest = Post.objects.filter(pk__in=post_ids).annotate(latest=Subquery(newest)).values("latest")
    return (
        Comment.objects.filter(pk__in=latest)
        .select_related("author", *avatars.related("author"))
        .order_by()
    )


#: Compiled once (see :mod:`portal.prepared`): building it took longer than running it.
_LATEST = Prepared(_latest_query)


def _latest(post_ids) -> dict[int, Comment]:
    """The latest comment of each post, in one query: a subquery per post reads the newest
    entry of the ``(content_type, object_id, created_at)`` index (a subquery per comment,
    as before, read every comment of the page's posts)."""
    if not post_ids:
        return {}
    return {c.object_id: c for c in _LATEST.objects(_post_type(), list(post_ids))}


def annotate(posts: list, user) -> None:
    """``post.extras["comments"]``: the count, and the latest comment, one query per page."""
    latest = _latest([post.pk for post in posts if post.comment_count])
    for post in posts:
        data = {"count": post.comment_count, "latest": None}
        comment = latest.get(post.pk)
        if comment is not None:
            data["latest"] = {
                "id": comment.pk,
                "author": {
                    "id": comment.author_id,
                    "name": comment.author.get_full_name() or comment.author.email,
                    "url": comment.author.get_absolute_url(),
                },
                "html": comment.html,
                "created_at": comment.created_at.isoformat(),
                "edited": comment.edited_at is not None,
            }
        post.extras["comments"] = data


def activity(since) -> dict[int, int]:
    rows = (
        Comment.objects.filter(content_type_id=_post_type(), created_at__gte=since)
        .order_by()
        .values("object_id")
        .annotate(n=Count("pk"))
    )
    return {row["object_id"]: row["n"] for row in rows}


extension = PostExtension(
    key="comments",
    annotate=annotate,
    template="comments/post_comments.html",
    activity=activity,
    order=20,
)
