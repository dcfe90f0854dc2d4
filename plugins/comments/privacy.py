"""Data-protection requests: the comments a person wrote."""

from django.db import transaction
from django.db.models import Count, F, Q

from plugins.comments.models import Comment
from plugins.feed.models import Post


def export_user_data(user) -> list[dict]:
    return [
        {
            "id": comment.pk,
            "post": comment.post_id,
            "reply_to": comment.parent_id,
            "text": comment.text,
            "written_at": comment.created_at.isoformat(),
            "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
        }
        for comment in Comment.objects.filter(author=user).order_by("created_at", "pk")
    ]


def erase_user_data(user) -> None:
    """Delete the person's comments (with the replies under them) and keep each post's
    comment count right."""
    with transaction.atomic():
        gone = Comment.objects.filter(Q(author=user) | Q(parent__author=user))
        per_post = gone.order_by().values("post_id").annotate(n=Count("pk"))
        for row in per_post:
            Post.objects.filter(pk=row["post_id"], comment_count__gte=row["n"]).update(
                comment_count=F("comment_count") - row["n"]
            )
        gone.delete()
