"""The embedded search backend: SQLite FTS5 or PostgreSQL full-text search, chosen by the
database vendor (see ``search/models.py`` and its migrations for the structures).

Query semantics (both vendors): every word must match (AND), accent- and case-insensitive,
French and English stems, the last bare word as a prefix, ``"quoted phrases"`` in order;
a title match ranks well above a body match. A document is found only when one of its
access tokens is in ``query.tokens`` and its key is in ``query.enabled_types``: these
conditions are part of every statement (results, counts, suggestions and highlights).

User input never reaches ``MATCH`` / ``to_tsquery`` as syntax: :func:`search.text.parse`
reduces it to plain words (letters, digits, ``_``), which are quoted here.

PostgreSQL costs (100,000 documents, see tests/benchmarks/bench_search.py):

* ``vector`` holds the title (weight A), author and tags (B) and the first
  :data:`BODY_VECTOR_CHARS` characters of the body (D); ``head`` (migration 0003) holds the
  title (A), author and tags (B) only, small enough to stay in the table row (the big
  ``vector`` and ``body`` go to TOAST), with its own GIN index: title matches and
  suggestions are answered by that index instead of rechecking weights in every big vector.
* Counting stops after :data:`COUNT_CAP` matches: ``Results.capped`` then says that
  ``total`` and ``counts`` are lower bounds. Below the cap they are exact.
* ``ts_rank`` reads each candidate's big vector, so only the newest
  :data:`RANK_CANDIDATES` title matches and the newest :data:`RANK_CANDIDATES` other
  matches (more on deep pages) are ranked: title matches still come first.
"""

# SQL is assembled from constants and placeholders only; every value is a parameter.
# ruff: noqa: S608

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from search import text as search_text
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

TABLE = "search_document"
FTS = "search_document_fts"
BATCH = 500
#: PostgreSQL: matches in titles, names and tags, and other matches, ranked for one query
#: (each, newest first; deep pages rank more).
RANK_CANDIDATES = 100
#: PostgreSQL: counting stops after this many matches (``Results.capped``).
COUNT_CAP = 1000
#: PostgreSQL: candidates are looked for among the newest documents first (an index range
#: on the date), then among the older ones only if too few were found: the newest matches
#: are found without reading every match (GIN cannot sort; prefix matches are rechecked).
RECENT_WINDOW = 10_000
#: PostgreSQL: title and author matches ranked for one suggestion list.
SUGGEST_CANDIDATES = 2000
#: PostgreSQL: the access filter, written so that the planner does not use the ``acl``
#: index: every active person holds ``all``, so it is never selective, and ANDing its
#: bitmap (most of the table) cost ~7 ms per statement on 100,000 documents.
ACL = "(d.acl || '{}'::text[])"
#: PostgreSQL: how much of a body goes into the vector and the snippets.
BODY_VECTOR_CHARS = 4000
#: SQLite bm25 weights: title, body, author, tags, title_stem, body_stem, acl.
BM25_WEIGHTS = "10.0, 1.0, 4.0, 3.0, 8.0, 0.8, 0.0"
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_TOKEN_CHARS = re.compile(r"[^a-z0-9]")


def clean(value: str) -> str:
    """Text without control characters (NUL is refused by PostgreSQL; the highlight
    sentinels must only come from the backend)."""
    return _UNSAFE.sub(" ", value or "")


def encode_token(token: str) -> str:
    """An access token as one FTS word, one-to-one: every character but ``a-z0-9`` becomes
    ``_`` and its UTF-8 bytes in hex (``group:12`` -> ``group_3a12``), so ``group_12`` or
    an accented token never collide with another token."""
    return _TOKEN_CHARS.sub(
        lambda m: "".join(f"_{byte:02x}" for byte in m.group().encode()), token.lower()
    )


def _day_start(day: date) -> datetime:
    if isinstance(day, datetime):
        day = day.date()
    return timezone.make_aware(datetime.combine(day, time.min))


def _vendor() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _chunks(items: Iterable, size: int = BATCH):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _row(doc: Document) -> dict:
    return {
        "key": doc.key,
        "object_id": str(doc.object_id),
        "title": clean(doc.title),
        "body": clean(doc.body),
        "author": clean(doc.author),
        "tags": clean(" ".join(doc.tags or [])),
        "date": doc.date,
        "url": doc.url or "",
        "language": (doc.language or "fr")[:8],
        "tokens": sorted(doc.tokens),
        # What the full-text structures hold of the title (the ``title`` column keeps it
        # for display): nothing when the title is not the document's to match.
        "matched_title": clean(doc.title) if doc.match_title else "",
    }


_ANGLE_BRACKETS = str.maketrans("<>", "  ")


def _untagged(text: str) -> str:
    """PostgreSQL's text search parser reads ``<...>`` as markup and skips the words in
    it: a title ``<script>alert(1)</script>`` would not be found by "alert"."""
    return text.translate(_ANGLE_BRACKETS)


def _in(values) -> tuple[str, list]:
    values = list(values)
    return ", ".join(["%s"] * len(values)), values


def pg_head_sql(
    title: str = "%(v_title)s", author: str = "%(v_author)s", tags: str = "%(v_tags)s"
) -> str:
    """The ``head`` vector (PostgreSQL): the title, author and tags parts of ``vector``,
    with the same weights and gaps. Migration 0003 fills it from the columns."""
    gap = "\n            || '~:2'::tsvector || "
    parts = [
        f"setweight(to_tsvector('portal_fr', {title}), 'A')",
        f"setweight(to_tsvector('portal_en', {title}), 'A')",
        f"setweight(to_tsvector('portal_simple', {title}), 'A')",
        f"setweight(to_tsvector('portal_simple', {author}), 'B')",
        f"setweight(to_tsvector('portal_simple', {tags}), 'B')",
    ]
    return "(" + gap.join(parts) + ")"


class DatabaseBackend(SearchBackend):
    name = "database"

    # -- writing ----------------------------------------------------------------------------

    def index(self, documents: Iterable[Document]) -> int:
        written = 0
        for batch in _chunks(documents):
            with transaction.atomic():
                written += self._write(batch)
        return written

    def _write(self, batch: list[Document]) -> int:
        # The last version of a uid in the batch wins.
        rows = list({doc.uid: _row(doc) for doc in batch}.values())
        if not rows:
            return 0
        date_value = connection.ops.adapt_datetimefield_value
        now = date_value(timezone.now())
        with connection.cursor() as cursor:
            if _vendor() == "postgresql":
                cursor.executemany(
                    f"""
                    INSERT INTO {TABLE} (key, object_id, title, body, author, tags, date, url,
                        language, tokens, updated_at, acl, vector, head)
                    VALUES (%(key)s, %(object_id)s, %(title)s, %(body)s, %(author)s, %(tags)s,
                        %(date)s, %(url)s, %(language)s, %(encoded)s, %(now)s, %(tokens)s,
                        {self._pg_vector_sql()}, {pg_head_sql()})
                    ON CONFLICT (key, object_id) DO UPDATE SET
                        title = EXCLUDED.title, body = EXCLUDED.body, author = EXCLUDED.author,
                        tags = EXCLUDED.tags, date = EXCLUDED.date, url = EXCLUDED.url,
                        language = EXCLUDED.language, tokens = EXCLUDED.tokens,
                        updated_at = EXCLUDED.updated_at, acl = EXCLUDED.acl,
                        vector = EXCLUDED.vector, head = EXCLUDED.head
                    """,
                    [
                        {
                            **row,
                            "date": date_value(row["date"]),
                            "now": now,
                            "encoded": " ".join(encode_token(t) for t in row["tokens"]),
                            "body_head": _untagged(row["body"][:BODY_VECTOR_CHARS]),
                            "v_title": _untagged(row["matched_title"]),
                            "v_author": _untagged(row["author"]),
                            "v_tags": _untagged(row["tags"]),
                        }
                        for row in rows
                    ],
                )
                return len(rows)
            for row in rows:
                acl = " ".join(encode_token(t) for t in row["tokens"])
                cursor.execute(
                    f"""
                    INSERT INTO {TABLE} (key, object_id, title, body, author, tags, date, url,
                        language, tokens, updated_at)
                    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
                    ON CONFLICT (key, object_id) DO UPDATE SET
                        title = excluded.title, body = excluded.body, author = excluded.author,
                        tags = excluded.tags, date = excluded.date, url = excluded.url,
                        language = excluded.language, tokens = excluded.tokens,
                        updated_at = excluded.updated_at
                    RETURNING id
                    """,
                    [
                        row["key"],
                        row["object_id"],
                        row["title"],
                        row["body"],
                        row["author"],
                        row["tags"],
                        date_value(row["date"]),
                        row["url"],
                        row["language"],
                        acl,
                        now,
                    ],
                )
                (row_id,) = cursor.fetchone()
                cursor.execute(f"DELETE FROM {FTS} WHERE rowid = %s", [row_id])
                cursor.execute(
                    f"""INSERT INTO {FTS} (rowid, title, body, author, tags, title_stem,
                        body_stem, acl) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)""",
                    [
                        row_id,
                        row["matched_title"],
                        row["body"],
                        row["author"],
                        row["tags"],
                        search_text.stems(row["matched_title"]),
                        search_text.stems(row["body"]),
                        acl,
                    ],
                )
        return len(rows)

    @staticmethod
    def _pg_vector_sql() -> str:
        # Each part is followed by a lexeme no query can produce, two positions further:
        # phrases (``<->``) never match across the end of one part and the start of the next.
        gap = "\n            || '~:2'::tsvector || "
        parts = [
            "setweight(to_tsvector('portal_fr', %(v_title)s), 'A')",
            "setweight(to_tsvector('portal_en', %(v_title)s), 'A')",
            "setweight(to_tsvector('portal_simple', %(v_title)s), 'A')",
            "setweight(to_tsvector('portal_simple', %(v_author)s), 'B')",
            "setweight(to_tsvector('portal_simple', %(v_tags)s), 'B')",
            "setweight(to_tsvector('portal_fr', %(body_head)s), 'D')",
            "setweight(to_tsvector('portal_en', %(body_head)s), 'D')",
            "setweight(to_tsvector('portal_simple', %(body_head)s), 'D')",
        ]
        return "(" + gap.join(parts) + ")"

    def delete(self, uids: Iterable[tuple[str, str]]) -> None:
        for batch in _chunks(uids):
            with transaction.atomic(), connection.cursor() as cursor:
                for key, object_id in batch:
                    self._delete_where(cursor, "key = %s AND object_id = %s", [key, str(object_id)])

    def _delete_where(self, cursor, where: str, params: list) -> None:
        if _vendor() == "sqlite":
            cursor.execute(
                f"DELETE FROM {FTS} WHERE rowid IN (SELECT id FROM {TABLE} WHERE {where})", params
            )
        cursor.execute(f"DELETE FROM {TABLE} WHERE {where}", params)

    def clear(self, keys: list[str] | None = None) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            self._clear(cursor, keys)

    def _clear(self, cursor, keys: list[str] | None) -> None:
        if keys is None:
            if _vendor() == "sqlite":
                cursor.execute(f"DELETE FROM {FTS}")
            cursor.execute(f"DELETE FROM {TABLE}")
            return
        if not keys:
            return
        marks, params = _in(keys)
        self._delete_where(cursor, f"key IN ({marks})", params)

    def rebuild(
        self,
        keys: list[str],
        documents: Iterable[Document],
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Delete the rows of ``keys`` and write ``documents``, in one transaction: searches
        see the old index until the new one is complete."""
        written = 0
        with transaction.atomic():
            with connection.cursor() as cursor:
                self._clear(cursor, list(keys))
            for batch in _chunks(documents):
                written += self._write(batch)
                if progress is not None:
                    progress(written)
        return written

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
            return cursor.fetchone()[0]

    # -- reading ----------------------------------------------------------------------------

    @staticmethod
    def _filters(query: Query, keys: list[str]) -> tuple[str, list]:
        """SQL conditions on the document table ``d``: keys and dates."""
        marks, params = _in(keys)
        where = [f"d.key IN ({marks})"]
        adapt = connection.ops.adapt_datetimefield_value
        if query.date_from:
            where.append("d.date >= %s")
            params.append(adapt(_day_start(query.date_from)))
        if query.date_to:
            where.append("d.date < %s")
            params.append(adapt(_day_start(query.date_to + timedelta(days=1))))
        return " AND ".join(where), params

    @staticmethod
    def _keys(query: Query) -> tuple[list[str], list[str]]:
        enabled = list(dict.fromkeys(query.enabled_types or []))
        selected = [k for k in enabled if k in query.types] if query.types else enabled
        return enabled, selected

    def search(self, query: Query) -> Results:
        per_page = max(1, int(query.per_page))
        page = max(1, int(query.page))
        empty = Results(hits=[], total=0, counts={}, page=page, per_page=per_page)
        parsed = search_text.parse(query.text)
        enabled, selected = self._keys(query)
        tokens = sorted(query.tokens)
        if not parsed or not enabled or not tokens:
            return empty
        if _vendor() == "postgresql":
            return self._pg_search(query, parsed, enabled, selected, tokens, page, per_page)
        return self._sqlite_search(query, parsed, enabled, selected, tokens, page, per_page)

    def suggest(self, query: Query, limit: int = 8) -> list[Hit]:
        parsed = search_text.parse(query.text)
        keys = [k for k in (query.types or query.enabled_types) if k in set(query.enabled_types)]
        tokens = sorted(query.tokens)
        if not parsed or not keys or not tokens or limit < 1:
            return []
        people = self._person_keys(keys)
        if _vendor() == "postgresql":
            return self._pg_suggest(query, parsed, keys, people, tokens, limit)
        return self._sqlite_suggest(query, parsed, keys, people, tokens, limit)

    @staticmethod
    def _person_keys(keys: list[str]) -> list[str]:
        try:
            from search.registry import searchable_types

            types = searchable_types()
        except Exception:  # noqa: BLE001 - the order given is then the only hint
            types = {}
        people = [k for k in keys if getattr(types.get(k), "person", False)]
        return people

    @staticmethod
    def _hit(row, title_marked: str, snippet_marked: str, score: float) -> Hit:
        key, object_id, title, url, author, day = row
        return Hit(
            key=key,
            object_id=object_id,
            title=title,
            url=url,
            title_html=highlight_html(title_marked or title),
            snippet_html=highlight_html(snippet_marked or ""),
            author=author,
            date=day,
            score=float(score or 0.0),
        )

    # -- SQLite -----------------------------------------------------------------------------

    @staticmethod
    def _fts_quote(word: str) -> str:
        return '"' + search_text.fold(word).replace('"', '""') + '"'

    def _fts_match(self, parsed, tokens: list[str], *, suggest: bool = False) -> str:
        raw = "{title author}" if suggest else "{title body author tags}"
        parts = []
        for word in parsed.terms:
            stems = " OR ".join(self._fts_quote(s) for s in search_text.word_stems(word))
            if suggest:
                parts.append(f"{raw}: {self._fts_quote(word)}")
            else:
                parts.append(
                    f"({raw}: {self._fts_quote(word)} OR {{title_stem body_stem}}: ({stems}))"
                )
        for phrase in parsed.phrases:
            joined = " ".join(search_text.fold(w) for w in phrase)
            parts.append(f"{raw}: {self._fts_quote(joined)}")
        if parsed.prefix:
            word = parsed.prefix
            if suggest:
                parts.append(f"{raw}: {self._fts_quote(word)}*")
            else:
                stems = " OR ".join(self._fts_quote(s) for s in search_text.word_stems(word))
                parts.append(
                    f"({raw}: {self._fts_quote(word)}* OR {{title_stem body_stem}}: ({stems}))"
                )
        acl = " OR ".join(self._fts_quote(encode_token(t)) for t in tokens)
        parts.append(f"acl: ({acl})")
        return " AND ".join(parts)

    def _sqlite_search(self, query, parsed, enabled, selected, tokens, page, per_page):
        match = self._fts_match(parsed, tokens)
        where, params = self._filters(query, enabled)
        base = f"FROM {FTS} JOIN {TABLE} d ON d.id = {FTS}.rowid WHERE {FTS} MATCH %s AND {where}"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT d.key, COUNT(*) {base} GROUP BY d.key", [match, *params])
            counts = dict(cursor.fetchall())
            total = sum(counts.get(key, 0) for key in selected)
            hits = []
            if total and selected:
                where, params = self._filters(query, selected)
                start, stop = MARK_START, MARK_END
                cursor.execute(
                    f"""
                    SELECT d.key, d.object_id, d.title, d.url, d.author, d.date,
                        highlight({FTS}, 0, %s, %s),
                        snippet({FTS}, 1, %s, %s, '…', 24),
                        bm25({FTS}, {BM25_WEIGHTS}) AS rank
                    FROM {FTS} JOIN {TABLE} d ON d.id = {FTS}.rowid
                    WHERE {FTS} MATCH %s AND {where}
                    ORDER BY rank, d.date DESC, d.id
                    LIMIT %s OFFSET %s
                    """,
                    [start, stop, start, stop, match, *params, per_page, (page - 1) * per_page],
                )
                for row in cursor.fetchall():
                    hits.append(self._sqlite_hit(row))
        return Results(hits=hits, total=total, counts=counts, page=page, per_page=per_page)

    def _sqlite_hit(self, row) -> Hit:
        key, object_id, title, url, author, day, title_marked, snippet_marked, rank = row
        day = self._sqlite_date(day)
        return self._hit(
            (key, object_id, title, url, author, day), title_marked, snippet_marked, -(rank or 0)
        )

    @staticmethod
    def _sqlite_date(value):
        if value is None:
            return value
        parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, UTC)
        return parsed

    def _sqlite_suggest(self, query, parsed, keys, people, tokens, limit):
        match = self._fts_match(parsed, tokens, suggest=True)
        marks, params = _in(keys)
        order = ""
        order_params: list = []
        if people:
            person_marks, order_params = _in(people)
            order = f"CASE WHEN d.key IN ({person_marks}) THEN 0 ELSE 1 END, "
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT d.key, d.object_id, d.title, d.url, d.author, d.date,
                    highlight({FTS}, 0, %s, %s), '',
                    bm25({FTS}, {BM25_WEIGHTS}) AS rank
                FROM {FTS} JOIN {TABLE} d ON d.id = {FTS}.rowid
                WHERE {FTS} MATCH %s AND d.key IN ({marks})
                ORDER BY {order}rank, d.id
                LIMIT %s
                """,
                [MARK_START, MARK_END, match, *params, *order_params, limit],
            )
            return [self._sqlite_hit(row) for row in cursor.fetchall()]

    # -- PostgreSQL ---------------------------------------------------------------------------

    @staticmethod
    def _pg_lexeme(word: str, prefix: bool = False, weights: str = "") -> str:
        # Words are letters, digits and "_" only (search.text.words): no quote to escape;
        # quoting anyway keeps them lexemes, never operators.
        suffix = ":*" + weights if prefix else (":" + weights if weights else "")
        return "'" + word.replace("'", "''").replace("\\", "\\\\") + "'" + suffix

    def _pg_tsquery(self, parsed, *, weights: str = "", stemmed: bool = True) -> tuple[str, list]:
        """A tsquery expression (SQL) and its parameters: every part ANDed. ``weights``
        restricts lexemes to those weights ("A": titles); ``stemmed=False`` matches the
        unstemmed words only (suggestions)."""
        parts, params = [], []
        words = [(word, False) for word in parsed.terms]
        if parsed.prefix:
            words.append((parsed.prefix, True))
        for word, prefix in words:
            simple = self._pg_lexeme(word, prefix=prefix, weights=weights)
            if not stemmed:
                parts.append("to_tsquery('portal_simple', %s)")
                params.append(simple)
                continue
            lexeme = self._pg_lexeme(word, weights=weights)
            parts.append(
                "(to_tsquery('portal_fr', %s) || to_tsquery('portal_en', %s)"
                " || to_tsquery('portal_simple', %s))"
            )
            params += [lexeme, lexeme, simple]
        for phrase in parsed.phrases:
            parts.append("to_tsquery('portal_simple', %s)")
            params.append(" <-> ".join(self._pg_lexeme(w, weights=weights) for w in phrase))
        return "(" + " && ".join(parts) + ")", params

    def _pg_match(self, parsed) -> tuple[str, list]:
        """The WHERE condition of a search (SQL, parameters). The last word, typed as a
        prefix, matches as a prefix in ``head`` only (titles, names, tags: "lef" finds
        Lefèvre) and as a whole word anywhere: a short prefix over every word of every body
        makes PostgreSQL merge the postings of thousands of lexemes (measured: 130 ms for
        "mar" on 100,000 documents)."""
        if not parsed.prefix:
            tsquery, params = self._pg_tsquery(parsed)
            return f"d.vector @@ {tsquery}", params
        word = self._pg_lexeme(parsed.prefix)
        condition = (
            "(d.vector @@ (to_tsquery('portal_fr', %s) || to_tsquery('portal_en', %s)"
            " || to_tsquery('portal_simple', %s))"
            " OR d.head @@ to_tsquery('portal_simple', %s))"
        )
        params = [word, word, word, self._pg_lexeme(parsed.prefix, prefix=True)]
        rest = replace(parsed, prefix=None)
        if rest.terms or rest.phrases:
            tsquery, rest_params = self._pg_tsquery(rest)
            return f"d.vector @@ {tsquery} AND {condition}", [*rest_params, *params]
        return condition, params

    def _pg_counts(self, cursor, query, match, match_params, enabled, selected, tokens):
        """Matches per key, counting at most :data:`COUNT_CAP` + 1 rows (and as many more
        of the selected keys when a type filter is set): ``(counts, total, capped)``."""
        where, params = self._filters(query, enabled)
        statement = f"""
            SELECT 'e', s.key, COUNT(*), NULL::timestamptz FROM (
                SELECT d.key FROM {TABLE} d
                WHERE {match} AND {ACL} && %s::text[] AND {where}
                LIMIT %s
            ) s GROUP BY s.key
            """
        values = [*match_params, tokens, *params, COUNT_CAP + 1]
        # The date from which the newest RECENT_WINDOW documents start (see _pg_search).
        statement += f"""
            UNION ALL
            SELECT 'w', '', 0, (SELECT date FROM {TABLE} WHERE date IS NOT NULL
                ORDER BY date DESC OFFSET %s LIMIT 1)
            """
        values.append(RECENT_WINDOW)
        filtered = set(selected) != set(enabled)
        if filtered and selected:
            where, params = self._filters(query, selected)
            statement += f"""
            UNION ALL
            SELECT 's', '', COUNT(*), NULL FROM (
                SELECT 1 FROM {TABLE} d
                WHERE {match} AND {ACL} && %s::text[] AND {where}
                LIMIT %s
            ) s
            """
            values += [*match_params, tokens, *params, COUNT_CAP + 1]
        cursor.execute(statement, values)
        counts, total, since = {}, 0, None
        for part, key, number, day in cursor.fetchall():
            if part == "e":
                counts[key] = number
            elif part == "s":
                total = number
            else:
                since = day
        capped = sum(counts.values()) > COUNT_CAP
        if filtered:
            capped = capped or total > COUNT_CAP
            if not capped:
                total = sum(counts.get(key, 0) for key in selected)
        else:
            total = sum(counts.values())
        return counts, total, capped, since

    @staticmethod
    def _pg_newest(match, match_params, since, tokens, where, params, limit):
        """SQL for the ids of the newest ``limit`` documents matching, and its parameters:
        those dated from ``since`` first; the older ones are read only when these are too
        few (``LIMIT 0`` reads nothing)."""
        base = (
            f"SELECT d.id, d.date FROM {TABLE} d WHERE {match} AND {ACL} && %s::text[] AND {where}"
        )
        order = "ORDER BY d.date DESC NULLS LAST, d.id"
        values = [*match_params, tokens, *params]
        if since is None:
            return f"SELECT id FROM ({base} {order} LIMIT %s) s", [*values, limit]
        # The recent range has no NULL dates: a plain ``date DESC`` lets PostgreSQL walk
        # the date index backwards and stop at the ``limit``-th match.
        sql = f"""
            WITH recent AS ({base} AND d.date >= %s ORDER BY d.date DESC, d.id LIMIT %s)
            SELECT id FROM recent
            UNION ALL
            SELECT id FROM (
                {base} AND (d.date < %s OR d.date IS NULL) {order}
                LIMIT %s - (SELECT COUNT(*) FROM recent)
            ) s
            """
        return sql, [*values, since, limit, *values, since, limit]

    def _pg_search(self, query, parsed, enabled, selected, tokens, page, per_page):
        tsquery, tsparams = self._pg_tsquery(parsed)
        with transaction.atomic(), connection.cursor() as cursor:
            # With a LIMIT, the planner prefers reading the table in order until enough rows
            # match, which detoasts and tests every big vector (measured: 140 ms on 100,000
            # documents when the matches are rare); the GIN indexes are always cheaper here.
            cursor.execute("SET LOCAL enable_seqscan = off")
            match, match_params = self._pg_match(parsed)
            counts, total, capped, since = self._pg_counts(
                cursor, query, match, match_params, enabled, selected, tokens
            )
            hits = []
            if not total or not selected:
                return Results(
                    hits=[], total=total, counts=counts, page=page, per_page=per_page, capped=capped
                )
            where, params = self._filters(query, selected)
            # Title, name and tag matches (``head``, read without weights: a weight
            # filter makes PostgreSQL recheck every row the index returns; ts_rank then
            # puts titles first).
            title_query, title_params = self._pg_tsquery(parsed)
            # Deep pages rank more candidates, so that every page the total promises exists.
            candidates = max(RANK_CANDIDATES, page * per_page)
            options = f'StartSel="{MARK_START}", StopSel="{MARK_END}", HighlightAll=true'
            snippet_options = (
                f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxFragments=2, '
                'MaxWords=24, MinWords=8, FragmentDelimiter=" … "'
            )
            # The tsqueries are written out in each WHERE (not read from the CTE ``q``) so
            # that the planner sees constants and estimates them. ``NULLS LAST`` keeps the
            # planner from walking the date index while reading every big vector.
            # Title matches (``head`` holds the title as ``vector`` does: a title match is a
            # match), then any matches: the newest of each.
            title_sql, title_values = self._pg_newest(
                f"d.head @@ {title_query}", title_params, since, tokens, where, params, candidates
            )
            other_sql, other_values = self._pg_newest(
                match, match_params, since, tokens, where, params, candidates
            )
            candidate_sql = f"({title_sql}) UNION ({other_sql})"
            cursor.execute(
                f"""
                WITH q AS (SELECT {tsquery} AS q),
                candidates AS ({candidate_sql}),
                ranked AS (
                    SELECT d.id, ts_rank(d.vector, q.q, 1) AS rank
                    FROM {TABLE} d JOIN candidates c ON c.id = d.id, q
                    ORDER BY rank DESC, d.date DESC NULLS LAST, d.id
                    LIMIT %s OFFSET %s
                )
                SELECT d.key, d.object_id, d.title, d.url, d.author, d.date,
                    ts_headline('portal_fr', d.title, q.q, %s),
                    ts_headline('portal_fr', left(d.body, {BODY_VECTOR_CHARS}), q.q, %s),
                    r.rank
                FROM ranked r JOIN {TABLE} d ON d.id = r.id, q
                ORDER BY r.rank DESC, d.date DESC NULLS LAST, d.id
                """,
                [
                    *tsparams,
                    *title_values,
                    *other_values,
                    per_page,
                    (page - 1) * per_page,
                    options,
                    snippet_options,
                ],
            )
            for row in cursor.fetchall():
                *fields, title_marked, snippet_marked, rank = row
                hits.append(self._hit(tuple(fields), title_marked, snippet_marked, rank))
        return Results(
            hits=hits, total=total, counts=counts, page=page, per_page=per_page, capped=capped
        )

    def _pg_suggest(self, query, parsed, keys, people, tokens, limit):
        tsquery, tsparams = self._pg_tsquery(parsed, weights="AB", stemmed=False)
        marks, params = _in(keys)
        order, order_params = "", []
        if people:
            person_marks, order_params = _in(people)
            order = f"CASE WHEN d.key IN ({person_marks}) THEN 0 ELSE 1 END, "
        options = f'StartSel="{MARK_START}", StopSel="{MARK_END}", HighlightAll=true'
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH q AS (SELECT {tsquery} AS q),
                found AS (
                    SELECT d.id, ts_rank(d.head, q.q, 1) AS rank FROM {TABLE} d, q
                    WHERE d.head @@ {tsquery} AND {ACL} && %s::text[] AND d.key IN ({marks})
                    LIMIT %s
                )
                SELECT d.key, d.object_id, d.title, d.url, d.author, d.date,
                    ts_headline('portal_simple', d.title, q.q, %s), f.rank
                FROM found f JOIN {TABLE} d ON d.id = f.id, q
                ORDER BY {order}f.rank DESC, d.id
                LIMIT %s
                """,
                [
                    *tsparams,
                    *tsparams,
                    tokens,
                    *params,
                    SUGGEST_CANDIDATES,
                    options,
                    *order_params,
                    limit,
                ],
            )
            return [self._hit(tuple(row[:6]), row[6], "", row[7]) for row in cursor.fetchall()]
