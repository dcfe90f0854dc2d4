"""The messenger in the app shell: "Messages" in the main navigation (and the phone's
bottom bar) with the total unread, the live script and styles on every page, and the chat
panel at the end of every page's body (``portal.signals.shell_fragments``).

Wagtail imports every app's ``wagtail_hooks`` when the URLs load, so these receivers are
connected before the first page is rendered."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import signals, visibility
from portal.navigation import NavItem, ShellFragment


def nav_entry(sender, request, **kwargs):
    if not visibility.is_active_user(request.user):
        return None
    from plugins.messaging.views import total_unread

    return NavItem(
        label=_("Messages"),
        url=reverse("messaging:messenger"),
        icon="messages",
        order=30,
        key="messages",
        phone=True,
        badge=total_unread(request.user),
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
