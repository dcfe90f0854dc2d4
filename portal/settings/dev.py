"""Development and demo settings: `make run` uses these.

The demo is served without DEBUG, as anyone who can reach it would see it in production:
the portal's own error pages, no tracebacks, static and media files still served by the
app. A developer who wants Django's debug pages asks for them: ``PORTAL_DEBUG=1 make run``.
"""

import os

from portal.settings.base import *  # noqa: F403
from portal.settings.base import VAR_DIR

DEBUG = os.environ.get("PORTAL_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}
VAR_DIR.mkdir(parents=True, exist_ok=True)
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret-change-me-in-production")  # noqa: S105
ALLOWED_HOSTS = ["*"]
CSRF_TRUSTED_ORIGINS = [
    origin for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if origin
]
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"
PORTAL_SERVE_FILES = True
