"""The bookmarks plugin's contributions: a navigation entry, a home panel and a
bookmark button next to every page."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plugins.bookmarks import services
from portal import signals
from portal.navigation import HomePanel, NavItem
from portal.plugins import is_bookmarkable


def nav_entry(sender, request, **kwargs):
    return NavItem(
        label=_("My bookmarks"), url=reverse("bookmarks:list"), icon="bookmark", order=80
    )


def home_panel(sender, request, **kwargs):
    bookmarks = services.visible_bookmarks(request.user)[:5]
    items = [
        {"bookmark": b, **services.describe(b.loaded_target, request)}
        for b in services.attach_targets(bookmarks)
    ]
    return HomePanel(
        title=_("My bookmarks"),
        template="bookmarks/home_panel.html",
        context={"items": items},
        order=80,
        more_url=reverse("bookmarks:list"),
    )


def bookmark_button(sender, request, obj, **kwargs):
    """A Bookmark button next to pages and the other kinds plugins declare bookmarkable
    (a person's profile shows one for the person)."""
    if not is_bookmarkable(type(obj)):
        return None
    return render_to_string(
        "bookmarks/button.html",
        {
            "obj": obj,
            "type_label": services.type_label(obj),
            "bookmarked": services.is_bookmarked(request.user, obj),
            "next": request.get_full_path(),
        },
        request=request,
    )


signals.nav_items.connect(nav_entry, dispatch_uid="bookmarks_nav")
signals.home_panels.connect(home_panel, dispatch_uid="bookmarks_home_panel")
signals.object_actions.connect(bookmark_button, dispatch_uid="bookmarks_button")
