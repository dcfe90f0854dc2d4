"""Adoption KPIs of the bookmarks plugin."""

from django.utils.translation import gettext_lazy as _

from plugins.bookmarks.models import Bookmark
from portal.metrics import Metric


def collect_metrics() -> list[Metric]:
    return [
        Metric("bookmarks.saved", _("Bookmarks saved"), Bookmark.objects.count()),
        Metric(
            "bookmarks.people",
            _("People using bookmarks"),
            Bookmark.objects.values("user").distinct().count(),
        ),
    ]
