"""Background work of the feed: link previews, fetched after the post is saved."""

from __future__ import annotations

from django_tasks import task

from plugins.feed import previews
from plugins.feed.models import Post
from portal.text import render


@task()
def fetch_link_preview(post_id: int, url: str) -> bool:
    """Store the preview of ``url`` on the post, if the post still links there first.

    Returns whether a preview was stored."""
    post = Post.objects.filter(pk=post_id).only("pk", "text").first()
    if post is None or render(post.text).first_link != url:
        return False
    preview = previews.preview_for(url)
    if preview is None:
        return False
    return bool(Post.objects.filter(pk=post_id).update(**preview.fields()))
