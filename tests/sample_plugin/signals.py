from django.db.models.signals import m2m_changed

from portal import signals, visibility
from portal.navigation import NavItem

RECEIVED = []


def club_tokens(sender, user, **kwargs):
    from tests.sample_plugin.models import Club

    return [f"club:{pk}" for pk in Club.objects.filter(members=user).values_list("pk", flat=True)]


def nav_entry(sender, request, **kwargs):
    return NavItem(label="Sample", url="/sample_plugin/", order=999)


def record_activity(sender, actor, verb, obj=None, **kwargs):
    RECEIVED.append((actor, verb, obj))


signals.audience_tokens.connect(club_tokens, dispatch_uid="sample_plugin_tokens")
signals.nav_items.connect(nav_entry, dispatch_uid="sample_plugin_nav")
signals.activity.connect(record_activity, dispatch_uid="sample_plugin_activity")


def club_members_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Club tokens are remembered with people's access: a change of members forgets them."""
    if action.startswith("post_"):
        visibility.access_changed(instance if reverse else list(pk_set or []) or None)


def _connect_members():
    from tests.sample_plugin.models import Club

    m2m_changed.connect(
        club_members_changed, sender=Club.members.through, dispatch_uid="sample_plugin_members"
    )


_connect_members()
