"""Benchmark the desk at 1,000,000 tickets and 3,000,000 messages: `make bench`.

    make bench
    .venv/bin/python -m tests.bench [--reseed] [--repeat 30] [--tickets 1000000] [--database helpdesk_bench]
                                    [--seed-only] [--show-queries] [--only desk|ingest] [--messages 600]

The data lives in its own PostgreSQL database (`helpdesk_bench` on the server of DATABASE_URL, or
127.0.0.1:5432), created and migrated when missing and seeded with COPY; a later run reuses it when its
counts match, unless --reseed drops and rebuilds it. The dev and test databases are never touched.
Each page is timed in process (Django's test client, DEBUG off) and reported as p50/p95 and as a
ratio to a one-row baseline page; targets: p95 <= 10x the baseline's p95 and <= 20 SQL queries.
Then email ingest (ingest.py): messages per second through receive_email on the MIME test corpus, as a
ratio to a bare email.message_from_bytes parse; target <= 20x. `--only` runs one of the two.
The exit code is 0 either way: this is a report, not a test.
"""

import argparse
import os
import sys
import time
from urllib.parse import urlsplit, urlunsplit

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def bench_database_url(name: str) -> str:
    """The URL of the bench database: DATABASE_URL's server (when PostgreSQL) with our own name."""
    if not name.endswith("_bench"):
        sys.exit(f"Refusing database {name!r}: the bench only uses databases named '*_bench'.")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = DEFAULT_SERVER
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def ensure_database(url: str, *, drop: bool) -> None:
    """Create the bench database when missing (drop it first with `drop`), via the server's 'postgres' db."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    connection = psycopg2.connect(admin)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            if drop:
                cursor.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"Created database {name}.")
    finally:
        connection.close()


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--reseed", action="store_true", help="drop the bench database and seed it again")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--tickets", type=int, default=1_000_000, help="tickets to seed (3 messages each)")
    parser.add_argument("--database", default="helpdesk_bench", help="database name, must end in _bench")
    parser.add_argument("--seed-only", action="store_true", help="seed (or check) the data, measure nothing")
    parser.add_argument("--show-queries", action="store_true", help="print the slowest SQL of pages, ingest")
    parser.add_argument(
        "--only",
        choices=["desk", "ingest", "automation"],
        help="measure only the pages, ingest or automation",
    )
    parser.add_argument("--messages", type=int, default=600, help="emails per ingest round (default 600)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    url = bench_database_url(args.database)
    # Before Django reads its settings: our database, production-like settings with DEBUG off.
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["DJANGO_DEBUG"] = "0"
    ensure_database(url, drop=args.reseed)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    assert connection.settings_dict["NAME"] == args.database, "the bench must run on its own database"
    assert not settings.DEBUG, "DEBUG must be off while measuring"
    print(f"Bench database: {args.database} at {urlsplit(url).hostname}:{urlsplit(url).port or 5432}")
    call_command("migrate", verbosity=0, interactive=False)

    from tests.bench import seed

    started = time.perf_counter()
    facts = seed.existing(args.tickets)
    if facts is None:
        if seed.has_tickets():
            print("The bench database holds other or incomplete data: rebuilding it.")
            connection.close()
            ensure_database(url, drop=True)
            call_command("migrate", verbosity=0, interactive=False)
        facts = seed.seed(args.tickets)
        print(f"Seeding took {time.perf_counter() - started:.0f} s.")
    else:
        print("Reusing the seeded data (--reseed rebuilds it).")
    print(seed.describe(facts))
    if args.seed_only:
        return 0

    if args.only in (None, "desk"):
        from tests.bench import measure

        results = measure.run(facts, repeat=args.repeat)
        print()
        print(measure.table(results))
        print()
        print(measure.summary(results))
        if args.show_queries:
            print()
            print(measure.slowest_queries(results))
    if args.only in (None, "automation"):
        from tests.bench import automation

        print("\nMeasuring automation (SLA sweep and lag, routing, fan-out) ...", flush=True)
        print(automation.table(automation.run()))
    if args.only in (None, "ingest"):
        from tests.bench import ingest

        print()
        steps, statuses, ingested = ingest.run(args.messages)
        print()
        print(ingest.table(steps, ingested))
        print()
        print(ingest.summary(steps, statuses, ingested))
        if args.show_queries:
            print()
            print(ingest.slowest_queries(ingested))
    return 0


if __name__ == "__main__":
    sys.exit(main())
