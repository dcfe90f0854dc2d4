"""``python -m tests.benchmarks [--quick] [--database sqlite|postgres]``: see the package's
docstring. Exits 1 when a benchmark is broken (a non-200 answer, an unexpected payload)."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import platform
import shutil
import sys
import tempfile
import time

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test"
POSTGRES_BENCH_DB = "bench_portal"

#: The production-like SQLite options of portal.settings.base (the test settings drop them).
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks",
        description="Request throughput of portal endpoints, as ratios to a bare Django view.",
    )
    parser.add_argument(
        "--database",
        choices=["auto", "sqlite", "postgres"],
        default="auto",
        help="auto (default): PostgreSQL when DATABASE_URL is set, else a temporary SQLite "
        f"file; postgres: DATABASE_URL, or {POSTGRES_URL} when unset. The benchmark database "
        f"({POSTGRES_BENCH_DB} on PostgreSQL) is created and dropped by the run.",
    )
    parser.add_argument("--quick", action="store_true", help="a tiny run (seconds), to smoke-test")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 7; quick 2)")
    parser.add_argument(
        "--requests", type=int, help="requests per endpoint per round (default 30; quick 5)"
    )
    parser.add_argument("--warmup", type=int, help="warm-up requests per endpoint (default 10)")
    parser.add_argument(
        "--show-queries", action="store_true", help="print the SQL of one request per endpoint"
    )
    parser.add_argument(
        "--with-sample-plugin",
        action="store_true",
        help="keep the test suite's sample plugin installed (left out by default: the product "
        "does not ship it)",
    )
    parser.add_argument(
        "--only", help="run only the module bench_<ONLY> (e.g. --only import)", default=""
    )
    args = parser.parse_args(argv)
    args.rounds = args.rounds or (2 if args.quick else 7)
    args.requests = args.requests or (5 if args.quick else 30)
    args.warmup = args.warmup if args.warmup is not None else (3 if args.quick else 10)
    if min(args.rounds, args.requests) < 1 or args.warmup < 0:
        parser.error("--rounds and --requests must be at least 1, --warmup at least 0")
    return args


def configure_environment(args) -> None:
    """Environment variables, before Django reads the settings."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if not args.with_sample_plugin:
        os.environ["PORTAL_TEST_SAMPLE_PLUGIN"] = "0"
    url = os.environ.get("DATABASE_URL", "")
    if args.database == "sqlite":
        os.environ.pop("DATABASE_URL", None)
    elif args.database == "postgres" and not url.startswith(("postgres://", "postgresql://")):
        os.environ["DATABASE_URL"] = POSTGRES_URL


def configure_database(settings) -> str | None:
    """Point the test database at a temporary SQLite file, or at bench_portal on a server.

    Returns the temporary directory to remove afterwards, if any."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        tmpdir = tempfile.mkdtemp(prefix="portal-bench-")
        path = os.path.join(tmpdir, "bench.sqlite3")
        database["NAME"] = path
        database["TEST"] = {"NAME": path}
        database["OPTIONS"] = dict(SQLITE_OPTIONS)
        return tmpdir
    database["TEST"] = {**database.get("TEST", {}), "NAME": POSTGRES_BENCH_DB}
    return None


def describe_database(connection) -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        import sqlite3

        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            mode = cursor.fetchone()[0]
        return (
            f"SQLite {sqlite3.sqlite_version}, temporary file {settings['NAME']} "
            f"(journal_mode={mode})"
        )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    host = settings.get("HOST") or "local socket"
    port = settings.get("PORT") or ""
    return (
        f"{connection.display_name} {version} at {host}{':' if port else ''}{port}, "
        f"database {settings['NAME']} (created for this run, dropped afterwards)"
    )


def bench_modules(only: str = "") -> list:
    package = importlib.import_module("tests.benchmarks")
    names = sorted(
        m.name
        for m in pkgutil.iter_modules(package.__path__)
        if m.name.startswith("bench_") and (not only or m.name == f"bench_{only}")
    )
    return [importlib.import_module(f"tests.benchmarks.{name}") for name in names]


def main(argv=None) -> int:
    args = parse_args(argv)
    configure_environment(args)
    started = time.perf_counter()

    import django
    from django.conf import settings

    tmpdir = configure_database(settings)
    django.setup()

    import wagtail
    from django.db import connection
    from django.test import Client, override_settings

    from portal.plugins import get_plugins
    from tests.benchmarks import seed
    from tests.benchmarks.harness import Context

    print("Setting up the benchmark database (migrate + seed)...", flush=True)
    old_name = None
    ok = True
    try:
        old_name = connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False, keepdb=False
        )
        setup_started = time.perf_counter()
        sizes = seed.Sizes.quick() if args.quick else seed.Sizes.full()
        seeded = seed.seed(sizes)
        setup_seconds = time.perf_counter() - setup_started

        print()
        print("=" * 100)
        print(f"Portal benchmarks{' (--quick)' if args.quick else ''}")
        print(f"Database: {describe_database(connection)}")
        print(
            f"Python {platform.python_version()}, Django {django.get_version()}, "
            f"Wagtail {wagtail.__version__}, settings {os.environ['DJANGO_SETTINGS_MODULE']}, "
            f"{os.cpu_count()} CPUs"
        )
        print(f"Plugins: {', '.join(sorted(c.label for c in get_plugins())) or 'none'}")
        print(
            f"Data: {seeded.departments} departments, {seeded.users} users, "
            f"{len(seeded.pages)} content pages under the home page "
            f"({len(seeded.visible_pages)} visible to the benchmark user), "
            f"{seeded.bookmarks} bookmarks ({sizes.bookmarks_per_user} for the benchmark user); "
            f"seeded in {setup_seconds:.1f}s"
        )
        print(
            f"Requests: django.test.Client logged in as {seeded.user.email}, "
            "database connection kept open between requests"
        )
        print("=" * 100)
        print(flush=True)

        client = Client(raise_request_exception=False)
        client.force_login(seeded.user)
        ctx = Context(
            client=client,
            seeded=seeded,
            rounds=args.rounds,
            requests=args.requests,
            warmup=args.warmup,
            quick=args.quick,
            show_queries=args.show_queries,
        )
        with override_settings(ROOT_URLCONF="tests.benchmarks.urls"):
            for module in bench_modules(args.only):
                if not module.run(ctx):
                    ok = False
                    print(f"{module.__name__}: BROKEN", flush=True)
    finally:
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        if tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)
    print(f"Total run time {time.perf_counter() - started:.0f}s. {'OK' if ok else 'BROKEN'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
