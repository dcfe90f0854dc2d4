"""Adoption KPIs of the groups plugin."""

import datetime

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plugins.groups.models import Group, Membership
from portal.metrics import Metric

#: A group is active when someone joined it within this many days.
ACTIVE_DAYS = 30


def collect_metrics() -> list[Metric]:
    groups = Group.objects.count()
    since = timezone.now() - datetime.timedelta(days=ACTIVE_DAYS)
    active = Membership.objects.filter(joined_at__gte=since).values("group").distinct().count()
    members = Membership.objects.filter(user__is_active=True).count()
    return [
        Metric("groups.count", _("Groups"), groups),
        Metric(
            "groups.user_created",
            _("Groups created by employees"),
            Group.objects.filter(department__isnull=True).count(),
        ),
        Metric("groups.active", _("Groups joined by someone in the last 30 days"), active),
        Metric(
            "groups.members_per_group",
            _("Members per group (average)"),
            round(members / groups, 1) if groups else 0,
        ),
        Metric(
            "groups.largest",
            _("Members of the largest group"),
            Membership.objects.filter(user__is_active=True)
            .values("group")
            .annotate(total=Count("pk"))
            .order_by("-total")
            .values_list("total", flat=True)
            .first()
            or 0,
        ),
    ]
