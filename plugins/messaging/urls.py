"""The messenger's pages under /messages/, and its socket under /ws/messaging/."""

from plugins.messaging.routing import websocket_urlpatterns  # noqa: F401

app_name = "messaging"
urlpatterns: list = []
