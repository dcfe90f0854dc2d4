from portal import signals
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
