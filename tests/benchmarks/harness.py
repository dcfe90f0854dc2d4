"""Timing machinery: interleaved rounds, per-round ratios against a baseline, medians.

Noise on a shared machine comes in bursts. Every round sends one request to each endpoint
in turn (in an order that rotates from round to round), ``requests`` times over, and the
ratio to the baseline is computed *within* a round, so a burst slows the baseline and the
endpoints alike; the report gives the median over rounds.
"""

from __future__ import annotations

import gc
import math
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.test.utils import CaptureQueriesContext


class BenchmarkBroken(Exception):
    """An endpoint answered something other than what the benchmark expects."""


@dataclass
class Endpoint:
    label: str
    path: str
    #: Extra checks of a response (raise BenchmarkBroken); the status is always checked.
    check: Callable | None = None
    headers: dict = field(default_factory=dict)


@dataclass
class RoundResult:
    throughput: float  # requests per second
    p50_ms: float
    p95_ms: float


@dataclass
class Result:
    endpoint: Endpoint
    rounds: list[RoundResult] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    queries: int | None = None
    query_sql: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)  # baseline throughput / this one

    @property
    def throughput(self) -> float:
        return statistics.median(r.throughput for r in self.rounds)

    @property
    def p50_ms(self) -> float:
        return statistics.median(r.p50_ms for r in self.rounds)

    @property
    def p95_ms(self) -> float:
        return statistics.median(r.p95_ms for r in self.rounds)

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation: honest with small samples)."""
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(pct / 100 * len(ordered))))
    return ordered[rank - 1]


def request(client, endpoint: Endpoint, result: Result) -> float:
    """GET the endpoint, check the answer; returns the seconds the GET took (the checks,
    which parse the answer, are not timed)."""
    start = time.perf_counter()
    response = client.get(endpoint.path, **endpoint.headers)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        location = response.headers.get("Location", "")
        result.failures.append(
            f"{endpoint.path} answered {response.status_code}"
            + (f" (to {location})" if location else "")
        )
    elif endpoint.check is not None:
        try:
            endpoint.check(response)
        except BenchmarkBroken as error:
            result.failures.append(f"{endpoint.path}: {error}")
    return elapsed


def count_queries(client, endpoint: Endpoint, result: Result) -> None:
    """The SQL queries of one (warm) request, outside the timed rounds."""
    with CaptureQueriesContext(connection) as captured:
        request(client, endpoint, result)
    result.queries = len(captured.captured_queries)
    result.query_sql = [q["sql"] for q in captured.captured_queries]


def measure(
    client,
    endpoints: list[Endpoint],
    *,
    rounds: int,
    requests: int,
    warmup: int,
    baseline: str,
) -> dict[str, Result]:
    """Warm up, count queries, then time ``rounds`` interleaved rounds of ``requests``
    requests per endpoint. ``baseline`` is the label the ratios are computed against."""
    results = {e.label: Result(e) for e in endpoints}
    for endpoint in endpoints:
        for _ in range(warmup):
            request(client, endpoint, results[endpoint.label])
        count_queries(client, endpoint, results[endpoint.label])
    if any(r.failures for r in results.values()):
        return results  # do not time a broken benchmark

    for round_index in range(rounds):
        shift = round_index % len(endpoints)
        order = endpoints[shift:] + endpoints[:shift]
        times: dict[str, list[float]] = {e.label: [] for e in endpoints}
        gc.collect()
        # One request per endpoint in turn: every endpoint sees the same stretch of noise.
        for _ in range(requests):
            for endpoint in order:
                elapsed = request(client, endpoint, results[endpoint.label])
                times[endpoint.label].append(elapsed)
        for label, samples in times.items():
            result = results[label]
            result.latencies_ms.extend(t * 1000 for t in samples)
            result.rounds.append(
                RoundResult(
                    throughput=len(samples) / sum(samples),
                    p50_ms=percentile(samples, 50) * 1000,
                    p95_ms=percentile(samples, 95) * 1000,
                )
            )
        base = results[baseline].rounds[-1].throughput
        for result in results.values():
            result.ratios.append(base / result.rounds[-1].throughput)
    return results


def format_table(results: dict[str, Result], baseline: str) -> str:
    headers = [
        "endpoint",
        "path",
        "req/s",
        "p50 ms",
        "p95 ms",
        "queries",
        "bare/endpoint",
        "(range)",
    ]
    rows = []
    for label, result in results.items():
        ratio = "1.0x (baseline)" if label == baseline else f"{result.ratio:.1f}x slower"
        spread = f"{min(result.ratios):.1f}-{max(result.ratios):.1f}x"
        rows.append(
            [
                label,
                result.endpoint.path,
                f"{result.throughput:.1f}",
                f"{result.p50_ms:.2f}",
                f"{result.p95_ms:.2f}",
                str(result.queries),
                ratio,
                spread if label != baseline else "",
            ]
        )
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    right = {2, 3, 4, 5}

    def line(cells):
        return "  ".join(
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells)
        ).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    return "\n".join(out)


@dataclass
class Context:
    """What every ``bench_*`` module gets: a logged-in client and the seeded data."""

    client: object
    seeded: object
    rounds: int
    requests: int
    warmup: int
    quick: bool
    show_queries: bool = False


_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")


def query_shape(sql: str) -> str:
    """The SQL with its literal values blanked: queries of one shape differ by parameters."""
    return _LITERALS.sub("?", sql)


def repeated_queries(sql_list: list[str]) -> list[tuple[int, str]]:
    """(count, shape) of the query shapes a single request runs more than once."""
    counts: dict[str, int] = {}
    for sql in sql_list:
        shape = query_shape(sql)
        counts[shape] = counts.get(shape, 0) + 1
    return sorted(((n, s) for s, n in counts.items() if n > 1), reverse=True)
