"""The reactions part of every post card of the feed (see :mod:`plugins.feed.extensions`)."""

from __future__ import annotations

from plugins.feed.extensions import PostExtension
from plugins.feed.models import Post
from plugins.reactions import services


def annotate(posts: list, user) -> None:
    """``post.extras["reactions"]``: the summary of each post, at most one query for the
    page (the posts were just loaded, so their reaction counters are current)."""
    found = services.summaries(user, posts, counted=True)
    for post in posts:
        post.extras["reactions"] = found[post.pk]


def activity(since) -> dict[int, int]:
    return services.activity(Post, since)


extension = PostExtension(
    key="reactions",
    annotate=annotate,
    template="reactions/post_reactions.html",
    activity=activity,
    order=10,
)
