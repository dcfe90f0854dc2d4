"""WebSocket routes under /ws/, contributed by plugins (messaging, live notifications).

A plugin's ``urls.py`` may define ``websocket_urlpatterns``; they are mounted under
/ws/<label>/."""

from channels.routing import URLRouter
from django.urls import path

from portal.plugins import plugin_submodules


def websocket_urlpatterns() -> list:
    routes = []
    for config, module in plugin_submodules("urls"):
        patterns = getattr(module, "websocket_urlpatterns", None)
        if patterns:
            routes.append(path(f"ws/{config.label}/", URLRouter(patterns)))
    return routes
