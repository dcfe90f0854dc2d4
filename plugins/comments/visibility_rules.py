"""Comments in the visibility policy: a comment is visible exactly when its target is.

The target is any object of a model declared commentable (:mod:`portal.interactions`);
a comment on anything else is visible to nobody. Deleting a target deletes its comments
(the generic relation has no cascade of its own).
"""

from __future__ import annotations

from django.db.models import Q
from django.db.models.signals import post_delete

from plugins.comments.models import Comment
from portal import interactions, visibility


def can_view(user, comment) -> bool:
    declaration = interactions.for_content_type(comment.content_type_id)
    if declaration is None or not declaration.commentable:
        return False
    return visibility.can_view(user, comment.target)


def filter_visible(user, queryset):
    condition = Q(pk__in=[])
    for declaration in interactions.commentable():
        visible = visibility.filter_visible(user, declaration.model._default_manager.all())
        condition |= Q(content_type=declaration.content_type(), object_id__in=visible.values("pk"))
    return queryset.filter(condition)


def tokens(comment) -> set[str]:
    if interactions.for_content_type(comment.content_type_id) is None:
        return set()
    target = comment.target
    return visibility.tokens_for_object(target) if target is not None else set()


def register() -> None:
    visibility.register(Comment, visibility.Rule(can_view, filter_visible, tokens))


def _forget_comments(sender, instance, **kwargs) -> None:
    declaration = interactions.declaration_for(sender)
    if declaration is None or not declaration.commentable or declaration.model is not sender:
        return
    Comment.objects.filter(content_type=declaration.content_type(), object_id=instance.pk).delete()


def connect_deletions() -> None:
    post_delete.connect(_forget_comments, dispatch_uid="comments_forget_on_target_delete")
