"""ASGI entry point: HTTP through Django, WebSockets under /ws/ through Channels.

`make run` serves this with daphne. When ``PORTAL_SERVE_FILES`` is on (the default for one
machine) the app serves static files itself (Django's static files handler, which works
without DEBUG) and public media through :func:`portal.files.serve_media` (see
portal/urls.py); files with an audience are always served by :func:`portal.files.serve_private`,
DEBUG or not, whoever serves the rest."""

import gc
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

# What start-up loaded (Django, Wagtail, the URLs, the plugins) lives as long as the process:
# keep it out of the garbage collector's full collections, which otherwise walk it all and,
# in a process holding hundreds of sockets, pause every consumer for hundreds of
# milliseconds (tests/benchmarks/bench_realtime.py measures its server this way).
gc.collect()
gc.freeze()
