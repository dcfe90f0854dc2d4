"""Adoption KPIs of the notifications plugin: what was delivered lately, and how much of
it people read."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plugins.notifications.models import Notification
from portal.metrics import Metric
from portal.notifications import kinds

#: The window of the KPIs, in days.
DAYS = 30


def collect_metrics() -> list[Metric]:
    since = timezone.now() - timedelta(days=DAYS)
    rows = (
        Notification.objects.filter(updated_at__gte=since)
        .order_by()
        .values("kind")
        .annotate(total=Count("pk"), read=Count("pk", filter=Q(read_at__isnull=False)))
    )
    by_kind = {row["kind"]: row for row in rows}
    total = sum(row["total"] for row in by_kind.values())
    read = sum(row["read"] for row in by_kind.values())
    metrics = [
        Metric(
            "notifications.delivered_30d",
            _("Notifications delivered in the last 30 days"),
            total,
        ),
        Metric(
            "notifications.read_share_30d",
            _("Share of the last 30 days' notifications read (%)"),
            round(100 * read / total, 1) if total else 0.0,
        ),
    ]
    for key, kind in kinds().items():
        metrics.append(
            Metric(
                f"notifications.delivered_30d.{key}",
                _("Notifications delivered in the last 30 days: %(kind)s") % {"kind": kind.label},
                by_kind.get(key, {}).get("total", 0),
            )
        )
    return metrics
