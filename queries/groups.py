"""People and population of a target group (METRICS.md, "People and coverage"), the one place
every coverage figure (coverage page, overview, exports, allocation) counts them.

As of a day D a group holds the people whose birth year puts them in it in the year of D
(warehouse.target_groups); people without a valid birth year are counted in `all` only, and
their number (with >= 1 dose) comes with every count. `mart_coverage_group_day` holds those
counts by residence commune, day and group (built by etl/coverage_groups.py from
mart_coverage_day), every day from the first to the last day of the data, so a count as of
D sums the rows of D: a day before the first is zero, a day after the last takes the last
day's rows while in its year. What the mart cannot answer (a day of a later year than its last
day, or a warehouse without it) is counted by scanning mart_coverage_day (queries.groups_scan,
the reference the mart is checked against).

The denominator of a group on D is its estimated population in the year of D (`population`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
import sqlalchemy as sa

from queries import groups_scan
from warehouse.coverage_days import day_span
from warehouse.target_groups import DEFAULT_GROUP, GROUPS, check_group

MEASURES = groups_scan.MEASURES
PEOPLE = groups_scan.PEOPLE
UNKNOWN = groups_scan.UNKNOWN  # people with >= 1 dose and no valid birth year
COUNTS = [*PEOPLE, UNKNOWN]
COLUMNS = groups_scan.COLUMNS
POPULATION_COLUMNS = ["population", "source", "source_year", "method"]


def people(
    conn: sa.Connection,
    where: str,
    params: dict,
    key: str | None,
    groups: Iterable[str],
    days: Iterable,
    areas: Sequence[str] | None = None,
) -> pd.DataFrame:
    """People of each group as of each of `days`, by residence.

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
    if dates.empty or not groups:
        return pd.DataFrame(columns=COLUMNS)
    span = day_span(conn)
    if span is None or (dates[-1].date() > span[1] and dates[-1].year != span[1].year):
        return groups_scan.people(conn, where, params, key, groups, dates, areas)
    first, last = pd.Timestamp(span[0]), pd.Timestamp(span[1])
    # The mart's day answering each day: itself, or the last day for a day after it (a day
    # before the first has no row: zero).
    answer = pd.DatetimeIndex([min(day, last) for day in dates])
    read = sorted({day for day in answer if day >= first})
    listed = key is not None and areas is None
    asked = groups if not listed or "all" in groups else [*groups, "all"]
    counts = _read(conn, where, params, key, asked, read)
    if key is None:
        codes = [""]
    elif areas is not None:
        codes = list(areas)
    else:  # the areas with anyone vaccinated by the last day asked
        rows = counts.reset_index()
        rows = rows[(rows["target_group"] == "all") & (rows["date"] == answer[-1])]
        codes = sorted(rows.loc[rows["people_1plus"] > 0, "area_code"])
    if not codes:
        return pd.DataFrame(columns=COLUMNS)
    index = pd.MultiIndex.from_product(
        [groups, codes, range(len(dates))], names=["target_group", "area_code", "day"]
    )
    g, c, d = (index.get_level_values(i).to_numpy() for i in range(3))
    wanted = pd.MultiIndex.from_arrays([g, c, answer[d]], names=counts.index.names)
    values = counts.reindex(wanted, fill_value=0).to_numpy(dtype="int64")
    out = pd.DataFrame({"area_code": c.astype(object), "date": dates[d],
                        "target_group": g.astype(object)})  # fmt: skip
    out[COUNTS] = values
    return out[COLUMNS]


def _read(
    conn: sa.Connection, where: str, params: dict, key: str | None, groups: list[str], days: list
) -> pd.DataFrame:
    """Sums of the mart's rows of `days` and `groups` over the communes of each area: indexed by
    target_group, area_code ("" without `key`) and date."""
    index = ["target_group", "area_code", "date"]
    if not days:
        return pd.DataFrame(columns=[*index, *COUNTS]).set_index(index)
    marks = {f"cg_g{i}": group for i, group in enumerate(groups)}
    if len(days) > 2 and (days[-1] - days[0]).days == len(days) - 1:
        marks.update(cg_first=days[0].date(), cg_last=days[-1].date())
        on_days = "g.date BETWEEN :cg_first AND :cg_last"
    else:
        marks.update({f"cg_d{i}": day.date() for i, day in enumerate(days)})
        on_days = f"g.date IN ({', '.join(f':cg_d{i}' for i in range(len(days)))})"
    in_groups = ", ".join(f":cg_g{i}" for i in range(len(groups)))
    df = pd.read_sql_query(
        sa.text(
            f"SELECT {f'{key} AS area_code, ' if key else ''}g.date, g.target_group, "
            + ", ".join(f"SUM(g.{c}) AS {c}" for c in COUNTS)
            + " FROM mart_coverage_group_day g JOIN area a ON a.area_code = g.commune_code "
            f"AND a.area_level = 'commune' WHERE {on_days} AND g.target_group IN ({in_groups}) "
            f"AND {where} GROUP BY g.date, g.target_group{f', {key}' if key else ''}"
        ),
        conn,
        params={**params, **marks},
    )
    if not key:
        df["area_code"] = ""
    df["date"] = pd.to_datetime(df["date"]).dt.normalize()
    return df.set_index(index)[COUNTS]


def first_day(conn: sa.Connection, where: str, params: dict, end) -> object | None:
    """The first day anyone living in the communes `where` selects had a dose, up to `end`
    (None: nobody by then): the first day with people in `all` (a person's first milestone
    is their first dose)."""
    if day_span(conn) is None:
        return groups_scan.first_day(conn, where, params, end)
    return conn.execute(
        sa.text(
            "SELECT MIN(g.date) FROM mart_coverage_group_day g JOIN area a "
            "ON a.area_code = g.commune_code AND a.area_level = 'commune' "
            "WHERE g.target_group = 'all' AND g.people_1plus > 0 AND g.date <= :cg_end "
            f"AND {where}"
        ),
        {**params, "cg_end": end},
    ).scalar()


def population(
    conn: sa.Connection, codes: Iterable[str], groups: Iterable[str], years: Iterable[int]
) -> pd.DataFrame:
    """The populations of groups in years: area_code, target_group, year, population, source,
    source_year, method (rows the warehouse has; missing ones absent)."""
    codes, groups, years = list(codes), list(groups), sorted({int(y) for y in years})
    if not codes or not groups or not years:
        return pd.DataFrame(columns=["area_code", "target_group", "year", *POPULATION_COLUMNS])
    params: dict = {}
    marks = []
    for name, values in (("c", codes), ("g", groups), ("y", years)):
        marks.append(", ".join(f":{name}{i}" for i in range(len(values))))
        params.update({f"{name}{i}": v for i, v in enumerate(values)})
    df = pd.read_sql_query(
        sa.text(
            "SELECT area_code, target_group, year, population, source, source_year, method "
            f"FROM population WHERE area_code IN ({marks[0]}) AND target_group IN ({marks[1]}) "
            f"AND year IN ({marks[2]})"
        ),
        conn,
        params=params,
    )
    df["year"] = pd.to_numeric(df["year"]).astype("int64")
    return df


def with_population(conn: sa.Connection, counts: pd.DataFrame) -> pd.DataFrame:
    """`counts` (area_code, date, target_group, ...) with the population of each row's group
    in the year of its date (NaN when unknown), its source, source year and method."""
    df = counts.copy()
    df["year"] = pd.to_datetime(df["date"]).dt.year.astype("int64")
    pop = population(
        conn, df["area_code"].dropna().unique(), df["target_group"].unique(), df["year"].unique()
    )
    df = df.merge(pop, on=["area_code", "target_group", "year"], how="left")
    df["population"] = pd.to_numeric(df["population"]).astype("float64")
    df["source_year"] = pd.to_numeric(df["source_year"]).astype("Int64")
    return df


__all__ = [
    "DEFAULT_GROUP",
    "GROUPS",
    "MEASURES",
    "PEOPLE",
    "UNKNOWN",
    "first_day",
    "people",
    "population",
    "with_population",
]
