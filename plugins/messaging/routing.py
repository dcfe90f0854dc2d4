"""The messaging socket, mounted at /ws/messaging/ by ``portal.realtime``."""

websocket_urlpatterns: list = []
