"""Development and demo settings: `make run` uses these."""

import os

from portal.settings.base import *  # noqa: F403
from portal.settings.base import VAR_DIR

DEBUG = True
VAR_DIR.mkdir(parents=True, exist_ok=True)
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret-change-me-in-production")  # noqa: S105
ALLOWED_HOSTS = ["*"]
CSRF_TRUSTED_ORIGINS = [
    origin for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if origin
]
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"
PORTAL_SERVE_FILES = True
