"""Background work of the notifications plugin: mode off's summaries."""

from __future__ import annotations

from django_tasks import task

from plugins.notifications import summaries


@task()
def deliver_mode_off_summaries() -> int:
    """The summaries whose time came (see :mod:`plugins.notifications.summaries`);
    idempotent, so a scheduler may enqueue it every minute. Returns how many were sent."""
    return summaries.deliver_due()
