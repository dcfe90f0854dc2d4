"""Reactions in the visibility policy: a reaction is visible exactly when its target is."""

from __future__ import annotations

from django.db.models import Q

from plugins.reactions import registry
from plugins.reactions.models import Reaction
from portal import visibility


def can_view(user, reaction) -> bool:
    if registry.reactable_for(reaction.content_type.model_class()) is None:
        return False
    return visibility.can_view(user, reaction.target)


def filter_visible(user, queryset):
    condition = Q(pk__in=[])
    for reactable in registry.reactables():
        visible = visibility.filter_visible(user, reactable.model._default_manager.all())
        condition |= Q(content_type=reactable.content_type(), object_id__in=visible.values("pk"))
    return queryset.filter(condition)


def tokens(reaction) -> set[str]:
    target = reaction.target
    return visibility.tokens_for_object(target) if target is not None else set()


visibility.register(Reaction, visibility.Rule(can_view, filter_visible, tokens))
