"""The messenger's pages under /messaging/, and its socket under /ws/messaging/."""

from django.urls import path

from plugins.messaging import views
from plugins.messaging.routing import websocket_urlpatterns  # noqa: F401

app_name = "messaging"
urlpatterns: list = [
    path("", views.messenger, name="messenger"),
    path("new/", views.start, name="start"),
    path("panel/", views.panel, name="panel"),
    path("unread/", views.unread, name="unread"),
    path("<int:pk>/", views.conversation, name="conversation"),
    path("<int:pk>/send/", views.send, name="send"),
    path("<int:pk>/settings/", views.settings_action, name="settings"),
    path("<int:pk>/people/", views.people, name="people"),
    path("<int:pk>/thread/<int:message_id>/", views.thread, name="thread"),
    path("<int:pk>/messages/<int:message_id>/", views.edit, name="edit"),
]
