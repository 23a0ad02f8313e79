"""Is an incremental load's cost proportional to the change, not to the history?

    .venv/bin/python bench/etl_proportional.py --base data/platform.db \\
        --one-day p1.db --seven-days p7.db [--base-warehouse data/warehouse.db] \\
        [--history-fraction 0.1] [--dialects sqlite,postgresql]

--base is a platform (SQLite file); --one-day and --seven-days are copies of it continued by
the simulator by one and by seven days (`cp base p1 && python -m simulator --platform-url
sqlite:///p1 --end D+1`). For each warehouse dialect, in the same run:
- a warehouse holding the base is made once (copied from --base-warehouse on SQLite, else a
  full load, timed) and copied for each measurement;
- one day of change and seven days of change are loaded into copies of it: the ratio should
  be about 1 : 7 (within 2x: between 3.5 and 14);
- the same one-day change on a history of --history-fraction of the base: the platform's
  visits (with their certificates and AEFI reports) of sessions before a cut-off day are
  removed from copies of the base and of the one-day platform, keeping that fraction of the
  visits, both copies losing the same rows; the small history is fully loaded (not timed),
  then the change: its cost should be about that of the whole history's (within 1.5x).
Times are those of run_load (after the interpreter has started, as under `etl watch`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
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

SEVEN_DAY_RANGE = (3.5, 14.0)
HISTORY_TOLERANCE = 1.5


def _url(path: Path | str) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def _load(platform: str, warehouse: str) -> tuple[float, int]:
    t0 = time.perf_counter()
    result = run_load(platform, warehouse, progress=lambda m: None)
    return time.perf_counter() - t0, result.extracted


def trim_history(base: Path, changed: Path, fraction: float, workdir: Path) -> tuple[Path, Path]:
    """Copies of `base` and `changed` keeping `fraction` of the base's visits (the latest
    sessions): the same rows are removed from both, so the change between them is unchanged."""
    out = []
    with sqlite3.connect(base) as conn:
        watermark = conn.execute("SELECT MAX(updated_at) FROM visit").fetchone()[0]
        total = conn.execute("SELECT COUNT(*) FROM visit").fetchone()[0]
        cutoff = conn.execute(
            "SELECT session_date FROM visit ORDER BY session_date LIMIT 1 OFFSET ?",
            (int(total * (1 - fraction)),),
        ).fetchone()[0]
    for source in (base, changed):
        target = workdir / f"trimmed-{source.name}"
        shutil.copyfile(source, target)
        with sqlite3.connect(target) as conn:
            conn.execute(
                "CREATE TEMP TABLE gone AS SELECT visit_id FROM visit "
                "WHERE session_date < ? AND updated_at <= ?",
                (cutoff, watermark),
            )
            conn.execute("CREATE INDEX temp.gone_id ON gone (visit_id)")
            for table in ("certificate", "aefi_report"):
                conn.execute(
                    f"DELETE FROM {table} WHERE updated_at <= ? "
                    "AND visit_id IN (SELECT visit_id FROM gone)",
                    (watermark,),
                )
            conn.execute("DELETE FROM visit WHERE visit_id IN (SELECT visit_id FROM gone)")
        conn.close()
        out.append(target)
    print(f"  (history cut at sessions from {cutoff}: {fraction:g} of the base's visits kept)")
    return out[0], out[1]


class Warehouses:
    """Copies of one loaded warehouse, per dialect."""

    def __init__(self, dialect: str, workdir: Path) -> None:
        self.dialect = dialect
        self.workdir = workdir
        self.pg_names: list[str] = []

    def full_load(self, platform: Path, label: str, template: str | None = None) -> str:
        """A warehouse holding `platform` (copied from `template` when given); returns a
        template name for `copy`."""
        if self.dialect == "sqlite":
            path = self.workdir / f"{label}.db"
            if template:
                shutil.copyfile(template, path)
                return str(path)
            seconds, _ = _load(_url(platform), _url(path))
            print(f"  full load of {label}: {seconds:.1f} s")
            return str(path)
        name = f"vax_bench_prop_{label}"
        url = fresh_database(name)
        self.pg_names.append(name)
        quiet_server()
        seconds, _ = _load(_url(platform), url)
        print(f"  full load of {label}: {seconds:.1f} s")
        return name

    def copy(self, template: str, label: str) -> str:
        if self.dialect == "sqlite":
            path = self.workdir / f"{label}.db"
            shutil.copyfile(template, path)
            return _url(path)
        name = f"vax_bench_prop_{label}"
        drop_database(name)
        admin_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self.pg_names.append(name)
        quiet_server()
        return sa.make_url(ADMIN).set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        for name in self.pg_names:
            drop_database(name)


def bench_dialect(dialect: str, args, workdir: Path) -> None:
    print(f"{dialect} warehouse:")
    base, one, seven = Path(args.base), Path(args.one_day), Path(args.seven_days)
    stores = Warehouses(dialect, workdir)
    try:
        given = args.base_warehouse if dialect == "sqlite" else None
        whole = stores.full_load(base, "base", given)
        times = {}
        for label, platform in (("one day", one), ("seven days", seven)):
            seconds, rows = _load(_url(platform), stores.copy(whole, label.replace(" ", "_")))
            times[label] = seconds
            print(f"  {label} of change on the whole history: {seconds:.1f} s ({rows:,} rows)")
        ratio = times["seven days"] / times["one day"]
        low, high = SEVEN_DAY_RANGE
        print(
            f"  seven days / one day: {ratio:.2f} (about 7 asked, {low:g}-{high:g}): "
            f"{'met' if low <= ratio <= high else 'NOT met'}"
        )
        small_base, small_one = trim_history(base, one, args.history_fraction, workdir)
        small = stores.full_load(small_base, "small")
        seconds, rows = _load(_url(small_one), stores.copy(small, "small_one_day"))
        ratio = times["one day"] / seconds
        ok = 1 / HISTORY_TOLERANCE <= ratio <= HISTORY_TOLERANCE
        print(
            f"  one day of change on {args.history_fraction:g} of the history: {seconds:.1f} s "
            f"({rows:,} rows); whole / small history: {ratio:.2f} (within "
            f"{HISTORY_TOLERANCE:g}x asked): {'met' if ok else 'NOT met'}"
        )
    finally:
        stores.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="platform before the change (SQLite)")
    parser.add_argument("--one-day", required=True, help="the base continued by one day")
    parser.add_argument("--seven-days", required=True, help="the base continued by seven days")
    parser.add_argument("--base-warehouse", help="a full load of --base (SQLite), copied")
    parser.add_argument("--history-fraction", type=float, default=0.1)
    parser.add_argument("--dialects", default="sqlite,postgresql")
    args = parser.parse_args()
    if not args.base_warehouse:
        os.environ.setdefault("VAX_PSEUDONYM_KEY", "bench-key")
    (ROOT / "data").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=ROOT / "data") as tmp:
        for dialect in args.dialects.split(","):
            bench_dialect(dialect.strip(), args, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
