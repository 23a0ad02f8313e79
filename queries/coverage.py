"""Coverage of a target group by residence area (METRICS.md, "People and coverage"), from
`mart_coverage_group_day` through `queries.groups`.

People are counted by residence commune (a district or the province is the sum of its
communes) among the chosen target group (`all`, `18+`, `12-17`, `5-11`, `50+`, `65+`; default
`18+`) as of each day, over the group's estimated population in that day's year; the
population's source, census year and method travel with every row, with the people counted in
`all` only for want of a valid birth year. Coverage is never clipped: a value above 100 % is
kept and flagged by the `above_100_*` columns.

Which areas a scope compares ("compare areas", for the map and the ranked bars):
- the province: its districts;
- a district: its communes;
- a commune: the communes of its district, the chosen one marked `is_scope`;
- a site: the same as its commune (coverage is by residence, not by site).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
import sqlalchemy as sa

from queries import groups, measures, periods
from queries.scope import Period, Scope
from warehouse import reference
from warehouse.target_groups import check_group

MEASURES = groups.MEASURES
GROUPS = groups.GROUPS
DEFAULT_GROUP = groups.DEFAULT_GROUP
PEOPLE = groups.PEOPLE
COVERAGE = [f"coverage_{m}" for m in MEASURES]
ABOVE = [f"above_100_{m}" for m in MEASURES]
# What every coverage row carries about its group and denominator.
DENOMINATOR = ["target_group", "population", "year", "source", "source_year", "method"]


@dataclass(frozen=True)
class CoverageView:
    """The residence area a scope stands for, and the level its compare areas are at."""

    area_code: str  # the scope's area (a site stands for its commune)
    area_level: str  # province, district or commune
    compare_level: str  # district or commune
    compare_parent: str  # the area whose children are compared
    parent_code: str | None  # the scope area's parent (None for the province)


def _read(conn: sa.Connection, sql: str, params: dict | None = None) -> pd.DataFrame:
    return pd.read_sql_query(sa.text(sql), conn, params=params or {})


def view_of(conn: sa.Connection, scope: Scope) -> CoverageView:
    """The residence area of a scope and the areas its map and ranking compare."""
    province = reference.PROVINCE_CODE
    if scope.level == "province":
        return CoverageView(province, "province", "district", province, None)
    if scope.level == "district":
        return CoverageView(scope.code, "district", "commune", scope.code, province)
    if scope.level == "commune":
        commune = scope.code
    else:
        commune = conn.execute(
            sa.text("SELECT commune_code FROM facility WHERE facility_id = :f"),
            {"f": scope.code},
        ).scalar()
    district = conn.execute(
        sa.text("SELECT district_code FROM area WHERE area_code = :c"), {"c": commune}
    ).scalar()
    return CoverageView(commune, "commune", "commune", district, district)


def _with_coverage(df: pd.DataFrame) -> pd.DataFrame:
    """Coverage ratios and the above-100 % flags of rows with people and a population."""
    df = df.copy()
    denominator = df["population"].astype("float64").where(df["population"].fillna(0) > 0)
    for people, cov, above in zip(PEOPLE, COVERAGE, ABOVE, strict=True):
        df[people] = df[people].astype("int64")
        df[cov] = df[people] / denominator
        df[above] = measures.above_100(df[cov])
    df[groups.UNKNOWN] = df[groups.UNKNOWN].astype("int64")
    return df


def _area_filter(view_code: str, level: str) -> tuple[str, dict]:
    """SQL condition on a joined commune `area` row `a` for the communes of an area."""
    if level == "province":
        return "1 = 1", {}
    if level == "district":
        return "a.district_code = :area", {"area": view_code}
    return "a.area_code = :area", {"area": view_code}


def coverage_by_area(
    conn: sa.Connection, scope: Scope, period: Period, group: str = DEFAULT_GROUP
) -> pd.DataFrame:
    """Coverage of a target group in the areas a scope compares, as of the end of the period,
    by residence.

    One row per compare area (districts of the province, communes of a district; for a
    commune or a site, the communes of its district): area_code, name, area_level,
    parent_code, is_scope, people_1plus, people_full, people_boosted (of the group),
    unknown_birth_year, target_group, population (the group's, in the year of the period's
    end), year, source, source_year, method, coverage_1plus, coverage_full, coverage_boosted
    and the above_100_* flags (coverage over 100 %: the estimate is low). Areas without anyone
    vaccinated have zero people. Sorted by coverage of >= 1 dose, highest first.
    """
    check_group(group)
    view = view_of(conn, scope)
    level = view.compare_level
    areas = _read(
        conn,
        "SELECT area_code, name, area_level, parent_code FROM area "
        "WHERE area_level = :level AND parent_code = :parent ORDER BY area_code",
        {"level": level, "parent": view.compare_parent},
    )
    key = "a.district_code" if level == "district" else "a.area_code"
    parent_level = "province" if level == "district" else "district"
    where, params = _area_filter(view.compare_parent, parent_level)
    counts = groups.people(
        conn, where, params, key, [group], [period.end], areas=areas["area_code"].tolist()
    )
    counts = groups.with_population(conn, counts).drop(columns="date")
    df = areas.merge(counts, on="area_code", how="left")
    df["is_scope"] = df["area_code"] == view.area_code
    df = _with_coverage(df)
    df = df.sort_values(["coverage_1plus", "area_code"], ascending=[False, True])
    columns = ["area_code", "name", "area_level", "parent_code", "is_scope", *PEOPLE,
               groups.UNKNOWN, *DENOMINATOR, *COVERAGE, *ABOVE]  # fmt: skip
    return df.reset_index(drop=True)[columns]


def coverage_summary(
    conn: sa.Connection, scope: Scope, period: Period, group: str = DEFAULT_GROUP
) -> pd.DataFrame:
    """Coverage of a target group in the scope's residence area at the end of the period and
    just before it.

    Two rows, `as_of` = the day before the period starts (the previous period's end) and the
    period's last day: area_code, area_level, as_of, people_*, unknown_birth_year, target_group,
    population, year, source, source_year, method, coverage_*, above_100_*, drop_out
    ((>= 1 dose - fully vaccinated) / >= 1 dose) and outside_residents (at province scope:
    people with >= 1 dose living outside the province, who are not in the numerator; 0
    otherwise).
    """
    check_group(group)
    view = view_of(conn, scope)
    where, params = _area_filter(view.area_code, view.area_level)
    before = period.start - timedelta(days=1)
    counts = groups.people(conn, where, params, None, [group], [before, period.end])
    counts = counts.assign(area_code=view.area_code, area_level=view.area_level)
    df = _with_coverage(groups.with_population(conn, counts)).rename(columns={"date": "as_of"})
    df = df.sort_values("as_of").reset_index(drop=True)
    df["drop_out"] = measures.drop_out(df["people_1plus"], df["people_full"])
    df["outside_residents"] = 0
    if view.area_level == "province":
        df["outside_residents"] = list(_outside_residents(conn, before, period.end))
    columns = ["area_code", "area_level", "as_of", *PEOPLE, groups.UNKNOWN, *DENOMINATOR,
               *COVERAGE, *ABOVE, "drop_out", "outside_residents"]  # fmt: skip
    return df[columns]


def _outside_residents(conn: sa.Connection, before: date, end: date) -> tuple[int, int]:
    """People with >= 1 dose living outside the province (in no group mart) as of `before` and
    as of `end`. Their residence codes are found by walking the mart's key from one commune
    code to the next (a few hundred index look-ups, not a scan of its million rows); only
    their rows are then summed."""
    codes = conn.execute(
        sa.text(
            "WITH RECURSIVE c(code) AS (SELECT MIN(commune_code) FROM mart_coverage_day "
            "UNION ALL SELECT (SELECT MIN(m.commune_code) FROM mart_coverage_day m "
            "WHERE m.commune_code > c.code) FROM c WHERE c.code IS NOT NULL) "
            "SELECT c.code FROM c WHERE c.code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM area a "
            "WHERE a.area_code = c.code AND a.area_level = 'commune')"
        )
    ).scalars()
    codes = list(codes)
    if not codes:
        return 0, 0
    found = conn.execute(
        sa.text(
            "SELECT COALESCE(SUM(CASE WHEN m.date <= :before THEN m.new_1plus ELSE 0 END), 0), "
            "COALESCE(SUM(m.new_1plus), 0) FROM mart_coverage_day m "
            "WHERE m.commune_code IN :codes AND m.date <= :end"
        ).bindparams(sa.bindparam("codes", expanding=True)),
        {"before": before, "end": end, "codes": codes},
    ).one()
    return int(found[0]), int(found[1])


def coverage_trend(
    conn: sa.Connection, scope: Scope, period: Period, group: str = DEFAULT_GROUP
) -> pd.DataFrame:
    """Daily coverage of a target group from the first vaccination to the end of the period,
    by residence (the group and its population follow each day's year).

    Rows for the scope's area (`role` = "scope"), its children ("child": districts of the
    province, communes of a district; none for a commune) and its parent ("parent", for
    reference; none for the province): date, area_code, name, role, people_*,
    unknown_birth_year, target_group, population, year, source, source_year, method,
    coverage_*, above_100_*. Empty when nobody is vaccinated by the period end.
    """
    check_group(group)
    view = view_of(conn, scope)
    where, params = _area_filter(view.area_code, view.area_level)
    columns = ["date", "area_code", "name", "role", *PEOPLE, groups.UNKNOWN, *DENOMINATOR,
               *COVERAGE, *ABOVE]  # fmt: skip
    first = groups.first_day(conn, where, params, period.end)
    if first is None:
        return pd.DataFrame(columns=columns)
    days = pd.date_range(pd.Timestamp(first).normalize(), pd.Timestamp(period.end), freq="D")
    frames = [
        groups.people(conn, where, params, None, [group], days).assign(
            area_code=view.area_code, role="scope"
        )
    ]
    child_key = {"province": "a.district_code", "district": "a.area_code"}.get(view.area_level)
    if child_key:
        level = "district" if view.area_level == "province" else "commune"
        child_codes = _read(
            conn,
            "SELECT area_code FROM area WHERE area_level = :level AND parent_code = :parent "
            "ORDER BY area_code",
            {"level": level, "parent": view.area_code},
        )["area_code"].tolist()
        children = groups.people(conn, where, params, child_key, [group], days, child_codes)
        frames.append(children.assign(role="child"))
    if view.parent_code is not None:
        p_level = "province" if view.parent_code == reference.PROVINCE_CODE else "district"
        p_where, p_params = _area_filter(view.parent_code, p_level)
        parent = groups.people(conn, p_where, p_params, None, [group], days)
        frames.append(parent.assign(area_code=view.parent_code, role="parent"))
    out = pd.concat(frames, ignore_index=True)
    names = _read(conn, "SELECT area_code, name FROM area")
    out = out.merge(names, on="area_code", how="left")
    out = _with_coverage(groups.with_population(conn, out))
    order = out["role"].map({"scope": 0, "parent": 1, "child": 2})
    out = out.assign(_o=order).sort_values(["_o", "area_code", "date"]).drop(columns="_o")
    return out.reset_index(drop=True)[columns]


def scope_weekly(trend: pd.DataFrame, weeks: int = 16) -> pd.DataFrame:
    """The scope's rows of `coverage_trend` by ISO week, the last `weeks` of them: date (the
    Monday), people_*, coverage_* and drop_out as of the week's last day shown."""
    scope = trend.loc[trend["role"] == "scope", ["date", *PEOPLE, *COVERAGE]]
    out = periods.weekly(scope, "date", "last").tail(weeks).reset_index(drop=True)
    out["drop_out"] = measures.drop_out(out["people_1plus"], out["people_full"])
    return out


def population_source(frame: pd.DataFrame) -> dict | None:
    """What most rows' denominators are: {"source", "source_year", "year", "method"}, None
    when no row has one."""
    known = frame.dropna(subset=["source"]) if "source" in frame else frame.iloc[0:0]
    if known.empty:
        return None
    out = {}
    for col in ("source", "source_year", "year", "method"):
        values = known[col].dropna()
        value = values.mode().iloc[0] if len(values) else None
        out[col] = int(value) if col.endswith("year") and value is not None else value
    return out


__all__ = [
    "ABOVE",
    "COVERAGE",
    "DEFAULT_GROUP",
    "DENOMINATOR",
    "GROUPS",
    "MEASURES",
    "PEOPLE",
    "CoverageView",
    "coverage_by_area",
    "coverage_summary",
    "coverage_trend",
    "population_source",
    "scope_weekly",
    "view_of",
]
