"""The one query API every backend answers (the database's and Elasticsearch's).

Backends receive :class:`Query` objects whose ``tokens`` are the searcher's audience tokens
(never empty: ``search.query.search`` refuses anonymous and inactive people before) and
must return only documents holding at least one of them, in results, counts, suggestions
and highlights alike.

Highlights: ``Hit.title_html`` and ``Hit.snippet_html`` are safe HTML: the document's text
escaped, with ``<mark>`` around matched words. Backends mark matches with the sentinels
:data:`MARK_START` / :data:`MARK_END` and call :func:`highlight_html`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.html import escape

from search.documents import Document

MARK_START = "\x02"
MARK_END = "\x03"
PER_PAGE = 20


def highlight_html(marked: str) -> str:
    """Text with sentinel marks -> escaped HTML with ``<mark>`` elements."""
    return escape(marked).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


@dataclass
class Query:
    #: What the person typed: words, "quoted phrases", prefixes are implied on the last word.
    text: str
    tokens: frozenset[str]
    #: Registry keys to keep (None: every enabled type).
    types: list[str] | None = None
    #: Only the keys of enabled types are ever returned (a disabled plugin's leftovers).
    enabled_types: list[str] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1
    per_page: int = PER_PAGE


@dataclass
class Hit:
    key: str
    object_id: str
    title: str
    url: str
    title_html: str = ""
    snippet_html: str = ""
    author: str = ""
    date: datetime | None = None
    score: float = 0.0


@dataclass
class Results:
    hits: list[Hit]
    #: Matching documents of the selected types.
    total: int
    #: Matching documents per registry key, over every enabled type (for the type filter).
    counts: dict[str, int]
    page: int = 1
    per_page: int = PER_PAGE
    #: True when the backend stopped counting: ``total`` and ``counts`` are then lower bounds
    #: (at least that many matches), not exact numbers.
    capped: bool = False

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


class SearchBackend:
    """Stores documents and answers queries. Every method is safe to call repeatedly."""

    name = "base"

    def index(self, documents: Iterable[Document]) -> int:
        """Add or replace these documents; returns how many were written."""
        raise NotImplementedError

    def delete(self, uids: Iterable[tuple[str, str]]) -> None:
        """Remove the documents ``(key, object_id)`` (missing ones are ignored)."""
        raise NotImplementedError

    def clear(self, keys: list[str] | None = None) -> None:
        """Remove every document of these registry keys (all when ``None``)."""
        raise NotImplementedError

    def rebuild(
        self,
        keys: list[str],
        documents: Iterable[Document],
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Replace every document of ``keys`` by ``documents``, searchable throughout
        (the database backend swaps in one transaction; Elasticsearch builds a new index
        and moves the alias). Calls ``progress(n)`` as documents are written."""
        raise NotImplementedError

    def search(self, query: Query) -> Results:
        raise NotImplementedError

    def suggest(self, query: Query, limit: int = 8) -> list[Hit]:
        """Title-prefix matches for suggestions as you type; people (``person`` types)
        first. ``query.types`` lists the types to look in, person types first."""
        raise NotImplementedError

    def count(self) -> int:
        """How many documents are stored (all types)."""
        raise NotImplementedError
