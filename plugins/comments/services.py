"""What people do with comments: write, reply (one level), edit, delete, report, read a thread.

A comment is on a *target*: any object whose model is declared commentable in
:mod:`portal.interactions` (a post, a page, an initiative). Only people who may see the
target see or write its comments: every function checks the one visibility policy and
raises ``Http404`` for a target or comment the user may not see (the same answer as for a
missing one), ``PermissionDenied`` for an action they may not take on one they see (a
closed thread, a members-only one), and ``ValidationError`` (``{field: [message]}``) for
bad input. Writes are atomic and keep the target's comment counter (when it declares one)
right with ``F()`` updates.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plugins.comments.models import Comment, CommentReport
from plugins.reactions import services as reactions
from portal import avatars, interactions, notifications, signals, visibility
from portal.lookups import NOT_FOUND, parse_id
from portal.text import Rendered, mentioned_keys, plain_text, render

MAX_LENGTH = Comment._meta.get_field("text").max_length
REASON_MAX_LENGTH = CommentReport._meta.get_field("reason").max_length


def declaration(target) -> interactions.Interactive:
    found = interactions.declaration_for(type(target)) if target is not None else None
    if found is None or not found.commentable:
        raise Http404(NOT_FOUND)
    return found


def check_target(user, target):
    """``target`` if ``user`` may read its comments (else Http404, as for a missing one)."""
    declaration(target)
    if not visibility.can_view(user, target):
        raise Http404(NOT_FOUND)
    return target


#: Kept for the callers that speak of posts.
check_post = check_target


def get_target(user, api_prefix: str, object_id):
    """The object ``/<api_prefix>/<object_id>/`` names, if ``user`` may see it."""
    target = interactions.lookup(api_prefix, parse_id(object_id))
    return check_target(user, target)


def get_post(user, post_id):
    """The post, if ``user`` may see it (else Http404, whether it exists or not)."""
    return get_target(user, "posts", post_id)


def of(target):
    """The comments of ``target`` (a queryset; no visibility check)."""
    found = declaration(target)
    return Comment.objects.filter(content_type=found.content_type(), object_id=target.pk)


def get_comment(user, comment_id) -> Comment:
    """The comment, if ``user`` may see its target (else Http404, the same whether the
    comment does not exist or its target is hidden)."""
    comment = (
        Comment.objects.select_related("author", "parent").filter(pk=parse_id(comment_id)).first()
    )
    if comment is None:
        raise Http404(NOT_FOUND)
    found = interactions.for_content_type(comment.content_type_id)
    if found is None or not found.commentable:
        raise Http404(NOT_FOUND)
    check_target(user, comment.target)
    return comment


def visible_comments(user):
    """Every comment ``user`` may see (through its target)."""
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


def _notify_mentions(user, comment, target, users, already=()) -> None:
    already = set(already)
    people = [person for person in users if person.pk not in already]
    notifications.notify(
        "mention",
        people,
        actor=user,
        target=target,
        url=comment.get_absolute_url(),
        group_key=f"mention:comments.comment:{comment.pk}",
    )


def _bump(target, found: interactions.Interactive, delta: int) -> None:
    field = found.comment_count_field
    if not field:
        return
    queryset = type(target)._default_manager.filter(pk=target.pk)
    if delta < 0:
        queryset = queryset.filter(**{f"{field}__gte": -delta})
    queryset.update(**{field: F(field) + delta})
    if hasattr(target, field):
        setattr(target, field, max(0, getattr(target, field) + delta))


def check_may_comment(user, target) -> None:
    """PermissionDenied, saying why, when ``user`` (who sees ``target``) may not comment."""
    if interactions.may_comment(user, target):
        return
    if not interactions.comments_open(target):
        raise PermissionDenied(_("Comments are closed here."))
    raise PermissionDenied(_("Only members may comment here."))


def add_comment(user, target, text, parent=None) -> Comment:
    """Comment on ``target`` (or reply to ``parent``, one of its comments).

    A reply to a reply attaches to the top-level comment: threads have one level. The
    target's author (or the page's owner) hears of the comment, the parent's author of the
    reply and mentioned people of the mention; one notification per person, in that order.
    """
    check_target(user, target)
    check_may_comment(user, target)
    found = declaration(target)
    content_type = found.content_type()
    if parent is not None:
        if parent.content_type_id != content_type.pk or parent.object_id != target.pk:
            raise ValidationError({"parent": [_("This comment belongs to something else.")]})
        if parent.parent_id is not None:
            parent = parent.parent
    rendered = _render(text, user)
    with transaction.atomic():
        comment = Comment(
            content_type=content_type,
            object_id=target.pk,
            parent=parent,
            author=user,
            text=text.strip(),
            html=rendered.html,
        )
        comment.target = target
        comment.save()
        _bump(target, found, +1)
        told = {user.pk}
        url = comment.get_absolute_url()
        authors = [p for p in interactions.recipients(target) if p.pk not in told]
        if authors:
            # "commented on your post" for a post, "commented on “<title>”" for the rest.
            kind = "comment" if found.api_prefix == "posts" else "content_comment"
            notifications.notify(kind, authors, actor=user, target=target, url=url)
            told.update(p.pk for p in authors)
        if parent is not None and parent.author_id not in told:
            notifications.notify(
                "reply",
                [parent.author],
                actor=user,
                target=target,
                url=url,
                group_key=f"reply:comments.comment:{parent.pk}",
            )
            told.add(parent.author_id)
        _notify_mentions(user, comment, target, rendered.mentioned_users(), already=told)
        signals.activity.send(sender=Comment, actor=user, verb="commented", obj=comment)
    return comment


def can_edit(user, comment) -> bool:
    return visibility.is_active_user(user) and comment.author_id == user.pk


def can_delete(user, comment, moderator: bool | None = None) -> bool:
    """The author, the moderators of the target (a group's, a page's editors), and people
    with the permission.

    ``moderator`` (whether ``user`` moderates the target) spares a query per comment when
    the caller knows it.
    """
    if not visibility.is_active_user(user):
        return False
    if comment.author_id == user.pk or user.has_perm("comments.delete_comment"):
        return True
    if moderator is None:
        moderator = interactions.moderates(user, comment.target)
    return moderator


def can_moderate(user, target) -> bool:
    """Whether ``user`` handles the comments of ``target`` (reports, others' comments)."""
    return visibility.is_active_user(user) and (
        user.has_perm("comments.delete_comment") or interactions.moderates(user, target)
    )


def edit_comment(user, comment, text) -> Comment:
    """The author rewrites their comment; only mentions the edit adds notify anyone."""
    check_target(user, comment.target)
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
        _notify_mentions(user, comment, comment.target, added.mentioned_users())
    return comment


def delete_comment(user, comment) -> int:
    """Delete a comment (a top-level one with its replies); how many went."""
    target = comment.target
    check_target(user, target)
    if not can_delete(user, comment):
        raise PermissionDenied(_("You may not delete this comment."))
    return _delete(target, comment)


def _delete(target, comment) -> int:
    with transaction.atomic():
        gone = Comment.objects.filter(Q(pk=comment.pk) | Q(parent_id=comment.pk))
        count = gone.count()
        gone.delete()
        _bump(target, declaration(target), -count)
    return count


# --- Reports ------------------------------------------------------------------------------


def report_comment(user, comment, reason: str) -> CommentReport:
    """Report ``comment`` to the moderators of its target; one open report per person."""
    check_target(user, comment.target)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say what is wrong with this comment.")]})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": [_("A reason has at most %(max)d characters.") % {"max": REASON_MAX_LENGTH}]}
        )
    if comment.author_id == user.pk:
        raise ValidationError({"non_field_errors": [_("You cannot report your own comment.")]})
    try:
        with transaction.atomic():
            return CommentReport.objects.create(comment=comment, reporter=user, reason=reason)
    except IntegrityError as error:
        raise ValidationError(
            {"non_field_errors": [_("You already reported this comment; moderators will see it.")]}
        ) from error


def open_reports(user):
    """Open reports on comments ``user`` may see and moderate, oldest first."""
    if not visibility.is_active_user(user):
        return []
    reports = CommentReport.objects.filter(
        resolved_at__isnull=True, comment__in=visible_comments(user)
    ).select_related("comment", "comment__author", "reporter")
    return [r for r in reports.order_by("created_at", "pk") if can_moderate(user, r.comment.target)]


def moderated_comments(user):
    """Every comment ``user`` may see and moderate: all of them with
    ``comments.delete_comment``, else those on objects they moderate (the pages they may
    edit, the initiatives they approve: each declaration's ``moderated``)."""
    if not visibility.is_active_user(user):
        return Comment.objects.none()
    comments = visible_comments(user)
    if user.has_perm("comments.delete_comment"):
        return comments
    condition = Q(pk__in=[])
    for found in interactions.commentable():
        if found.moderated is None:
            continue
        visible = visibility.filter_visible(user, found.model._default_manager.all())
        moderated = interactions.moderated_objects(user, found, visible)
        condition |= Q(content_type=found.content_type(), object_id__in=moderated.values("pk"))
    return comments.filter(condition)


def moderates_any(user) -> bool:
    """Whether ``user`` moderates the comments of anything (their admin menu shows the
    comments then); cheap for people who moderate nothing."""
    if not visibility.is_active_user(user):
        return False
    if user.has_perm("comments.delete_comment"):
        return True
    for found in interactions.commentable():
        if found.moderated is None:
            continue
        objects = found.model._default_manager.all()
        if interactions.moderated_objects(user, found, objects).exists():
            return True
    return False


def resolve_reports(moderator, comment, remove: bool = False) -> int:
    """Close the open reports on ``comment``: keep it, or delete it (``remove=True``)."""
    target = comment.target
    check_target(moderator, target)
    if not can_moderate(moderator, target):
        raise PermissionDenied(_("Only the moderators of this content can handle reports."))
    with transaction.atomic():
        closed = CommentReport.objects.filter(comment=comment, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=moderator, removed=remove
        )
        if remove:
            _delete(target, comment)
    return closed


# --- Reading ------------------------------------------------------------------------------


def load(user, comments: list, target=None) -> list:
    """Attach to each comment its reaction summary and what ``user`` may do with it, in a
    constant number of queries (the comments share ``target`` when it is given)."""
    summaries = reactions.summaries(user, comments)
    moderates: dict[tuple, bool] = {}
    for comment in comments:
        if target is not None:
            comment.target = target
        owner = comment.target
        key = (comment.content_type_id, comment.object_id)
        if key not in moderates:
            moderates[key] = interactions.moderates(user, owner)
        comment.summary = summaries[comment.pk]
        comment.can_edit = can_edit(user, comment)
        comment.can_delete = can_delete(user, comment, moderator=moderates[key])
    return comments


def thread(user, target, top_level=None) -> list[Comment]:
    """The top-level comments of ``target``, oldest first, each with ``reply_list``, its
    author, reaction summary and permissions, in a constant number of queries.

    ``top_level`` (a page of them, for the API) limits the thread to those comments.
    """
    check_target(user, target)
    queryset = (
        of(target).select_related("author", *avatars.related("author")).order_by("created_at", "pk")
    )
    if top_level is None:
        everything = list(queryset)
        tops = [c for c in everything if c.parent_id is None]
        replies = [c for c in everything if c.parent_id is not None]
    else:
        tops = list(top_level)
        replies = list(queryset.filter(parent__in=[c.pk for c in tops])) if tops else []
    for comment in tops:
        comment.reply_list = []
    by_pk = {c.pk: c for c in tops}
    for reply in replies:
        if reply.parent_id in by_pk:
            reply.reply_list = []
            by_pk[reply.parent_id].reply_list.append(reply)
    load(user, [*tops, *(r for c in tops for r in c.reply_list)], target=target)
    return tops


def top_level_comments(target):
    """The top-level comments of a target, oldest first (the API pages through these)."""
    return of(target).filter(parent=None).select_related("author")


def counts(targets) -> dict[tuple[int, int], int]:
    """``{(content_type_id, pk): comments}`` for objects of declared models, one query per
    model without a counter field (none for those with one)."""
    result: dict[tuple[int, int], int] = {}
    by_model: dict[interactions.Interactive, list] = {}
    for target in targets:
        found = interactions.declaration_for(type(target))
        if found is not None and found.commentable:
            by_model.setdefault(found, []).append(target)
    for found, objects in by_model.items():
        content_type = found.content_type().pk
        if found.comment_count_field:
            for obj in objects:
                result[(content_type, obj.pk)] = getattr(obj, found.comment_count_field)
            continue
        rows = (
            Comment.objects.filter(
                content_type_id=content_type, object_id__in=[o.pk for o in objects]
            )
            .order_by()
            .values_list("object_id")
            .annotate(n=Count("pk"))
        )
        seen = dict(rows)
        for obj in objects:
            result[(content_type, obj.pk)] = seen.get(obj.pk, 0)
    return result


def api_url(found: interactions.Interactive, object_id: int) -> str:
    """``/api/<prefix>/<id>/comments/``: where the API serves an object's thread."""
    from django.urls import NoReverseMatch, reverse

    singular = found.api_prefix.removesuffix("s")
    try:
        return reverse(f"{singular}-comment-list", kwargs={f"{singular}_id": object_id})
    except NoReverseMatch:
        return ""


def thread_summaries(user, objects) -> dict[int, dict]:
    """``{pk: {"count", "open", "url"}}`` for visible objects of one commentable model (the
    comments summary of lists and of the pages API: see :mod:`portal.interactions`), in one
    query at most."""
    objects = list(objects)
    found = interactions.declaration_for(type(objects[0])) if objects else None
    if found is None or not found.commentable:
        return {}
    content_type = found.content_type().pk
    numbers = counts(objects)
    return {
        obj.pk: {
            "count": numbers.get((content_type, obj.pk), 0),
            "open": interactions.comments_open(obj),
            "url": api_url(found, obj.pk) if found.api_prefix else "",
        }
        for obj in objects
    }


def count(target) -> int:
    found = interactions.declaration_for(type(target))
    if found is None:
        return 0
    return counts([target]).get((found.content_type().pk, target.pk), 0)


def content_type_of(target) -> ContentType:
    return declaration(target).content_type()
