"""Incremental ETL cost on the whole province, on a SQLite and a PostgreSQL warehouse.

    .venv/bin/python bench/etl_incremental.py --base data/platform.db --changed data/p1.db
        [--base-warehouse data/warehouse.db]   # a full load of --base (SQLite), copied
        [--pg-base-warehouse DBNAME]           # a full load of --base in PostgreSQL, copied
        [--dialects sqlite,postgresql]

--base is a platform (SQLite file) and --changed the same platform continued by the simulator
(`cp base changed && python -m simulator --platform-url sqlite:///changed --end D+1`). For each
warehouse dialect, in the same run:
- baseline: a full load of --base into an empty warehouse (skipped, and not timed, when
  --base-warehouse or --pg-base-warehouse gives one: it is copied, never changed; both must
  have been loaded with the VAX_PSEUDONYM_KEY of this run);
- the incremental load of --changed into that warehouse (the platform's change: about 20,000
  rows a day on the whole province);
- a second incremental load, with nothing new.
Prints each time, its ratio to the full load, and the targets (one day <= 10 s on PostgreSQL
and <= 30 s on SQLite; nothing new <= 2 s). Times are those of the load (run_load), after the
interpreter and libraries are loaded, as under `etl watch`. The platform stays a SQLite file
on both: the increment's reading goes through its updated_at index either way.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sqlalchemy as sa  # noqa: E402
from etl_throughput import ADMIN, admin_sql, drop_database, fresh_database, quiet_server  # noqa: E402

from etl.run import run_load  # noqa: E402
from warehouse import engine as wh_engine  # noqa: E402
from warehouse import setup  # noqa: E402

TARGETS = {"sqlite": 30.0, "postgresql": 10.0}
NOTHING_NEW_TARGET = 2.0


def migrate(warehouse: str) -> None:
    """Indexes a warehouse of an earlier version lacks, built once before timing (a load
    would build them on its first run)."""
    engine = wh_engine.make_engine(warehouse, create_dir=False)
    t0 = time.perf_counter()
    with engine.begin() as conn:
        added = setup.add_missing_indexes(conn)
    engine.dispose()
    if added:
        print(f"  (indexes added first: {', '.join(added)}, {time.perf_counter() - t0:.1f} s)")


def timed_load(platform: str, warehouse: str, label: str) -> tuple[float, object]:
    t0 = time.perf_counter()
    result = run_load(platform, warehouse, progress=lambda m: None)
    seconds = time.perf_counter() - t0
    print(
        f"  {label:28} {seconds:>8.1f} s  {result.extracted:>10,} rows read, "
        f"{result.loaded:>10,} loaded"
    )
    return seconds, result


def bench_dialect(dialect: str, args, workdir: Path) -> dict[str, float]:
    base = f"sqlite:///{Path(args.base).resolve()}"
    changed = f"sqlite:///{Path(args.changed).resolve()}"
    print(f"{dialect} warehouse:")
    full = None
    if dialect == "sqlite":
        path = workdir / "warehouse.db"
        warehouse = f"sqlite:///{path}"
        if args.base_warehouse:
            shutil.copyfile(args.base_warehouse, path)
            print(f"  (full load of the base: copied from {args.base_warehouse}, not timed)")
            migrate(warehouse)
        else:
            full, _ = timed_load(base, warehouse, "full load of the base")
    elif args.pg_base_warehouse:
        drop_database("vax_bench_incremental")
        admin_sql(f'CREATE DATABASE "vax_bench_incremental" TEMPLATE "{args.pg_base_warehouse}"')
        warehouse = sa.make_url(ADMIN).set(database="vax_bench_incremental")
        warehouse = warehouse.render_as_string(hide_password=False)
        print(f"  (full load of the base: copied from {args.pg_base_warehouse}, not timed)")
    else:
        warehouse = fresh_database("vax_bench_incremental")
        quiet_server()
        full, _ = timed_load(base, warehouse, "full load of the base")
    try:
        if dialect == "postgresql":
            quiet_server()
        one, result = timed_load(changed, warehouse, "incremental: the change")
        steps = {**result.steps}
        for name, stats in result.tables.items():
            if stats.loaded:
                steps[name] = stats.seconds
        print("    " + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items()))
        nothing, _ = timed_load(changed, warehouse, "incremental: nothing new")
    finally:
        if dialect == "postgresql":
            drop_database("vax_bench_incremental")
    ok = one <= TARGETS[dialect] and nothing <= NOTHING_NEW_TARGET
    print(
        f"  change {one:.1f} s (target <= {TARGETS[dialect]:g} s), nothing new {nothing:.1f} s "
        f"(target <= {NOTHING_NEW_TARGET:g} s): {'met' if ok else 'NOT met'}"
    )
    if full:
        print(
            f"  ratio to the full load ({full:.1f} s): change {one / full:.3f}, "
            f"nothing new {nothing / full:.3f}"
        )
    return {"change": one, "nothing_new": nothing}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="platform before the change (SQLite file)")
    parser.add_argument("--changed", required=True, help="the platform after it (SQLite file)")
    parser.add_argument("--base-warehouse", help="a full load of --base (SQLite), copied")
    parser.add_argument(
        "--pg-base-warehouse", help="a PostgreSQL database holding a full load of --base, copied"
    )
    parser.add_argument("--dialects", default="sqlite,postgresql")
    args = parser.parse_args()
    if not (args.base_warehouse or args.pg_base_warehouse):  # (given ones have their key)
        os.environ.setdefault("VAX_PSEUDONYM_KEY", "bench-key")
    with tempfile.TemporaryDirectory(dir=ROOT / "data") as tmp:
        for dialect in args.dialects.split(","):
            bench_dialect(dialect.strip(), args, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
