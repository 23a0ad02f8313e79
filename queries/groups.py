"""People and population of a target group (METRICS.md, "People and coverage"), the one place
every coverage figure (coverage page, overview, exports) counts them.

As of a day D a group holds the people whose birth year puts them in it in the year of D
(warehouse.target_groups). The ETL keeps those people, cumulated, by residence commune, group
and day in `mart_coverage_group_day` (etl/coverage_groups.py) from the first to the last day of
`mart_coverage_day`, so a count is a sum over communes of the rows of the days asked for. A day
after the mart's last day in the same year has that day's numbers (nobody reached a milestone
since, and the groups are those of the same year); a day before its first has nobody; a day of
a later year, or a warehouse without the mart, is counted by a scan of `mart_coverage_day`
(queries/groups_scan.py), which gives the same numbers. People without a valid birth year are
counted in `all` only, and their number (with >= 1 dose) comes with every count.

The denominator of a group on D is its estimated population in the year of D (`population`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
import sqlalchemy as sa

from queries import groups_scan
from warehouse.schema_marts import OUTSIDE_PROVINCE
from warehouse.target_groups import DEFAULT_GROUP, GROUPS, check_group

MEASURES = groups_scan.MEASURES
PEOPLE = groups_scan.PEOPLE
UNKNOWN = groups_scan.UNKNOWN  # people with >= 1 dose and no valid birth year
POPULATION_COLUMNS = ["population", "source", "source_year", "method"]
# Days read as a list of values up to this many (and not one run of days), else as a range.
_LISTED_DAYS = 40
_COMMUNES = "JOIN area a ON a.area_code = g.commune_code AND a.area_level = 'commune'"


def mart_days(conn: sa.Connection) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The first and last day of mart_coverage_group_day (None when it is empty)."""
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


def _held(bounds, day: pd.Timestamp) -> bool:
    """Whether the mart answers for `day` (any day up to the end of its last day's year)."""
    return bounds is not None and day.year <= bounds[1].year


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
    columns = groups_scan.COLUMNS
    if dates.empty or not groups:
        return pd.DataFrame(columns=columns)
    bounds = mart_days(conn)
    if not _held(bounds, dates[-1]):
        return groups_scan.people(conn, where, params, key, groups, dates, areas)
    first, last = bounds
    # The mart's day of each day asked for (before its first day: none, so nobody).
    source = pd.DatetimeIndex([min(day, last) for day in dates])
    read = sorted(set(source[source >= first]))
    find_areas = bool(key) and areas is None
    asked = list(dict.fromkeys([*groups, *(["all"] if find_areas else [])]))
    counts = _read(conn, where, params, key, asked, read)
    if not key:
        codes = [""]
    elif areas is not None:
        codes = list(areas)
    else:
        # The areas with people by the last day: those with someone's first dose by then.
        if read:
            at_end = counts[(counts["date"] == read[-1]) & (counts["target_group"] == "all")]
            codes = sorted(at_end.loc[at_end["people_1plus"] > 0, "area_code"].dropna().unique())
        else:
            codes = []
    if not codes:
        return pd.DataFrame(columns=columns)
    if len(counts):  # the days at the resolution the scan gives (that of the days read)
        unit = pd.date_range(min(counts["date"].min(), dates[0]), dates[-1], freq="D").unit
        dates = dates.as_unit(unit)
    n_days, n_codes = len(dates), len(codes)
    index = pd.MultiIndex.from_arrays(
        [
            [c for c in codes for _ in range(n_days)] * len(groups),
            list(source) * (n_codes * len(groups)),
            [g for g in groups for _ in range(n_codes * n_days)],
        ],
        names=["area_code", "date", "target_group"],
    )
    values = counts.set_index(["area_code", "date", "target_group"])[[*PEOPLE, UNKNOWN]]
    values = values.reindex(index, fill_value=0).astype("int64").reset_index(drop=True)
    out = pd.DataFrame(
        {
            "area_code": index.get_level_values("area_code"),
            "date": list(dates) * (n_codes * len(groups)),
            "target_group": index.get_level_values("target_group"),
        }
    )
    return pd.concat([out, values], axis=1)[columns]


def _read(
    conn: sa.Connection, where: str, params: dict, key: str | None, groups: list[str], days: list
) -> pd.DataFrame:
    """The mart's rows of `days` summed by area (`key`), day and group."""
    frame_columns = ["area_code", "date", "target_group", *PEOPLE, UNKNOWN]
    if not days:
        return pd.DataFrame(columns=frame_columns)
    values = {f"g{i}": g for i, g in enumerate(groups)}
    group_in = ", ".join(f":{name}" for name in values)
    run = (days[-1] - days[0]).days + 1 == len(days)
    if run or len(days) > _LISTED_DAYS:
        on_days = "g.date BETWEEN :first AND :last"
        values.update(first=days[0].date(), last=days[-1].date())
    else:
        on_days = f"g.date IN ({', '.join(f':d{i}' for i in range(len(days)))})"
        values.update({f"d{i}": d.date() for i, d in enumerate(days)})
    key_select = f"{key} AS area_code" if key else "'' AS area_code"
    key_group = f", {key}" if key else ""
    sums = ", ".join(f"SUM(g.{c}) AS {c}" for c in [*PEOPLE, UNKNOWN])
    counts = pd.read_sql_query(
        sa.text(
            f"SELECT {key_select}, g.date, g.target_group, {sums} "
            f"FROM mart_coverage_group_day g {_COMMUNES} "
            f"WHERE {where} AND g.target_group IN ({group_in}) AND {on_days} "
            f"GROUP BY g.date, g.target_group{key_group}"
        ),
        conn,
        params={**params, **values},
    )
    counts["date"] = pd.to_datetime(counts["date"]).dt.normalize()
    if not run and len(days) > _LISTED_DAYS:
        counts = counts[counts["date"].isin(days)]
    return counts


def first_day(conn: sa.Connection, where: str, params: dict, end) -> object:
    """The first day on which a resident of the communes `where` had a dose, up to `end`
    (None if nobody had)."""
    bounds = mart_days(conn)
    if bounds is None:
        return groups_scan.first_day(conn, where, params, end)
    # Every day of mart_coverage_day is in the mart, and a commune's first row there is the
    # day of its first dose (every milestone comes with or after it): each commune's first
    # day with people is found in key order, a few rows in.
    return conn.execute(
        sa.text(
            "SELECT MIN((SELECT g.date FROM mart_coverage_group_day g "
            "WHERE g.commune_code = a.area_code AND g.target_group = 'all' "
            "AND g.people_1plus > 0 AND g.date <= :end ORDER BY g.date LIMIT 1)) "
            f"FROM area a WHERE a.area_level = 'commune' AND {where}"
        ),
        {**params, "end": end},
    ).scalar()


def outside_residents(conn: sa.Connection, day) -> int:
    """People with >= 1 dose by `day` whose residence is outside the province's communes (not
    in any count of `people`)."""
    bounds = mart_days(conn)
    day = pd.Timestamp(day).normalize()
    if not _held(bounds, day):
        return groups_scan.outside_residents(conn, day.date())
    if day < bounds[0]:
        return 0
    return int(
        conn.execute(
            sa.text(
                "SELECT people_1plus FROM mart_coverage_group_day "
                "WHERE commune_code = :c AND target_group = 'all' AND date = :d"
            ),
            {"c": OUTSIDE_PROVINCE, "d": min(day, bounds[1]).date()},
        ).scalar()
        or 0
    )


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
    "outside_residents",
    "people",
    "population",
    "with_population",
]
