"""``@[Sales](group:3)``: mentioning a group in a post concerns its members.

:mod:`portal.text` hands these functions only the ids of groups the author may see."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q

from plugins.groups.models import Group
from plugins.groups.services import PRIVACY_BADGES, visible_groups
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


GROUP_MENTIONS = MentionKind("group", "groups.Group", resolve, members, suggest, order=20)
