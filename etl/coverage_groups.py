"""mart_coverage_group_day: each target group's people as of each day, by residence commune of
the province, cumulated from mart_coverage_day (what a row holds: warehouse/schema_marts.py).

`group_days` is the mart's one definition: the rows of some communes over consecutive days from
their coverage rows. A full load passes it every coverage row. An incremental one adds to the
mart's rows of the days it had what the change moves (group_days of the change alone, from each
changed commune's first changed day), and makes again every day of a commune new to the mart
and the new days of every commune when the last day moves forward. What a commune had before
its first day made again comes from its coverage rows before that day, summed by birth year,
or, when every day made is in the year of the day before, from its mart rows of that day
(within a year a group keeps its birth years: its people on D are those of the day before
plus its new people since). A load that moves the first day, or rewrites the area table,
builds it all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import numpy as np
import pandas as pd
import sqlalchemy as sa

from etl.load import upsert
from etl.sqlutil import add_keys_frame, create_temp_table, read_frame
from warehouse import schema
from warehouse.coverage_days import day_span
from warehouse.target_groups import GROUPS, birth_years, valid_birth_years

MEASURES = ("1plus", "full", "boosted")
NEW = [f"new_{m}" for m in MEASURES]
COUNTS = [*(f"people_{m}" for m in MEASURES), "unknown_birth_year"]
COLUMNS = ["commune_code", "target_group", "date", *COUNTS]
_GROUPS = sorted(GROUPS)  # in the order of the mart's key: rows are made in key order
_TABLE = schema.mart_coverage_group_day


def group_days(
    coverage: pd.DataFrame,
    communes: Sequence[str],
    first: pd.Timestamp,
    last: pd.Timestamp,
    opening: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The mart's rows of `communes` (sorted) on every day from `first` to `last`, in key order.

    `coverage`: rows of mart_coverage_day (commune_code, date, birth_year, new_*); rows before
    `first` count from `first` on, rows of other communes or after `last` are left out.
    `opening`: the communes' mart rows of the day before `first` (commune_code, target_group,
    people_*, unknown_birth_year), added to every day: only when every day is in that day's
    year, and then `coverage` holds no row before `first`."""
    first, last = pd.Timestamp(first).normalize(), pd.Timestamp(last).normalize()
    days = pd.date_range(first, last, freq="D")
    nd, ng, nc = len(days), len(_GROUPS), len(communes)
    out = {c: np.zeros((nc, ng, nd), dtype=np.int64) for c in COUNTS}
    if nd and nc and len(coverage):
        _cumulate(coverage, communes, days, out)
    if opening is not None and len(opening) and nd:
        if {(first - timedelta(days=1)).year} != set(days.year):
            raise ValueError("an opening applies to the days of its own year only")
        g = pd.Index(_GROUPS).get_indexer(opening["target_group"])
        c = pd.Index(communes).get_indexer(opening["commune_code"])
        if (g < 0).any() or (c < 0).any():
            raise ValueError("opening rows of other groups or communes")
        for column in COUNTS:
            start = np.zeros((ng, nc), dtype=np.int64)
            start[g, c] = pd.to_numeric(opening[column]).to_numpy(dtype=np.int64)
            out[column] += start.T[:, :, None]
    return pd.DataFrame(
        {
            "commune_code": np.repeat(np.asarray(communes, dtype=object), ng * nd),
            "target_group": np.tile(np.repeat(np.asarray(_GROUPS, dtype=object), nd), nc),
            "date": np.tile(days.to_numpy(), nc * ng),
            **{column: out[column].reshape(-1) for column in COUNTS},
        }
    )


def _cumulate(
    coverage: pd.DataFrame,
    communes: Sequence[str],
    days: pd.DatetimeIndex,
    out: dict[str, np.ndarray],
) -> None:
    """Fill `out` ([commune, group, day] arrays) with the running totals of `coverage`: on a
    day of year Y, a group's people are the new people of its birth years in Y so far."""
    nd, nc = len(days), len(communes)
    # Codes looked up once per distinct code: hashing millions of strings is slow.
    inverse, codes = pd.factorize(coverage["commune_code"])
    commune = np.append(pd.Index(communes).get_indexer(codes), -1)[inverse]
    day = (
        pd.to_datetime(coverage["date"]).to_numpy(dtype="datetime64[D]")
        - np.datetime64(days[0].date(), "D")
    ).astype(np.int64)
    day = np.maximum(day, 0)
    keep = (commune >= 0) & (day < nd)
    cell = commune[keep] * nd + day[keep]
    born = pd.to_numeric(coverage["birth_year"]).to_numpy(dtype=np.int64)[keep]
    # Whole counts summed as floats (np.bincount's weights) are exact far beyond any province.
    new = {m: pd.to_numeric(coverage[f"new_{m}"]).to_numpy(np.float64)[keep] for m in MEASURES}
    year_of_day = days.year.to_numpy()
    for year in np.unique(year_of_day):
        span = np.flatnonzero(year_of_day == year)
        a, b = int(span[0]), int(span[-1]) + 1

        def running(weights: np.ndarray, a: int = a, b: int = b) -> np.ndarray:
            per_day = np.bincount(cell, weights=weights, minlength=nc * nd).reshape(nc, nd)
            return np.rint(np.cumsum(per_day[:, :b], axis=1)[:, a:]).astype(np.int64)

        for g, group in enumerate(_GROUPS):
            years = birth_years(group, int(year))
            member = None if years is None else (born >= years[0]) & (born <= years[1])
            for m in MEASURES:
                weights = new[m] if member is None else np.where(member, new[m], 0.0)
                out[f"people_{m}"][:, g, a:b] = running(weights)
        lowest, highest = valid_birth_years(int(year))
        unknown = running(np.where((born >= lowest) & (born <= highest), 0.0, new["1plus"]))
        out["unknown_birth_year"][:, :, a:b] = unknown[:, None, :]


def province_communes(conn: sa.Connection) -> list[str]:
    """The communes the mart holds (when they have people): those of the area table."""
    return sorted(
        conn.execute(sa.text("SELECT area_code FROM area WHERE area_level = 'commune'")).scalars()
    )


def _coverage_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Coverage rows read back (text on PostgreSQL) as dates and integers."""
    return frame.assign(
        date=pd.to_datetime(frame["date"]),
        **{c: frame[c].astype("int64") for c in ["birth_year", *NEW]},
    )


def all_rows(conn: sa.Connection, coverage: pd.DataFrame) -> pd.DataFrame:
    """The whole mart from all of mart_coverage_day's rows: every day from their first to their
    last for every commune of the province with people."""
    if coverage.empty:
        return pd.DataFrame(columns=COLUMNS)
    dates = pd.to_datetime(coverage["date"])
    present = pd.unique(coverage["commune_code"])
    communes = sorted(set(province_communes(conn)).intersection(present))
    return group_days(coverage, communes, dates.min(), dates.max())


def rebuild(conn: sa.Connection, coverage: pd.DataFrame | None = None) -> int:
    """The whole mart again, from all of mart_coverage_day's rows (`coverage`, read when not
    given: a full load passes those it has just written). Returns the rows written."""
    if coverage is None:
        coverage = _coverage_frame(
            read_frame(conn, f"SELECT commune_code, date, birth_year, {', '.join(NEW)} "
                       "FROM mart_coverage_day")
        )  # fmt: skip
    rows = all_rows(conn, coverage)
    conn.execute(_TABLE.delete())
    upsert(conn, _TABLE, rows)
    if conn.dialect.name == "postgresql":
        # The reads join the area table: without statistics the planner takes both for tiny.
        conn.exec_driver_sql("ANALYZE mart_coverage_group_day, area")
    return len(rows)


def apply_change(conn: sa.Connection, change: pd.DataFrame) -> None:
    """Bring the mart up to date with `change` (commune_code, date, birth_year, new_*: the
    counts just added to mart_coverage_day, nonzero rows only)."""
    if change.empty:
        return
    old = day_span(conn)
    change = change.assign(date=pd.to_datetime(change["date"]).dt.normalize())
    span = None if old is None else _new_span(conn, change, old)
    if span is None or span[0] != pd.Timestamp(old[0]):
        rebuild(conn)  # no mart yet, none any more, or another first day
        return
    first, last = span
    old_last = pd.Timestamp(old[1])
    if last < old_last:
        conn.execute(_TABLE.delete().where(_TABLE.c.date > last.date()))
    present = set(
        conn.execute(
            sa.select(_TABLE.c.commune_code).where(
                _TABLE.c.date == first.date(), _TABLE.c.target_group == "all"
            )
        ).scalars()
    )
    communes = province_communes(conn)
    ours = change[change["commune_code"].isin(communes)]
    start = ours.groupby("commune_code")["date"].min()
    # The days the mart had of the communes it had: what the change moves is added to them
    # (group_days is a sum, so what the change does to a row is group_days of the change
    # alone), the mart being dense there: the same keys.
    end = min(last, old_last)
    moved = start[start.index.isin(present) & (start <= end)]
    if len(moved):
        _add_moved(conn, pd.concat(
            [group_days(ours, sorted(of_day.index), day, end)
             for day, of_day in moved.groupby(moved)], ignore_index=True))  # fmt: skip
    # Made again: every day of a commune new to the mart, and the new days of every commune
    # (from its rows of the day before, brought up to date above).
    day = "datetime64[ns]"
    again = pd.Series(first, index=sorted(set(start.index) - present), dtype=day)
    if last > old_last:
        gained = pd.Series(old_last + timedelta(days=1), index=sorted(present), dtype=day)
        again = pd.concat([again, gained])
    again = again[again <= last].sort_index()
    gone: list[str] = []
    if len(again):
        rows, gone = _rewrite(conn, again, first, last)
        upsert(conn, _TABLE, rows[~rows["commune_code"].isin(gone).to_numpy()])
    if len(moved) and last <= old_last:
        _drop_gone(conn, [c for c in moved.index if c not in gone], last)


_MOVED = {"commune_code": "TEXT", "target_group": "TEXT", "date": "DATE"} | dict.fromkeys(
    COUNTS, "INTEGER"
)


def _add_moved(conn: sa.Connection, moved: pd.DataFrame) -> None:
    """Add the rows `moved` (what a change does to the mart's rows) to the mart's rows of
    their keys, which exist; rows it leaves as they were are left alone."""
    moved = moved[(moved[COUNTS] != 0).any(axis=1).to_numpy()]
    if moved.empty:
        return
    create_temp_table(conn, "moved_cg", _MOVED)
    add_keys_frame(conn, "moved_cg", moved.assign(date=moved["date"].dt.strftime("%Y-%m-%d")))
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE moved_cg")
    mart = _TABLE.name
    conn.exec_driver_sql(
        f"UPDATE {mart} SET "
        + ", ".join(f"{c} = {mart}.{c} + m.{c}" for c in COUNTS)
        + " FROM moved_cg m WHERE "
        + " AND ".join(f"{mart}.{c} = m.{c}" for c in ("commune_code", "target_group", "date"))
    )


def _drop_gone(conn: sa.Connection, communes: list[str], last: pd.Timestamp) -> None:
    """Delete the rows of the communes among `communes` left without people on `last`."""
    if not communes:
        return
    gone = list(
        conn.execute(
            sa.select(_TABLE.c.commune_code).where(
                _TABLE.c.date == last.date(),
                _TABLE.c.target_group == "all",
                _TABLE.c.people_1plus == 0,
                _TABLE.c.commune_code.in_(communes),
            )
        ).scalars()
    )
    if gone:
        conn.execute(_TABLE.delete().where(_TABLE.c.commune_code.in_(gone)))


def _new_span(
    conn: sa.Connection, change: pd.DataFrame, old: tuple
) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """mart_coverage_day's first and last day after `change`, from the mart's (`old`) and the
    change; looked up only when the change took rows away on the first or last day."""
    first, last = pd.Timestamp(old[0]), pd.Timestamp(old[1])
    dates = change["date"]
    removed = (change[NEW] < 0).any(axis=1)
    if (removed & dates.isin([first, last])).any():
        found = day_span(conn, schema.mart_coverage_day)
        return None if found is None else (pd.Timestamp(found[0]), pd.Timestamp(found[1]))
    return min(first, dates.min()), max(last, dates.max())


def _rewrite(conn: sa.Connection, start: pd.Series, first, last) -> tuple[pd.DataFrame, list[str]]:
    """The rows of each commune of `start` (commune code -> day) from its day to `last` again
    (group_days: by day of `start`, then commune), to write over the rows they had (the mart
    is dense: the same keys, and the new days); and the communes left without people, whose
    rows are deleted."""
    before = start - timedelta(days=1)
    # How a commune's days start: 0 from nothing (the first day), 1 from its mart rows of the
    # day before (in the same year as every day rewritten), 2 from its coverage rows before.
    mode = np.where(start <= first, 0, np.where(before.dt.year == last.year, 1, 2))
    keys = pd.DataFrame({"commune_code": start.index, "start_date": start.dt.strftime("%Y-%m-%d"),
                         "before_date": before.dt.strftime("%Y-%m-%d"), "mode": mode})  # fmt: skip
    create_temp_table(conn, "touched_cg", {"commune_code": "TEXT", "start_date": "DATE",
                                           "before_date": "DATE", "mode": "INTEGER"})  # fmt: skip
    add_keys_frame(conn, "touched_cg", keys)
    of_touched = "FROM touched_cg t CROSS JOIN {} m WHERE m.commune_code = t.commune_code AND "
    new = ", ".join(f"m.{c}" for c in NEW)
    coverage = _coverage_frame(
        read_frame(conn, f"SELECT m.commune_code, m.date, m.birth_year, {new} "
                   + of_touched.format("mart_coverage_day") + "m.date >= t.start_date")
    )  # fmt: skip
    opening = pd.DataFrame(columns=["commune_code", "target_group", *COUNTS])
    if (mode == 1).any():
        groups = ", ".join(f"'{g}'" for g in _GROUPS)  # every group: a seek of the key each
        opening = read_frame(
            conn, f"SELECT m.commune_code, m.target_group, {', '.join(f'm.{c}' for c in COUNTS)} "
            + of_touched.format("mart_coverage_group_day")
            + f"t.mode = 1 AND m.target_group IN ({groups}) AND m.date = t.before_date",
        )  # fmt: skip
    if (mode == 2).any():
        earlier = read_frame(
            conn, "SELECT m.commune_code, m.birth_year, "
            + ", ".join(f"SUM(m.{c}) AS {c}" for c in NEW) + " "
            + of_touched.format("mart_coverage_day")
            + "t.mode = 2 AND m.date < t.start_date GROUP BY m.commune_code, m.birth_year",
        )  # fmt: skip
        earlier = earlier.assign(date=earlier["commune_code"].map(before))
        coverage = pd.concat([coverage, _coverage_frame(earlier)], ignore_index=True)
    parts = []  # in the order of `start`'s days, then of the communes
    for day, of_day in start.groupby(start):
        communes = sorted(of_day.index)
        rows = coverage[coverage["commune_code"].isin(communes)]
        starting = opening[opening["commune_code"].isin(communes)]
        first_mode = mode[start.index.get_loc(communes[0])]
        parts.append(group_days(rows, communes, day, last, starting if first_mode == 1 else None))
    rows = pd.concat(parts, ignore_index=True)
    at_last = rows[(rows["date"] == last) & (rows["target_group"] == "all")]
    gone = at_last.loc[at_last["people_1plus"] == 0, "commune_code"].tolist()
    if gone:
        conn.execute(_TABLE.delete().where(_TABLE.c.commune_code.in_(gone)))
    return rows, gone
