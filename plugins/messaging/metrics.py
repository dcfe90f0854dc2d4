"""Adoption KPIs of messaging: conversations started, messages sent, people who sent at
least one, over the last 7 and 30 days; and urgent messages sent during mode off."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plugins.messaging.models import Conversation, Message
from portal.metrics import Metric

PERIODS = (7, 30)


def collect_metrics() -> list[Metric]:
    current = timezone.now()
    since = {days: current - timedelta(days=days) for days in PERIODS}
    started = Conversation.objects.aggregate(
        **{f"d{days}": Count("pk", filter=Q(created_at__gte=since[days])) for days in PERIODS}
    )
    sent = Message.objects.filter(created_at__gte=since[max(PERIODS)]).aggregate(
        **{f"m{days}": Count("pk", filter=Q(created_at__gte=since[days])) for days in PERIODS},
        **{
            f"s{days}": Count("author", filter=Q(created_at__gte=since[days]), distinct=True)
            for days in PERIODS
        },
        **{
            f"u{days}": Count("pk", filter=Q(created_at__gte=since[days], urgent=True))
            for days in PERIODS
        },
    )
    metrics = []
    for days in PERIODS:
        metrics += [
            Metric(
                f"messaging.conversations_started.last_{days}_days",
                _("Conversations started, last %(days)d days") % {"days": days},
                started[f"d{days}"],
            ),
            Metric(
                f"messaging.messages_sent.last_{days}_days",
                _("Messages sent, last %(days)d days") % {"days": days},
                sent[f"m{days}"],
            ),
            Metric(
                f"messaging.active_senders.last_{days}_days",
                _("People who sent a message, last %(days)d days") % {"days": days},
                sent[f"s{days}"],
            ),
            Metric(
                f"messaging.urgent_messages.last_{days}_days",
                _("Urgent messages (mode off overridden), last %(days)d days") % {"days": days},
                sent[f"u{days}"],
            ),
        ]
    return metrics
