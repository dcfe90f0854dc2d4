"""Data-protection requests: the comments a person wrote (on posts, pages, initiatives,
any declared object) and the reports they made."""

from django.db import transaction
from django.db.models import Count, F, Q

from plugins.comments.models import Comment, CommentReport
from portal import interactions


def export_user_data(user) -> dict:
    comments = []
    for comment in Comment.objects.filter(author=user).order_by("created_at", "pk"):
        declaration = interactions.for_content_type(comment.content_type_id)
        comments.append(
            {
                "id": comment.pk,
                "on": declaration.label if declaration else None,
                "object": comment.object_id,
                # Kept for readers of earlier exports: the post, when it is one.
                "post": comment.post_id,
                "reply_to": comment.parent_id,
                "text": comment.text,
                "written_at": comment.created_at.isoformat(),
                "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
            }
        )
    reports = [
        {
            "comment": report.comment_id,
            "reason": report.reason,
            "at": report.created_at.isoformat(),
            "resolved_at": report.resolved_at.isoformat() if report.resolved_at else None,
        }
        for report in CommentReport.objects.filter(reporter=user).order_by("created_at", "pk")
    ]
    return {"comments": comments, "reports": reports}


def erase_user_data(user) -> None:
    """Delete the person's comments (with the replies under them) and reports, and keep
    each object's comment counter right."""
    with transaction.atomic():
        gone = Comment.objects.filter(Q(author=user) | Q(parent__author=user))
        per_target = gone.order_by().values("content_type_id", "object_id").annotate(n=Count("pk"))
        for row in per_target:
            declaration = interactions.for_content_type(row["content_type_id"])
            field = declaration.comment_count_field if declaration else ""
            if field:
                declaration.model._default_manager.filter(
                    pk=row["object_id"], **{f"{field}__gte": row["n"]}
                ).update(**{field: F(field) - row["n"]})
        gone.delete()
        CommentReport.objects.filter(reporter=user).delete()
