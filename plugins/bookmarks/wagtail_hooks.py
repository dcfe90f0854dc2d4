"""Admin side of bookmarks: a report of the most bookmarked pages, for editors."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import Page

from plugins.bookmarks.models import Bookmark


def most_bookmarked_pages(request):
    page_types = ContentType.objects.filter(pk__in=Page.objects.values("content_type").distinct())
    counts = (
        Bookmark.objects.filter(content_type__in=page_types)
        .values("object_id")
        .annotate(saves=Count("pk"))
        .order_by("-saves")[:50]
    )
    pages = Page.objects.in_bulk([row["object_id"] for row in counts])
    rows = [
        {"page": pages[row["object_id"]], "saves": row["saves"]}
        for row in counts
        if row["object_id"] in pages
    ]
    return render(
        request,
        "bookmarks/admin_report.html",
        {"rows": rows, "header_title": _("Most bookmarked pages")},
    )


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("reports/bookmarks/", most_bookmarked_pages, name="bookmarks_report")]


class BookmarksReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("wagtailadmin.access_admin")


@hooks.register("register_reports_menu_item")
def register_report_menu_item():
    return BookmarksReportMenuItem(
        _("Most bookmarked pages"),
        reverse("bookmarks_report"),
        name="bookmarks-report",
        icon_name="tag",
        order=900,
    )
