"""Which backend answers: Elasticsearch when ``ELASTICSEARCH_URL`` is set (through
elasticsearch-dsl), otherwise the embedded one on the database (SQLite FTS5 or PostgreSQL
full-text search, chosen by the database vendor). ``PORTAL_SEARCH_BACKEND`` ("database" or
"elasticsearch") forces one."""

from __future__ import annotations

from django.conf import settings

from search.backends.base import SearchBackend

_backend: SearchBackend | None = None
_built_for: tuple | None = None


def get_backend() -> SearchBackend:
    global _backend, _built_for
    wanted = getattr(settings, "PORTAL_SEARCH_BACKEND", "") or (
        "elasticsearch" if getattr(settings, "ELASTICSEARCH_URL", "") else "database"
    )
    identity = (wanted, getattr(settings, "ELASTICSEARCH_URL", ""))
    if _backend is None or _built_for != identity:
        if wanted == "elasticsearch":
            from search.backends.elasticsearch import ElasticsearchBackend

            _backend = ElasticsearchBackend(settings.ELASTICSEARCH_URL)
        else:
            from search.backends.database import DatabaseBackend

            _backend = DatabaseBackend()
        _built_for = identity
    return _backend
