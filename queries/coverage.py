"""Coverage by residence area (METRICS.md, "People and coverage"), from `mart_coverage_day`.

People are counted by residence commune and summed up to a day (the mart holds the people who
reached each step on each day); a district or the province is the sum of its communes. The
denominator is the target population the user picks (`total`, `18plus`, `12plus`, `5plus`) from
the `population` table, whose source and year travel with every row. Coverage is never clipped:
a value above 100 % is kept and flagged by the `above_100_*` columns.

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

from queries import measures, periods
from queries.scope import Period, Scope
from warehouse import reference

MEASURES = ("1plus", "full", "boosted")
DENOMINATORS = ("total", "18plus", "12plus", "5plus")
PEOPLE = [f"people_{m}" for m in MEASURES]
COVERAGE = [f"coverage_{m}" for m in MEASURES]
ABOVE = [f"above_100_{m}" for m in MEASURES]
_NEW = {f"people_{m}": f"new_{m}" for m in MEASURES}


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


def _check_denominator(denominator: str) -> None:
    if denominator not in DENOMINATORS:
        raise ValueError(f"unknown denominator {denominator!r}: use one of {DENOMINATORS}")


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


def _denominators(conn: sa.Connection, codes: list[str], denominator: str) -> pd.DataFrame:
    """population, source and year per area code (missing areas absent)."""
    if not codes:
        return pd.DataFrame(columns=["area_code", "population", "source", "year"])
    marks = ", ".join(f":c{i}" for i in range(len(codes)))
    params = {f"c{i}": c for i, c in enumerate(codes)}
    return _read(
        conn,
        "SELECT area_code, population, source, year FROM population "
        f"WHERE denominator = :d AND area_code IN ({marks})",
        {**params, "d": denominator},
    )


def _with_coverage(df: pd.DataFrame, pop: pd.DataFrame) -> pd.DataFrame:
    """Join the denominators and add coverage ratios and the above-100 % flags."""
    df = df.merge(pop, on="area_code", how="left")
    df["population"] = pd.to_numeric(df["population"]).astype("Int64")
    df["year"] = pd.to_numeric(df["year"]).astype("Int64")
    denominator = df["population"].astype("float64").where(df["population"].fillna(0) > 0)
    for people, cov, above in zip(PEOPLE, COVERAGE, ABOVE, strict=True):
        df[people] = df[people].astype("int64")
        df[cov] = df[people] / denominator
        df[above] = measures.above_100(df[cov])
    return df


def _area_filter(view_code: str, level: str) -> tuple[str, dict]:
    """SQL condition on a joined commune `area` row `a` for the communes of an area."""
    if level == "province":
        return "1 = 1", {}
    if level == "district":
        return "a.district_code = :area", {"area": view_code}
    return "a.area_code = :area", {"area": view_code}


def _people_as_of(
    conn: sa.Connection, where: str, params: dict, group: str | None, day: date
) -> pd.DataFrame:
    """People per group (a column of the commune `area` row, or all together when None) as
    of the end of `day`."""
    key, group_by = (f"{group} AS area_code, ", f" GROUP BY {group}") if group else ("", "")
    return _read(
        conn,
        f"SELECT {key}COALESCE(SUM(m.new_1plus), 0) AS people_1plus, "
        "COALESCE(SUM(m.new_full), 0) AS people_full, "
        "COALESCE(SUM(m.new_boosted), 0) AS people_boosted "
        "FROM mart_coverage_day m JOIN area a ON a.area_code = m.commune_code "
        f"AND a.area_level = 'commune' WHERE m.date <= :day AND {where}{group_by}",
        {**params, "day": day},
    )


def coverage_by_area(
    conn: sa.Connection, scope: Scope, period: Period, denominator: str = "18plus"
) -> pd.DataFrame:
    """Coverage of the areas a scope compares, as of the end of the period, by residence.

    One row per compare area (districts of the province, communes of a district; for a
    commune or a site, the communes of its district): area_code, name, area_level,
    parent_code, is_scope, people_1plus, people_full, people_boosted, population (the chosen
    denominator), source, year, coverage_1plus, coverage_full, coverage_boosted and the
    above_100_* flags (coverage over 100 %: the denominator is probably wrong). Areas without
    anyone vaccinated have zero people. Sorted by coverage of >= 1 dose, highest first.
    """
    _check_denominator(denominator)
    view = view_of(conn, scope)
    level = view.compare_level
    areas = _read(
        conn,
        "SELECT area_code, name, area_level, parent_code FROM area "
        "WHERE area_level = :level AND parent_code = :parent ORDER BY area_code",
        {"level": level, "parent": view.compare_parent},
    )
    group = "a.district_code" if level == "district" else "a.area_code"
    parent_level = "province" if level == "district" else "district"
    where, params = _area_filter(view.compare_parent, parent_level)
    people = _people_as_of(conn, where, params, group, period.end)
    df = areas.merge(people, on="area_code", how="left")
    df[PEOPLE] = df[PEOPLE].fillna(0)
    df["is_scope"] = df["area_code"] == view.area_code
    df = _with_coverage(df, _denominators(conn, df["area_code"].tolist(), denominator))
    df = df.sort_values(["coverage_1plus", "area_code"], ascending=[False, True])
    columns = ["area_code", "name", "area_level", "parent_code", "is_scope", *PEOPLE,
               "population", "source", "year", *COVERAGE, *ABOVE]  # fmt: skip
    return df.reset_index(drop=True)[columns]


def coverage_summary(
    conn: sa.Connection, scope: Scope, period: Period, denominator: str = "18plus"
) -> pd.DataFrame:
    """Coverage of the scope's residence area at the end of the period and just before it.

    Two rows, `as_of` = the day before the period starts (the previous period's end) and the
    period's last day: area_code, area_level, as_of, people_*, population, source, year,
    coverage_*, above_100_*, drop_out ((>= 1 dose - fully vaccinated) / >= 1 dose), and
    outside_residents (at province scope: people with >= 1 dose living outside the province,
    who are not in the numerator; 0 otherwise).
    """
    _check_denominator(denominator)
    view = view_of(conn, scope)
    where, params = _area_filter(view.area_code, view.area_level)
    rows = []
    before = period.start - timedelta(days=1)
    for day in (before, period.end):
        people = _people_as_of(conn, where, params, None, day)
        values = people.iloc[0] if len(people) else pd.Series(dtype="float64")
        rows.append(
            {
                "area_code": view.area_code,
                "area_level": view.area_level,
                "as_of": pd.Timestamp(day),
                **{p: int(values.get(p, 0) or 0) for p in PEOPLE},
            }
        )
    df = _with_coverage(pd.DataFrame(rows), _denominators(conn, [view.area_code], denominator))
    df["drop_out"] = measures.drop_out(df["people_1plus"], df["people_full"])
    df["outside_residents"] = 0
    if view.area_level == "province":
        for i, day in enumerate((before, period.end)):
            df.loc[i, "outside_residents"] = int(
                conn.execute(
                    sa.text(
                        "SELECT COALESCE(SUM(new_1plus), 0) FROM mart_coverage_day m "
                        "WHERE m.date <= :day AND NOT EXISTS (SELECT 1 FROM area a "
                        "WHERE a.area_code = m.commune_code AND a.area_level = 'commune')"
                    ),
                    {"day": day},
                ).scalar()
            )
    return df


def coverage_trend(
    conn: sa.Connection, scope: Scope, period: Period, denominator: str = "18plus"
) -> pd.DataFrame:
    """Daily coverage from the first vaccination to the end of the period, by residence.

    Rows for the scope's area (`role` = "scope"), its children ("child": districts of the
    province, communes of a district; none for a commune) and its parent ("parent", for
    reference; none for the province): date, area_code, name, role, people_*, population,
    source, year, coverage_*, above_100_*. Empty when nobody is vaccinated by the period end.
    """
    _check_denominator(denominator)
    view = view_of(conn, scope)
    where, params = _area_filter(view.area_code, view.area_level)
    child_col = {"province": "a.district_code", "district": "a.area_code"}.get(view.area_level)
    group = child_col or "a.area_code"
    daily = _read(
        conn,
        f"SELECT m.date, {group} AS area_code, SUM(m.new_1plus) AS people_1plus, "
        "SUM(m.new_full) AS people_full, SUM(m.new_boosted) AS people_boosted "
        "FROM mart_coverage_day m JOIN area a ON a.area_code = m.commune_code "
        f"AND a.area_level = 'commune' WHERE m.date <= :end AND {where} "
        f"GROUP BY m.date, {group}",
        {**params, "end": period.end},
    )
    parent = pd.DataFrame(columns=["date", "area_code", *PEOPLE])
    if view.parent_code is not None:
        p_level = "province" if view.parent_code == reference.PROVINCE_CODE else "district"
        p_where, p_params = _area_filter(view.parent_code, p_level)
        parent = _read(
            conn,
            "SELECT m.date, :parent AS area_code, SUM(m.new_1plus) AS people_1plus, "
            "SUM(m.new_full) AS people_full, SUM(m.new_boosted) AS people_boosted "
            "FROM mart_coverage_day m JOIN area a ON a.area_code = m.commune_code "
            f"AND a.area_level = 'commune' WHERE m.date <= :end AND {p_where} GROUP BY m.date",
            {**p_params, "parent": view.parent_code, "end": period.end},
        )
    columns = ["date", "area_code", "name", "role", *PEOPLE, "population", "source", "year",
               *COVERAGE, *ABOVE]  # fmt: skip
    if daily.empty:
        return pd.DataFrame(columns=columns)
    daily["date"] = pd.to_datetime(daily["date"]).dt.normalize()
    parent["date"] = pd.to_datetime(parent["date"]).dt.normalize()
    days = pd.date_range(daily["date"].min(), pd.Timestamp(period.end), freq="D")

    def cumulative(frame: pd.DataFrame, role: str, codes: list[str]) -> pd.DataFrame:
        """People as of each day for each of `codes` (zeros where nobody was vaccinated)."""
        parts = []
        groups = dict(tuple(frame.groupby("area_code", sort=False)))
        empty = pd.DataFrame(0, index=days, columns=PEOPLE)
        for code in codes:
            g = groups.get(code)
            if g is None:
                g = empty.copy()
            else:
                g = g.set_index("date")[PEOPLE].astype("int64").groupby(level=0).sum()
                g = g.reindex(days, fill_value=0).cumsum()
            g = g.rename_axis("date").reset_index()
            g["area_code"], g["role"] = code, role
            parts.append(g)
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()

    children = pd.DataFrame()
    if child_col:
        level = "district" if view.area_level == "province" else "commune"
        child_codes = _read(
            conn,
            "SELECT area_code FROM area WHERE area_level = :level AND parent_code = :parent "
            "ORDER BY area_code",
            {"level": level, "parent": view.area_code},
        )["area_code"].tolist()
        children = cumulative(daily, "child", child_codes)
    scope_rows = daily.groupby("date", as_index=False)[PEOPLE].sum()
    scope_rows["area_code"] = view.area_code
    frames = [
        cumulative(scope_rows, "scope", [view.area_code]),
        children,
        cumulative(parent, "parent", [view.parent_code] if view.parent_code else []),
    ]
    out = pd.concat([f for f in frames if not f.empty], ignore_index=True)
    names = _read(conn, "SELECT area_code, name FROM area")
    out = out.merge(names, on="area_code", how="left")
    codes = out["area_code"].unique().tolist()
    out = _with_coverage(out, _denominators(conn, codes, denominator))
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


def population_source(frame: pd.DataFrame) -> tuple[str | None, int | None]:
    """The source and year most rows' denominators come from (None, None when unknown)."""
    known = frame.dropna(subset=["source"]) if "source" in frame else frame.iloc[0:0]
    if known.empty:
        return None, None
    year = known["year"].dropna()
    return str(known["source"].mode().iloc[0]), (int(year.mode().iloc[0]) if len(year) else None)


__all__ = [
    "ABOVE",
    "COVERAGE",
    "DENOMINATORS",
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
