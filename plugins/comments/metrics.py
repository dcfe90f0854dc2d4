"""Adoption KPIs of the comments plugin."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plugins.comments.models import Comment
from portal.metrics import Metric


def collect_metrics() -> list[Metric]:
    since = timezone.now() - timedelta(days=30)
    recent = Comment.objects.filter(created_at__gte=since)
    return [
        Metric("comments.last_30_days", _("Comments, last 30 days"), recent.count()),
        Metric(
            "comments.people_30_days",
            _("People who commented, last 30 days"),
            recent.values("author").distinct().count(),
        ),
    ]
