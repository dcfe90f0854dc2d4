"""The home page, the bookmarks API, Wagtail's pages API and "My bookmarks", each against
a bare Django JSON view, as the same logged-in employee in the same run.

After the timed rounds, the queries of each request are counted again while the data
grows, to show which requests cost more queries as people save more and editors publish
more: a count that moves with the data is an N+1 (or N-per-kind) pattern.
"""

from __future__ import annotations

from django.db import transaction
from wagtail.models import PageViewRestriction

from plugins.bookmarks.models import Bookmark
from plugins.bookmarks.services import add_bookmark
from portal.accounts import roles
from tests.benchmarks.harness import (
    BenchmarkBroken,
    Context,
    Endpoint,
    Result,
    count_queries,
    format_table,
    measure,
    repeated_queries,
)
from tests.benchmarks.urls import BARE_PATH
from tests.factories import make_content_page

BASELINE = "bare JSON view"


def _json(response) -> dict:
    try:
        return response.json()
    except ValueError as error:
        raise BenchmarkBroken(f"not JSON ({response.get('Content-Type')})") from error


def _check_bare(response) -> None:
    if _json(response) != {"ok": True}:
        raise BenchmarkBroken("unexpected payload")


def _check_html(*needles: str):
    def check(response) -> None:
        content = response.content.decode()
        for needle in needles:
            if needle not in content:
                raise BenchmarkBroken(f"{needle!r} missing from the page")

    return check


def _check_api_bookmarks(expected: int):
    def check(response) -> None:
        data = _json(response)
        if data.get("count") != expected or len(data.get("results", [])) != min(expected, 20):
            raise BenchmarkBroken(
                f"expected {expected} bookmarks, got count={data.get('count')} "
                f"and {len(data.get('results', []))} results"
            )
        if not all(item.get("title") for item in data["results"]):
            raise BenchmarkBroken("a bookmark without a title")

    return check


def _check_api_pages(response) -> None:
    data = _json(response)
    if not data.get("meta", {}).get("total_count") or not data.get("items"):
        raise BenchmarkBroken(f"no pages listed: {str(data)[:200]}")


def endpoints(ctx: Context) -> list[Endpoint]:
    user = ctx.seeded.user
    expected = Bookmark.objects.filter(user=user).count()
    return [
        Endpoint(BASELINE, BARE_PATH, _check_bare),
        Endpoint("home page", "/", _check_html("Hello, Bench", "Useful pages", "My bookmarks")),
        Endpoint("bookmarks API", "/api/bookmarks/", _check_api_bookmarks(expected)),
        Endpoint("pages API", "/api/v2/pages/", _check_api_pages),
        Endpoint(
            "news via pages API",
            "/api/v2/pages/?type=news.NewsPage&fields=date,summary,category_name,tag_names&order=-date",
            _check_api_pages,
        ),
        Endpoint("news index page", "/news/", _check_html("news")),
        Endpoint("my bookmarks", "/bookmarks/", _check_html('class="card-list ')),
    ]


def run(ctx: Context) -> bool:
    eps = endpoints(ctx)
    print("== Requests: each endpoint against the bare JSON view ==")
    print(
        f"{ctx.rounds} rounds x {ctx.requests} requests per endpoint, interleaved one request "
        f"to each endpoint in turn, after {ctx.warmup} warm-up requests each.\n"
        "req/s, p50 and p95 are medians over rounds; bare/endpoint is the median of the "
        "per-round throughput ratios (their range in brackets); queries: one warm request."
    )
    results = measure(
        ctx.client,
        eps,
        rounds=ctx.rounds,
        requests=ctx.requests,
        warmup=ctx.warmup,
        baseline=BASELINE,
    )
    failures = [f for r in results.values() for f in r.failures]
    if failures:
        print("BROKEN: not timed, because:")
        for failure in dict.fromkeys(failures):
            print(f"  - {failure}")
        return False
    print()
    print(format_table(results, BASELINE))
    print()
    _print_repeated(results, ctx.show_queries)
    ok = _query_growth(ctx, eps)
    return ok


def _print_repeated(results, show_all: bool) -> None:
    print("Query shapes run more than once in one request (literal values blanked):")
    any_repeated = False
    for label, result in results.items():
        repeated = repeated_queries(result.query_sql)
        if show_all:
            print(f"  {label}: {result.queries} queries")
            for sql in result.query_sql:
                print(f"      {sql[:160]}")
        for count, shape in repeated:
            any_repeated = True
            print(f"  {label}: {count}x  {shape[:130]}")
    if not any_repeated:
        print("  none")
    print()


def _query_growth(ctx: Context, eps: list[Endpoint]) -> bool:
    """Count each request's queries while the data grows (not timed)."""
    seeded = ctx.seeded
    user = seeded.user
    home = seeded.home
    steps = [("seeded data", lambda: None)]

    def more_pages_and_bookmarks():
        for i in range(20):
            page = make_content_page(home, f"Extra page {i}", slug=f"extra-page-{i}")
            add_bookmark(user, page)

    def bookmark_home_page():
        add_bookmark(user, home)

    def restrict_sections():
        editors = roles.role_group(roles.EDITOR)
        for i in range(3):
            section = make_content_page(home, f"Editors only {i}", slug=f"editors-only-{i}")
            restriction = PageViewRestriction.objects.create(
                page=section, restriction_type=PageViewRestriction.GROUPS
            )
            restriction.groups.set([editors])

    steps.append(("+ 20 top-level pages, each bookmarked", more_pages_and_bookmarks))
    steps.append(("+ a bookmark on the home page (a 3rd kind of object)", bookmark_home_page))
    steps.append(("+ 3 sections restricted to editors", restrict_sections))

    labels = [e.label for e in eps if e.label != BASELINE]
    table = []
    broken = []
    with transaction.atomic():  # rolled back: later benchmarks see the seeded data
        _grow_and_count(ctx, eps, steps, table, broken)
        transaction.set_rollback(True)

    print("== Queries per request as the data grows (not timed) ==")
    widths = [max(len(label), 5) for label in labels]
    first = max(len(d) for d, _b, _r in table)
    print(
        "step".ljust(first)
        + "  bookmarks  "
        + "  ".join(label.rjust(w) for label, w in zip(labels, widths, strict=True))
    )
    for description, bookmarks, row in table:
        print(
            description.ljust(first)
            + f"  {bookmarks:9d}  "
            + "  ".join(str(n).rjust(w) for n, w in zip(row, widths, strict=True))
        )
    moved = []
    for i, label in enumerate(labels):
        counts = [row[i] for _d, _b, row in table]
        if len(set(counts)) > 1:
            moved.append(f"{label} ({min(counts)} to {max(counts)})")
    if moved:
        print(f"Query count changes with the data for: {', '.join(moved)}")
    else:
        print("No request's query count changes with the data.")
    print()
    if broken:
        print("BROKEN while growing the data:")
        for failure in dict.fromkeys(broken):
            print(f"  - {failure}")
        return False
    return True


def _grow_and_count(ctx: Context, eps, steps, table: list, broken: list) -> None:
    user = ctx.seeded.user
    for description, grow in steps:
        grow()
        row = []
        for endpoint in eps:
            if endpoint.label == BASELINE:
                continue
            result = Result(endpoint)
            # The bookmarks API's expected count changes as bookmarks are added.
            probe = Endpoint(endpoint.label, endpoint.path, None, endpoint.headers)
            count_queries(ctx.client, probe, result)  # warm the caches once
            count_queries(ctx.client, probe, result)
            broken += result.failures
            row.append(result.queries)
        bookmarks = Bookmark.objects.filter(user=user).count()
        table.append((description, bookmarks, row))
