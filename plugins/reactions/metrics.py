"""Adoption KPIs of the reactions plugin: reactions of each kind over the last 30 days."""

from datetime import timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
    return metrics
