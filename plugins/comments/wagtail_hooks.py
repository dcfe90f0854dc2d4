"""Admin side of comments: the "Comments" menu (the moderators' list, see
:mod:`plugins.comments.admin_views`) and, in the page editor of a page people comment
on, a button to its comments."""

from urllib.parse import urlencode

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from plugins.comments import admin_views, services
from portal import interactions


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("comments/", admin_views.comment_list, name="comments_admin"),
        path("comments/<int:pk>/delete/", admin_views.delete_comment, name="comments_admin_delete"),
        path(
            "comments/<int:pk>/reports/",
            admin_views.resolve_reports,
            name="comments_admin_resolve",
        ),
    ]


class CommentsMenuItem(MenuItem):
    def is_shown(self, request):
        # Once per request: the menu is drawn on every admin page.
        if not hasattr(request, "_portal_moderates_comments"):
            request._portal_moderates_comments = services.moderates_any(request.user)
        return request._portal_moderates_comments


@hooks.register("register_admin_menu_item")
def register_comments_menu_item():
    return CommentsMenuItem(
        _("Comments"),
        reverse("comments_admin"),
        name="portal-comments",
        icon_name="comment",
        order=360,
    )


@hooks.register("register_page_header_buttons")
def page_comments_button(page, user, view_name, next_url=None):
    """ "Employees' comments" on a page people comment on, for its moderators."""
    klass = page.specific_class
    declaration = interactions.declaration_for(klass) if klass is not None else None
    if declaration is None or not declaration.commentable:
        return
    target = page if isinstance(page, klass) else page.specific
    if not services.can_moderate(user, target):
        return
    query = urlencode({"object": f"{declaration.label}:{page.pk}"})
    yield Button(
        _("Employees' comments"),
        f"{reverse('comments_admin')}?{query}",
        icon_name="comment",
        priority=90,
    )
