"""The weekly overview (Tổng quan tuần): headline figures with their previous period and weekly
trend, the daily doses by dose and the ranking of areas (the alerts are in `queries.site_alerts`).

Every figure follows METRICS.md and is read from the marts with the scope filter applied in SQL.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import sqlalchemy as sa

from queries import groups, measures, periods
from queries.scope import Period, Scope
from warehouse.target_groups import DEFAULT_GROUP, check_group

SPARK_WEEKS = 8
STOCK_USE_DAYS = 7  # days of stock: mean daily ledger use over the 7 days ending on the day
BACKLOG_PACE_DAYS = 28  # certificate backlog in days of the site's work over these days
DOSE_GROUPS = ("dose1", "dose2", "dose3plus")
KPI_COLUMNS = [
    "window", "start", "end", "doses", "planned", "plan_achievement", "screened", "deferrals",
    "deferral_rate", "issued", "backlog", "aefi_serious", "people_1plus", "people_full",
    "people_boosted", "unknown_birth_year", "target_group", "population", "coverage_1plus",
    "coverage_full", "coverage_boosted", "on_hand", "used_7d", "days_of_stock",
]  # fmt: skip
RANKING_COLUMNS = [
    "area_code", "name", "area_level", "people_1plus", "people_full", "people_boosted",
    "target_group", "population", "coverage_1plus", "coverage_full", "coverage_boosted", "doses",
    "planned", "plan_achievement",
]  # fmt: skip


# --- helpers --------------------------------------------------------------------------------
def _read(conn: sa.Connection, sql: str, params: dict | None = None) -> pd.DataFrame:
    return pd.read_sql_query(sa.text(sql), conn, params=params or {})


def _day_index(df: pd.DataFrame) -> pd.DataFrame:
    """Daily rows indexed by date (Timestamp), numbers as floats (empty -> no rows)."""
    if df.empty:
        return df.set_index("date")
    df = df.assign(date=pd.to_datetime(df["date"]).dt.normalize())
    return df.set_index("date").astype("float64").sort_index()


def _sum(df: pd.DataFrame, column: str, start: date, end: date) -> float:
    if df.empty:
        return 0.0
    return float(df.loc[pd.Timestamp(start) : pd.Timestamp(end), column].sum())


def _sum_to(df: pd.DataFrame, column: str, end: date, *, before: bool = False) -> float:
    """Sum over days on or before `end` (strictly before with `before=True`)."""
    if df.empty:
        return 0.0
    idx = df.index < pd.Timestamp(end) if before else df.index <= pd.Timestamp(end)
    return float(df.loc[idx, column].sum())


def _commune_filter(scope: Scope, alias: str = "a") -> tuple[str, dict]:
    """SQL condition on a commune `area` row: the residence communes of a scope (a site counts
    for its commune, as in the coverage dataset)."""
    if scope.level == "province":
        return "1 = 1", {}
    if scope.level == "district":
        return f"{alias}.district_code = :scope_code", {"scope_code": scope.code}
    if scope.level == "commune":
        return f"{alias}.area_code = :scope_code", {"scope_code": scope.code}
    return (
        f"{alias}.area_code = (SELECT commune_code FROM facility WHERE facility_id = :scope_code)",
        {"scope_code": scope.code},
    )


def _scope_area_code(conn: sa.Connection, scope: Scope) -> str | None:
    if scope.level != "facility":
        return scope.code
    return conn.execute(
        sa.text("SELECT commune_code FROM facility WHERE facility_id = :f"), {"f": scope.code}
    ).scalar()


def kpi_windows(period: Period) -> list[tuple[str, date, date]]:
    """The windows the headline figures are computed for: the period ("current"), the period of
    the same length just before ("previous"), and the 8 ISO weeks ending with the week of the
    period's last day ("week_1" oldest .. "week_8", the sparklines; the last one cut at the
    period's last day)."""
    windows = [("current", period.start, period.end)]
    windows.append(("previous", *periods.previous(period.start, period.end)))
    for k, monday in enumerate(periods.trend_mondays(period.end, SPARK_WEEKS)):
        windows.append((f"week_{k + 1}", monday, min(monday + timedelta(days=6), period.end)))
    return windows


# --- headline figures -----------------------------------------------------------------------
def kpis(
    conn: sa.Connection, scope: Scope, period: Period, group: str = DEFAULT_GROUP
) -> pd.DataFrame:
    """The headline figures of the scope, one row per window (see `kpi_windows`).

    Per window [start, end] (METRICS.md):
    - flows over the days of the window: doses administered, approved planned doses and plan
      achievement (doses / planned), screened, deferrals (deferred + contraindicated +
      referred) and the deferral rate (deferrals / screened), certificates issued, serious AEFI
      reports (by onset day);
    - stocks at the end of the window's last day: certificate backlog, people with >= 1 dose,
      fully vaccinated and boosted of the target `group` (by residence; a site counts for its
      commune), those with >= 1 dose without a valid birth year (counted in `all` only),
      coverage (people / the group's estimated population in the year of the day), doses on
      hand over the scope's stores (the running ledger balance; the latest row per store and
      vaccine on or before the day), doses used over the 7 days ending on the day (ledger),
      and days of stock = on hand / (used over those 7 days / 7), NaN when nothing was used.
    Ratios with a zero denominator are NaN.
    """
    check_group(group)
    windows = kpi_windows(period)
    first = min(start for _, start, _ in windows)
    end = period.end
    fac_where, fac_params = scope.facility_filter("f")
    span = {**fac_params, "first": first, "end": end}

    sessions = _day_index(
        _read(
            conn,
            "SELECT m.date, SUM(m.screened) AS screened, "
            "SUM(m.deferred + m.contraindicated + m.referred) AS deferrals, "
            "SUM(m.doses) AS doses FROM mart_session_day m "
            "JOIN facility f ON f.facility_id = m.facility_id "
            f"WHERE {fac_where} AND m.date BETWEEN :first AND :end GROUP BY m.date",
            span,
        )
    )
    plans = _day_index(
        _read(
            conn,
            "SELECT m.date, SUM(m.planned_doses) AS planned FROM mart_plan_day m "
            "JOIN facility f ON f.facility_id = m.facility_id "
            f"WHERE {fac_where} AND m.date BETWEEN :first AND :end GROUP BY m.date",
            span,
        )
    )
    certs = _day_index(
        _read(
            conn,
            "SELECT m.date, SUM(m.issued) AS issued, SUM(m.backlog_in) AS backlog_in, "
            "SUM(m.backlog_out) AS backlog_out FROM mart_certificate_day m "
            "JOIN facility f ON f.facility_id = m.facility_id "
            f"WHERE {fac_where} AND m.date <= :end GROUP BY m.date",
            span,
        )
    )
    aefi = _day_index(
        _read(
            conn,
            "SELECT m.date, SUM(m.reports) AS serious FROM mart_aefi_day m "
            "JOIN facility f ON f.facility_id = m.facility_id "
            f"WHERE {fac_where} AND m.severity = 'serious' AND m.date BETWEEN :first AND :end "
            "GROUP BY m.date",
            span,
        )
    )
    com_where, com_params = _commune_filter(scope, "a")
    ends = [stop for _, _, stop in windows]
    people = groups.people(conn, com_where, com_params, None, [group], ends)
    people = groups.with_population(conn, people.assign(area_code=_scope_area_code(conn, scope)))
    people = people.set_index("date")
    store_where, store_params = scope.store_filter("s")
    stock = _day_index(
        _read(
            conn,
            "SELECT m.date, SUM(m.received - m.issued_out - m.administered - m.wasted "
            "+ m.adjustment) AS net, SUM(m.administered) AS used FROM mart_stock_day m "
            f"JOIN store s ON s.store_id = m.store_id WHERE {store_where} AND m.date <= :end "
            "GROUP BY m.date",
            {**store_params, "end": end},
        )
    )

    rows = []
    for name, start, stop in windows:
        doses = _sum(sessions, "doses", start, stop)
        planned = _sum(plans, "planned", start, stop)
        screened = _sum(sessions, "screened", start, stop)
        deferrals = _sum(sessions, "deferrals", start, stop)
        backlog = _sum_to(certs, "backlog_in", stop, before=True) - _sum_to(
            certs, "backlog_out", stop
        )
        row = people.loc[pd.Timestamp(stop)]
        p1, pf, pb = (int(row[c]) for c in groups.PEOPLE)
        population = float(row["population"])
        on_hand = _sum_to(stock, "net", stop)
        used = _sum(stock, "used", stop - timedelta(days=STOCK_USE_DAYS - 1), stop)
        rows.append(
            {
                "window": name,
                "start": pd.Timestamp(start),
                "end": pd.Timestamp(stop),
                "doses": doses,
                "planned": planned,
                "plan_achievement": measures.plan_achievement(doses, planned),
                "screened": screened,
                "deferrals": deferrals,
                "deferral_rate": measures.ratio(deferrals, screened),
                "issued": _sum(certs, "issued", start, stop),
                "backlog": backlog,
                "aefi_serious": _sum(aefi, "serious", start, stop),
                "people_1plus": p1,
                "people_full": pf,
                "people_boosted": pb,
                "unknown_birth_year": int(row[groups.UNKNOWN]),
                "target_group": group,
                "population": population,
                "coverage_1plus": measures.ratio(p1, population),
                "coverage_full": measures.ratio(pf, population),
                "coverage_boosted": measures.ratio(pb, population),
                "on_hand": on_hand,
                "used_7d": used,
                "days_of_stock": measures.ratio(on_hand, used / STOCK_USE_DAYS),
            }
        )
    out = pd.DataFrame(rows, columns=KPI_COLUMNS)
    counts = [
        "doses", "planned", "screened", "deferrals", "issued", "backlog", "aefi_serious",
        "people_1plus", "people_full", "people_boosted", "unknown_birth_year", "on_hand",
        "used_7d",
    ]  # fmt: skip
    out[counts] = out[counts].astype("int64")
    texts = ("window", "start", "end", "target_group")
    ratios = [c for c in KPI_COLUMNS if c not in counts and c not in texts]
    out[ratios] = out[ratios].astype("float64")  # a missing ratio is NaN
    return out


# --- daily trend --------------------------------------------------------------------------------
def daily_doses(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """Doses administered per day of the period by dose group: `dose1` (primary dose 1),
    `dose2` (primary dose 2) and `dose3plus` (every other dose: primary dose 3 or more,
    additional and booster doses). Every day and group, zeros included."""
    where, params = scope.facility_filter("f")
    df = _read(
        conn,
        "SELECT m.date, CASE "
        "WHEN m.dose_kind = 'primary' AND m.dose_number = 1 THEN 'dose1' "
        "WHEN m.dose_kind = 'primary' AND m.dose_number = 2 THEN 'dose2' "
        "ELSE 'dose3plus' END AS dose_group, SUM(m.doses) AS doses FROM mart_dose_day m "
        "JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date BETWEEN :start AND :end GROUP BY m.date, dose_group",
        {**params, **period.params()},
    )
    df["date"] = pd.to_datetime(df["date"]).dt.normalize()
    full = pd.MultiIndex.from_product([period.days, DOSE_GROUPS], names=["date", "dose_group"])
    out = (
        df.groupby(["date", "dose_group"])["doses"]
        .sum()
        .reindex(full, fill_value=0)
        .astype("int64")
        .reset_index()
    )
    return out[["date", "dose_group", "doses"]]


def daily_plan(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """Approved planned doses per day of the period (every day, zeros included)."""
    where, params = scope.facility_filter("f")
    df = _read(
        conn,
        "SELECT m.date, SUM(m.planned_doses) AS planned FROM mart_plan_day m "
        "JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date BETWEEN :start AND :end GROUP BY m.date",
        {**params, **period.params()},
    )
    df["date"] = pd.to_datetime(df["date"]).dt.normalize()
    out = df.set_index("date")["planned"].reindex(period.days, fill_value=0).astype("int64")
    return out.rename_axis("date").reset_index()


def daily_trend(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """One row per day of the period: doses by dose group (`dose1`, `dose2`, `dose3plus`, see
    `daily_doses`), `total`, approved `planned` doses and `plan_achievement` (total / planned,
    NaN without a plan)."""
    doses = daily_doses(conn, scope, period)
    wide = doses.pivot(index="date", columns="dose_group", values="doses")
    wide = wide.reindex(columns=list(DOSE_GROUPS), fill_value=0)
    wide["total"] = wide.sum(axis=1)
    plan = daily_plan(conn, scope, period).set_index("date")["planned"]
    wide["planned"] = plan.reindex(wide.index, fill_value=0)
    wide["plan_achievement"] = measures.plan_achievement(wide["total"], wide["planned"])
    wide.columns.name = None
    return wide.reset_index()


# --- ranking --------------------------------------------------------------------------------
def ranking_level(scope: Scope) -> str:
    """What the ranking compares: the districts for the province, else the communes of the
    scope's district."""
    return "district" if scope.level == "province" else "commune"


def ranking(
    conn: sa.Connection, scope: Scope, period: Period, group: str = DEFAULT_GROUP
) -> pd.DataFrame:
    """The areas one level down, for ranking: the province's districts, or the communes of a
    district (for a commune or a site: the communes of its district).

    Per area: people with >= 1 dose, fully vaccinated and boosted at the end of the period, by
    residence, of the target `group`, its estimated population in the year of the period's end
    and the coverages; doses administered in the
    period at the sites of the area (a site's area is its commune); approved planned doses and
    plan achievement (doses / planned). Every area, in code order.
    """
    check_group(group)
    if scope.level == "province":
        key_area, key_fac, child_where = "a.district_code", "f.district_code", "1 = 1"
        areas = _read(
            conn, "SELECT area_code, name FROM area WHERE area_level = 'district' ORDER BY 1"
        )
        params: dict = {}
        level = "district"
    else:
        if scope.level == "district":
            district = scope.code
        elif scope.level == "commune":
            district = conn.execute(
                sa.text("SELECT district_code FROM area WHERE area_code = :c"), {"c": scope.code}
            ).scalar()
        else:
            district = conn.execute(
                sa.text("SELECT district_code FROM facility WHERE facility_id = :f"),
                {"f": scope.code},
            ).scalar()
        key_area, key_fac = "a.area_code", "f.commune_code"
        child_where = "{alias}.district_code = :district"
        params = {"district": district}
        areas = _read(
            conn,
            "SELECT area_code, name FROM area WHERE area_level = 'commune' "
            "AND district_code = :district ORDER BY 1",
            params,
        )
        level = "commune"
    area_where = child_where.format(alias="a")
    fac_where = child_where.format(alias="f")
    people = groups.people(
        conn, area_where, params, key_area, [group], [period.end], areas["area_code"].tolist()
    )
    people = groups.with_population(conn, people)[
        ["area_code", *groups.PEOPLE, "target_group", "population"]
    ]
    flows = [
        _read(
            conn,
            f"SELECT {key_fac} AS area_code, SUM(m.{column}) AS {name} FROM {mart} m "
            "JOIN facility f ON f.facility_id = m.facility_id "
            f"WHERE {fac_where} AND m.date BETWEEN :start AND :end GROUP BY {key_fac}",
            {**params, **period.params()},
        )
        for mart, column, name in (
            ("mart_session_day", "doses", "doses"),
            ("mart_plan_day", "planned_doses", "planned"),
        )
    ]
    out = areas.assign(area_level=level)
    for part in (people, *flows):
        out = out.merge(part, on="area_code", how="left")
    counts = ["people_1plus", "people_full", "people_boosted", "doses", "planned"]
    out[counts] = out[counts].fillna(0).astype("int64")
    out["population"] = pd.to_numeric(out["population"]).astype("float64")
    for measure in ("1plus", "full", "boosted"):
        out[f"coverage_{measure}"] = measures.ratio(out[f"people_{measure}"], out["population"])
    out["plan_achievement"] = measures.plan_achievement(out["doses"], out["planned"])
    return out[RANKING_COLUMNS].reset_index(drop=True)


# --- alerts ---------------------------------------------------------------------------------
