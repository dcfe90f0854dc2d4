"""Settings shared by every environment. dev, test and production extend this module."""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from portal.plugins import discover_plugins, names_from_env

PORTAL_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PORTAL_DIR.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))

# --- Plugins -------------------------------------------------------------------------
# None means "every plugin found in plugins/ and in installed distributions".
PORTAL_PLUGINS: list[str] | None = names_from_env("PORTAL_PLUGINS") or None
PORTAL_PLUGINS_EXCLUDE: list[str] = names_from_env("PORTAL_PLUGINS_EXCLUDE")

# --- Theme ---------------------------------------------------------------------------
THEMES_DIR = BASE_DIR / "themes"
PORTAL_THEME = os.environ.get("PORTAL_THEME", "default")


def theme_dirs(theme: str, kind: str) -> list[Path]:
    """The selected theme's folder first, then the default theme's as the fallback."""
    names = [theme] if theme == "default" else [theme, "default"]
    return [THEMES_DIR / name / kind for name in names]


INSTALLED_APPS = [
    "portal.accounts",
    *discover_plugins(PORTAL_PLUGINS, PORTAL_PLUGINS_EXCLUDE),
    "portal.core",
    "portal.editorial.news",
    "portal.editorial.learning",
    "portal.editorial.wellness",
    "portal.editorial.weeks",
    "portal.editorial.resources",
    "search",
    "daphne",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.UserLanguageMiddleware",
    "portal.middleware.IntranetLoginRequiredMiddleware",
    "portal.ratelimit.RateLimitMiddleware",
    "portal.inputs.RejectInvalidTextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.SecurityHeadersMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"
ASGI_APPLICATION = "portal.asgi.application"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": theme_dirs(PORTAL_THEME, "templates"),
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

# --- Data ----------------------------------------------------------------------------
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "portal.sqlite3",
        "OPTIONS": {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One process: local memory is enough. More processes share one cache (REDIS_URL in
# production), which the visibility policy relies on to forget what it remembered.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- Search ---------------------------------------------------------------------------
# The embedded backend on the database (SQLite FTS5, PostgreSQL full-text) unless
# ELASTICSEARCH_URL is set; PORTAL_SEARCH_BACKEND ("database", "elasticsearch") forces one.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
PORTAL_SEARCH_BACKEND = os.environ.get("PORTAL_SEARCH_BACKEND", "")
#: Elasticsearch: the alias searched; each rebuild creates "<alias>-<timestamp>" behind it.
PORTAL_SEARCH_INDEX = os.environ.get("PORTAL_SEARCH_INDEX", "portal-search")

# --- Accounts ------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Django's own backend, refusing an account locked by failed logins (portal/accounts/lockout.py).
AUTHENTICATION_BACKENDS = ["portal.accounts.backends.LockoutBackend"]
WAGTAILADMIN_USER_LOGIN_FORM = "portal.accounts.forms.AdminLoginForm"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
#: Paths open to visitors who are not logged in (everything else is intranet-only).
PORTAL_PUBLIC_PATH_PREFIXES = ["/healthz", "/static/", "/favicon.ico"]

#: Pages register the service worker (/sw.js: the offline page and static files).
PORTAL_SERVICE_WORKER = True

# --- Languages -----------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [PORTAL_DIR / "locale"]
USE_I18N = True
#: Dates as Europeans write them, in both languages (portal/formats/): "2 Dec 2026, 14:05".
FORMAT_MODULE_PATH = ["portal.formats"]
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Content in several languages (portal/core/localisation.py): editors translate a page
# (wagtail.contrib.simple_translation's "Translate" action) and each person reads the
# version in their language, the original otherwise. One page tree per language.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# --- Files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = theme_dirs(PORTAL_THEME, "static")
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Files with an audience (post attachments): never served as is, only through a view
    # that asks the visibility policy.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": "/no-direct-access/"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "ods", "odp", "pdf", "pptx", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024

# --- Wagtail -------------------------------------------------------------------------
WAGTAIL_SITE_NAME = os.environ.get("PORTAL_SITE_NAME", "Portal")
WAGTAILADMIN_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL
WAGTAILAPI_LIMIT_MAX = 100
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_USER_CUSTOM_FIELDS = ["department", "preferred_language"]

# --- API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first, so that an unauthenticated request gets 401 with a WWW-Authenticate
    # header (what scripts expect) rather than 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api.authentication.TokenAuthentication",
        "portal.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Bounded in size, depth and numbers, and checked for text that cannot be stored.
    "DEFAULT_PARSER_CLASSES": [
        "portal.api.parsers.JSONParser",
        "portal.api.parsers.FormParser",
        "portal.api.parsers.MultiPartParser",
    ],
    # Every unsafe request counts against its view's throttle_scope (portal/ratelimit.py).
    "DEFAULT_THROTTLE_CLASSES": ["portal.ratelimit.WriteThrottle"],
    # DRF's own throttles, if one is ever used, take REMOTE_ADDR, never X-Forwarded-For.
    "NUM_PROXIES": 0,
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.PortalPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "portal.api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "portal.api.errors.exception_handler",
    "DEFAULT_METADATA_CLASS": "portal.api.metadata.PortalMetadata",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Portal API",
    "DESCRIPTION": (
        "The portal's REST API. Authenticate with a session (the browser) or a token: "
        "`Authorization: Token <key>`; get a key from POST /api/auth/token/."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/",
    "PREPROCESSING_HOOKS": ["portal.api.schema.only_portal_api"],
}

# --- Security defaults that hold everywhere -----------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# No page may be framed, except the admin's by the admin (Wagtail's live preview):
# portal.middleware.SecurityHeadersMiddleware relaxes both headers under /admin/ only.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
#: Browser features no page of the portal uses.
PORTAL_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
#: Path prefixes served with PORTAL_ADMIN_CONTENT_SECURITY_POLICY and same-origin framing.
PORTAL_ADMIN_PATH_PREFIXES = ["/admin/"]

# Content-Security-Policy (django-csp): the portal's own pages run no inline script or
# style; scripts, styles, images and fonts come from the portal itself (user images may be
# data: URLs in previews), and fetches only go back to it (and its WebSockets).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "frame-src": ["'self'"],
    }
}
# The admin's pages (Wagtail 8): its widgets (date and image choosers, inline panels)
# still start with inline <script> elements, and its live preview frames the admin's own
# preview pages. No eval, no other origin (tests/e2e/test_security_policy.py).
PORTAL_ADMIN_CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'"],
    "frame-ancestors": ["'self'"],
}
# Avatars of the admin's users are never fetched from another site (privacy, and the CSP).
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --- Rate limits (portal/ratelimit.py) -----------------------------------------------
#: Addresses or networks of the reverse proxies in front of the portal (comma-separated
#: in the environment). X-Forwarded-For is believed only from them; empty: REMOTE_ADDR.
PORTAL_TRUSTED_PROXIES: list[str] = [
    item.strip() for item in os.environ.get("PORTAL_TRUSTED_PROXIES", "").split(",") if item.strip()
]
#: Per scope, the rates (per account, per address) of writes: "N/s", "N/m", "N/h", "N/d"
#: or "N/10m"; None: no limit on that key. Generous: a person never meets them, a flood
#: does. Environment: PORTAL_RATE_<SCOPE>="30/m,120/m" (portal/settings/production.py).
PORTAL_RATE_LIMITS: dict[str, tuple[str | None, str | None]] = {
    # Password guesses: the login page, the admin's login and API tokens share them.
    "login": ("10/m", "30/m"),
    "password_reset": ("5/h", "20/h"),
    "token": ("10/h", "30/h"),
    # Resetting one's personal feed link (portal/accounts/feed_tokens.py).
    "feed_token": ("10/h", "30/h"),
    "post": ("30/m", "120/m"),
    "comment": ("60/m", "240/m"),
    "reaction": ("120/m", "480/m"),
    "report": ("10/m", "40/m"),
    "group": ("30/m", "120/m"),
    "follow": ("60/m", "240/m"),
    "bookmark": ("60/m", "240/m"),
    "vote": ("60/m", "240/m"),
    "upload": ("20/m", "80/m"),
    # Sending a message (plugins/messaging: the API and the socket).
    "message": ("60/m", "240/m"),
    "initiative": ("10/m", "40/m"),
    "booking": ("30/m", "120/m"),
    # Any other write.
    "write": ("120/m", "600/m"),
}
#: Scopes of views that are not ours (dotted name of the view's class or function).
PORTAL_RATE_LIMIT_VIEWS: dict[str, str] = {
    "wagtail.admin.views.account.LoginView": "login",
}
#: HTML paths whose writes are not counted unless their view names a scope: the admin,
#: where editors upload and save in bursts.
PORTAL_RATE_LIMIT_EXEMPT_PREFIXES: list[str] = ["/admin/"]
# django-ratelimit takes the client's address the same way.
RATELIMIT_IP_META_KEY = "portal.ratelimit.client_ip"

# --- Approvals (portal/approvals.py) ---------------------------------------------------
#: Whether someone may approve what they submitted themselves (a themed-week initiative,
#: a page in a moderation workflow). Off: a submission needs a second person.
PORTAL_ALLOW_SELF_APPROVAL = os.environ.get("PORTAL_ALLOW_SELF_APPROVAL", "").lower() in {
    "1",
    "true",
    "yes",
    "on",
}

# --- Failed logins (portal/accounts/lockout.py) --------------------------------------
PORTAL_LOGIN_LOCKOUT_FAILURES = int(os.environ.get("PORTAL_LOGIN_LOCKOUT_FAILURES", "5"))
PORTAL_LOGIN_LOCKOUT_SECONDS = 60
PORTAL_LOGIN_LOCKOUT_MAX_SECONDS = 15 * 60
PORTAL_LOGIN_FAILURES_MEMORY_SECONDS = 60 * 60

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Failed logins, lockouts and rate limits: account and address, never a password.
        "portal.security": {"level": "INFO"},
        "daphne": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

# --- Feed posts ----------------------------------------------------------------------
PORTAL_POST_MAX_FILES = 10
PORTAL_POST_MAX_FILE_BYTES = 20 * 1024 * 1024
PORTAL_POST_MAX_IMAGE_BYTES = 10 * 1024 * 1024
# Link previews: fetched from the linked page's own metadata, never from private addresses.
PORTAL_LINK_PREVIEW_TIMEOUT = 3
PORTAL_LINK_PREVIEW_MAX_BYTES = 512 * 1024
PORTAL_LINK_PREVIEW_ALLOW_PRIVATE = False
