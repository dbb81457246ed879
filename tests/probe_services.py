"""Tell `make test` which real services it can use, as shell assignments on stdout.

PostgreSQL and Redis are used when DATABASE_URL / REDIS_URL are set or when they answer on
localhost; otherwise the suite runs on SQLite and the filesystem broker, and says so (stderr).
"""

import os
import socket
import sys


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def main() -> None:
    database = os.environ.get("DATABASE_URL", "")
    if not database and reachable("127.0.0.1", 5432):
        database = "postgres://postgres@127.0.0.1:5432/helpdesk"
    redis = os.environ.get("REDIS_URL", "")
    if not redis and reachable("127.0.0.1", 6379):
        redis = "redis://127.0.0.1:6379/0"
    if database:
        print(f"export DATABASE_URL='{database}'")
        print(f"Tests use the database at {database.split('@')[-1]}.", file=sys.stderr)
    else:
        print("PostgreSQL is not reachable: tests use SQLite.", file=sys.stderr)
    if redis:
        print(f"export REDIS_URL='{redis}' CELERY_BROKER_URL='{redis}'")
        print(f"Tests use Redis at {redis.split('@')[-1]}.", file=sys.stderr)
    else:
        print(
            "Redis is not reachable: tests use the filesystem broker (worker-kill test skipped).",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
