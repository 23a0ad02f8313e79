"""mart_coverage_group_day: the people of each target group as of each day, by residence commune,
cumulated from mart_coverage_day (warehouse/schema_marts.py says what a row holds).

As of day D a group holds the people whose birth year is among its birth years in the year of
D, so each year's days take the running totals of that year's birth years: one bincount of the
coverage rows per measure, group and year, cumulated over the days. The same function, linear
in its rows, gives the change an incremental load makes: the touched communes' rows from their
first changed day are their old values plus the running totals of the coverage mart's change.
A load that moves the mart's first or last day into another year (or before its first day), or
finds another set of communes, builds it all again.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import sqlalchemy as sa

from etl.load import upsert
from etl.sqlutil import add_keys_frame, create_temp_table, read_frame
from warehouse import schema
from warehouse.schema_marts import OUTSIDE_PROVINCE
from warehouse.target_groups import GROUPS, birth_years, valid_birth_years

MEASURES = ("1plus", "full", "boosted")
COUNTS = [*(f"people_{m}" for m in MEASURES), "unknown_birth_year"]
COLUMNS = ["commune_code", "target_group", "date", *COUNTS]
_COVERAGE = ["commune_code", "date", "birth_year", "new_1plus", "new_full", "new_boosted"]


def residence(codes: pd.Series, communes: Sequence[str]) -> pd.Series:
    """The mart's commune of each coverage row: its own in the province, else OUTSIDE_PROVINCE."""
    codes = codes.astype("string")
    return codes.where(codes.isin(list(communes)), OUTSIDE_PROVINCE)


def running_totals(
    coverage: pd.DataFrame,
    communes: Sequence[str],
    start: pd.Timestamp,
    end: pd.Timestamp,
    others: str | None = None,
) -> dict[str, np.ndarray]:
    """Each count of the mart as an array [commune, group, day] over `communes` (in that order)
    and the days from `start` to `end`, from coverage rows (commune_code, date, birth_year,
    new_*). Rows of other communes count under `others` (one of `communes`), or are left out
    when it is None, as are rows of other days."""
    days = pd.date_range(start, end, freq="D")
    nc, ng, nd = len(communes), len(GROUPS), len(days)
    out = {c: np.zeros((nc, ng, nd), dtype=np.int64) for c in COUNTS}
    if nd == 0 or nc == 0 or coverage.empty:
        return out
    # Looked up once per distinct code: a hash look-up of millions of strings is slow.
    inverse, codes = pd.factorize(coverage["commune_code"])
    index = pd.Index(list(communes))
    found = index.get_indexer(codes)
    if others is not None:
        found = np.where(found < 0, index.get_loc(others), found)
    commune = np.append(found, -1)[inverse]  # a missing code (-1) stays out
    day = (
        pd.to_datetime(coverage["date"]).to_numpy(dtype="datetime64[D]")
        - np.datetime64(days[0].date(), "D")
    ).astype(np.int64)
    keep = (commune >= 0) & (day >= 0) & (day < nd)
    cell = commune[keep] * nd + day[keep]
    born = pd.to_numeric(coverage["birth_year"]).to_numpy(dtype=np.int64)[keep]
    new = {m: coverage[f"new_{m}"].to_numpy(dtype=np.float64)[keep] for m in MEASURES}
    year_of_day = days.year.to_numpy()
    for year in np.unique(year_of_day):
        span = np.flatnonzero(year_of_day == year)
        first_day, stop = int(span[0]), int(span[-1]) + 1

        def running(weights: np.ndarray, _stop: int = stop, _first: int = first_day) -> np.ndarray:
            # Whole counts summed as floats are exact far beyond any population.
            per_day = np.bincount(cell, weights=weights, minlength=nc * nd).reshape(nc, nd)
            return np.rint(np.cumsum(per_day[:, :_stop], axis=1)[:, _first:]).astype(np.int64)

        for g, group in enumerate(GROUPS):
            years = birth_years(group, int(year))
            member = None if years is None else (born >= years[0]) & (born <= years[1])
            for m in MEASURES:
                weights = new[m] if member is None else np.where(member, new[m], 0.0)
                out[f"people_{m}"][:, g, first_day:stop] = running(weights)
        lowest, highest = valid_birth_years(int(year))
        valid = (born >= lowest) & (born <= highest)
        unknown = running(np.where(valid, 0.0, new["1plus"]))
        out["unknown_birth_year"][:, :, first_day:stop] = unknown[:, None, :]
    return out


def _frame(
    arrays: dict[str, np.ndarray], communes: Sequence[str], days: pd.DatetimeIndex
) -> pd.DataFrame:
    """The arrays of running_totals as mart rows, in the order of the key (commune, group,
    day) for `communes` in key order."""
    nc, ng, nd = len(communes), len(GROUPS), len(days)
    by_name = np.argsort(np.asarray(GROUPS))  # the groups in key order
    # Codes as categories: no string array of a million values to build.
    commune = np.repeat(np.arange(nc), ng * nd)
    group = np.tile(np.repeat(by_name, nd), nc)
    return pd.DataFrame(
        {
            "commune_code": pd.Categorical.from_codes(commune, categories=list(communes)),
            "target_group": pd.Categorical.from_codes(group, categories=list(GROUPS)),
            "date": np.tile(days.to_numpy(), nc * ng),
            **{c: arrays[c][:, by_name, :].reshape(-1) for c in COUNTS},
        }
    )


def mart_rows(coverage: pd.DataFrame, province_communes: Sequence[str]) -> pd.DataFrame:
    """The whole mart from all of mart_coverage_day's rows and the province's communes."""
    if coverage.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in COLUMNS})
    communes = [*sorted(province_communes), OUTSIDE_PROVINCE]
    dates = pd.to_datetime(coverage["date"])
    start, end = dates.min().normalize(), dates.max().normalize()
    days = pd.date_range(start, end, freq="D")
    arrays = running_totals(coverage, communes, start, end, others=OUTSIDE_PROVINCE)
    return _frame(arrays, communes, days)


def province_communes(conn: sa.Connection) -> list[str]:
    return list(
        conn.execute(sa.text("SELECT area_code FROM area WHERE area_level = 'commune'")).scalars()
    )


def write_all(conn: sa.Connection, rows: pd.DataFrame) -> None:
    conn.execute(schema.mart_coverage_group_day.delete())
    upsert(conn, schema.mart_coverage_group_day, rows)
    if conn.dialect.name == "postgresql":
        # The reads join the area table: without statistics of both, the planner expects one
        # row of each and sorts a hundred thousand rows on disk instead of hashing them.
        conn.exec_driver_sql("ANALYZE mart_coverage_group_day, area")


def rebuild(conn: sa.Connection, coverage: pd.DataFrame | None = None) -> None:
    """The whole mart again, from mart_coverage_day's rows (read when not given)."""
    if coverage is None:
        coverage = read_frame(conn, f"SELECT {', '.join(_COVERAGE)} FROM mart_coverage_day")
        coverage = coverage.assign(
            date=pd.to_datetime(coverage["date"]),
            **{c: pd.to_numeric(coverage[c]).astype("int64") for c in _COVERAGE[2:]},
        )
    write_all(conn, mart_rows(coverage, province_communes(conn)))


def _bounds(conn: sa.Connection) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The mart's first and last day (every commune has the same: the mart is dense)."""
    first, last = conn.execute(
        sa.text(
            "SELECT MIN(date), MAX(date) FROM mart_coverage_group_day "
            "WHERE commune_code = :c AND target_group = 'all'"
        ),
        {"c": OUTSIDE_PROVINCE},
    ).one()
    if first is None:
        return None
    return pd.Timestamp(first).normalize(), pd.Timestamp(last).normalize()


def _mart_communes(conn: sa.Connection) -> set[str]:
    """The mart's communes, by one look-up of the key per commune (no scan)."""
    return set(
        conn.execute(
            sa.text(
                "WITH RECURSIVE c(code) AS (SELECT MIN(commune_code) FROM mart_coverage_group_day "
                "UNION ALL SELECT (SELECT MIN(g.commune_code) FROM mart_coverage_group_day g "
                "WHERE g.commune_code > c.code) FROM c WHERE c.code IS NOT NULL) "
                "SELECT code FROM c WHERE code IS NOT NULL"
            )
        ).scalars()
    )


def _any_coverage_on(conn: sa.Connection, day: pd.Timestamp) -> bool:
    return (
        conn.execute(
            sa.text("SELECT 1 FROM mart_coverage_day WHERE date = :d LIMIT 1"), {"d": day.date()}
        ).first()
        is not None
    )


def _patchable(conn: sa.Connection, change: pd.DataFrame, bounds, communes: Sequence[str]) -> bool:
    """Whether the change keeps the mart's days and communes (else it is built again)."""
    if bounds is None:
        return False
    start, last = bounds
    dates = change["date"]
    if dates.min() < start or dates.max().year > last.year:
        return False  # an earlier first day, or a new year
    removed = (change[["new_1plus", "new_full", "new_boosted"]] < 0).any(axis=1)
    for edge in {start, last}:
        # Rows taken away on the first or last day may leave that day without any.
        if edge == last and dates.max() > last:
            continue
        if (removed & (dates == edge)).any() and not _any_coverage_on(conn, edge):
            return False
    return _mart_communes(conn) == {*communes, OUTSIDE_PROVINCE}


def apply_change(conn: sa.Connection, change: pd.DataFrame) -> None:
    """Bring the mart up to date with a change just added to mart_coverage_day: `change` holds,
    per commune_code, date and birth_year, the new_* counts added (nonzero rows only)."""
    if change.empty:
        return
    communes = province_communes(conn)
    change = change.assign(
        commune_code=residence(change["commune_code"], communes),
        date=pd.to_datetime(change["date"]).dt.normalize(),
    )
    bounds = _bounds(conn)
    if not _patchable(conn, change, bounds, communes):
        rebuild(conn)
        return
    start, last = bounds
    end = max(last, change["date"].max())
    # Each changed commune from its first changed day; every commune gains the new days.
    first = change.groupby("commune_code")["date"].min()
    if end > last:
        every = pd.Series(last + pd.Timedelta(days=1), index=[*communes, OUTSIDE_PROVINCE])
        first = pd.concat([first, every]).groupby(level=0).min()
    first = first.sort_index()
    changed = list(first.index)
    days = pd.date_range(start, end, freq="D")
    create_temp_table(conn, "touched_cg", {"commune_code": "TEXT", "date": "DATE"})
    keys = pd.DataFrame(
        {"commune_code": changed, "date": first.clip(upper=last).dt.strftime("%Y-%m-%d")}
    )
    add_keys_frame(conn, "touched_cg", keys)
    old = read_frame(
        conn,
        f"SELECT {', '.join(f'g.{c}' for c in COLUMNS)} FROM touched_cg t "
        "CROSS JOIN mart_coverage_group_day g "
        "WHERE g.commune_code = t.commune_code AND g.date >= t.date",
    )
    change_of = running_totals(change, changed, start, end)
    c = pd.Index(changed).get_indexer(old["commune_code"])
    g = pd.Index(GROUPS).get_indexer(old["target_group"])
    d = (pd.to_datetime(old["date"]) - start).dt.days.to_numpy()
    at_last = len(days) - 1 - (end - last).days
    rows, moved = {}, np.zeros(change_of[COUNTS[0]].shape, dtype=bool)
    moved[:, :, at_last + 1 :] = True  # the new days
    for column in COUNTS:
        before = np.zeros_like(change_of[column])
        before[c, g, d] = pd.to_numeric(old[column]).to_numpy(dtype=np.int64)
        before[:, :, at_last + 1 :] = before[:, :, at_last : at_last + 1]  # the last day's
        rows[column] = before + change_of[column]
        moved |= change_of[column] != 0
    ci, gi, di = np.nonzero(moved)
    out = pd.DataFrame(
        {
            "commune_code": np.asarray(changed, dtype=object)[ci],
            "target_group": np.asarray(GROUPS, dtype=object)[gi],
            "date": days.to_numpy()[di],
            **{column: rows[column][ci, gi, di] for column in COUNTS},
        }
    )
    upsert(conn, schema.mart_coverage_group_day, out)
