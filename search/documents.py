"""What the search index stores: one :class:`Document` per searchable object.

A document is built from the registry's ``to_document`` (title, body, author, dates,
tags) and carries the object's **access tokens** from the one visibility policy
(:func:`portal.visibility.tokens_for_object`); plugins never choose them. A group's post
carries the group's token and not its author's, so whoever leaves the group no longer
finds it, their own posts included. An object with no token (a draft page, a deactivated
person, a secret group's post nobody can see) has no document: building it returns
``None`` and the indexer deletes what was there.

**Versions of a page in several languages** (portal.core.localisation): a person finds
one version of each page, the one listings show them (in their language when it exists,
else the original). ``to_document`` says which readers a version is for
(``reader_languages``: ``{"fr"}``, or ``None`` for everyone); its tokens are then
qualified by those languages (``all@fr``: everyone reading in French), and a searcher
holds their own tokens both plain and qualified by their language
(:func:`searcher_tokens`). The backends' one access filter ("holds one of the
searcher's tokens") thus also picks the version, in results, counts and suggestions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.encoding import force_str

from portal import visibility


@dataclass
class Document:
    #: The registry key of the content type ("feed.post", "people.person", "pages.newspage").
    key: str
    object_id: str
    title: str
    url: str
    body: str = ""
    author: str = ""
    tags: list[str] = field(default_factory=list)
    date: datetime | None = None
    #: Who may find it: audience tokens of the visibility policy ("all", "group:12", ...).
    tokens: frozenset[str] = frozenset()
    #: "fr" or "en": the language the text is analysed in first (both are indexed).
    language: str = "fr"
    #: False when the title only names where the object is (a comment shows its post's
    #: title): shown with the hit, never matched, so a comment is found by its own words.
    match_title: bool = True

    @property
    def uid(self) -> tuple[str, str]:
        return (self.key, self.object_id)


def language_token(token: str, language: str) -> str:
    """``token`` for the readers of ``language`` only: ``all`` -> ``all@fr``."""
    return f"{token}@{language}"


def searcher_tokens(tokens, language: str) -> frozenset[str]:
    """A searcher's tokens, plain and for their reading language (see the module)."""
    return frozenset(tokens) | {language_token(token, language) for token in tokens}


def build(searchable, obj) -> Document | None:
    """The document of ``obj`` (a ``searchable`` registry entry's model), or ``None`` when
    nobody may find it."""
    if searchable.should_index is not None and not searchable.should_index(obj):
        return None
    tokens = frozenset(visibility.tokens_for_object(obj))
    if not tokens:
        return None
    data = searchable.to_document(obj)
    languages = data.get("reader_languages")
    if languages is not None:
        tokens = frozenset(language_token(t, language) for t in tokens for language in languages)
        if not tokens:
            return None
    tags = data.get("tags") or []
    return Document(
        key=searchable.key,
        object_id=str(obj.pk),
        title=force_str(data.get("title") or "")[:1000],
        url=force_str(data.get("url") or _absolute_url(obj)),
        body=force_str(data.get("body") or ""),
        author=force_str(data.get("author") or ""),
        tags=[force_str(tag) for tag in tags],
        date=data.get("date"),
        tokens=tokens,
        language=data.get("language") or "fr",
        match_title=data.get("match_title", True),
    )


def _absolute_url(obj) -> str:
    getter = getattr(obj, "get_absolute_url", None) or getattr(obj, "get_url", None)
    try:
        return getter() or "" if getter else ""
    except Exception:  # noqa: BLE001 - a URL that cannot be reversed is just not linked
        return ""
