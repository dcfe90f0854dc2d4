"""Data-protection requests for the core's mode off records: the urgent overrides a person
sent or received, and the summaries they got.

Erasure keeps the company's count of overrides (the adoption figures, the record that
the right to disconnect was overridden on that day) but drops who sent it, why, and the
person among the recipients."""

from __future__ import annotations

from portal.core.models import ModeOffSummary, UrgentOverride


def export_user_data(user) -> dict:
    sent = UrgentOverride.objects.filter(actor=user).order_by("created_at")
    received = UrgentOverride.objects.filter(recipients=user).order_by("created_at")
    return {
        "urgent_overrides_sent": [
            {
                "when": item.created_at.isoformat(),
                "reason": item.reason,
                "channel": item.channel,
                "recipients": list(item.recipients.values_list("pk", flat=True)),
            }
            for item in sent.prefetch_related("recipients")
        ],
        "urgent_overrides_received": [
            {"when": item.created_at.isoformat(), "channel": item.channel} for item in received
        ],
        "mode_off_summaries": [
            {"until": item.until.isoformat(), "counts": item.counts}
            for item in ModeOffSummary.objects.filter(recipient=user).order_by("until")
        ],
    }


def erase_user_data(user) -> None:
    UrgentOverride.objects.filter(actor=user).update(actor=None, reason="")
    UrgentOverride.recipients.through.objects.filter(user=user).delete()
    ModeOffSummary.objects.filter(recipient=user).delete()
