from django.urls import path

from plugins.notifications import consumers, views

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.read_all, name="read_all"),
    path("preferences/", views.preference_form, name="preferences"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("<int:pk>/read/", views.read_one, name="read"),
]

#: Mounted at /ws/notifications/ by the core (see portal/realtime.py).
websocket_urlpatterns = [path("", consumers.NotificationConsumer.as_asgi())]
