"""The messaging socket, mounted at /ws/messaging/ by ``portal.realtime``."""

from django.urls import path

from plugins.messaging.consumers import MessagingConsumer

websocket_urlpatterns: list = [path("", MessagingConsumer.as_asgi(), name="socket")]
