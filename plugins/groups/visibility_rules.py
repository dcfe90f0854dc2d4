"""Groups in the visibility policy: public and private groups are known to everyone,
secret groups only to their members and the people invited to them."""

from django.db.models import Exists, OuterRef, Q

from plugins.groups.models import Group, Invitation, Membership
from portal import visibility


def _secret_access(user):
    member = Membership.objects.filter(group=OuterRef("pk"), user=user)
    invited = Invitation.objects.filter(group=OuterRef("pk"), user=user, status=Invitation.PENDING)
    return Q(Exists(member)) | Q(Exists(invited))


def can_view(user, group) -> bool:
    if group.privacy != Group.SECRET:
        return True
    return Group.objects.filter(pk=group.pk).filter(_secret_access(user)).exists()


def filter_visible(user, queryset):
    return queryset.filter(~Q(privacy=Group.SECRET) | _secret_access(user))


def tokens(group) -> set[str]:
    if group.privacy != Group.SECRET:
        return {visibility.EVERYONE}
    return {visibility.group_token(group.pk)}


visibility.register(Group, visibility.Rule(can_view, filter_visible, tokens))
