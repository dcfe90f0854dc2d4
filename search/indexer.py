"""Keeps the search index in step with the database.

Receivers note which documents a change concerns (``(key, object_id)`` pairs of the
registry) and, when the transaction commits, hand them to the ``update_documents`` task
(:mod:`search.tasks`), which rebuilds each document from the database as it then is:
indexed when it has one, deleted when the object is gone or nobody may find it any more.
Changes are collected per transaction, so a request that saves a post, its hashtags and its
poll indexes the post once.

What triggers a re-index:

* saving or deleting an object of a registered type (pages are sent with their concrete
  class), or changing one of its many-to-many relations (named people, tags);
* the registry's ``watch`` relations: a post's comments when the post changes (their
  audience comes from the post), a person when their profile or department changes;
* Wagtail's publication, unpublication and moves, and the page audiences and view
  restrictions: the page and every page below it (their visibility follows their parents).

Indexing never breaks the change that caused it: errors are logged (logger
``portal.search``) and the document is dropped from the index rather than left stale.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger("portal.search")

DISPATCH_UID = "portal.search.indexer"
#: How many pairs one task receives at most.
TASK_BATCH = 1000
#: Saves that touch only these fields change no document (a login).
IGNORED_UPDATE_FIELDS = frozenset({"last_login"})

_BATCH_ATTR = "_portal_search_batch"


# --- Collecting the changes of a transaction ---------------------------------------------


class _Batch:
    """The documents to re-index when the current transaction commits. It is itself the
    on-commit callback; calling it again flushes what was added since.

    ``pending`` holds ``(key, object_id)`` pairs; ``later`` holds what is only worked out
    at the commit (which comments a saved post has, which pages lie below a moved one), so
    that a save costs no query of the index's own."""

    def __init__(self):
        self.pending: dict[tuple[str, str], None] = {}
        self.later: dict[tuple, object] = {}
        self.flushed = False
        self.seen_list = None

    def __call__(self) -> None:
        self.flushed = True
        pairs, self.pending = list(self.pending), {}
        later, self.later = list(self.later.values()), {}
        flush(pairs + _resolve(later))

    def is_registered(self, connection) -> bool:
        """Whether this batch still waits in the connection's on-commit callbacks (a
        rolled-back savepoint or transaction drops them)."""
        hooks = connection.run_on_commit
        if hooks is self.seen_list:
            return True
        if any(func is self for _sids, func, _robust in hooks):
            self.seen_list = hooks
            return True
        return False


def _resolve(resolvers) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for resolver in resolvers:
        try:
            pairs.extend(resolver())
        except Exception:
            logger.exception("Could not find the search documents depending on a change")
    return list(dict.fromkeys(pairs))


def schedule(
    pairs: Iterable[tuple[str, str]] = (),
    using: str = DEFAULT_DB_ALIAS,
    later: dict | None = None,
) -> None:
    """Re-index these ``(key, object_id)`` pairs, and those ``later``'s callables return
    (``{identity: callable}``), once the current transaction commits (at once outside a
    transaction)."""
    pairs = [(key, str(object_id)) for key, object_id in pairs]
    if not pairs and not later:
        return
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        flush(list(dict.fromkeys(pairs + _resolve((later or {}).values()))))
        return
    batch = getattr(connection, _BATCH_ATTR, None)
    if batch is None or batch.flushed or not batch.is_registered(connection):
        batch = _Batch()
        setattr(connection, _BATCH_ATTR, batch)
        transaction.on_commit(batch, using=using, robust=True)
    else:
        # Flush from here too: whoever runs only the callbacks registered from now on (a
        # test capturing them) indexes these. Once the batch has run, the others find it
        # empty.
        transaction.on_commit(_Again(batch), using=using, robust=True)
    batch.pending.update(dict.fromkeys(pairs))
    if later:
        batch.later.update(later)


class _Again:
    def __init__(self, batch: _Batch):
        self.batch = batch

    def __call__(self) -> None:
        self.batch()


def flush(pairs: list[tuple[str, str]]) -> None:
    """Enqueue the re-indexing of ``pairs`` (runs inline with the immediate task backend)."""
    if not pairs:
        return
    from search import tasks

    for start in range(0, len(pairs), TASK_BATCH):
        chunk = [[key, object_id] for key, object_id in pairs[start : start + TASK_BATCH]]
        try:
            tasks.update_documents.enqueue(chunk)
        except Exception:
            logger.exception("Could not update %d search documents", len(chunk))


# --- Which documents a change concerns ----------------------------------------------------


def _types_for(model) -> list:
    from search.registry import types_for_model

    return types_for_model(model)


def _model_of(instance) -> type[models.Model]:
    from wagtail.models import Page

    if isinstance(instance, Page) and instance.content_type_id:
        specific = ContentType.objects.get_for_id(instance.content_type_id).model_class()
        if specific is not None:
            return specific
    return type(instance)


def _pks(related) -> list:
    if related is None:
        return []
    if isinstance(related, models.QuerySet):
        return list(related.values_list("pk", flat=True))
    if isinstance(related, models.Model):
        related = [related]
    return [item.pk if isinstance(item, models.Model) else item for item in related]


def own_pairs(instance) -> list[tuple[str, str]]:
    """The documents of ``instance`` itself (no query)."""
    return [(searchable.key, str(instance.pk)) for searchable in _types_for(_model_of(instance))]


def watcher_pairs(instance) -> list[tuple[str, str]]:
    """The documents of the types watching ``instance``'s model (a post's comments)."""
    from search.registry import watchers_of

    pairs = []
    for searchable, related in watchers_of(_model_of(instance)):
        try:
            pairs.extend((searchable.key, str(pk)) for pk in _pks(related(instance)))
        except Exception:
            logger.exception(
                "Could not find the %s documents depending on %r", searchable.key, instance
            )
    return pairs


def _has_watchers(model) -> bool:
    from search.registry import watchers_of

    return any(True for _watcher in watchers_of(model))


def _watching(instance) -> dict:
    """``later`` entry re-indexing the watchers of ``instance`` at the commit."""
    model = _model_of(instance)
    if not _has_watchers(model):
        return {}
    return {("watch", model, instance.pk): lambda: watcher_pairs(instance)}


def page_tree_pairs(page_id) -> list[tuple[str, str]]:
    """The documents of the page ``page_id`` and of every page below it, and of their
    translations (which version a reader finds depends on the others: search.documents)."""
    from django.db.models import Q
    from wagtail.models import Page

    path = Page.objects.filter(pk=page_id).values_list("path", flat=True).first()
    if path is None:
        return []
    tree = Page.objects.filter(path__startswith=path)
    rows = Page.objects.filter(
        Q(path__startswith=path) | Q(translation_key__in=tree.values("translation_key"))
    ).values_list("pk", "content_type_id")
    pairs = []
    watched: dict[type, list] = {}
    for pk, content_type_id in rows:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is not None:
            pairs.extend((searchable.key, str(pk)) for searchable in _types_for(model))
            if _has_watchers(model):
                watched.setdefault(model, []).append(pk)
    # What watches those pages (their comments) follows their audience too.
    for model, pks in watched.items():
        for page in model._default_manager.filter(pk__in=pks):
            pairs.extend(watcher_pairs(page))
    return pairs


def _page_tree(page_id) -> dict:
    return {("tree", page_id): lambda: page_tree_pairs(page_id)}


# --- Receivers -----------------------------------------------------------------------------


def _guard(func):
    def receiver(*args, **kwargs):
        try:
            func(*args, **kwargs)
        except Exception:
            logger.exception("Could not schedule a search index update")

    receiver.__name__ = func.__name__
    return receiver


@_guard
def object_saved(sender, instance, raw=False, update_fields=None, using=DEFAULT_DB_ALIAS, **kw):
    if raw or (update_fields and set(update_fields) <= IGNORED_UPDATE_FIELDS):
        return
    schedule(own_pairs(instance), using, later=_watching(instance))


@_guard
def object_deleted(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    # Its watchers are looked up at the commit, like after a save (the object has lost its
    # primary key by then: what was deleted with it has signalled its own deletion).
    schedule(own_pairs(instance), using, later=_watching(instance))


@_guard
def relation_changed(sender, instance, action, reverse, model, pk_set, using=None, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    using = using or DEFAULT_DB_ALIAS
    schedule(own_pairs(instance), using, later=_watching(instance))
    if reverse and pk_set:
        # ``instance`` is the other side (a person added to posts): re-index those objects.
        keys = [searchable.key for searchable in _types_for(model)]
        schedule([(key, pk) for key in keys for pk in pk_set], using)


@_guard
def page_tree_changed(sender, instance, **kwargs):
    """Published, unpublished or moved: the page and the pages below it."""
    schedule(later=_page_tree(instance.pk))


@_guard
def page_rule_changed(sender, instance, **kwargs):
    """A page audience or view restriction was saved or deleted."""
    if instance.page_id:
        schedule(later=_page_tree(instance.page_id))


def connect() -> None:
    """Connect the receivers (from ``SearchConfig.ready``)."""
    from wagtail.models import PageViewRestriction
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from portal.core.models import PageAudience

    # Registered types are resolved when a signal arrives (pages come with their concrete
    # class, plugins register when their ``search.py`` is imported).
    post_save.connect(object_saved, dispatch_uid=f"{DISPATCH_UID}.saved")
    post_delete.connect(object_deleted, dispatch_uid=f"{DISPATCH_UID}.deleted")
    m2m_changed.connect(relation_changed, dispatch_uid=f"{DISPATCH_UID}.m2m")
    for signal, name in (
        (page_published, "published"),
        (page_unpublished, "unpublished"),
        (post_page_move, "moved"),
    ):
        signal.connect(page_tree_changed, dispatch_uid=f"{DISPATCH_UID}.page-{name}")
    for model in (PageAudience, PageViewRestriction):
        name = model.__name__
        post_save.connect(page_rule_changed, sender=model, dispatch_uid=f"{DISPATCH_UID}.{name}")
        post_delete.connect(
            page_rule_changed, sender=model, dispatch_uid=f"{DISPATCH_UID}.{name}-deleted"
        )
