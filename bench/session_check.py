"""What a stored sign-in session costs the dashboard, on each dialect:

    .venv/bin/python bench/session_check.py [--sessions 200] [--repeat 500]

- check: every script run of a signed-in session checks that its stored session still stands
  (a connection from the pool, the session's row by its hash, the user's row);
- touch: at most once a minute a session marks its row used (one UPDATE, committed).
Median and 95th percentile over --repeat calls, with --sessions other rows in the table.
PostgreSQL: a new database on VAX_BENCH_PG_URL's server, dropped afterwards.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from etl_throughput import drop_database, fresh_database  # noqa: E402

from queries import accounts, sessions  # noqa: E402
from warehouse import engine as wh_engine  # noqa: E402
from warehouse import setup  # noqa: E402

IDLE = timedelta(minutes=30)


def _times(work, repeat: int) -> str:
    took = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        took.append(time.perf_counter() - start)
    p95 = sorted(took)[int(0.95 * len(took))]
    return f"median {statistics.median(took) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms"


def measure(url: str, others: int, repeat: int) -> None:
    engine = wh_engine.make_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        setup.ensure_schema(conn)
        setup.refresh_reference(conn)
        accounts.add_user(conn, "an.vb", "a long password", "district", "356", now)
        for _ in range(others):
            sessions.start(conn, "an.vb", now, IDLE)
        hashed = sessions.token_hash(sessions.start(conn, "an.vb", now, IDLE))

    def check() -> None:
        with engine.connect() as conn:
            assert accounts.session_stands(conn, hashed, "an.vb")

    def touch() -> None:
        with engine.begin() as conn:
            sessions.touch(conn, hashed, datetime.now(UTC), IDLE)

    for label, work in (("check", check), ("touch", touch)):
        print(f"{engine.dialect.name:10} {label}: {_times(work, repeat)}")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=200, help="other stored sessions")
    parser.add_argument("--repeat", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        measure(f"sqlite:///{Path(tmp) / 'w.db'}", args.sessions, args.repeat)
    name = "vax_bench_sessions"
    try:
        measure(fresh_database(name), args.sessions, args.repeat)
    finally:
        drop_database(name)


if __name__ == "__main__":
    main()
