"""Time to build the cumulative coverage mart (mart_coverage_group_day) from a warehouse's
mart_coverage_day, in full and after one day of change, against reading mart_coverage_day
(the baseline) in the same run.

    .venv/bin/python bench/coverage_group_build.py --warehouse-url URL [--communes 40]

The warehouse must be of schema 7; everything is done in one transaction that is rolled back,
so the warehouse is left as it was (a SQLite file still needs to be writable). Steps:
- read: mart_coverage_day into memory (a full load has these rows in memory already);
- full: the mart computed (etl.coverage_groups.all_rows) and written, as a full load does;
- one day: the last day's rows taken out of both marts, then put back as an incremental load
  would (etl.coverage_groups.apply_change), with a correction moving one person's first dose
  a month back in each of `--communes` communes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

import settings  # noqa: E402
from etl import coverage_groups  # noqa: E402
from etl.coverage import _add_to_coverage_mart  # noqa: E402
from etl.load import upsert  # noqa: E402
from etl.sqlutil import read_frame  # noqa: E402
from warehouse import engine as wh_engine  # noqa: E402
from warehouse import schema  # noqa: E402

COVERAGE = "SELECT commune_code, date, birth_year, new_1plus, new_full, new_boosted FROM {}"


def lap(label: str, start: float, baseline: float | None = None) -> float:
    seconds = time.perf_counter() - start
    ratio = f"  ({seconds / baseline:.2f} x read)" if baseline else ""
    print(f"{label:<48} {seconds:>7.2f} s{ratio}")
    return seconds


def one_day_change(coverage: pd.DataFrame, communes: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The last day's rows (taken out first), and the change a load bringing them back makes
    with a month-back correction of one first dose in each of `communes` communes."""
    last = coverage["date"].max()
    day = coverage[coverage["date"] == last]
    ones = coverage[(coverage["new_1plus"] > 0) & (coverage["date"] < last)]
    ones = ones.drop_duplicates("commune_code").head(communes)
    moved = ones.assign(date=ones["date"] - pd.Timedelta(days=30), new_full=0, new_boosted=0,
                        new_1plus=1)  # fmt: skip
    gone = ones.assign(new_1plus=-1, new_full=0, new_boosted=0)
    change = pd.concat([day, moved, gone], ignore_index=True)
    key = ["commune_code", "date", "birth_year"]
    return day, change.groupby(key)[coverage_groups.NEW].sum().reset_index()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse-url", default=None)
    parser.add_argument("--communes", type=int, default=40)
    args = parser.parse_args()
    url = settings.warehouse_url(args.warehouse_url)
    engine = wh_engine.make_engine(url, create_dir=False, must_exist=True)
    with engine.connect() as conn, conn.begin() as tx:
        start = time.perf_counter()
        coverage = coverage_groups._coverage_frame(
            read_frame(conn, COVERAGE.format("mart_coverage_day"))
        )
        read = lap(f"read mart_coverage_day ({len(coverage):,} rows)", start)
        start = time.perf_counter()
        rows = coverage_groups.all_rows(conn, coverage)
        lap(f"full: computed ({len(rows):,} rows)", start, read)
        start = time.perf_counter()
        conn.execute(schema.mart_coverage_group_day.delete())
        upsert(conn, schema.mart_coverage_group_day, rows)
        lap("full: deleted and written", start, read)

        day, change = one_day_change(coverage, args.communes)
        last = day["date"].max().date()
        conn.execute(
            schema.mart_coverage_day.delete().where(schema.mart_coverage_day.c.date == last)
        )
        table = schema.mart_coverage_group_day
        conn.execute(table.delete().where(table.c.date == last))
        start = time.perf_counter()
        _add_to_coverage_mart(conn, change)
        lap(f"one day: mart_coverage_day ({len(change):,} changed rows)", start, read)
        start = time.perf_counter()
        coverage_groups.apply_change(conn, change)
        lap("one day: mart_coverage_group_day", start, read)
        got = read_frame(conn, "SELECT COUNT(*) AS n FROM mart_coverage_group_day")["n"]
        print(f"rows after the day: {int(got.iloc[0]):,} (full build: {len(rows):,})")
        tx.rollback()
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
