"""The Elasticsearch backend (elasticsearch-dsl), used when ``ELASTICSEARCH_URL`` is set.

Documents live in timestamped indices ``<alias>-<timestamp>`` behind one alias
(``settings.PORTAL_SEARCH_INDEX``, "portal-search"). A full rebuild fills a new index and
moves the alias in one atomic ``update_aliases`` call, so searches keep answering from
the old index until the new one is complete; a partial rebuild (some types) replaces
those types' documents in place. A composable index template for ``<alias>-*`` carries
the analysers and the mapping.

Text is analysed several ways: ``portal_folded`` (lowercase, accents folded) on the main
field, ``.fr`` (French elision + light stemming) and ``.en`` (English stemming) sub-fields,
and an edge-ngram ``.prefix`` sub-field on titles and authors ("lef" finds "Lefèvre").

The request bodies are built by pure functions (:func:`search_body`,
:func:`suggest_body`, :func:`alias_actions`, :func:`index_body`) and responses are read by
:func:`results_from_response`: all testable without a server. Every body filters on the
searcher's tokens and on the enabled types, whatever else the query says.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import escape
from elasticsearch.dsl import Date, Index, Keyword, Q, Search, Text, analyzer, token_filter
from elasticsearch.dsl import Document as DslDocument

from search.backends.base import (
    MARK_END,
    MARK_START,
    Hit,
    Query,
    Results,
    SearchBackend,
    highlight_html,
)
from search.documents import Document

# -- analysis ---------------------------------------------------------------------------

FRENCH_ARTICLES = [
    "l",
    "m",
    "t",
    "qu",
    "n",
    "s",
    "j",
    "d",
    "c",
    "jusqu",
    "quoiqu",
    "lorsqu",
    "puisqu",
]
fr_elision = token_filter(
    "portal_fr_elision", "elision", articles_case=True, articles=FRENCH_ARTICLES
)
fr_stemmer = token_filter("portal_fr_stemmer", "stemmer", language="light_french")
en_possessive = token_filter("portal_en_possessive", "stemmer", language="possessive_english")
en_stemmer = token_filter("portal_en_stemmer", "stemmer", language="english")
edge_ngram = token_filter("portal_edge_ngram", "edge_ngram", min_gram=2, max_gram=20)

french = analyzer(
    "portal_french",
    tokenizer="standard",
    filter=[fr_elision, "lowercase", "asciifolding", fr_stemmer],
)
english = analyzer(
    "portal_english",
    tokenizer="standard",
    filter=[en_possessive, "lowercase", "asciifolding", en_stemmer],
)
#: Accent- and case-insensitive words, no stemming (phrases, names, typo tolerance).
folded = analyzer(
    "portal_folded", tokenizer="standard", filter=[fr_elision, "lowercase", "asciifolding"]
)
#: Index-time prefixes of every word ("lefevre" -> "le", "lef", ...); searched with ``folded``.
prefix = analyzer(
    "portal_prefix",
    tokenizer="standard",
    filter=[fr_elision, "lowercase", "asciifolding", edge_ngram],
)


def _text(with_prefix: bool = False) -> Text:
    fields = {"fr": Text(analyzer=french), "en": Text(analyzer=english)}
    if with_prefix:
        fields["prefix"] = Text(analyzer=prefix, search_analyzer=folded)
    return Text(analyzer=folded, fields=fields)


class SearchDocument(DslDocument):
    """The mapping of one indexed document (``search.documents.Document``)."""

    key = Keyword()
    object_id = Keyword()
    title = _text(with_prefix=True)
    body = _text()
    author = Text(
        analyzer=folded,
        fields={
            "prefix": Text(analyzer=prefix, search_analyzer=folded),
            "fr": Text(analyzer=french),
        },
    )
    tags = Text(analyzer=folded, fields={"keyword": Keyword()})
    date = Date()
    url = Keyword(index=False)
    #: The title shown but never matched (``Document.match_title`` false: a comment shows
    #: its post's title); ``title`` is then empty.
    heading = Keyword(index=False)
    language = Keyword()
    #: Who may find it (visibility policy tokens): every query filters on them.
    tokens = Keyword()


INDEX_SETTINGS = {"number_of_shards": 1, "number_of_replicas": 0}


def default_alias() -> str:
    return getattr(settings, "PORTAL_SEARCH_INDEX", "") or "portal-search"


def index_for(name: str) -> Index:
    """An elasticsearch-dsl ``Index`` named ``name`` with our settings and mapping."""
    index = Index(name)
    index.settings(**INDEX_SETTINGS)
    index.document(SearchDocument)
    return index


def index_body() -> dict:
    """Settings (analysers) and mappings of a new index."""
    return index_for("portal-search").to_dict()


def mapping() -> dict:
    return index_body()["mappings"]


def template_pattern(alias: str) -> str:
    return f"{alias}-*"


def template_body(alias: str) -> dict:
    """The composable index template for ``<alias>-*`` (``put_index_template`` kwargs)."""
    return (
        index_for(alias)
        .as_composable_template(alias, pattern=template_pattern(alias), priority=100)
        .to_dict()
    )


def new_index_name(alias: str, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return f"{alias}-{now:%Y%m%d%H%M%S%f}"


def alias_actions(alias: str, new_index: str, old_indices: Iterable[str]) -> list[dict]:
    """``update_aliases`` actions moving ``alias`` to ``new_index`` in one atomic step.

    A concrete index that is named like the alias (documents written before any alias
    existed) is removed in the same step, or the alias could not be added."""
    actions: list[dict] = []
    for old in sorted(set(old_indices) - {new_index}):
        if old == alias:
            actions.append({"remove_index": {"index": old}})
        else:
            actions.append({"remove": {"index": old, "alias": alias}})
    actions.append({"add": {"index": new_index, "alias": alias}})
    return actions


# -- documents ----------------------------------------------------------------------------

_SENTINELS = re.compile(f"[{MARK_START}{MARK_END}]")


def _clean(value: str) -> str:
    """Text without our highlight sentinels (they would forge marks)."""
    return _SENTINELS.sub("", value or "")


def doc_id(key: str, object_id: str) -> str:
    return f"{key}:{object_id}"


def _date_value(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, UTC)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def document_source(doc: Document) -> dict:
    return {
        "key": doc.key,
        "object_id": str(doc.object_id),
        "title": _clean(doc.title) if doc.match_title else "",
        "heading": "" if doc.match_title else _clean(doc.title),
        "body": _clean(doc.body),
        "author": _clean(doc.author),
        "tags": [_clean(tag) for tag in doc.tags],
        "date": _date_value(doc.date),
        "url": doc.url,
        "language": doc.language,
        "tokens": sorted(doc.tokens),
    }


def index_action(doc: Document, index: str) -> dict:
    return {
        "_op_type": "index",
        "_index": index,
        "_id": doc_id(doc.key, doc.object_id),
        "_source": document_source(doc),
    }


# -- queries ------------------------------------------------------------------------------

#: Word matches: typo tolerant (fuzziness AUTO), stemmed French/English, titles first.
WORD_FIELDS = [
    "title^3",
    "title.fr^3",
    "title.en^3",
    "body",
    "body.fr",
    "body.en",
    "author^2",
    "author.fr^2",
    "tags^2",
]
#: The last word is also a prefix ("lef" finds "Lefèvre", "even" finds "événement").
PREFIX_FIELDS = ["title.prefix^2", "author.prefix^2"]
PHRASE_PREFIX_FIELDS = ["title^2", "body", "author", "tags"]
#: Quoted phrases: exact word order, accents folded (or stemmed), never fuzzy.
PHRASE_FIELDS = ["title^4", "title.fr^3", "body^2", "body.fr", "author^2", "tags^2"]
HIGHLIGHT_TITLE_FIELDS = ["title", "title.fr", "title.en", "title.prefix"]
HIGHLIGHT_BODY_FIELDS = ["body", "body.fr", "body.en"]
SOURCE_FIELDS = ["key", "object_id", "title", "heading", "url", "author", "date"]
SNIPPET_SIZE = 160
ELLIPSIS = " … "

_PHRASE = re.compile(r'"([^"]*)"')


def parse_text(text: str) -> tuple[list[str], list[str], bool]:
    """``(words, phrases, last_is_prefix)`` of what the person typed.

    Balanced double quotes make phrases; a lone quote is ignored. The last word is a
    prefix unless the text ends with a phrase."""
    text = (text or "").strip()
    phrases = [" ".join(p.split()) for p in _PHRASE.findall(text)]
    phrases = [p for p in phrases if re.search(r"\w", p)]
    rest = _PHRASE.sub(" ", text).replace('"', " ")
    words = [w for w in rest.split() if re.search(r"\w", w)]
    last_is_prefix = bool(words) and not text.endswith('"')
    return words, phrases, last_is_prefix


def _word_clause(word: str, as_prefix: bool):
    should = [
        Q(
            "multi_match",
            query=word,
            fields=WORD_FIELDS,
            type="best_fields",
            fuzziness="AUTO",
            prefix_length=1,
        )
    ]
    if as_prefix:
        should.append(Q("multi_match", query=word, fields=PREFIX_FIELDS))
        should.append(
            Q(
                "multi_match",
                query=word,
                fields=PHRASE_PREFIX_FIELDS,
                type="phrase_prefix",
                max_expansions=50,
            )
        )
    return Q("bool", should=should, minimum_should_match=1)


def _phrase_clause(phrase: str):
    return Q(
        "bool",
        should=[
            Q("match_phrase", **{field.split("^")[0]: {"query": phrase, "boost": _boost(field)}})
            for field in PHRASE_FIELDS
        ],
        minimum_should_match=1,
    )


def _boost(field: str) -> float:
    return float(field.split("^")[1]) if "^" in field else 1.0


def text_query(text: str):
    """Every word and every phrase must match (AND); an empty text matches everything."""
    words, phrases, last_is_prefix = parse_text(text)
    must = [
        _word_clause(word, as_prefix=last_is_prefix and i == len(words) - 1)
        for i, word in enumerate(words)
    ]
    must += [_phrase_clause(phrase) for phrase in phrases]
    if not must:
        return Q("match_all")
    return Q("bool", must=must)


def _date_bound(value: date) -> str:
    """A day, rounded by Elasticsearch: ``gte`` from its start, ``lte`` to its end."""
    if isinstance(value, datetime):
        return _date_value(value)
    return f"{value.isoformat()}||/d"


def access_filters(query: Query) -> list:
    """Filters every request carries: the searcher's tokens and the enabled types (an
    empty list matches nothing: failing closed), then the date range."""
    filters = [
        Q("terms", tokens=sorted(query.tokens)),
        Q("terms", key=sorted(query.enabled_types)),
    ]
    if query.date_from or query.date_to:
        bounds: dict = {}
        if query.date_from:
            bounds["gte"] = _date_bound(query.date_from)
        if query.date_to:
            bounds["lte"] = _date_bound(query.date_to)
        if settings.USE_TZ:
            bounds["time_zone"] = timezone.get_current_timezone_name()
        filters.append(Q("range", date=bounds))
    return filters


def _base_search(query: Query, text_q) -> Search:
    return Search().query(Q("bool", must=[text_q], filter=access_filters(query)))


def search_body(query: Query) -> dict:
    """The ``_search`` body of ``query``: ranked, highlighted, paginated, with counts per
    type over every enabled type (the ``types`` selection is a post filter)."""
    per_page = max(1, query.per_page)
    start = (max(1, query.page) - 1) * per_page
    s = _base_search(query, text_query(query.text))
    if query.types is not None:
        s = s.post_filter("terms", key=sorted(query.types))
    s.aggs.bucket("types", "terms", field="key", size=max(1, len(query.enabled_types)))
    s = s.highlight_options(
        pre_tags=[MARK_START],
        post_tags=[MARK_END],
        require_field_match=False,
        type="unified",
    )
    for field in HIGHLIGHT_TITLE_FIELDS:
        s = s.highlight(field, number_of_fragments=0)
    s = s.highlight(
        "body", fragment_size=SNIPPET_SIZE, number_of_fragments=2, no_match_size=SNIPPET_SIZE
    )
    for field in HIGHLIGHT_BODY_FIELDS[1:]:
        s = s.highlight(field, fragment_size=SNIPPET_SIZE, number_of_fragments=2)
    s = s.source(SOURCE_FIELDS).extra(track_total_hits=True)
    return s[start : start + per_page].to_dict()


def suggest_body(query: Query, limit: int = 8, people: Iterable[str] = ()) -> dict:
    """Suggestions as you type: every word a prefix of a title or author word; the
    ``people`` types (person registrations) first, then by score."""
    words, phrases, _last = parse_text(query.text)
    words += [w for p in phrases for w in p.split()]
    must = [
        Q(
            "bool",
            should=[
                Q("multi_match", query=word, fields=PREFIX_FIELDS),
                Q("multi_match", query=word, fields=["title^2", "author^2"]),
            ],
            minimum_should_match=1,
        )
        for word in words
    ]
    s = _base_search(query, Q("bool", must=must) if must else Q("match_all"))
    if query.types is not None:
        s = s.filter("terms", key=sorted(query.types))
    people = sorted(people)
    sort: list = []
    if people:
        sort.append(
            {
                "_script": {
                    "type": "number",
                    "order": "asc",
                    "script": {
                        "lang": "painless",
                        "source": "params.people.contains(doc['key'].value) ? 0 : 1",
                        "params": {"people": people},
                    },
                }
            }
        )
    sort += ["_score", {"date": {"order": "desc", "missing": "_last"}}]
    s = s.sort(*sort).highlight_options(
        pre_tags=[MARK_START], post_tags=[MARK_END], require_field_match=False
    )
    s = s.highlight("title.prefix", number_of_fragments=0).highlight("title", number_of_fragments=0)
    return s.source(SOURCE_FIELDS)[: max(1, limit)].to_dict()


# -- responses ----------------------------------------------------------------------------


def _body(response) -> dict:
    return getattr(response, "body", response) or {}


def _parse_date(value) -> datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value[:10])
        if day is None:
            return None
        parsed = datetime.combine(day, time.min)
    if settings.USE_TZ and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


def _pick(highlight: dict, fields: list[str]) -> list[str] | None:
    """The first field's fragments that hold a mark, else the first field's."""
    found = [highlight[f] for f in fields if highlight.get(f)]
    for fragments in found:
        if any(MARK_START in fragment for fragment in fragments):
            return fragments
    return found[0] if found else None


def hit_from(raw: dict) -> Hit:
    source = raw.get("_source") or {}
    highlight = raw.get("highlight") or {}
    title = source.get("title") or source.get("heading") or ""
    title_marks = _pick(highlight, HIGHLIGHT_TITLE_FIELDS)
    title_html = highlight_html(title_marks[0]) if title_marks else escape(title)
    body_marks = _pick(highlight, HIGHLIGHT_BODY_FIELDS)
    snippet_html = highlight_html(ELLIPSIS.join(body_marks)) if body_marks else ""
    object_id = source.get("object_id")
    if object_id is None:
        object_id = str(raw.get("_id", "")).partition(":")[2]
    return Hit(
        key=source.get("key", ""),
        object_id=str(object_id),
        title=title,
        url=source.get("url") or "",
        title_html=title_html,
        snippet_html=snippet_html,
        author=source.get("author") or "",
        date=_parse_date(source.get("date")),
        score=float(raw.get("_score") or 0.0),
    )


def hits_from_response(response) -> list[Hit]:
    return [hit_from(raw) for raw in (_body(response).get("hits") or {}).get("hits", [])]


def results_from_response(response, query: Query) -> Results:
    """A ``_search`` response (a dict or the client's response) -> :class:`Results`."""
    body = _body(response)
    total = (body.get("hits") or {}).get("total", 0)
    if isinstance(total, dict):
        total = total.get("value", 0)
    enabled = set(query.enabled_types)
    buckets = ((body.get("aggregations") or {}).get("types") or {}).get("buckets", [])
    counts = {b["key"]: int(b["doc_count"]) for b in buckets if b["key"] in enabled}
    return Results(
        hits=hits_from_response(body),
        total=int(total),
        counts=counts,
        page=query.page,
        per_page=query.per_page,
    )


# -- backend ------------------------------------------------------------------------------


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"
    chunk_size = 500

    def __init__(self, url: str, alias: str | None = None):
        self.url = url
        self.alias = alias or default_alias()
        self._client = None
        self._alias_ready = False

    @property
    def client(self):
        """The Elasticsearch client, created on first use (constructing the backend
        never connects)."""
        if self._client is None:
            from elasticsearch import Elasticsearch

            self._client = Elasticsearch(self.url, request_timeout=30)
        return self._client

    # -- index management

    def ensure_template(self) -> None:
        """Create or update the composable template of ``<alias>-*`` indices."""
        self.client.indices.put_index_template(name=self.alias, **template_body(self.alias))

    def alias_indices(self) -> list[str]:
        """The concrete indices behind the alias (or the index named like it)."""
        from elasticsearch import NotFoundError

        try:
            found = self.client.indices.get_alias(name=self.alias)
        except NotFoundError:
            found = {}
        names = list(_body(found))
        if not names and self.client.indices.exists(index=self.alias):
            names = [self.alias]
        return names

    def _create_index(self) -> str:
        name = new_index_name(self.alias)
        self.client.indices.create(index=name, **index_body())
        return name

    def _ensure_alias(self) -> None:
        """A first empty index behind the alias, so writes never auto-create one."""
        if self._alias_ready:
            return
        if not self.alias_indices():
            self.ensure_template()
            name = self._create_index()
            self.client.indices.update_aliases(actions=alias_actions(self.alias, name, []))
        self._alias_ready = True

    def refresh(self) -> None:
        """Make what was written searchable now (tests; rebuilds do it themselves)."""
        self.client.indices.refresh(index=self.alias)

    def _bulk(self, actions: Iterable[dict], progress: Callable[[int], None] | None = None) -> int:
        from elasticsearch.helpers import streaming_bulk

        written = 0
        for ok, _item in streaming_bulk(
            self.client,
            actions,
            chunk_size=self.chunk_size,
            raise_on_error=True,
            max_retries=2,
        ):
            if ok:
                written += 1
                if progress is not None and written % self.chunk_size == 0:
                    progress(written)
        if progress is not None and written % self.chunk_size:
            progress(written)
        return written

    # -- SearchBackend

    def index(self, documents: Iterable[Document]) -> int:
        self._ensure_alias()
        return self._bulk(index_action(doc, self.alias) for doc in documents)

    def delete(self, uids: Iterable[tuple[str, str]]) -> None:
        from elasticsearch.helpers import bulk

        actions = [
            {"_op_type": "delete", "_index": self.alias, "_id": doc_id(key, object_id)}
            for key, object_id in uids
        ]
        if not actions:
            return
        _ok, errors = bulk(self.client, actions, raise_on_error=False, raise_on_exception=True)
        # Already gone (404), or no index yet: nothing to delete.
        real = [e for e in errors if (e.get("delete") or {}).get("status") != 404]
        if real:
            raise RuntimeError(f"Elasticsearch could not delete documents: {real[:3]}")

    def clear(self, keys: list[str] | None = None) -> None:
        from elasticsearch import NotFoundError

        query = {"match_all": {}} if keys is None else {"terms": {"key": sorted(keys)}}
        with contextlib.suppress(NotFoundError):
            self.client.delete_by_query(
                index=self.alias, query=query, refresh=True, conflicts="proceed"
            )

    def rebuild(
        self,
        keys: list[str],
        documents: Iterable[Document],
        progress: Callable[[int], None] | None = None,
    ) -> int:
        from search.registry import searchable_types

        current = self.alias_indices()
        if set(keys) >= set(searchable_types()) or not current:
            return self._rebuild_all(documents, progress, current)
        self.clear(keys)
        written = self._bulk((index_action(doc, self.alias) for doc in documents), progress)
        self.refresh()
        return written

    def _rebuild_all(self, documents, progress, old: list[str]) -> int:
        """Fill a new index, then move the alias to it atomically and drop the old ones:
        searches answer from the old index until the new one is complete."""
        self.ensure_template()
        name = self._create_index()
        try:
            written = self._bulk((index_action(doc, name) for doc in documents), progress)
            self.client.indices.refresh(index=name)
            self.client.indices.update_aliases(actions=alias_actions(self.alias, name, old))
        except BaseException:
            self.client.indices.delete(index=name, ignore_unavailable=True)
            raise
        stale = [index for index in old if index not in (name, self.alias)]
        if stale:
            self.client.indices.delete(index=",".join(stale), ignore_unavailable=True)
        self._alias_ready = True
        return written

    def _search(self, body: dict) -> dict | None:
        """The response of a ``_search`` on the alias (``None`` before any index exists)."""
        from elasticsearch import NotFoundError

        try:
            return _body(self.client.search(index=self.alias, body=body))
        except NotFoundError:
            return None

    def search(self, query: Query) -> Results:
        response = self._search(search_body(query))
        if response is None:
            return Results(hits=[], total=0, counts={}, page=query.page, per_page=query.per_page)
        return results_from_response(response, query)

    def suggest(self, query: Query, limit: int = 8) -> list[Hit]:
        from search.registry import searchable_types

        people = [key for key, s in searchable_types().items() if s.person]
        response = self._search(suggest_body(query, limit, people))
        return hits_from_response(response) if response is not None else []

    def count(self) -> int:
        from elasticsearch import NotFoundError

        try:
            return int(_body(self.client.count(index=self.alias)).get("count", 0))
        except NotFoundError:
            return 0
