"""Adoption KPIs of the comments plugin: comments and commenters over 30 days, and
comments per content kind (posts, news, courses...)."""

from datetime import timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plugins.comments.models import Comment
from portal import interactions
from portal.metrics import Metric


def collect_metrics() -> list[Metric]:
    since = timezone.now() - timedelta(days=30)
    recent = Comment.objects.filter(created_at__gte=since)
    metrics = [
        Metric("comments.last_30_days", _("Comments, last 30 days"), recent.count()),
        Metric(
            "comments.people_30_days",
            _("People who commented, last 30 days"),
            recent.values("author").distinct().count(),
        ),
    ]
    per_kind = dict(recent.order_by().values_list("content_type_id").annotate(n=Count("pk")))
    for declaration in interactions.commentable():
        metrics.append(
            Metric(
                f"comments.{declaration.label}.last_30_days",
                _("Comments on %(kind)s, last 30 days")
                % {"kind": declaration.model._meta.verbose_name_plural},
                per_kind.get(declaration.content_type().pk, 0),
            )
        )
    return metrics
