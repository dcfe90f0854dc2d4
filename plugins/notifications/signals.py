"""The notifications plugin's contributions: it delivers what the core's notification
service sends, and adds "Notifications" with the unread count to the navigation."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plugins.notifications import services, summaries
from portal import signals, visibility
from portal.navigation import NavItem
from portal.notifications import recipients_who_can_view


def deliver(sender, notice, recipients, hold_until=None, **kwargs):
    # The core's service already kept only who may see the target; asking again (free:
    # the policy remembers their tokens) keeps any other sender of the signal from
    # storing a notification for someone who may not see what it is about.
    services.deliver(notice, recipients_who_can_view(recipients, notice.target), hold_until)


def nav_entry(sender, request, **kwargs):
    if not visibility.is_active_user(request.user):
        return None
    return NavItem(
        label=_("Notifications"),
        url=reverse("notifications:list"),
        icon="bell",
        order=90,
        key="notifications",
        placement="top",
        badge=services.unread_count(request.user),
    )


signals.notification_delivery.connect(deliver, dispatch_uid="notifications_delivery")
signals.nav_items.connect(nav_entry, dispatch_uid="notifications_nav")


def page_assets(sender, request, **kwargs):
    """The live badge's script (websocket, else polling) and its styles, on every page."""
    return ["notifications/notifications.css", "notifications/notifications.js"]


signals.page_assets.connect(page_assets, dispatch_uid="notifications_page_assets")

signals.modeoff_changed.connect(summaries.changed, dispatch_uid="notifications_modeoff_rehold")
