"""``@[Sales](group:3)``: mentioning a group in a post concerns its members.

:mod:`portal.text` hands these functions only the ids of groups the author may see."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q

from plugins.groups.models import Group
from plugins.groups.services import PRIVACY_BADGES, visible_groups
from portal import visibility
from portal.text import MentionKind


def resolve(ids: list[int]) -> dict[int, tuple[str, str]]:
    return {
        group.pk: (group.name, group.get_absolute_url())
        for group in Group.objects.filter(pk__in=ids).only("pk", "name", "slug")
    }


def members(ids: list[int]) -> list:
    return list(
        get_user_model()
        .objects.filter(group_memberships__group_id__in=ids, is_active=True)
        .distinct()
    )


def suggest(user, q: str, limit: int) -> list[dict]:
    """Groups ``user`` may know of whose name matches every word of ``q``."""
    if limit <= 0:
        return []
    groups = visible_groups(user)
    for word in (q or "").split()[:4]:
        groups = groups.filter(Q(name__icontains=word) | Q(slug__icontains=word))
    return [
        {
            "kind": "group",
            "id": group.pk,
            "label": group.name,
            "detail": str(PRIVACY_BADGES[group.privacy]),
        }
        for group in groups.order_by("name", "pk")[:limit]
    ]


def notifies(author, ids: set[int]) -> set[int]:
    """The groups whose members ``author`` may notify: those whose content they see (a
    public group, or one they belong to). Mentioning a private group from outside shows
    its name, as its page does, but does not reach its members."""
    tokens = visibility.tokens_for(author)
    return {pk for pk in ids if visibility.group_token(pk) in tokens}


GROUP_MENTIONS = MentionKind(
    "group", "groups.Group", resolve, members, suggest, order=20, notifies=notifies
)
