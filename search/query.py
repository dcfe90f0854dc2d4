"""The one query API: ``search(user, q, types=..., filters=..., page=...)``.

Everything goes through the searcher's audience tokens (the visibility policy); anonymous
and inactive people find nothing. Ranked, highlighted hits with counts per type; hits are
checked once more against the policy before they are returned (an index that has not
caught up with a change yet never shows what the person may not see).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal import visibility
from portal.core.localisation import reader_language
from search.backends import get_backend
from search.backends.base import PER_PAGE, Hit, Query, Results
from search.documents import searcher_tokens
from search.registry import searchable_types

MAX_QUERY_LENGTH = 200
MAX_PAGE = 500


def _query(user, q: str, types=None, filters=None, page=1, per_page=PER_PAGE) -> Query | None:
    text = " ".join((q or "").split())[:MAX_QUERY_LENGTH]
    if not text or not visibility.is_active_user(user):
        return None
    enabled = searchable_types()
    if types:
        unknown = sorted(set(types) - set(enabled))
        if unknown:
            raise ValidationError(
                {"type": [_("Unknown type: %(types)s.") % {"types": ", ".join(unknown)}]}
            )
    filters = filters or {}
    for name in ("date_from", "date_to"):
        value = filters.get(name)
        if value is not None and not isinstance(value, date):
            raise ValidationError({name: [_("Enter a valid date.")]})
    try:
        page = int(page or 1)
    except (TypeError, ValueError):
        raise ValidationError({"page": [_("Enter a whole number.")]}) from None
    if not 1 <= page <= MAX_PAGE:
        raise ValidationError({"page": [_("Pages go from 1 to %(max)d.") % {"max": MAX_PAGE}]})
    return Query(
        text=text,
        # Plain and for the searcher's language: one version of each page (search.documents).
        tokens=searcher_tokens(visibility.tokens_for(user), reader_language(user)),
        types=list(types) if types else None,
        enabled_types=sorted(enabled),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        page=page,
        per_page=per_page,
    )


def _still_visible(user, hits: list[Hit]) -> list[Hit]:
    """The hits the policy lets ``user`` see now (one query per type on the page)."""
    types = searchable_types()
    by_key: dict[str, list[Hit]] = defaultdict(list)
    for hit in hits:
        by_key[hit.key].append(hit)
    allowed: set[tuple[str, str]] = set()
    for key, group in by_key.items():
        searchable = types.get(key)
        if searchable is None:
            continue
        pk_field = searchable.model._meta.pk
        ids = []
        for hit in group:
            try:
                ids.append(pk_field.to_python(hit.object_id))
            except ValidationError:
                continue
        visible = visibility.visible_ids(user, searchable.model, ids)
        allowed.update((key, str(pk)) for pk in visible)
    return [hit for hit in hits if (hit.key, hit.object_id) in allowed]


def search(user, q: str, types=None, filters=None, page=1, per_page=PER_PAGE) -> Results:
    """Ranked, highlighted results of ``q`` that ``user`` may see, with counts per type.

    ``types``: registry keys ("feed.post", "people.person", ...); ``filters``:
    ``{"date_from": date, "date_to": date}``; ``page`` from 1. Bad input raises
    ``ValidationError`` naming the field."""
    query = _query(user, q, types, filters, page, per_page)
    if query is None:
        return Results(hits=[], total=0, counts={}, page=1, per_page=per_page)
    results = get_backend().search(query)
    results.hits = _still_visible(user, results.hits)
    return results


def suggest(user, q: str, limit: int = 8) -> list[Hit]:
    """Suggestions as you type: title prefixes, people first."""
    query = _query(user, q)
    if query is None:
        return []
    people = [key for key, s in searchable_types().items() if s.person]
    query.types = people + [key for key in query.enabled_types if key not in people]
    return _still_visible(user, get_backend().suggest(query, limit=max(1, min(limit, 20))))
