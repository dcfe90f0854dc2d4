"""The database backend, on whichever database the suite runs (SQLite FTS5 by default,
PostgreSQL full-text search when DATABASE_URL points to PostgreSQL): same tests, same
expectations."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from search.backends.base import Query
from search.backends.database import DatabaseBackend
from search.documents import Document

pytestmark = pytest.mark.django_db

KEYS = ["t.person", "t.doc", "t.other"]
ALL = frozenset({"all"})


def doc(object_id, title, body="", *, key="t.doc", tokens=ALL, day=None, author="", tags=()):
    when = timezone.make_aware(datetime(*day, 12, 0)) if day else None
    return Document(
        key=key,
        object_id=str(object_id),
        title=title,
        url=f"/{key}/{object_id}/",
        body=body,
        author=author,
        tags=list(tags),
        date=when,
        tokens=frozenset(tokens),
    )


def query(text, tokens=ALL, **kwargs):
    kwargs.setdefault("enabled_types", list(KEYS))
    return Query(text=text, tokens=frozenset(tokens), **kwargs)


@pytest.fixture
def backend():
    backend = DatabaseBackend()
    backend.clear()
    return backend


def found(backend, text, **kwargs):
    return [hit.object_id for hit in backend.search(query(text, **kwargs)).hits]


def test_accents_and_case_both_ways(backend):
    backend.index([doc(1, "Un grand Événement"), doc(2, "Le planning des evenements")])
    assert sorted(found(backend, "evenement")) == ["1", "2"]
    assert sorted(found(backend, "ÉVÉNEMENT")) == ["1", "2"]
    assert sorted(found(backend, "événements")) == ["1", "2"]


def test_french_stemming(backend):
    backend.index([doc(1, "Les évènements de Noël"), doc(2, "Rien à voir")])
    assert found(backend, "événement") == ["1"]
    assert found(backend, "evenements noel") == ["1"]


def test_english_stemming(backend):
    backend.index([doc(1, "Weekly meetings"), doc(2, "Unrelated")])
    assert found(backend, "meeting") == ["1"]
    backend.index([doc(3, "A meeting")])
    assert sorted(found(backend, "meetings ")) == ["1", "3"]


def test_prefix_of_the_last_word_and_names(backend):
    backend.index(
        [
            doc(1, "Claire Lefèvre", key="t.person"),
            doc(2, "Compte rendu", author="Paul Lefebvre"),
            doc(3, "Autre chose"),
        ]
    )
    assert sorted(found(backend, "lef")) == ["1", "2"]
    assert found(backend, "claire lef") == ["1"]
    assert found(backend, "lefe") == ["1", "2"] or sorted(found(backend, "lefe")) == ["1", "2"]
    assert found(backend, "lefev") == ["1"]


def test_quoted_phrases_keep_their_order(backend):
    backend.index([doc(1, "Réunion des équipes"), doc(2, "Des équipes en réunion")])
    assert found(backend, '"reunion des equipes"') == ["1"]
    assert found(backend, '"equipes reunion"') == []
    assert sorted(found(backend, "reunion equipes")) == ["1", "2"]


def test_every_word_must_match(backend):
    backend.index([doc(1, "Budget 2027", "Paris"), doc(2, "Budget 2026", "Lyon")])
    assert found(backend, "budget paris") == ["1"]
    assert found(backend, "budget lyon 2027") == []


def test_title_match_ranks_above_body_match(backend):
    backend.index(
        [
            doc(1, "Compte rendu", "Le budget, le budget et encore le budget de l'année."),
            doc(2, "Budget de l'année", "Des chiffres."),
        ]
    )
    assert found(backend, "budget") == ["2", "1"]
    hits = backend.search(query("budget")).hits
    assert hits[0].score > hits[1].score


def test_pagination_and_totals(backend):
    backend.index([doc(i, f"Annonce numéro {i}") for i in range(1, 26)])
    first = backend.search(query("annonce", page=1, per_page=10))
    third = backend.search(query("annonce", page=3, per_page=10))
    beyond = backend.search(query("annonce", page=4, per_page=10))
    assert first.total == third.total == beyond.total == 25
    assert first.pages == 3
    assert len(first.hits) == 10
    assert len(third.hits) == 5
    assert beyond.hits == []
    ids = {
        h.object_id
        for p in (1, 2, 3)
        for h in backend.search(query("annonce", page=p, per_page=10)).hits
    }
    assert len(ids) == 25


def test_counts_per_type_ignore_the_type_filter(backend):
    backend.index(
        [
            doc(1, "Projet Alpha", key="t.doc"),
            doc(2, "Projet Beta", key="t.doc"),
            doc(3, "Projet Gamma", key="t.other"),
        ]
    )
    results = backend.search(query("projet", types=["t.other"]))
    assert [hit.object_id for hit in results.hits] == ["3"]
    assert results.total == 1
    assert results.counts == {"t.doc": 2, "t.other": 1}


def test_enabled_types_only(backend):
    backend.index([doc(1, "Projet", key="t.doc"), doc(2, "Projet", key="t.gone")])
    results = backend.search(query("projet"))
    assert [hit.key for hit in results.hits] == ["t.doc"]
    assert results.counts == {"t.doc": 1}
    assert backend.search(query("projet", types=["t.gone"])).hits == []
    assert [h.key for h in backend.suggest(query("proj"))] == ["t.doc"]


def test_date_filters(backend):
    backend.index(
        [
            doc(1, "Rapport", day=(2026, 1, 10)),
            doc(2, "Rapport", day=(2026, 3, 15)),
            doc(3, "Rapport"),
        ]
    )
    assert found(backend, "rapport", date_from=date(2026, 3, 1)) == ["2"]
    assert found(backend, "rapport", date_to=date(2026, 1, 10)) == ["1"]
    assert sorted(
        found(backend, "rapport", date_from=date(2026, 1, 10), date_to=date(2026, 3, 15))
    ) == ["1", "2"]
    assert sorted(found(backend, "rapport")) == ["1", "2", "3"]


def test_token_filter_everywhere(backend):
    backend.index(
        [
            doc(1, "Secret Lefèvre", "Un secret", tokens={"group:12"}, key="t.person"),
            doc(2, "Public Lefèvre", "Un secret", tokens={"all"}),
        ]
    )
    mine = {"all", "group:1"}
    results = backend.search(query("secret lefèvre", tokens=mine))
    assert [hit.object_id for hit in results.hits] == ["2"]
    assert results.counts == {"t.doc": 1}
    assert results.total == 1
    assert [h.object_id for h in backend.suggest(query("lef", tokens=mine))] == ["2"]
    assert backend.search(query("secret", tokens={"group:1"})).total == 0
    assert backend.search(query("secret", tokens={"group_12"})).total == 0
    member = backend.search(query("secret", tokens={"group:12"}))
    assert [hit.object_id for hit in member.hits] == ["1"]


def test_suggest_prefix_on_titles_and_authors_people_first(backend, monkeypatch):
    from search.backends import database

    monkeypatch.setattr(
        database.DatabaseBackend, "_person_keys", staticmethod(lambda keys: ["t.person"])
    )
    backend.index(
        [
            doc(1, "Martin Dupont", key="t.person"),
            doc(2, "Martingale", "", key="t.doc"),
            doc(3, "Compte rendu", author="Martine Durand"),
            doc(4, "Un texte", "martin dans le corps"),
        ]
    )
    hits = backend.suggest(query("mart", types=["t.person", "t.doc", "t.other"]))
    assert hits[0].object_id == "1"
    assert sorted(h.object_id for h in hits) == ["1", "2", "3"]
    assert "<mark>" in hits[0].title_html
    assert [h.object_id for h in backend.suggest(query("mart"), limit=1)] == ["1"]


def test_delete_clear_rebuild_and_count(backend):
    backend.index([doc(1, "Alpha"), doc(2, "Alpha", key="t.other"), doc(3, "Alpha")])
    assert backend.count() == 3
    backend.delete([("t.doc", "1"), ("t.doc", "404")])
    assert sorted(found(backend, "alpha")) == ["2", "3"]
    backend.clear(["t.other"])
    assert found(backend, "alpha") == ["3"]
    seen = []
    written = backend.rebuild(
        ["t.doc"], (doc(i, "Beta") for i in range(1, 1201)), progress=seen.append
    )
    assert written == 1200
    assert seen[-1] == 1200 and len(seen) >= 2
    assert found(backend, "alpha") == []
    assert backend.count() == 1200
    beta = backend.search(query("beta"))
    assert beta.total == 1200 or (beta.capped and beta.total > 1000)
    backend.clear()
    assert backend.count() == 0


def test_reindexing_a_uid_replaces_it(backend):
    backend.index([doc(1, "Ancien titre")])
    backend.index([doc(1, "Nouveau titre", tokens={"group:3"})])
    assert backend.count() == 1
    assert found(backend, "ancien") == []
    assert found(backend, "nouveau") == []
    assert found(backend, "nouveau", tokens={"group:3"}) == ["1"]


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "*",
        "(",
        ")",
        "NEAR",
        "NEAR(a b)",
        "AND",
        "OR NOT",
        "-",
        ":",
        "title:alpha",
        '"alpha',
        'alpha "bêta',
        "' OR 1=1 --",
        "alpha'; DROP TABLE search_document; --",
        "a & b | !c <-> d:*",
        "\\",
        "\x00\x02",
        "é" * 300,
    ],
)
def test_hostile_input_never_raises(backend, text):
    backend.index([doc(1, "Alpha AND bêta NEAR", "Corps : texte")])
    results = backend.search(query(text))
    assert results.total >= 0
    backend.suggest(query(text))
    assert backend.count() == 1


def test_highlights_are_escaped(backend):
    backend.index([doc(1, "<script>alert(1)</script> Budget", "Le <b>budget</b> & les comptes")])
    hit = backend.search(query("budget")).hits[0]
    assert "<script>" not in hit.title_html
    assert "&lt;script&gt;" in hit.title_html
    assert "<mark>" in hit.title_html
    assert "<b>" not in hit.snippet_html
    assert "<mark>budget</mark>" in hit.snippet_html.lower()
    assert hit.title == "<script>alert(1)</script> Budget"
    assert hit.url == "/t.doc/1/"


def test_words_inside_tag_like_text_are_found(backend):
    """PostgreSQL's parser reads ``<...>`` as markup: the words in it must still count."""
    backend.index([doc(1, "<script>alert(1)</script>", "Voir <b>budget</b>")])
    assert backend.search(query("alert")).total == 1
    assert backend.search(query("script")).total == 1
    assert backend.search(query("budget")).total == 1


def test_search_uses_few_queries(backend):
    backend.index([doc(i, f"Projet {i}") for i in range(30)])
    with CaptureQueriesContext(connection) as queries:
        backend.search(query("projet"))
    # PostgreSQL: counts and hits, in a transaction (SAVEPOINT / SET LOCAL / RELEASE here)
    assert len(queries) <= 5
    with CaptureQueriesContext(connection) as queries:
        backend.suggest(query("proj"))
    assert len(queries) == 1


def test_counts_are_exact_below_the_cap_and_capped_above(backend, monkeypatch):
    from search.backends import database

    backend.index([doc(i, f"Annonce {i}", key=KEYS[i % 2]) for i in range(12)])
    exact = backend.search(query("annonce"))
    assert (exact.total, exact.capped) == (12, False)
    assert exact.counts == {KEYS[0]: 6, KEYS[1]: 6}
    if connection.vendor != "postgresql":
        return  # SQLite counts every match
    monkeypatch.setattr(database, "COUNT_CAP", 10)
    capped = backend.search(query("annonce"))
    assert capped.capped is True
    assert 10 < capped.total <= 12
    assert sum(capped.counts.values()) == capped.total
    assert len(capped.hits) == 12  # every match is still reachable
    monkeypatch.setattr(database, "COUNT_CAP", 12)
    assert backend.search(query("annonce")).capped is False


def test_indexing_queries_are_batched_on_postgresql(backend):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes the FTS row of each document itself")
    with CaptureQueriesContext(connection) as queries:
        backend.index(doc(i, f"Projet {i}") for i in range(1000))
    assert backend.count() == 1000
    assert len(queries) <= 10


# -- through search.query with the visibility policy ------------------------------------------


def _index_notes(*notes):
    from search.documents import build
    from search.registry import searchable_types

    searchable = searchable_types()["sample.note"]
    documents = [build(searchable, note) for note in notes]
    DatabaseBackend().index([d for d in documents if d is not None])


def test_query_search_respects_the_audience(employee, colleague, departments, settings):
    from search import query as search_query
    from tests.sample_plugin.models import Note

    settings.PORTAL_SEARCH_BACKEND = "database"
    DatabaseBackend().clear()
    public = Note.objects.create(author=colleague, text="Séminaire annuel")
    private = Note(author=colleague, text="Séminaire des ventes")
    private.set_audience_department(departments["sales"])
    private.save()
    _index_notes(public, private)

    mine = search_query.search(employee, "seminaire")
    assert [hit.object_id for hit in mine.hits] == [str(public.pk)]
    assert mine.counts == {"sample.note": 1}
    theirs = search_query.search(colleague, "séminaire")
    assert sorted(hit.object_id for hit in theirs.hits) == sorted([str(public.pk), str(private.pk)])
    assert [h.object_id for h in search_query.suggest(employee, "sémi")] == [str(public.pk)]
