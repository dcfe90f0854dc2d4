"""Background work of search: bringing documents up to date after a change.

The indexer (:mod:`search.indexer`) enqueues :func:`update_documents` when a transaction
commits; with the immediate task backend (development, tests) it runs inline.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from django_tasks import task

logger = logging.getLogger("portal.search")

#: Objects loaded per query.
CHUNK = 500


def refresh(uids) -> dict[str, int]:
    """Re-build the documents ``[[key, object_id], ...]`` from the database: index those
    that have one, delete the others (objects gone, drafts, nobody may see them, types no
    longer enabled). Errors are logged and the document is dropped (never left stale)."""
    from search.backends import get_backend
    from search.documents import build
    from search.registry import searchable_types

    by_key: dict[str, dict[str, None]] = defaultdict(dict)
    for key, object_id in uids:
        by_key[key][str(object_id)] = None
    types = searchable_types()
    backend = get_backend()
    indexed = deleted = failed = 0
    for key, wanted in by_key.items():
        ids = list(wanted)
        searchable = types.get(key)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            documents, gone = [], []
            if searchable is None:
                gone = [(key, object_id) for object_id in chunk]
            else:
                try:
                    found = {
                        str(obj.pk): obj for obj in searchable.all_objects().filter(pk__in=chunk)
                    }
                except Exception:
                    logger.exception("Could not load %s objects %s for search", key, chunk)
                    failed += len(chunk)
                    continue
                for object_id in chunk:
                    obj = found.get(object_id)
                    document = None
                    if obj is not None:
                        try:
                            document = build(searchable, obj)
                        except Exception:
                            logger.exception(
                                "Could not build the search document of %s %s", key, object_id
                            )
                            failed += 1
                    if document is None:
                        gone.append((key, object_id))
                    else:
                        documents.append(document)
            try:
                if documents:
                    indexed += backend.index(documents) or 0
                if gone:
                    backend.delete(gone)
                    deleted += len(gone)
            except Exception:
                logger.exception("Could not update the search index for %s", key)
                failed += len(chunk)
    return {"indexed": indexed, "deleted": deleted, "failed": failed}


@task()
def update_documents(uids: list[list[str]]) -> dict[str, int]:
    """Bring the search documents ``[[key, object_id], ...]`` up to date."""
    return refresh(uids)
