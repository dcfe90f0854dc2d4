"""/ws/notifications/: the unread count of the signed-in person, live."""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth import get_user_model

from plugins.notifications import services
from portal import visibility

#: Close code for a connection without a signed-in, active account (like HTTP 401).
UNAUTHORISED = 4401


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    """Sends ``{"type": "unread", "unread": n}`` on connect and whenever the person's
    notifications change (a new one, some read on another page)."""

    user_id: int | None = None

    async def connect(self):
        user = self.scope.get("user")
        if not visibility.is_active_user(user):
            # Accept first, so that the browser sees the close code rather than a failed
            # handshake it cannot tell from a network error.
            await self.accept()
            await self.close(code=UNAUTHORISED)
            return
        self.user_id = user.pk
        if self.channel_layer is not None:
            await self.channel_layer.group_add(services.user_group(user.pk), self.channel_name)
        await self.accept()
        await self.send_unread()

    async def disconnect(self, code):
        if self.user_id is not None and self.channel_layer is not None:
            await self.channel_layer.group_discard(
                services.user_group(self.user_id), self.channel_name
            )

    async def receive_json(self, content, **kwargs):
        """Clients only listen; anything they send is ignored."""

    async def notification_new(self, event):
        await self.send_unread()

    async def notification_read(self, event):
        await self.send_unread()

    async def send_unread(self):
        count = await self.count_unread()
        if count is None:
            await self.close(code=UNAUTHORISED)
            return
        await self.send_json({"type": "unread", "unread": count})

    @database_sync_to_async
    def count_unread(self) -> int | None:
        """Counted with the account as it is now: a membership removed or an account
        deactivated since the page opened counts at once. ``None`` for a closed account."""
        user = get_user_model().objects.filter(pk=self.user_id).first()
        if not visibility.is_active_user(user):
            return None
        return services.unread_count(user)
