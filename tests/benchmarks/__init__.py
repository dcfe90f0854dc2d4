"""Request benchmarks of the portal, run by ``make bench`` (``python -m tests.benchmarks``).

Each measured endpoint is compared with a bare Django JSON view served in the same run,
through the same middleware stack and as the same logged-in user, so the figures that
matter are *ratios*: the absolute times of a noisy 2-core machine mean little.

The database is a temporary SQLite file by default, PostgreSQL when ``DATABASE_URL`` is
set or with ``--database postgres``; it is created, migrated and seeded with the product's
own code, and dropped at the end. See ``python -m tests.benchmarks --help``.

Modules named ``bench_*.py`` are found and run in name order; each defines
``run(context) -> bool`` (``False`` when the benchmark is broken: a non-200 answer, an
unexpected payload). Nothing here is named ``test_*.py``: the test suite has no timing
assertions.
"""
