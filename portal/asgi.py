"""ASGI entry point: HTTP through Django, WebSockets under /ws/ through Channels.

`make run` serves this with daphne. Static files are served by the app itself when
``PORTAL_SERVE_FILES`` is on (the default for one machine)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from portal.realtime import websocket_urlpatterns  # noqa: E402

http_app = (
    ASGIStaticFilesHandler(django_asgi_app)
    if getattr(settings, "PORTAL_SERVE_FILES", False)
    else django_asgi_app
)

application = ProtocolTypeRouter(
    {
        "http": http_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns()))
        ),
    }
)
