"""Settings for the test suite: fast hashing, local memory, immediate tasks.

The database is SQLite unless DATABASE_URL points elsewhere (CI's PostgreSQL pass).
"""

import os

import dj_database_url

from portal.settings.base import *  # noqa: F403
from portal.settings.base import DATABASES, INSTALLED_APPS

DEBUG = False
SECRET_KEY = "tests-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PORTAL_SERVE_FILES = True

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=0)}
else:
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA foreign_keys=ON;"}

# A plugin that exercises every submodule of the contract; it lives with the tests.
if (
    "tests.sample_plugin" not in INSTALLED_APPS
    and os.environ.get("PORTAL_TEST_SAMPLE_PLUGIN", "1") == "1"
):
    INSTALLED_APPS.insert(INSTALLED_APPS.index("portal.core"), "tests.sample_plugin")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Link previews are tested against a real HTTP server on 127.0.0.1.
PORTAL_LINK_PREVIEW_ALLOW_PRIVATE = True

# The suite searches the embedded backend; the Elasticsearch live tests use
# ELASTICSEARCH_URL themselves (search/tests/test_elasticsearch.py).
PORTAL_SEARCH_BACKEND = os.environ.get("PORTAL_SEARCH_BACKEND", "database")

# The rate limits keep their real defaults (base.py): no test writes that fast for one
# account, and a client hammering an endpoint meets a 429 here as in production. Tests
# that fire many requests on purpose (the schema fuzzer) lift them themselves.

# Browser tests open and close hundreds of pages: a service worker installing in the
# background would still be fetching from the live server while a test's database is
# flushed (PostgreSQL then reports a deadlock). Its own tests turn it back on
# (tests/test_webapp.py, tests/e2e/test_htmx.py).
PORTAL_SERVICE_WORKER = False
