"""Adoption KPIs of the reactions plugin: reactions of each kind, and on each content kind
(posts, comments, news...), over the last 30 days."""

from datetime import timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plugins.reactions import registry
from plugins.reactions.models import Reaction
from portal.metrics import Metric


def collect_metrics() -> list[Metric]:
    since = timezone.now() - timedelta(days=30)
    counts = dict(
        Reaction.objects.filter(created_at__gte=since)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    metrics = [Metric("reactions.last_30_days", _("Reactions, last 30 days"), sum(counts.values()))]
    for kind, label in Reaction.KIND_CHOICES:
        metrics.append(
            Metric(
                f"reactions.{kind}.last_30_days",
                _("“%(kind)s” reactions, last 30 days") % {"kind": label},
                counts.get(kind, 0),
            )
        )
    per_type = dict(
        Reaction.objects.filter(created_at__gte=since)
        .order_by()
        .values_list("content_type_id")
        .annotate(n=Count("pk"))
    )
    for reactable in registry.reactables():
        metrics.append(
            Metric(
                f"reactions.{reactable.label}.last_30_days",
                _("Reactions to %(kind)s, last 30 days")
                % {"kind": reactable.model._meta.verbose_name_plural},
                per_type.get(reactable.content_type().pk, 0),
            )
        )
    return metrics
