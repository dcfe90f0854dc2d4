"""Comments in search: found by their text, under their object's title (a post, a news
article, a course...), visible exactly when their object is (the index takes the object's
audience tokens through the policy)."""

from django.utils.translation import gettext_lazy as _

from plugins.comments.models import Comment
from portal import interactions
from portal.text import plain_text
from search import registry


def to_document(comment: Comment) -> dict:
    target = comment.target
    document = {
        "title": interactions.title_of(target) if target is not None else "",
        "body": plain_text(comment.html),
        "author": comment.author.get_full_name() or comment.author.email,
        "date": comment.created_at,
        "tags": [],
        "type": "comment",
        # The object's title says where the comment is; only the comment's words find it.
        "match_title": False,
        "url": comment.get_absolute_url() if target is not None else "",
    }
    language = getattr(getattr(target, "locale", None), "language_code", None)
    if language:
        document["language"] = language
    return document


def _comments_of(declaration):
    def comments(obj):
        return Comment.objects.filter(
            content_type=declaration.content_type(), object_id=obj.pk
        ).select_related("author")

    return comments


def _should_index(comment: Comment) -> bool:
    declaration = interactions.for_content_type(comment.content_type_id)
    return declaration is not None and declaration.commentable


registry.register(
    "comments.comment",
    Comment,
    to_document,
    label=_("Comments"),
    queryset=lambda: Comment.objects.select_related("author").prefetch_related("target"),
    # A comment is found under its object's title by whoever may see the object: when the
    # object changes (its title, its audience, a move to another group), so do its comments.
    watch={d.model: _comments_of(d) for d in interactions.commentable()},
    should_index=_should_index,
)
