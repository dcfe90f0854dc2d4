"""The messaging plugin's contributions: "Messages" in the main navigation (and the
phone's bottom bar) with the total unread, the live script and styles on every page, the
chat panel at the end of every page's body (``portal.signals.shell_fragments``); a group's
conversation follows the group's members, and a reaction to a message is broadcast to the
conversation.

The core imports every enabled plugin's ``signals`` before the first request (the plugin
contract), so an excluded plugin connects nothing."""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import post_delete, post_save, pre_save
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plugins.messaging import services
from portal import signals, visibility
from portal.navigation import NavItem, ShellFragment


def nav_entry(sender, request, **kwargs):
    if not visibility.is_active_user(request.user):
        return None
    return NavItem(
        label=_("Messages"),
        url=reverse("messaging:messenger"),
        icon="messages",
        order=30,
        key="messages",
        phone=True,
        badge=services.total_unread(request.user),
    )


def page_assets(sender, request, **kwargs):
    """One small deferred script (the socket, badges, presence, the panel) and the styles."""
    if not visibility.is_active_user(request.user):
        return None
    return ["messaging/messaging.css", "messaging/live.js"]


def chat_panel(sender, request, **kwargs):
    """The panel's button and empty shell; its content loads when it opens."""
    if not visibility.is_active_user(request.user):
        return None
    return ShellFragment(template="messaging/shell.html", order=50)


signals.nav_items.connect(nav_entry, dispatch_uid="messaging_nav")
signals.page_assets.connect(page_assets, dispatch_uid="messaging_page_assets")
signals.shell_fragments.connect(chat_panel, dispatch_uid="messaging_chat_panel")


def membership_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    manager = instance.role in type(instance).MANAGING_ROLES
    if created:
        services.member_joined(instance.group_id, instance.user_id, manager=manager)
        return
    from plugins.messaging.models import Participant

    # A new role: a group's owners and moderators administer its conversation.
    Participant.objects.filter(
        conversation__group_id=instance.group_id, user_id=instance.user_id
    ).exclude(is_admin=manager).update(is_admin=manager)


def membership_deleted(sender, instance, **kwargs):
    services.member_left(instance.group_id, instance.user_id)


def memberships_synced(sender, group_ids, **kwargs):
    """Members added in bulk (department groups following the org chart): the groups'
    conversations seat them too."""
    from plugins.messaging.models import Conversation

    for conversation in Conversation.objects.filter(
        kind=Conversation.SPACE, group_id__in=list(group_ids)
    ):
        services.sync_space(conversation)


def reaction_changed(sender, instance, **kwargs):
    from django.contrib.contenttypes.models import ContentType

    from plugins.messaging.models import Message

    if instance.content_type_id == ContentType.objects.get_for_model(Message).pk:
        services.changed(instance.object_id)


def no_reaction_to_a_deleted_message(sender, instance, raw=False, **kwargs):
    """A deleted message (a tombstone) takes no reaction."""
    if raw:
        return
    from django.contrib.contenttypes.models import ContentType
    from django.core.exceptions import PermissionDenied

    from plugins.messaging.models import Message

    if instance.content_type_id == ContentType.objects.get_for_model(Message).pk and (
        Message.objects.filter(pk=instance.object_id, deleted_at__isnull=False).exists()
    ):
        raise PermissionDenied


def modeoff_changed(sender, user=None, **kwargs):
    """Someone's mode off changed (or the company's floor, ``user=None``: everyone who
    takes part in a conversation): their sockets re-read it (``modeoff.changed``), once
    committed."""
    from django.db import transaction

    from plugins.messaging.models import Participant

    def tell():
        if user is not None:
            ids = [user.pk]
        else:
            ids = Participant.objects.values_list("user_id", flat=True).distinct()
        for pk in ids:
            services.tell_user(pk, {"type": "modeoff.changed"})

    transaction.on_commit(tell, robust=True)


signals.modeoff_changed.connect(modeoff_changed, dispatch_uid="messaging_modeoff_changed")


def connect() -> None:
    if apps.is_installed("plugins.groups"):
        from plugins.groups.models import Membership

        post_save.connect(membership_saved, sender=Membership, dispatch_uid="messaging_member_in")
        post_delete.connect(
            membership_deleted, sender=Membership, dispatch_uid="messaging_member_out"
        )
        from plugins.groups.services import memberships_synced as synced

        synced.connect(memberships_synced, dispatch_uid="messaging_members_synced")
    if apps.is_installed("plugins.reactions"):
        from plugins.reactions.models import Reaction

        pre_save.connect(
            no_reaction_to_a_deleted_message, sender=Reaction, dispatch_uid="messaging_no_tombstone"
        )
        post_save.connect(reaction_changed, sender=Reaction, dispatch_uid="messaging_reacted")
        post_delete.connect(reaction_changed, sender=Reaction, dispatch_uid="messaging_unreacted")


connect()
