"""People of target groups counted by scanning mart_coverage_day: the reference the cumulative
mart (mart_coverage_group_day, read by queries.groups) is checked against, and what
queries.groups falls back to for days that mart cannot answer.

`mart_coverage_day` holds the people reaching each milestone by residence commune, day and birth
year. As of a day D a group holds the people whose birth year puts them in it in the year of D
(warehouse.target_groups), so a count over several years takes, for each day, the cumulative
sum of the birth years of that day's year: in SQL one sum per measure, group and year, and in
pandas the running total of the column of each day's year. People without a valid birth year
are counted in `all` only, and their number (with >= 1 dose) comes with every count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import sqlalchemy as sa

from warehouse.target_groups import birth_years, check_group, valid_birth_years

MEASURES = ("1plus", "full", "boosted")
PEOPLE = [f"people_{m}" for m in MEASURES]
UNKNOWN = "unknown_birth_year"  # people with >= 1 dose and no valid birth year
COLUMNS = ["area_code", "date", "target_group", *PEOPLE, UNKNOWN]


def _condition(group: str, year: int) -> str | None:
    """SQL condition on `m.birth_year` for a group in a year (None: everyone). The bounds are
    integers computed here, never user text."""
    years = birth_years(group, year)
    return None if years is None else f"m.birth_year BETWEEN {int(years[0])} AND {int(years[1])}"


def _sums(groups: Sequence[str], years: Sequence[int]) -> tuple[list[str], dict[str, tuple]]:
    """The SELECT sums and what each alias stands for: (measure, group, year) or
    (UNKNOWN, year)."""
    select, meaning = [], {}
    for group in groups:
        for year in years:
            cond = _condition(group, year)
            for m in MEASURES:
                alias = f"c{len(meaning)}"
                value = (
                    f"m.new_{m}" if cond is None else f"CASE WHEN {cond} THEN m.new_{m} ELSE 0 END"
                )
                select.append(f"SUM({value}) AS {alias}")
                meaning[alias] = (m, group, year)
    for year in years:
        alias = f"c{len(meaning)}"
        first, last = valid_birth_years(year)
        select.append(
            f"SUM(CASE WHEN m.birth_year BETWEEN {first} AND {last} THEN 0 ELSE m.new_1plus END) "
            f"AS {alias}"
        )
        meaning[alias] = (UNKNOWN, year)
    return select, meaning


def people(
    conn: sa.Connection,
    where: str,
    params: dict,
    key: str | None,
    groups: Iterable[str],
    days: Iterable,
    areas: Sequence[str] | None = None,
) -> pd.DataFrame:
    """People of each group as of each of `days`, by residence (queries.groups.people's
    contract), from a scan of mart_coverage_day.

    `where` is an SQL condition on the commune `area` row `a` (the communes counted), `key` an
    expression of `a` grouping them into areas (e.g. "a.district_code"), or None for one area
    (area_code ""). Rows: area_code, date, target_group, people_1plus, people_full,
    people_boosted, unknown_birth_year; one per area of `areas` (or those with people),
    day and group, zeros included.
    """
    groups = list(groups)
    for group in groups:
        check_group(group)
    dates = pd.DatetimeIndex(pd.to_datetime(list(days))).normalize().unique().sort_values()
    columns = COLUMNS
    if dates.empty or not groups:
        return pd.DataFrame(columns=columns)
    years = sorted({d.year for d in dates})
    select, meaning = _sums(groups, years)
    key_select = f"{key} AS area_code, " if key else ""
    key_group = f", {key}" if key else ""
    daily = pd.read_sql_query(
        sa.text(
            f"SELECT m.date, {key_select}{', '.join(select)} FROM mart_coverage_day m "
            "JOIN area a ON a.area_code = m.commune_code AND a.area_level = 'commune' "
            f"WHERE m.date <= :end AND {where} GROUP BY m.date{key_group}"
        ),
        conn,
        params={**params, "end": dates[-1].date()},
    )
    if not key:
        daily["area_code"] = ""
    daily["date"] = pd.to_datetime(daily["date"]).dt.normalize()
    codes = list(areas) if areas is not None else sorted(daily["area_code"].dropna().unique())
    if not key:
        codes = [""]
    if not codes:
        return pd.DataFrame(columns=columns)
    start = min(daily["date"].min(), dates[0]) if len(daily) else dates[0]
    grid = pd.date_range(start, dates[-1], freq="D")
    aliases = list(meaning)
    values = daily[aliases].fillna(0).astype("int64")
    frame = pd.concat([daily[["area_code", "date"]], values], axis=1)
    frame = frame.groupby(["area_code", "date"])[aliases].sum()
    index = pd.MultiIndex.from_product([codes, grid], names=["area_code", "date"])
    cum = frame.reindex(index, fill_value=0).groupby(level=0, sort=False).cumsum()
    cum = cum[cum.index.get_level_values("date").isin(dates)]
    day_year = cum.index.get_level_values("date").year.to_numpy()
    by_year = {v: k for k, v in meaning.items()}
    parts = []
    base = cum.index.to_frame(index=False)
    unknown = np.zeros(len(cum), dtype="int64")
    for year in years:
        mask = day_year == year
        unknown[mask] = cum[by_year[(UNKNOWN, year)]].to_numpy()[mask]
    for group in groups:
        part = base.assign(target_group=group)
        for m, col in zip(MEASURES, PEOPLE, strict=True):
            out = np.zeros(len(cum), dtype="int64")
            for year in years:
                mask = day_year == year
                out[mask] = cum[by_year[(m, group, year)]].to_numpy()[mask]
            part[col] = out
        part[UNKNOWN] = unknown
        parts.append(part)
    return pd.concat(parts, ignore_index=True)[columns]


def first_day(conn: sa.Connection, where: str, params: dict, end) -> object | None:
    """The first day anyone living in the communes `where` selects had a dose, up to `end`
    (None: nobody by then), from mart_coverage_day."""
    return conn.execute(
        sa.text(
            "SELECT MIN(m.date) FROM mart_coverage_day m JOIN area a "
            "ON a.area_code = m.commune_code AND a.area_level = 'commune' "
            f"WHERE m.date <= :end AND {where}"
        ),
        {**params, "end": end},
    ).scalar()
