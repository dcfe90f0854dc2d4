"""Comments in search: found by their text, under their post's title, visible exactly when
their post is (the index takes the post's audience tokens through the policy)."""

from django.utils.translation import gettext_lazy as _

from plugins.comments.models import Comment
from plugins.feed.models import Post
from portal.text import plain_text
from search import registry


def to_document(comment: Comment) -> dict:
    return {
        "title": comment.post.title,
        "body": plain_text(comment.html),
        "author": comment.author.get_full_name() or comment.author.email,
        "date": comment.created_at,
        "tags": [],
        "type": "comment",
        "url": comment.get_absolute_url(),
    }


registry.register(
    "comments.comment",
    Comment,
    to_document,
    label=_("Comments"),
    queryset=lambda: Comment.objects.select_related("post", "author"),
    # A comment is found under its post's title by whoever may see the post: when the post
    # changes (its title, its audience, a move to another group), so do its comments.
    watch={Post: lambda post: Comment.objects.filter(post_id=post.pk)},
)
