"""The search registry: which content is searchable and how it becomes a document.

Plugins declare their content in ``search.py`` by calling :func:`register`; the core
imports every enabled plugin's ``search.py`` through the plugin contract, so a disabled
plugin's content is never registered and never searched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

from portal.plugins import plugin_submodules


@dataclass(frozen=True)
class SearchableType:
    """One searchable content type."""

    model: type[models.Model]
    #: Turns an object into a document: title, body, author, dates, tags, type.
    to_document: Callable[[models.Model], dict]
    label: str = ""


_registry: dict[str, SearchableType] = {}
_loaded = False


def register(key: str, model: type[models.Model], to_document, label: str = "") -> None:
    _registry[key] = SearchableType(model=model, to_document=to_document, label=label or key)


def searchable_types() -> dict[str, SearchableType]:
    """Every registered type, importing the enabled plugins' ``search.py`` once."""
    global _loaded
    if not _loaded:
        for _config, _module in plugin_submodules("search"):
            pass
        _loaded = True
    return dict(_registry)
