"""What people do with comments: write, reply (one level), edit, delete, read a thread.

Only people who may see a post see or write its comments: every function checks the one
visibility policy and raises ``Http404`` for a post or comment the user may not see,
``PermissionDenied`` for an action they may not take on one they see, and
``ValidationError`` (``{field: [message]}``) for bad input. Writes are atomic and keep
``Post.comment_count`` right with ``F()`` updates.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plugins.comments.models import Comment
from plugins.feed.models import Post
from plugins.groups.services import can_moderate
from plugins.reactions import services as reactions
from portal import notifications, signals, visibility
from portal.lookups import NOT_FOUND, get_visible_or_404, parse_id
from portal.text import Rendered, mentioned_keys, plain_text, render

MAX_LENGTH = Comment._meta.get_field("text").max_length


def check_post(user, post) -> Post:
    if post is None or not visibility.can_view(user, post):
        raise Http404(NOT_FOUND)
    return post


def get_post(user, post_id) -> Post:
    """The post, if ``user`` may see it (else Http404, whether it exists or not)."""
    return get_visible_or_404(user, Post.objects.select_related("author", "group"), post_id)


def get_comment(user, comment_id) -> Comment:
    """The comment, if ``user`` may see its post (else Http404, the same whether the
    comment does not exist or its post is hidden)."""
    comment = (
        Comment.objects.select_related("post", "post__group", "author", "parent")
        .filter(pk=parse_id(comment_id))
        .first()
    )
    if comment is None:
        raise Http404(NOT_FOUND)
    check_post(user, comment.post)
    return comment


def visible_comments(user):
    """Every comment ``user`` may see (through its post)."""
    return visibility.filter_visible(user, Comment.objects.all())


def _render(text, author) -> Rendered:
    text = (text or "").strip()
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            {
                "text": [
                    _("A comment has at most %(max)d characters (this one has %(length)d).")
                    % {"max": MAX_LENGTH, "length": len(text)}
                ]
            }
        )
    rendered = render(text, author)
    if not plain_text(rendered.html):
        raise ValidationError({"text": [_("Write something before sending your comment.")]})
    return rendered


def _notify_mentions(user, comment, post, users, already=()) -> None:
    already = set(already)
    people = [person for person in users if person.pk not in already]
    notifications.notify(
        "mention",
        people,
        actor=user,
        target=post,
        url=comment.get_absolute_url(),
        group_key=f"mention:comments.comment:{comment.pk}",
    )


def add_comment(user, post, text, parent=None) -> Comment:
    """Comment on ``post`` (or reply to ``parent``, one of its comments).

    A reply to a reply attaches to the top-level comment: threads have one level. The
    post's author hears of the comment, the parent's author of the reply and mentioned
    people of the mention; one notification per person, in that order of priority.
    """
    check_post(user, post)
    if parent is not None:
        if parent.post_id != post.pk:
            raise ValidationError({"parent": [_("This comment belongs to another post.")]})
        if parent.parent_id is not None:
            parent = parent.parent
    rendered = _render(text, user)
    with transaction.atomic():
        comment = Comment.objects.create(
            post=post, parent=parent, author=user, text=text.strip(), html=rendered.html
        )
        Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
        post.comment_count += 1
        told = {user.pk}
        url = comment.get_absolute_url()
        if post.author_id not in told:
            notifications.notify("comment", [post.author], actor=user, target=post, url=url)
            told.add(post.author_id)
        if parent is not None and parent.author_id not in told:
            notifications.notify(
                "reply",
                [parent.author],
                actor=user,
                target=post,
                url=url,
                group_key=f"reply:comments.comment:{parent.pk}",
            )
            told.add(parent.author_id)
        _notify_mentions(user, comment, post, rendered.mentioned_users(), already=told)
        signals.activity.send(sender=Comment, actor=user, verb="commented", obj=comment)
    return comment


def can_edit(user, comment) -> bool:
    return visibility.is_active_user(user) and comment.author_id == user.pk


def can_delete(user, comment, moderator: bool | None = None) -> bool:
    """The author, the moderators of the post's group, and people with the permission.

    ``moderator`` (whether ``user`` moderates the post's group) spares a query per comment
    when the caller knows it.
    """
    if not visibility.is_active_user(user):
        return False
    if comment.author_id == user.pk or user.has_perm("comments.delete_comment"):
        return True
    if moderator is None:
        moderator = _moderates(user, comment.post)
    return moderator


def _moderates(user, post) -> bool:
    return post.group_id is not None and can_moderate(user, post.group)


def edit_comment(user, comment, text) -> Comment:
    """The author rewrites their comment; only mentions the edit adds notify anyone."""
    check_post(user, comment.post)
    if not can_edit(user, comment):
        raise PermissionDenied(_("Only the author may edit a comment."))
    rendered = _render(text, user)
    before = mentioned_keys(comment.text)
    with transaction.atomic():
        comment.text = text.strip()
        comment.html = rendered.html
        comment.edited_at = timezone.now()
        comment.save(update_fields=["text", "html", "edited_at"])
        added = Rendered(html="", mentions=rendered.mentions - before)
        _notify_mentions(user, comment, comment.post, added.mentioned_users())
    return comment


def delete_comment(user, comment) -> int:
    """Delete a comment (a top-level one with its replies); how many went."""
    check_post(user, comment.post)
    if not can_delete(user, comment):
        raise PermissionDenied(_("You may not delete this comment."))
    with transaction.atomic():
        gone = Comment.objects.filter(Q(pk=comment.pk) | Q(parent_id=comment.pk))
        count = gone.count()
        gone.delete()
        Post.objects.filter(pk=comment.post_id, comment_count__gte=count).update(
            comment_count=F("comment_count") - count
        )
    return count


def load(user, comments: list, post=None) -> list:
    """Attach to each comment its reaction summary and what ``user`` may do with it, in a
    constant number of queries (the comments share ``post`` when it is given)."""
    summaries = reactions.summaries(user, comments)
    moderates: dict[int, bool] = {}
    for comment in comments:
        owner = post or comment.post
        if owner.pk not in moderates:
            moderates[owner.pk] = _moderates(user, owner)
        comment.summary = summaries[comment.pk]
        comment.can_edit = can_edit(user, comment)
        comment.can_delete = can_delete(user, comment, moderator=moderates[owner.pk])
    return comments


def thread(user, post, top_level=None) -> list[Comment]:
    """The top-level comments of ``post``, oldest first, each with ``reply_list``, its
    author, reaction summary and permissions, in a constant number of queries.

    ``top_level`` (a page of them, for the API) limits the thread to those comments.
    """
    check_post(user, post)
    queryset = (
        Comment.objects.filter(post=post).select_related("author").order_by("created_at", "pk")
    )
    if top_level is None:
        everything = list(queryset)
        tops = [c for c in everything if c.parent_id is None]
        replies = [c for c in everything if c.parent_id is not None]
    else:
        tops = list(top_level)
        replies = list(queryset.filter(parent__in=[c.pk for c in tops])) if tops else []
    for comment in tops:
        comment.post = post
        comment.reply_list = []
    by_pk = {c.pk: c for c in tops}
    for reply in replies:
        if reply.parent_id in by_pk:
            reply.post = post
            reply.reply_list = []
            by_pk[reply.parent_id].reply_list.append(reply)
    load(user, [*tops, *(r for c in tops for r in c.reply_list)], post=post)
    return tops


def top_level_comments(post):
    """The top-level comments of a post, oldest first (the API pages through these)."""
    return Comment.objects.filter(post=post, parent=None).select_related("author")
