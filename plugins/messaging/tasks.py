"""Background work of messaging: link previews (fetched after the message is stored, as
the feed does for posts) and scheduled messages whose time has come."""

from __future__ import annotations

from django_tasks import task

from plugins.messaging.models import Message
from portal.text import render


@task()
def fetch_message_preview(message_id: int, url: str) -> bool:
    """Store the preview of ``url`` on the message if it still links there first, then
    broadcast the change. Returns whether a preview was stored."""
    from plugins.feed import previews
    from plugins.messaging import services

    message = Message.objects.filter(pk=message_id, deleted_at__isnull=True).first()
    if message is None or render(message.source).first_link != url:
        return False
    preview = previews.preview_for(url)
    if preview is None:
        return False
    data = {
        "url": preview.url[:1000],
        "title": preview.title[:300],
        "description": preview.description[:1000],
        "image": preview.image[:1000],
        "site": preview.site[:200],
    }
    stored = Message.objects.filter(pk=message_id, deleted_at__isnull=True).update(preview=data)
    if stored:
        services.changed(message_id)
    return bool(stored)


@task()
def send_scheduled_messages() -> int:
    """Send the scheduled messages that are due (see ``services.release_scheduled``)."""
    from plugins.messaging import services

    return services.release_scheduled()
