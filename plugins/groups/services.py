"""What other code asks of groups: membership and roles. Every write to memberships goes
through here so the visibility policy's cached tokens stay right.

(The groups helper extends this module: create, join, leave, requests, invitations,
department sync.)"""

from __future__ import annotations

from django.db.models import Q

from plugins.groups.models import Group, Membership
from portal import visibility


def membership(user, group) -> Membership | None:
    if not visibility.is_active_user(user):
        return None
    return Membership.objects.filter(group=group, user=user).first()


def is_member(user, group) -> bool:
    if not visibility.is_active_user(user):
        return False
    return Membership.objects.filter(group=group, user=user).exists()


def can_moderate(user, group) -> bool:
    """Owners and moderators of the group, and people who may moderate every group."""
    if not visibility.is_active_user(user):
        return False
    if user.has_perm("groups.change_group"):
        return True
    return Membership.objects.filter(
        group=group, user=user, role__in=Membership.MANAGING_ROLES
    ).exists()


def member_group_ids(user) -> list[int]:
    """The ids of the groups ``user`` belongs to."""
    if not visibility.is_active_user(user):
        return []
    return list(Membership.objects.filter(user=user).values_list("group_id", flat=True))


def token_group_ids(user) -> list[int]:
    """The groups whose ``group:<id>`` token ``user`` holds: theirs and every public one."""
    return list(
        Group.objects.filter(Q(privacy=Group.PUBLIC) | Q(memberships__user=user))
        .values_list("pk", flat=True)
        .distinct()
    )


def visible_groups(user):
    """Groups ``user`` may know of: public and private ones, and secret ones they belong to
    or are invited to."""
    return visibility.filter_visible(user, Group.objects.all())
