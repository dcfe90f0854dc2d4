"""Admin side of the feed: the moderators' queue of reported posts in the Reports menu."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem


class ReportedPostsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("feed.moderate_post")


@hooks.register("register_reports_menu_item")
def register_reported_posts_menu_item():
    return ReportedPostsMenuItem(
        _("Reported posts"),
        reverse("feed:reports"),
        name="feed-reported-posts",
        icon_name="warning",
        order=910,
    )
