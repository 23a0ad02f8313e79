"""ETL throughput on the whole province against a raw PostgreSQL COPY of the same visit rows.

    .venv/bin/python bench/etl_throughput.py [--scale 1.0] [--end 2022-06-30]
        [--platform-url URL]   # reuse an existing PostgreSQL platform instead of simulating
        [--etl-only]           # time the ETL alone, to follow a change to it

Both sides run against the same PostgreSQL server in the same run:
- baseline: COPY of the platform's visit rows (already in memory as CSV) into an empty table
  with the same columns and a primary key;
- ETL: one full `etl run` (extract, clean, pseudonymise, validate, load every table, marts)
  into an empty warehouse.
Prints visits per second for both and their ratio (target: ETL >= 0.4 x raw COPY), the
ETL's steps, and the raw COPY time of the certificate and citizen rows too: the warehouse
keeps those row by row as well, so their COPY time bounds the ratio a full load can reach.
Each measurement starts after a CHECKPOINT, and the copies are dropped before the ETL runs,
so that neither pays for writing out what the other left (or for autovacuum on it).
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.run import run_load  # noqa: E402
from warehouse import engine as wh_engine  # noqa: E402

ADMIN = os.environ.get("VAX_BENCH_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


def admin_sql(*statements: str) -> None:
    admin = sa.create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    admin.dispose()


def drop_database(name: str) -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fresh_database(name: str) -> str:
    drop_database(name)
    admin_sql(f'CREATE DATABASE "{name}"')
    return sa.make_url(ADMIN).set(database=name).render_as_string(hide_password=False)


def quiet_server() -> None:
    """Start a measurement with nothing left over from the one before: dirty buffers written
    now (CHECKPOINT) rather than flushed during the next measurement."""
    admin_sql("CHECKPOINT")


def raw_copy_baseline(platform_url: str, copy_url: str, table: str = "visit") -> tuple[int, float]:
    """Seconds to COPY the platform's rows of `table` into an empty keyed table."""
    src = wh_engine.make_engine(platform_url)
    with src.connect() as conn:
        cols = conn.exec_driver_sql(
            "SELECT column_name, data_type FROM information_schema.columns "
            f"WHERE table_name = '{table}' ORDER BY ordinal_position"
        ).all()
        key = conn.exec_driver_sql(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            f"AND a.attnum = ANY(i.indkey) WHERE i.indrelid = '{table}'::regclass "
            "AND i.indisprimary"
        ).scalar()
        buf = io.BytesIO()
        with conn.connection.driver_connection.cursor() as cur:
            cur.copy_expert(f"COPY {table} TO STDOUT WITH (FORMAT csv)", buf)
        rows = conn.exec_driver_sql(f"SELECT COUNT(*) FROM {table}").scalar()
    src.dispose()
    ddl = ", ".join(f"{name} {kind}" for name, kind in cols)
    dst = wh_engine.make_engine(copy_url)
    with dst.begin() as conn:
        conn.exec_driver_sql(f"CREATE TABLE {table}_copy ({ddl}, PRIMARY KEY ({key}))")
    quiet_server()
    with dst.begin() as conn:
        buf.seek(0)
        t0 = time.perf_counter()
        with conn.connection.driver_connection.cursor() as cur:
            cur.copy_expert(f"COPY {table}_copy FROM STDIN WITH (FORMAT csv)", buf)
        seconds = time.perf_counter() - t0
    dst.dispose()
    return rows, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--end", default="2022-06-30")
    parser.add_argument("--platform-url")
    parser.add_argument(
        "--etl-only",
        action="store_true",
        help="time the ETL alone (no baseline, no ratio): to follow a change to the ETL",
    )
    args = parser.parse_args()
    os.environ.setdefault("VAX_PSEUDONYM_KEY", "bench-key")

    platform = args.platform_url
    if platform is None:
        platform = fresh_database("vax_bench_platform")
        t0 = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "simulator",
                "--platform-url",
                platform,
                "--scale",
                str(args.scale),
                "--end",
                args.end,
            ],
            cwd=ROOT,
            check=True,
        )
        print(f"simulated the platform in {time.perf_counter() - t0:.1f} s")

    if not args.etl_only:
        copy_db = fresh_database("vax_bench_copy")
        rows, copy_seconds = raw_copy_baseline(platform, copy_db)
        # The other large tables the warehouse must keep row by row (for incremental loads):
        # their raw COPY time bounds the ratio any full load of this design can reach.
        kept = {n: raw_copy_baseline(platform, copy_db, n) for n in ("certificate", "citizen")}
        # The copies are dropped before the ETL runs: the server's autovacuum would otherwise
        # vacuum and analyse their millions of new rows while the ETL is measured.
        drop_database("vax_bench_copy")
    warehouse = fresh_database("vax_bench_warehouse")
    quiet_server()
    t0 = time.perf_counter()
    result = run_load(platform, warehouse, progress=lambda m: print(f"  [etl] {m}"))
    etl_seconds = time.perf_counter() - t0
    visits = result.tables["visit"].loaded
    # The figures count only if the rows are really there.
    check = wh_engine.make_engine(warehouse)
    with check.connect() as conn:
        for name in ("citizen", "visit", "certificate"):
            stored = conn.exec_driver_sql(f"SELECT COUNT(*) FROM {name}").scalar()
            if stored != result.tables[name].loaded:
                print(f"error: {name}: {result.tables[name].loaded:,} loaded, {stored:,} stored")
                return 1
    check.dispose()

    etl_rate = visits / etl_seconds
    print()
    if not args.etl_only:
        copy_rate = rows / copy_seconds
        print(f"visit rows in the platform:     {rows:>12,}")
        print(
            f"raw COPY of the visit rows:     {copy_seconds:>10.1f} s  {copy_rate:>12,.0f} rows/s"
        )
    print(
        f"full ETL (all tables, marts):   {etl_seconds:>10.1f} s  {etl_rate:>12,.0f} visits/s"
        f"  ({result.extracted:,} rows from all tables)"
    )
    for name, step in result.tables.items():
        detail = " ".join(f"{k} {v:.1f}" for k, v in step.steps.items() if v >= 0.1)
        print(f"    {name:18} {step.seconds:>7.1f} s  {step.loaded:>10,} rows  {detail}")
    for name, seconds in result.steps.items():
        print(f"    {name:18} {seconds:>7.1f} s")
    if args.etl_only:
        return 0
    ratio = etl_rate / copy_rate
    print(f"ratio ETL / raw COPY:           {ratio:>10.2f}   (target >= 0.40)")
    floor = copy_seconds + sum(seconds for _, seconds in kept.values())
    detail = ", ".join(f"{name} {n:,} rows {sec:.1f} s" for name, (n, sec) in kept.items())
    print(
        f"raw COPY of visit, certificate and citizen rows: {floor:.1f} s ({detail}); "
        f"a full load that only copied them would reach {copy_seconds / floor:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
