"""ASGI entry point: HTTP through Django, WebSockets under /ws/ through Channels.

`make run` serves this with daphne. When ``PORTAL_SERVE_FILES`` is on (the default for one
machine) the app serves static files itself (Django's static files handler, which works
without DEBUG) and public media through :func:`portal.files.serve_media` (see
portal/urls.py); files with an audience are always served by :func:`portal.files.serve_private`,
DEBUG or not, whoever serves the rest."""

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
