"""Adoption KPIs of the feed: posts of each kind and the people posting, last 30 days."""

from datetime import timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plugins.feed.models import Post
from portal.metrics import Metric

LABELS = {
    Post.STATUS: _("Status posts, last 30 days"),
    Post.EVENT: _("Event posts, last 30 days"),
    Post.POLL: _("Poll posts, last 30 days"),
}


def collect_metrics() -> list[Metric]:
    recent = Post.objects.filter(created_at__gte=timezone.now() - timedelta(days=30))
    counts = dict(recent.order_by().values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    metrics = [
        Metric(f"feed.posts_30d.{kind}", label, counts.get(kind, 0))
        for kind, label in LABELS.items()
    ]
    metrics.append(
        Metric(
            "feed.posters_30d",
            _("People who posted, last 30 days"),
            recent.order_by().values("author").distinct().count(),
        )
    )
    return metrics
