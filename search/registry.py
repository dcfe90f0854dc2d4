"""The search registry: which content is searchable and how it becomes a document.

Plugins declare their content in ``search.py`` by calling :func:`register`; the core
imports every enabled plugin's ``search.py`` through the plugin contract (and its own
declarations: people, Wagtail pages), so a disabled plugin's content is never registered,
never indexed and never returned.

A declaration is a few lines::

    register("feed.post", Post, post_document, _("Posts"),
             queryset=lambda: Post.objects.select_related("author", "group"),
             watch={Comment: lambda comment: [comment.post]})

``to_document(obj)`` returns a dict with ``title``, ``body``, ``author``, ``date``,
``tags``, ``url`` (and optionally ``language``, ``reader_languages`` for content in
several language versions: see :mod:`search.documents`, and ``match_title: False`` when the
title only names the object the content belongs to: shown with the hit, never matched).
Who may find the object is *not* the plugin's to say: the indexer asks the visibility
policy (``tokens_for_object``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models

from portal.plugins import plugin_submodules


@dataclass(frozen=True)
class SearchableType:
    """One searchable content type."""

    key: str
    model: type[models.Model]
    #: Turns an object into a document: title, body, author, dates, tags, url.
    to_document: Callable[[models.Model], dict]
    label: str = ""
    #: The objects to index on a rebuild (with what ``to_document`` reads, preloaded).
    queryset: Callable[[], models.QuerySet] | None = None
    #: Other models whose changes re-index objects of this type: ``{Model: obj -> objs}``.
    watch: dict = field(default_factory=dict)
    #: Suggestions as you type list these first (people).
    person: bool = False
    #: ``obj -> bool``: objects to leave out of the index (drafts, deactivated people).
    should_index: Callable[[models.Model], bool] | None = None

    def all_objects(self) -> models.QuerySet:
        if self.queryset is not None:
            return self.queryset()
        return self.model._default_manager.all()


_registry: dict[str, SearchableType] = {}
_loaded = False


def register(
    key: str,
    model: type[models.Model],
    to_document,
    label: str = "",
    *,
    queryset=None,
    watch: dict | None = None,
    person: bool = False,
    should_index=None,
) -> SearchableType:
    searchable = SearchableType(
        key=key,
        model=model,
        to_document=to_document,
        label=label or key,
        queryset=queryset,
        watch=dict(watch or {}),
        person=person,
        should_index=should_index,
    )
    _registry[key] = searchable
    return searchable


def searchable_types() -> dict[str, SearchableType]:
    """Every registered type, importing the enabled plugins' ``search.py`` once."""
    global _loaded
    if not _loaded:
        from search import core_types

        core_types.register_core_types()
        for _config, _module in plugin_submodules("search"):
            pass
        _loaded = True
    return dict(_registry)


def types_for_model(model: type[models.Model]) -> list[SearchableType]:
    """The registered types an instance of ``model`` belongs to (a page type and Page)."""
    return [s for s in searchable_types().values() if issubclass(model, s.model)]


def watchers_of(model: type[models.Model]) -> Iterable[tuple[SearchableType, Callable]]:
    """``(type, obj -> objects to re-index)`` for the types watching ``model``."""
    for searchable in searchable_types().values():
        for watched, related in searchable.watch.items():
            if issubclass(model, watched):
                yield searchable, related
