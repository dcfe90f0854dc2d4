"""Data-protection requests: what the groups plugin holds about a person."""

from django.db import transaction

from plugins.groups.models import Invitation, JoinRequest, Membership


def export_user_data(user) -> dict:
    return {
        "memberships": [
            {
                "group": m.group.name,
                "role": m.role,
                "follow_closely": m.follow_closely,
                "through_department": m.synced,
                "joined_at": m.joined_at.isoformat(),
            }
            for m in Membership.objects.filter(user=user).select_related("group")
        ],
        "join_requests": [
            {
                "group": r.group.name,
                "message": r.message,
                "status": r.status,
                "created_at": r.created_at.isoformat(),
            }
            for r in JoinRequest.objects.filter(user=user).select_related("group")
        ],
        "invitations": [
            {
                "group": i.group.name,
                "status": i.status,
                "created_at": i.created_at.isoformat(),
            }
            for i in Invitation.objects.filter(user=user).select_related("group")
        ],
    }


@transaction.atomic
def erase_user_data(user) -> None:
    """Delete the person's memberships, requests and invitations. A group they alone own
    passes to its longest-standing moderator, else its longest-standing member; a group
    with nobody else stays without an owner (administrators manage it)."""
    sole_owned = [
        m.group_id
        for m in Membership.objects.filter(user=user, role=Membership.OWNER)
        if not Membership.objects.filter(group_id=m.group_id, role=Membership.OWNER)
        .exclude(user=user)
        .exists()
    ]
    for group_id in sole_owned:
        others = Membership.objects.filter(group_id=group_id, user__is_active=True).exclude(
            user=user
        )
        successor = (
            others.filter(role=Membership.MODERATOR).order_by("joined_at", "pk").first()
            or others.order_by("joined_at", "pk").first()
        )
        if successor is not None:
            successor.role = Membership.OWNER
            successor.synced = False
            successor.save(update_fields=["role", "synced"])
    Membership.objects.filter(user=user).delete()
    JoinRequest.objects.filter(user=user).delete()
    Invitation.objects.filter(user=user).delete()
