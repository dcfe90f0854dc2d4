"""Data-protection requests: what the feed holds about a person."""

from django.db import transaction

from plugins.feed import uploads
from plugins.feed.models import Attachment, EventResponse, Follow, PollVote, Post, Report


def export_user_data(user) -> dict:
    posts = (
        Post.objects.filter(author=user)
        .select_related("event", "poll", "shared_type")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )
    return {
        "posts": [
            {
                "id": post.pk,
                "kind": post.kind,
                "text": post.text,
                "audience": post.audience,
                "created_at": post.created_at.isoformat(),
                "edited_at": post.edited_at.isoformat() if post.edited_at else None,
                "attachments": [a.name for a in post.attachments.all()],
                "title": post.title,
                # What the person shared (they could see it then): its kind and id.
                "shared": (
                    {"type": post.shared_type.model_class()._meta.label_lower, "id": post.shared_id}
                    if post.shared_type_id and post.shared_type.model_class()
                    else None
                ),
            }
            for post in posts
        ],
        "poll_votes": [
            {
                "post": vote.poll.post_id,
                "question": vote.poll.question,
                "option": vote.option.label,
                "voted_at": vote.voted_at.isoformat(),
            }
            for vote in PollVote.objects.filter(user=user).select_related("poll", "option")
        ],
        "event_answers": [
            {
                "post": answer.event.post_id,
                "event": answer.event.title,
                "answer": answer.answer,
                "answered_at": answer.answered_at.isoformat(),
            }
            for answer in EventResponse.objects.filter(user=user).select_related("event")
        ],
        "follows": [
            {
                "user": follow.user_id,
                "group": follow.group.name if follow.group_id else None,
                "since": follow.created_at.isoformat(),
            }
            for follow in Follow.objects.filter(follower=user).select_related("group")
        ],
        "reports": [
            {
                "post": report.post_id,
                "reason": report.reason,
                "created_at": report.created_at.isoformat(),
                "resolved_at": report.resolved_at.isoformat() if report.resolved_at else None,
            }
            for report in Report.objects.filter(reporter=user)
        ],
    }


def erase_user_data(user) -> None:
    """Delete the person's posts (and their files, once committed), votes, answers, follows
    and reports; other people's follows of them go too."""
    files = list(Attachment.objects.filter(post__author=user).values_list("file", flat=True))
    Post.objects.filter(author=user).delete()
    PollVote.objects.filter(user=user).delete()
    EventResponse.objects.filter(user=user).delete()
    Follow.objects.filter(follower=user).delete()
    Follow.objects.filter(user=user).delete()
    Report.objects.filter(reporter=user).delete()
    transaction.on_commit(lambda: uploads.delete_files(files))
