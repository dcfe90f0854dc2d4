"""The Elasticsearch backend.

Without a server: the analysers, the mapping and the template, the request bodies (every
one filters on the searcher's tokens and the enabled types), the alias swap actions and
the reading of responses. With a server (``ELASTICSEARCH_URL`` set in the environment):
the same behaviour end to end, in throwaway indices named ``portal-test-<random>``.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, date, datetime

import pytest

import search.backends as backends
from search.backends import elasticsearch as es
from search.backends.base import MARK_END, MARK_START, Query
from search.documents import Document

TOKENS = frozenset({"all", "user:7", "dept:3", "group:12"})
ENABLED = ["comments.comment", "feed.post", "groups.group"]


def query(text="evenement", **kwargs) -> Query:
    kwargs.setdefault("tokens", TOKENS)
    kwargs.setdefault("enabled_types", ENABLED)
    return Query(text=text, **kwargs)


def find(node, name):
    """Every value stored under the key ``name`` anywhere in a request body."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == name:
                yield value
            yield from find(value, name)
    elif isinstance(node, list):
        for item in node:
            yield from find(item, name)


def filters_of(body: dict) -> list[dict]:
    return body["query"]["bool"]["filter"]


# -- analysers, mapping, template ---------------------------------------------------------


def test_analysers():
    analysis = es.index_body()["settings"]["analysis"]
    analyzers = analysis["analyzer"]
    assert set(analyzers) == {"portal_french", "portal_english", "portal_folded", "portal_prefix"}
    assert analyzers["portal_french"]["filter"] == [
        "portal_fr_elision",
        "lowercase",
        "asciifolding",
        "portal_fr_stemmer",
    ]
    assert analyzers["portal_english"]["filter"] == [
        "portal_en_possessive",
        "lowercase",
        "asciifolding",
        "portal_en_stemmer",
    ]
    assert {"lowercase", "asciifolding"} <= set(analyzers["portal_folded"]["filter"])
    filters = analysis["filter"]
    assert filters["portal_fr_stemmer"] == {"type": "stemmer", "language": "light_french"}
    assert filters["portal_en_stemmer"] == {"type": "stemmer", "language": "english"}
    assert filters["portal_en_possessive"]["language"] == "possessive_english"
    assert filters["portal_fr_elision"]["type"] == "elision"
    assert "l" in filters["portal_fr_elision"]["articles"]
    assert filters["portal_edge_ngram"]["type"] == "edge_ngram"
    assert "portal_edge_ngram" in analyzers["portal_prefix"]["filter"]


def test_mapping():
    properties = es.mapping()["properties"]
    assert set(properties) == {
        "key",
        "object_id",
        "title",
        "body",
        "author",
        "tags",
        "date",
        "url",
        "heading",
        "language",
        "tokens",
    }
    title = properties["title"]
    assert title["analyzer"] == "portal_folded"
    assert title["fields"]["fr"]["analyzer"] == "portal_french"
    assert title["fields"]["en"]["analyzer"] == "portal_english"
    assert title["fields"]["prefix"] == {
        "type": "text",
        "analyzer": "portal_prefix",
        "search_analyzer": "portal_folded",
    }
    assert properties["author"]["fields"]["prefix"]["analyzer"] == "portal_prefix"
    assert properties["author"]["fields"]["prefix"]["search_analyzer"] == "portal_folded"
    assert properties["body"]["fields"]["fr"]["analyzer"] == "portal_french"
    assert properties["body"]["fields"]["en"]["analyzer"] == "portal_english"
    assert properties["tokens"] == {"type": "keyword"}
    assert properties["key"] == {"type": "keyword"}
    assert properties["object_id"] == {"type": "keyword"}
    assert properties["date"] == {"type": "date"}
    assert properties["url"] == {"type": "keyword", "index": False}


def test_template_covers_the_timestamped_indices():
    body = es.template_body("portal-search")
    assert body["index_patterns"] == ["portal-search-*"]
    assert body["template"]["mappings"] == es.mapping()
    assert body["template"]["settings"]["analysis"] == es.index_body()["settings"]["analysis"]
    assert es.template_body("intranet")["index_patterns"] == ["intranet-*"]


def test_index_names_are_timestamped_under_the_alias():
    name = es.new_index_name("portal-search", datetime(2026, 11, 27, 7, 30, 1, 5, tzinfo=UTC))
    assert name == "portal-search-20261127073001000005"
    assert name == name.lower()


def test_alias_swap_actions():
    actions = es.alias_actions(
        "portal-search", "portal-search-2", ["portal-search-1", "portal-search-0"]
    )
    assert actions == [
        {"remove": {"index": "portal-search-0", "alias": "portal-search"}},
        {"remove": {"index": "portal-search-1", "alias": "portal-search"}},
        {"add": {"index": "portal-search-2", "alias": "portal-search"}},
    ]
    # The first index: nothing to remove.
    assert es.alias_actions("portal-search", "portal-search-1", []) == [
        {"add": {"index": "portal-search-1", "alias": "portal-search"}}
    ]
    # A concrete index named like the alias goes in the same atomic call.
    assert es.alias_actions("portal-search", "portal-search-1", ["portal-search"]) == [
        {"remove_index": {"index": "portal-search"}},
        {"add": {"index": "portal-search-1", "alias": "portal-search"}},
    ]


def test_index_actions_and_sources():
    doc = Document(
        key="feed.post",
        object_id="42",
        title=f"Un {MARK_START}faux{MARK_END} événement",
        url="/feed/42/",
        body="Corps",
        author="Marie Lefèvre",
        tags=["rh"],
        date=datetime(2026, 11, 27, 8, 0, tzinfo=UTC),
        tokens=frozenset({"user:1", "all"}),
        language="fr",
    )
    action = es.index_action(doc, "portal-search")
    assert action["_id"] == "feed.post:42"
    assert action["_index"] == "portal-search"
    assert action["_op_type"] == "index"
    source = action["_source"]
    assert source["tokens"] == ["all", "user:1"]
    assert source["title"] == "Un faux événement"  # sentinels never reach the index
    assert source["date"] == "2026-11-27T08:00:00+00:00"
    assert source["key"] == "feed.post" and source["object_id"] == "42"


# -- search bodies ------------------------------------------------------------------------


LEAK_QUERIES = [
    query("evenement"),
    query('"reunion des equipes"'),
    query("lef", types=["feed.post"]),
    query("bonjour", types=[]),
    query("bonjour", enabled_types=[]),
    query("", types=["groups.group", "feed.post"]),
    query("  ' - ", page=3),
    query("x", date_from=date(2026, 1, 1), date_to=date(2026, 2, 1)),
    query("marie", tokens=frozenset({"user:1"}), enabled_types=["feed.post"]),
]


@pytest.mark.parametrize("q", LEAK_QUERIES, ids=lambda q: repr(q.text))
def test_every_body_filters_on_tokens_and_enabled_types(q):
    for body in (es.search_body(q), es.suggest_body(q, 8, people=["people.person"])):
        filters = filters_of(body)
        assert {"terms": {"tokens": sorted(q.tokens)}} in filters
        assert {"terms": {"key": sorted(q.enabled_types)}} in filters
        # Filters sit beside the text query, never inside a "should" that could skip them.
        assert body["query"]["bool"].keys() <= {"must", "filter"}
        assert "should" not in body["query"]["bool"]


def test_no_enabled_type_matches_nothing():
    body = es.search_body(query("bonjour", enabled_types=[]))
    assert {"terms": {"key": []}} in filters_of(body)


def test_words_are_typo_tolerant_and_all_required():
    body = es.search_body(query("grand evenement"))
    words = body["query"]["bool"]["must"][0]["bool"]["must"]
    assert len(words) == 2  # AND: every word is a "must"
    fuzzy = [
        clause
        for clause in find(body, "multi_match")
        if clause.get("type", "best_fields") == "best_fields" and "fuzziness" in clause
    ]
    assert {clause["query"] for clause in fuzzy} == {"grand", "evenement"}
    for clause in fuzzy:
        assert clause["fuzziness"] == "AUTO"
        assert "title^3" in clause["fields"]
        assert "title.fr^3" in clause["fields"]
        assert {"body", "body.fr", "body.en", "author^2", "tags^2"} <= set(clause["fields"])


def test_title_ranks_above_body():
    clause = next(find(es.search_body(query("paris")), "multi_match"))
    boosts = {field.split("^")[0]: es._boost(field) for field in clause["fields"]}
    assert boosts["title"] > boosts["body"]
    assert boosts["title.fr"] > boosts["body.fr"]


def test_last_word_is_a_prefix():
    body = es.search_body(query("marie lef"))
    prefix_clauses = [c for c in find(body, "multi_match") if "title.prefix^2" in c["fields"]]
    assert [c["query"] for c in prefix_clauses] == ["lef"]
    assert "author.prefix^2" in prefix_clauses[0]["fields"]
    phrase_prefix = [c for c in find(body, "multi_match") if c.get("type") == "phrase_prefix"]
    assert [c["query"] for c in phrase_prefix] == ["lef"]


def test_phrases_are_exact_and_never_fuzzy():
    body = es.search_body(query('budget "reunion des equipes"'))
    phrases = list(find(body, "match_phrase"))
    assert phrases
    for clause in phrases:
        ((field, spec),) = clause.items()
        assert spec["query"] == "reunion des equipes"
        assert "fuzziness" not in spec
    assert {next(iter(c)) for c in phrases} >= {"title", "body"}
    # Only the loose word is fuzzy; a text ending with a phrase has no prefix word.
    assert [c["query"] for c in find(body, "multi_match") if "fuzziness" in c] == ["budget"]
    assert not [c for c in find(body, "multi_match") if c.get("type") == "phrase_prefix"]
    assert not [c for c in find(body, "multi_match") if "title.prefix^2" in c["fields"]]


def test_query_parsing():
    assert es.parse_text('a "b c" d') == (["a", "d"], ["b c"], True)
    assert es.parse_text('"b  c"') == ([], ["b c"], False)
    assert es.parse_text('un "guillemet seul') == (["un", "guillemet", "seul"], [], True)
    assert es.parse_text(" - ' ") == ([], [], False)


def test_empty_text_matches_every_visible_document():
    body = es.search_body(query("  -  "))
    assert body["query"]["bool"]["must"] == [{"match_all": {}}]
    assert {"terms": {"tokens": sorted(TOKENS)}} in filters_of(body)


@pytest.mark.parametrize(
    ("page", "per_page", "start"), [(1, 20, 0), (2, 20, 20), (3, 10, 20), (500, 20, 9980)]
)
def test_pagination(page, per_page, start):
    body = es.search_body(query(page=page, per_page=per_page))
    assert body["from"] == start
    assert body["size"] == per_page
    assert body["track_total_hits"] is True


def test_date_range(settings):
    settings.TIME_ZONE = "Europe/Paris"
    body = es.search_body(query(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31)))
    assert {
        "range": {
            "date": {
                "gte": "2026-01-01||/d",
                "lte": "2026-01-31||/d",
                "time_zone": "Europe/Paris",
            }
        }
    } in filters_of(body)
    only_from = es.search_body(query(date_from=date(2026, 1, 1)))
    assert [f for f in filters_of(only_from) if "range" in f][0]["range"]["date"]["gte"]
    assert "lte" not in [f for f in filters_of(only_from) if "range" in f][0]["range"]["date"]
    assert not [f for f in filters_of(es.search_body(query())) if "range" in f]


def test_types_filter_the_hits_not_the_counts():
    body = es.search_body(query(types=["groups.group", "feed.post"]))
    assert body["post_filter"] == {"terms": {"key": ["feed.post", "groups.group"]}}
    assert body["aggs"]["types"]["terms"]["field"] == "key"
    assert body["aggs"]["types"]["terms"]["size"] >= len(ENABLED)
    # The selection is not a query filter: the aggregation counts every enabled type.
    assert {"terms": {"key": ["feed.post", "groups.group"]}} not in filters_of(body)
    assert "post_filter" not in es.search_body(query())
    assert es.search_body(query(types=[]))["post_filter"] == {"terms": {"key": []}}


def test_highlights_use_the_sentinels():
    highlight = es.search_body(query())["highlight"]
    assert highlight["pre_tags"] == [MARK_START]
    assert highlight["post_tags"] == [MARK_END]
    assert {"title", "body"} <= set(highlight["fields"])
    assert highlight["fields"]["title"]["number_of_fragments"] == 0


def test_suggest_body():
    body = es.suggest_body(
        query("marie lef", types=["people.person", "feed.post"]), 5, people=["people.person"]
    )
    assert body["size"] == 5
    assert {"terms": {"key": ["feed.post", "people.person"]}} in filters_of(body)
    words = body["query"]["bool"]["must"][0]["bool"]["must"]
    assert len(words) == 2
    for word in words:
        fields = {f for c in find(word, "multi_match") for f in c["fields"]}
        assert {"title.prefix^2", "author.prefix^2"} <= fields
    script = body["sort"][0]["_script"]
    assert script["script"]["params"]["people"] == ["people.person"]
    assert script["order"] == "asc"
    assert body["sort"][1] == "_score"
    assert es.suggest_body(query("x"), 0)["size"] == 1
    assert "_script" not in str(es.suggest_body(query("x"), 5)["sort"])


# -- responses ----------------------------------------------------------------------------


RESPONSE = {
    "took": 3,
    "timed_out": False,
    "hits": {
        "total": {"value": 23, "relation": "eq"},
        "max_score": 7.5,
        "hits": [
            {
                "_index": "portal-search-20261127073001000005",
                "_id": "feed.post:42",
                "_score": 7.5,
                "_source": {
                    "key": "feed.post",
                    "object_id": "42",
                    "title": "Un grand <événement>",
                    "url": "/feed/42/",
                    "author": "Marie Lefèvre",
                    "date": "2026-11-27T08:00:00+00:00",
                },
                "highlight": {
                    "title": [f"Un grand <{MARK_START}événement{MARK_END}>"],
                    "body": [
                        "Début sans marque <script>",
                    ],
                    "body.fr": [
                        f"les {MARK_START}événements{MARK_END} & <b>fêtes</b>",
                        f"un autre {MARK_START}événement{MARK_END}",
                    ],
                },
            },
            {
                "_index": "portal-search-20261127073001000005",
                "_id": "groups.group:3",
                "_score": 2.0,
                "_source": {
                    "key": "groups.group",
                    "object_id": "3",
                    "title": "Club <photo>",
                    "url": "/groups/3/",
                    "author": "",
                    "date": None,
                },
            },
        ],
    },
    "aggregations": {
        "types": {
            "doc_count_error_upper_bound": 0,
            "sum_other_doc_count": 0,
            "buckets": [
                {"key": "feed.post", "doc_count": 20},
                {"key": "groups.group", "doc_count": 3},
                {"key": "disabled.thing", "doc_count": 9},
            ],
        }
    },
}


def test_results_from_response():
    results = es.results_from_response(RESPONSE, query(page=2, per_page=10))
    assert results.total == 23
    assert results.counts == {"feed.post": 20, "groups.group": 3}
    assert (results.page, results.per_page, results.pages) == (2, 10, 3)
    first, second = results.hits
    assert (first.key, first.object_id, first.url) == ("feed.post", "42", "/feed/42/")
    assert first.title == "Un grand <événement>"
    assert first.title_html == "Un grand &lt;<mark>événement</mark>&gt;"
    # The marked fragments win over the unmarked beginning of the body, escaped.
    assert first.snippet_html == (
        "les <mark>événements</mark> &amp; &lt;b&gt;fêtes&lt;/b&gt;"
        " … un autre <mark>événement</mark>"
    )
    assert first.author == "Marie Lefèvre"
    assert first.date == datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    assert first.score == 7.5
    # No highlight: the escaped title, no snippet.
    assert second.title_html == "Club &lt;photo&gt;"
    assert second.snippet_html == ""
    assert second.date is None


def test_results_from_an_empty_response():
    results = es.results_from_response({"hits": {"total": {"value": 0}, "hits": []}}, query())
    assert (results.hits, results.total, results.counts) == ([], 0, {})


def test_unmarked_body_fragment_is_the_snippet():
    raw = {
        "_id": "feed.post:1",
        "_source": {"key": "feed.post", "object_id": "1", "title": "T", "url": "/"},
        "highlight": {"body": ["Le début <du> texte"]},
    }
    assert es.hit_from(raw).snippet_html == "Le début &lt;du&gt; texte"


# -- the backend object -------------------------------------------------------------------


def test_constructing_does_not_connect(settings):
    settings.PORTAL_SEARCH_INDEX = "intranet"
    backend = es.ElasticsearchBackend("http://127.0.0.1:9")
    assert backend._client is None
    assert backend.alias == "intranet"
    assert es.ElasticsearchBackend("http://127.0.0.1:9", alias="other").alias == "other"


@pytest.fixture
def fresh_backend_cache(monkeypatch):
    monkeypatch.setattr(backends, "_backend", None)
    monkeypatch.setattr(backends, "_built_for", None)


def test_get_backend_is_elasticsearch_when_url_is_set(settings, fresh_backend_cache):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.PORTAL_SEARCH_BACKEND = ""
    settings.PORTAL_SEARCH_INDEX = "portal-search"
    backend = backends.get_backend()
    assert isinstance(backend, es.ElasticsearchBackend)
    assert backend.url == "http://127.0.0.1:9"
    assert backend.alias == "portal-search"
    assert backend._client is None
    assert backends.get_backend() is backend
    settings.ELASTICSEARCH_URL = ""
    assert not isinstance(backends.get_backend(), es.ElasticsearchBackend)


# -- live: a real server ------------------------------------------------------------------

LIVE_URL = os.environ.get("ELASTICSEARCH_URL", "")
live = pytest.mark.skipif(
    not LIVE_URL,
    reason="no Elasticsearch server: set ELASTICSEARCH_URL (e.g. http://127.0.0.1:9200) "
    "to run the live Elasticsearch tests",
)


def doc(key, object_id, title, body="", author="", tokens=("all",), when=None, tags=()):
    return Document(
        key=key,
        object_id=str(object_id),
        title=title,
        url=f"/{key}/{object_id}/",
        body=body,
        author=author,
        tags=list(tags),
        date=when or datetime(2026, 6, 1, 12, 0, tzinfo=UTC),
        tokens=frozenset(tokens),
    )


CORPUS = [
    doc("feed.post", 1, "Un grand événement à Paris", "Venez nombreux à la fête.", "Marie Lefèvre"),
    doc("feed.post", 2, "Compte rendu", "La réunion des équipes a eu lieu mardi.", "Paul Martin"),
    doc("feed.post", 3, "Weekly meetings", "The team's meetings are on Monday.", "John Smith"),
    doc("feed.post", 4, "Budget", "Un budget secret du club.", "Paul Martin", tokens=["group:99"]),
    doc(
        "feed.post",
        5,
        "Ancien",
        "Une archive.",
        "Paul Martin",
        when=datetime(2020, 1, 5, tzinfo=UTC),
    ),
    doc("comments.comment", 6, "Grand événement", "Super événement, bravo", "Léa Durand"),
    doc("groups.group", 7, "Club photo", "Le club photo organise un événement", tags=["photo"]),
    doc("groups.group", 8, "Paris", "Le groupe des parisiens"),
    doc("feed.post", 9, "Note", "Paris en été, paris et paris encore. Paris!", "Paul Martin"),
]


@pytest.fixture
def live_backend():
    backend = es.ElasticsearchBackend(LIVE_URL, alias=f"portal-test-{uuid.uuid4().hex[:10]}")
    yield backend
    client = backend.client
    # Elasticsearch 8 refuses wildcard deletions (action.destructive_requires_name).
    names = list(client.indices.get(index=f"{backend.alias}-*", allow_no_indices=True))
    if names:
        client.indices.delete(index=",".join(names), ignore_unavailable=True)
    client.options(ignore_status=404).indices.delete_index_template(name=backend.alias)
    client.close()


@pytest.fixture
def loaded(live_backend):
    from search.registry import searchable_types

    keys = sorted(set(searchable_types()) | {d.key for d in CORPUS})
    seen = []
    written = live_backend.rebuild(keys, iter(CORPUS), progress=seen.append)
    assert written == len(CORPUS)
    assert seen and seen[-1] == len(CORPUS)
    return live_backend


def ids(results_or_hits):
    hits = getattr(results_or_hits, "hits", results_or_hits)
    return [(hit.key, hit.object_id) for hit in hits]


def found(backend, text, **kwargs):
    return {object_id for _key, object_id in ids(backend.search(query(text, **kwargs)))}


@live
def test_live_rebuild_creates_the_alias_and_template(loaded):
    client = loaded.client
    indices = loaded.alias_indices()
    assert len(indices) == 1 and indices[0].startswith(f"{loaded.alias}-")
    assert loaded.count() == len(CORPUS)
    template = client.indices.get_index_template(name=loaded.alias)["index_templates"][0]
    assert template["index_template"]["index_patterns"] == [f"{loaded.alias}-*"]
    mapping = client.indices.get_mapping(index=loaded.alias)[indices[0]]["mappings"]
    assert mapping["properties"]["title"]["fields"]["fr"]["analyzer"] == "portal_french"


@live
def test_live_accents_stems_typos_phrases_prefix(loaded):
    assert {"1", "6", "7"} <= found(loaded, "evenement")  # accents
    assert {"1", "6", "7"} <= found(loaded, "EVENEMENTS")  # case + French plural
    assert "3" in found(loaded, "meeting")  # English stem
    assert "2" in found(loaded, "reunions")  # French stem
    assert "1" in found(loaded, "evenemnt")  # a typo
    assert found(loaded, '"reunion des equipes"') == {"2"}
    assert found(loaded, '"des reunion"') == set()
    assert "1" in found(loaded, "lef")  # prefix of an author name
    assert "1" in found(loaded, "grand even")  # the last word is a prefix
    assert found(loaded, "grand paris") == {"1"}  # every word must match


@live
def test_live_title_above_body(loaded):
    results = loaded.search(query("paris", types=["feed.post", "groups.group"]))
    order = [object_id for _key, object_id in ids(results)]
    assert order.index("1") < order.index("9") or order.index("8") < order.index("9")
    assert order[0] in {"1", "8"}


@live
def test_live_tokens_and_enabled_types(loaded):
    assert "4" not in found(loaded, "budget")
    assert found(loaded, "budget", tokens=frozenset({"group:99"})) == {"4"}
    assert found(loaded, "evenement", tokens=frozenset({"user:1"})) == set()
    assert "6" not in found(loaded, "evenement", enabled_types=["feed.post", "groups.group"])
    assert found(loaded, "evenement", enabled_types=[]) == set()
    assert loaded.suggest(query("bud"), 8) == []
    assert ids(loaded.suggest(query("bud", tokens=frozenset({"group:99"})), 8)) == [
        ("feed.post", "4")
    ]


@live
def test_live_counts_pages_dates_highlights(loaded):
    results = loaded.search(query("evenement", types=["groups.group"]))
    assert results.counts == {"feed.post": 1, "comments.comment": 1, "groups.group": 1}
    assert results.total == 1 and ids(results) == [("groups.group", "7")]
    assert "<mark>" in results.hits[0].snippet_html
    first = loaded.search(query("paul", per_page=2))
    second = loaded.search(query("paul", per_page=2, page=2))
    assert first.total == 3 and len(first.hits) == 2 and len(second.hits) == 1
    assert not set(ids(first)) & set(ids(second))
    assert found(loaded, "paul", date_to=date(2021, 1, 1)) == {"5"}
    assert found(loaded, "paul", date_from=date(2026, 6, 1), date_to=date(2026, 6, 1)) == {
        "2",
        "9",
    }
    hit = loaded.search(query("evenement", types=["feed.post"])).hits[0]
    assert hit.title_html == "Un grand <mark>événement</mark> à Paris"
    assert hit.date == datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@live
def test_live_index_delete_clear_and_partial_rebuild(loaded):
    loaded.index([doc("feed.post", 1, "Titre changé", "plus rien")])
    loaded.refresh()
    assert "1" not in found(loaded, "evenement") and found(loaded, "change") == {"1"}
    loaded.delete([("feed.post", "1"), ("feed.post", "404")])
    loaded.refresh()
    assert found(loaded, "change") == set()
    loaded.rebuild(["groups.group"], iter([doc("groups.group", 10, "Club vélo")]))
    assert found(loaded, "club") == {"10"}  # groups replaced
    assert "2" in found(loaded, "reunion")  # posts untouched
    loaded.clear(["feed.post"])
    assert found(loaded, "paul") == set()
    assert loaded.count() == 2  # the comment and the new group
    loaded.clear()
    assert loaded.count() == 0


@live
def test_live_alias_swap_keeps_results_during_a_rebuild(loaded):
    old_indices = loaded.alias_indices()
    reader = es.ElasticsearchBackend(LIVE_URL, alias=loaded.alias)
    during = []

    def documents():
        yield doc("feed.post", 20, "Nouvel événement")
        # Half-way through the rebuild, searches still answer from the old index.
        during.append(found(reader, "evenement"))
        yield doc("feed.post", 21, "Encore un événement")

    from search.registry import searchable_types

    keys = sorted(set(searchable_types()) | {d.key for d in CORPUS})
    assert loaded.rebuild(keys, documents()) == 2
    assert {"1", "6", "7"} <= during[0] and not during[0] & {"20", "21"}
    assert found(reader, "evenement") == {"20", "21"}
    new_indices = loaded.alias_indices()
    assert len(new_indices) == 1 and new_indices != old_indices
    assert not loaded.client.indices.exists(index=old_indices[0])
    reader.client.close()


@live
def test_live_first_writes_create_the_alias(live_backend):
    assert live_backend.count() == 0
    assert live_backend.search(query()).total == 0
    live_backend.index([doc("feed.post", 1, "Un événement")])
    live_backend.refresh()
    assert live_backend.alias_indices()[0].startswith(f"{live_backend.alias}-")
    assert found(live_backend, "evenement") == {"1"}
