"""Production settings, configured entirely from the environment.

Required: SECRET_KEY, ALLOWED_HOSTS. Optional: DATABASE_URL (default: SQLite in var/),
REDIS_URL (cache and real-time layer), ELASTICSEARCH_URL (search), PORTAL_BASE_URL,
EMAIL_HOST / EMAIL_PORT / EMAIL_HOST_USER / EMAIL_HOST_PASSWORD / EMAIL_USE_TLS /
DEFAULT_FROM_EMAIL, SECURE_SSL_REDIRECT (default on), SECURE_HSTS_SECONDS,
CSRF_TRUSTED_ORIGINS, PORTAL_THEME, PORTAL_PLUGINS_EXCLUDE, PORTAL_TRUSTED_PROXIES,
PORTAL_RATE_<SCOPE> (e.g. PORTAL_RATE_LOGIN="10/m,30/m": per account, per address; "none"
lifts one), PORTAL_LOGIN_LOCKOUT_FAILURES.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from portal.settings.base import *  # noqa: F403
from portal.settings.base import DATABASES, PORTAL_RATE_LIMITS


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = False
try:
    SECRET_KEY = os.environ["SECRET_KEY"]
except KeyError as exc:
    raise ImproperlyConfigured("Set SECRET_KEY in the environment for production.") from exc
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated) for production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"], conn_max_age=600, conn_health_checks=True
        )
    }

REDIS_URL = os.environ.get("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    # channels-redis over redis-py: a read timeout longer than the layer's 5 s blocking
    # read (redis-py's own 5 s default races it and kills idle sockets), a pool for every
    # open socket of a process, and an inbox capacity above one conversation's fan-out
    # (all sockets of a process share one inbox; the default 100 drops a 100-member
    # broadcast's surplus). Measured in tests/benchmarks/bench_realtime.py.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": 30,
                        "max_connections": int(os.environ.get("PORTAL_REDIS_CONNECTIONS", "1000")),
                    }
                ],
                "capacity": int(os.environ.get("PORTAL_CHANNEL_CAPACITY", "5000")),
            },
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL")
if ELASTICSEARCH_URL:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.elasticsearch8",
            "URLS": [ELASTICSEARCH_URL],
            "INDEX_PREFIX": os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "portal_"),
        }
    }

EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Serving user files and static assets from the app server is fine for one machine;
# put a web server or object storage in front when you outgrow it.
PORTAL_SERVE_FILES = env_bool("PORTAL_SERVE_FILES", True)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True


def env_rates(scope: str, default: tuple[str | None, str | None]) -> tuple[str | None, str | None]:
    value = os.environ.get(f"PORTAL_RATE_{scope.upper()}")
    if value is None:
        return default
    rates = [item.strip() for item in value.split(",")]
    if len(rates) != 2:
        raise ImproperlyConfigured(
            f"PORTAL_RATE_{scope.upper()}: two rates, per account and per address "
            '(e.g. "30/m,120/m"; "none" for no limit).'
        )
    account, address = (None if rate.lower() == "none" else rate for rate in rates)
    return account, address


PORTAL_RATE_LIMITS = {scope: env_rates(scope, rates) for scope, rates in PORTAL_RATE_LIMITS.items()}
