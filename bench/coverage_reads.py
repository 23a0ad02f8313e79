"""Coverage reads through the scan of mart_coverage_day (queries.groups_scan, the baseline) and
through the cumulative mart mart_coverage_group_day (queries.groups), in the same run.

    .venv/bin/python bench/coverage_reads.py --warehouse-url URL [--week 2022-W25]
        [--district 356] [--group 18+] [--repeat 3]

The warehouse (schema 7; it is only read) defaults to $VAX_WAREHOUSE_URL, else
data/warehouse.db. Two sets of reads, each timed both ways (medians of `--repeat`) and
checked to give the same frame:
- `people`: queries.groups.people as the pages call it, for the province (as of the week's
  last day and the week before, by district, every day of the campaign) and for a district
  by commune;
- pages: the query functions of the overview (kpis, both rankings, the decisions' coverage
  trend) and of the coverage page (summary, areas, trend), with their people read the one
  way or the other.
Ratio = scan / mart.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

import settings  # noqa: E402
from bench.timing import timed  # noqa: E402
from queries import coverage, groups, groups_scan, overview  # noqa: E402
from queries.periods import week_start  # noqa: E402
from queries.scope import Period, resolve_scope  # noqa: E402
from warehouse import engine as wh_engine  # noqa: E402
from warehouse.coverage_days import day_span  # noqa: E402

MART = groups.people


def people_reads(conn, period: Period, district: str, group: str) -> dict:
    """name -> a call of people(...) taking the function to call it with."""
    first = pd.Timestamp(day_span(conn)[0])
    end = pd.Timestamp(period.end)
    every_day = pd.date_range(first, end, freq="D")
    week = [end - timedelta(days=7), end]
    communes = conn.exec_driver_sql(
        f"SELECT area_code FROM area WHERE area_level = 'commune' AND district_code = "
        f"'{district}' ORDER BY 1"
    ).scalars()
    communes = list(communes)
    in_district = ("a.district_code = :d", {"d": district})
    return {
        "province, end and week before": lambda f: f(conn, "1 = 1", {}, None, [group], week),
        "province by district, end": lambda f: f(
            conn, "1 = 1", {}, "a.district_code", [group], [end]
        ),
        "province, every day": lambda f: f(conn, "1 = 1", {}, None, [group], every_day),
        "province by district, every day": lambda f: f(
            conn, "1 = 1", {}, "a.district_code", [group], every_day
        ),
        "province, all groups, the week": lambda f: f(
            conn, "1 = 1", {}, None, groups.GROUPS, period.days
        ),
        f"district {district} by commune, end": lambda f: f(
            conn, *in_district, "a.area_code", [group], [end], communes
        ),
        f"district {district} by commune, every day": lambda f: f(
            conn, *in_district, "a.area_code", [group], every_day, communes
        ),
    }


def page_reads(conn, period: Period, district: str, group: str) -> dict:
    """name -> a call of a page's query function (reading people through groups.people)."""
    province = resolve_scope(conn, "36")
    reads = {}
    for label, scope in (("province", province), (f"district {district}", None)):
        scope = scope or resolve_scope(conn, district)
        reads.update(
            {
                f"overview kpis, {label}": lambda s=scope: overview.kpis(conn, s, period, group),
                f"overview ranking, {label}": lambda s=scope: overview.ranking(
                    conn, s, period, group
                ),
                f"coverage summary, {label}": lambda s=scope: coverage.coverage_summary(
                    conn, s, period, group
                ),
                f"coverage by area, {label}": lambda s=scope: coverage.coverage_by_area(
                    conn, s, period, group
                ),
                f"coverage trend, {label}": lambda s=scope: coverage.coverage_trend(
                    conn, s, period, group
                ),
            }
        )
    return reads


def scan_time(call, repeat: int) -> tuple[float, object]:
    """A page's call timed with every people read made by the scan."""
    groups.people = groups_scan.people
    try:
        return timed(call, repeat)
    finally:
        groups.people = MART


def report(name: str, scan: tuple, mart: tuple, totals: list) -> None:
    (scan_s, expected), (mart_s, got) = scan, mart
    try:
        pd.testing.assert_frame_equal(got, expected, check_dtype=False)
        same = "same"
    except AssertionError:
        same = "DIFFERENT"
    totals[0] += scan_s
    totals[1] += mart_s
    print(
        f"{name:<44} {scan_s * 1000:>9,.0f} {mart_s * 1000:>9,.0f} {scan_s / mart_s:>7.1f}  {same}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse-url", default=None)
    parser.add_argument("--week", default="2022-W25")
    parser.add_argument("--district", default="356")
    parser.add_argument("--group", default="18+")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    monday = week_start(args.week)
    if monday is None:
        print(f"not an ISO week: {args.week}", file=sys.stderr)
        return 2
    period = Period(monday, monday + timedelta(days=6))
    url = settings.warehouse_url(args.warehouse_url)
    engine = wh_engine.make_engine(url, create_dir=False, must_exist=True)
    with engine.connect() as conn:
        if day_span(conn) is None:
            print("mart_coverage_group_day is empty: load the warehouse first", file=sys.stderr)
            return 2
        print(f"{url}, week {args.week}, group {args.group}, medians of {args.repeat}")
        print(f"{'read':<44} {'scan ms':>9} {'mart ms':>9} {'ratio':>7}")
        totals = [0.0, 0.0]
        for name, call in people_reads(conn, period, args.district, args.group).items():
            scan = timed(lambda c=call: c(groups_scan.people), args.repeat)
            report(name, scan, timed(lambda c=call: c(MART), args.repeat), totals)
        for name, call in page_reads(conn, period, args.district, args.group).items():
            report(name, scan_time(call, args.repeat), timed(call, args.repeat), totals)
        print(f"{'all reads':<44} {totals[0] * 1000:>9,.0f} {totals[1] * 1000:>9,.0f} "
              f"{totals[0] / totals[1]:>7.1f}")  # fmt: skip
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
