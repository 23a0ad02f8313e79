"""The weekly overview (Tổng quan tuần): headline figures with their previous period and weekly
trend, the daily doses by dose, the ranking of areas, and the alerts.

Every figure follows METRICS.md and is read from the marts with the scope filter applied in SQL.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import sqlalchemy as sa

from queries import measures, periods, quality
from queries.alerts import Thresholds
from queries.scope import Period, Scope

SPARK_WEEKS = 8
STOCK_USE_DAYS = 7  # days of stock: mean daily ledger use over the 7 days ending on the day
BACKLOG_PACE_DAYS = 28  # certificate backlog in days of the site's work over these days
DOSE_GROUPS = ("dose1", "dose2", "dose3plus")
DENOMINATORS = ("total", "18plus", "12plus", "5plus")
ALERT_KINDS = ("low_stock", "deferral_spike", "certificate_backlog", "no_data")

KPI_COLUMNS = [
    "window", "start", "end", "doses", "planned", "plan_achievement", "screened", "deferrals",
    "deferral_rate", "issued", "backlog", "aefi_serious", "people_1plus", "people_full",
    "people_boosted", "population", "coverage_1plus", "coverage_full", "coverage_boosted",
    "on_hand", "used_7d", "days_of_stock",
]  # fmt: skip
RANKING_COLUMNS = [
    "area_code", "name", "area_level", "people_1plus", "people_full", "people_boosted",
    "population", "coverage_1plus", "coverage_full", "coverage_boosted", "doses", "planned",
    "plan_achievement",
]  # fmt: skip
ALERT_COLUMNS = [
    "kind", "severity", "score", "facility_id", "facility_name", "commune_code",
    "district_code", "value", "threshold", "on_hand", "daily_use", "screened", "baseline_rate",
    "backlog_days", "dates", "no_visit_days", "no_report_days", "shown_value",
    "shown_threshold", "shown_backlog_days",
]  # fmt: skip
# Digits the page shows: days with one decimal, rates as percentages with one decimal.
DAYS_DIGITS = 1
RATE_DIGITS = 3


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


def _population(conn: sa.Connection, area_code: str | None, denominator: str) -> float:
    if area_code is None:
        return math.nan
    value = conn.execute(
        sa.text("SELECT population FROM population WHERE area_code = :a AND denominator = :d"),
        {"a": area_code, "d": denominator},
    ).scalar()
    return float(value) if value is not None else math.nan


def _check_denominator(denominator: str) -> None:
    if denominator not in DENOMINATORS:
        raise ValueError(f"unknown denominator {denominator!r}; use one of {DENOMINATORS}")


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
    conn: sa.Connection, scope: Scope, period: Period, denominator: str = "18plus"
) -> pd.DataFrame:
    """The headline figures of the scope, one row per window (see `kpi_windows`).

    Per window [start, end] (METRICS.md):
    - flows over the days of the window: doses administered, approved planned doses and plan
      achievement (doses / planned), screened, deferrals (deferred + contraindicated +
      referred) and the deferral rate (deferrals / screened), certificates issued, serious AEFI
      reports (by onset day);
    - stocks at the end of the window's last day: certificate backlog, people with >= 1 dose,
      fully vaccinated and boosted (by residence; a site counts for its commune), coverage
      (people / the `denominator` census population of the area), doses on hand over the
      scope's stores (the running ledger balance; the latest row per store and vaccine on or
      before the day), doses used over the 7 days ending on the day (ledger), and days of
      stock = on hand / (used over those 7 days / 7), NaN when nothing was used.
    Ratios with a zero denominator are NaN.
    """
    _check_denominator(denominator)
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
    people = _day_index(
        _read(
            conn,
            "SELECT m.date, SUM(m.new_1plus) AS p1, SUM(m.new_full) AS pf, "
            "SUM(m.new_boosted) AS pb FROM mart_coverage_day m "
            "JOIN area a ON a.area_code = m.commune_code AND a.area_level = 'commune' "
            f"WHERE {com_where} AND m.date <= :end GROUP BY m.date",
            {**com_params, "end": end},
        )
    )
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
    population = _population(conn, _scope_area_code(conn, scope), denominator)

    rows = []
    for name, start, stop in windows:
        doses = _sum(sessions, "doses", start, stop)
        planned = _sum(plans, "planned", start, stop)
        screened = _sum(sessions, "screened", start, stop)
        deferrals = _sum(sessions, "deferrals", start, stop)
        backlog = _sum_to(certs, "backlog_in", stop, before=True) - _sum_to(
            certs, "backlog_out", stop
        )
        p1, pf, pb = (_sum_to(people, c, stop) for c in ("p1", "pf", "pb"))
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
        "people_1plus", "people_full", "people_boosted", "on_hand", "used_7d",
    ]  # fmt: skip
    out[counts] = out[counts].astype("int64")
    ratios = [c for c in KPI_COLUMNS if c not in counts and c not in ("window", "start", "end")]
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
    conn: sa.Connection, scope: Scope, period: Period, denominator: str = "18plus"
) -> pd.DataFrame:
    """The areas one level down, for ranking: the province's districts, or the communes of a
    district (for a commune or a site: the communes of its district).

    Per area: people with >= 1 dose, fully vaccinated and boosted at the end of the period, by
    residence, the `denominator` population and the coverages; doses administered in the
    period at the sites of the area (a site's area is its commune); approved planned doses and
    plan achievement (doses / planned). Every area, in code order.
    """
    _check_denominator(denominator)
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
    people = _read(
        conn,
        f"SELECT {key_area} AS area_code, SUM(m.new_1plus) AS people_1plus, "
        "SUM(m.new_full) AS people_full, SUM(m.new_boosted) AS people_boosted "
        "FROM mart_coverage_day m "
        "JOIN area a ON a.area_code = m.commune_code AND a.area_level = 'commune' "
        f"WHERE {area_where} AND m.date <= :end GROUP BY {key_area}",
        {**params, "end": period.end},
    )
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
    population = _read(
        conn,
        "SELECT p.area_code, p.population FROM population p "
        f"JOIN area a ON a.area_code = p.area_code AND a.area_level = '{level}' "
        "WHERE p.denominator = :d",
        {"d": denominator},
    )
    out = areas.assign(area_level=level)
    for part in (people, *flows, population):
        out = out.merge(part, on="area_code", how="left")
    counts = ["people_1plus", "people_full", "people_boosted", "doses", "planned"]
    out[counts] = out[counts].fillna(0).astype("int64")
    out["population"] = pd.to_numeric(out["population"]).astype("float64")
    for measure in ("1plus", "full", "boosted"):
        out[f"coverage_{measure}"] = measures.ratio(out[f"people_{measure}"], out["population"])
    out["plan_achievement"] = measures.plan_achievement(out["doses"], out["planned"])
    return out[RANKING_COLUMNS].reset_index(drop=True)


# --- alerts ---------------------------------------------------------------------------------
def _sites(conn: sa.Connection, scope: Scope) -> pd.DataFrame:
    where, params = scope.facility_filter("f")
    sites = _read(
        conn,
        "SELECT f.facility_id, f.name AS facility_name, f.commune_code, f.district_code, "
        f"f.active FROM facility f WHERE {where}",
        params,
    )
    # A site is active unless the platform says otherwise.
    active = sites["active"].map(lambda v: v is None or pd.isna(v) or bool(v))
    return sites[active.astype(bool)].drop(columns="active").set_index("facility_id")


def _low_stock(
    conn: sa.Connection, scope: Scope, period: Period, t: Thresholds, planned_sites: set[str]
) -> pd.DataFrame:
    where, params = scope.facility_filter("f")
    since = period.end - timedelta(days=STOCK_USE_DAYS - 1)
    df = _read(
        conn,
        "SELECT s.facility_id, SUM(m.received - m.issued_out - m.administered - m.wasted "
        "+ m.adjustment) AS on_hand, "
        "SUM(CASE WHEN m.date >= :since THEN m.administered ELSE 0 END) AS used "
        "FROM mart_stock_day m JOIN store s ON s.store_id = m.store_id "
        "JOIN facility f ON f.facility_id = s.facility_id "
        f"WHERE {where} AND m.date <= :end GROUP BY s.facility_id",
        {**params, "since": since, "end": period.end},
    )
    df["daily_use"] = df["used"] / STOCK_USE_DAYS
    df["value"] = np.where(
        df["on_hand"] <= 0,
        0.0,
        df["on_hand"] / df["daily_use"].where(df["daily_use"] > 0),
    )
    out_of_stock = (df["on_hand"] <= 0) & df["facility_id"].isin(planned_sites)
    low = (df["daily_use"] > 0) & (df["value"] < t.min_days_of_stock)
    df = df[out_of_stock | low].copy()
    df["kind"] = "low_stock"
    df["threshold"] = t.min_days_of_stock
    serious = (df["on_hand"] <= 0) | (df["value"] < t.serious_days_of_stock)
    df["severity"] = np.where(serious, "serious", "warning")
    df["score"] = t.min_days_of_stock / df["value"].clip(lower=0.1)
    return df


def _deferral_spike(
    conn: sa.Connection, scope: Scope, period: Period, t: Thresholds
) -> pd.DataFrame:
    where, params = scope.facility_filter("f")
    base_start = period.start - timedelta(weeks=t.spike_baseline_weeks)
    df = _read(
        conn,
        "SELECT m.facility_id, "
        "SUM(CASE WHEN m.date >= :start THEN m.screened ELSE 0 END) AS screened, "
        "SUM(CASE WHEN m.date >= :start THEN m.deferred + m.contraindicated + m.referred "
        "ELSE 0 END) AS deferrals, "
        "SUM(CASE WHEN m.date < :start THEN m.screened ELSE 0 END) AS base_screened, "
        "SUM(CASE WHEN m.date < :start THEN m.deferred + m.contraindicated + m.referred "
        "ELSE 0 END) AS base_deferrals "
        "FROM mart_session_day m JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date BETWEEN :base_start AND :end GROUP BY m.facility_id",
        {**params, **period.params(), "base_start": base_start},
    )
    df = df[(df["screened"] >= t.spike_min_screened) & (df["base_screened"] > 0)].copy()
    df["value"] = df["deferrals"] / df["screened"]
    df["baseline_rate"] = df["base_deferrals"] / df["base_screened"]
    df["threshold"] = t.spike_factor * df["baseline_rate"]
    df = df[(df["value"] > df["threshold"]) & (df["value"] >= t.spike_min_rate)].copy()
    times = df["value"] / df["baseline_rate"].where(df["baseline_rate"] > 0)
    times = times.fillna(np.inf)
    df["kind"] = "deferral_spike"
    df["severity"] = np.where(times >= t.spike_serious_factor, "serious", "warning")
    df["score"] = times / t.spike_factor
    return df


def _certificate_backlog(
    conn: sa.Connection, scope: Scope, period: Period, t: Thresholds
) -> pd.DataFrame:
    where, params = scope.facility_filter("f")
    since = period.end - timedelta(days=BACKLOG_PACE_DAYS - 1)
    backlog = _read(
        conn,
        "SELECT m.facility_id, "
        "SUM(CASE WHEN m.date < :end THEN m.backlog_in ELSE 0 END) - SUM(m.backlog_out) "
        "AS value FROM mart_certificate_day m JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date <= :end GROUP BY m.facility_id",
        {**params, "end": period.end},
    )
    pace = _read(
        conn,
        "SELECT m.facility_id, SUM(m.doses) AS doses FROM mart_session_day m "
        "JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date BETWEEN :since AND :end GROUP BY m.facility_id",
        {**params, "since": since, "end": period.end},
    )
    df = backlog.merge(pace, on="facility_id", how="left")
    df["doses"] = df["doses"].fillna(0)
    df["daily_use"] = df["doses"] / BACKLOG_PACE_DAYS  # the site's daily doses
    df["backlog_days"] = (df["value"] / df["daily_use"].where(df["daily_use"] > 0)).fillna(np.inf)
    df = df[(df["value"] >= t.backlog_min_count) & (df["backlog_days"] >= t.backlog_min_days)]
    df = df.copy()
    df["threshold"] = np.maximum(
        float(t.backlog_min_count), np.ceil(t.backlog_min_days * df["daily_use"])
    )
    df["kind"] = "certificate_backlog"
    df["severity"] = np.where(df["backlog_days"] >= t.backlog_serious_days, "serious", "warning")
    df["score"] = df["backlog_days"] / max(t.backlog_min_days, 1e-9)
    return df


def _planned_sites(conn: sa.Connection, scope: Scope, period: Period) -> set[str]:
    """Sites of the scope with an approved plan on a day of the period."""
    where, params = scope.facility_filter("f")
    df = _read(
        conn,
        "SELECT DISTINCT p.facility_id FROM mart_plan_day p "
        "JOIN facility f ON f.facility_id = p.facility_id "
        f"WHERE {where} AND p.date BETWEEN :start AND :end",
        {**params, **period.params()},
    )
    return set(df["facility_id"])


def _no_data(conn: sa.Connection, scope: Scope, period: Period, t: Thresholds) -> pd.DataFrame:
    """Late sites (METRICS.md, `queries.quality.late_sites`) by site: the days of the period
    with a plan and no visit or no stock report (value, dates), and how many of them had no
    visit and no stock report."""
    late = quality.late_sites(conn, scope, period)
    late = late.assign(day=pd.to_datetime(late["date"]).dt.strftime("%Y-%m-%d"))
    df = (
        late.sort_values("day")
        .groupby("facility_id", as_index=False)
        .agg(
            value=("day", "size"),
            dates=("day", ",".join),
            no_visit_days=("no_visits", "sum"),
            no_report_days=("no_stock_report", "sum"),
        )
    )
    df = df[df["value"] >= t.no_data_min_days].copy()
    df["value"] = df["value"].astype("float64")
    df["threshold"] = float(t.no_data_min_days)
    df["kind"] = "no_data"
    df["severity"] = np.where(df["value"] >= t.no_data_serious_days, "serious", "warning")
    df["score"] = df["value"] / t.no_data_min_days
    return df


def shown_over(value: float, threshold: float, digits: int) -> float:
    """`value` rounded to `digits` for display such that a value strictly over `threshold` is
    never shown as equal to or below it (the mirror of `measures.shown_under`)."""
    return -measures.shown_under(-value, -threshold, digits)


def _shown_threshold(threshold: float, shown: float, digits: int, *, below: bool) -> float:
    """A threshold rounded to `digits` for display beside the `shown` value: to the nearest
    when that keeps the value on its side (below it for "<", above it for ">"), else rounded
    up (for "<") or down (for ">")."""
    nearest = round(threshold, digits)
    if (shown < nearest) if below else (shown > nearest):
        return nearest
    factor = 10**digits
    scaled = round(threshold * factor, 9)  # 0.57 * 100 is 56.99999999999999
    return (math.ceil(scaled) if below else math.floor(scaled)) / factor


def _shown_row(row: pd.Series, t: Thresholds) -> tuple[float, float, float]:
    """(value, threshold, backlog days) of an alert as the page shows them: rounded so that
    neither the value against its threshold nor the severity contradicts what is shown."""
    kind, value, threshold = row["kind"], float(row["value"]), float(row["threshold"])
    days = math.nan
    if kind == "low_stock":
        limit = t.serious_days_of_stock if value < t.serious_days_of_stock else threshold
        shown = measures.shown_under(value, limit, DAYS_DIGITS)
        return shown, _shown_threshold(threshold, shown, DAYS_DIGITS, below=True), days
    if kind == "deferral_spike":
        shown = shown_over(value, threshold, RATE_DIGITS)
        return shown, _shown_threshold(threshold, shown, RATE_DIGITS, below=False), days
    if kind == "certificate_backlog" and math.isfinite(row["backlog_days"]):
        days = measures.shown_under(row["backlog_days"], t.backlog_serious_days, DAYS_DIGITS)
    return value, threshold, days


def alerts(
    conn: sa.Connection, scope: Scope, period: Period, thresholds: Thresholds | None = None
) -> pd.DataFrame:
    """The alerts of the period for the active sites of the scope, most severe first.

    Kinds (thresholds from `config/alerts.toml`, see `queries.alerts`):
    - `low_stock`: the site's stores hold fewer than `min_days_of_stock` days of stock at the
      period end (value: days of stock; 0 when out of stock with an approved plan in the
      period); `on_hand`, `daily_use` (mean daily ledger use over the last 7 days);
    - `deferral_spike`: the period's deferral rate (value) is above `factor` x the site's rate
      over the `baseline_weeks` before (threshold), with enough people screened;
    - `certificate_backlog`: the backlog at the period end (value) is at least `min_count` and
      at least `min_days` days of the site's mean daily doses over 28 days (`backlog_days`);
    - `no_data`: the site is late (METRICS.md "late sites", `queries.quality.late_sites`) on
      at least `no_data.min_days` days: days of the period with an approved plan and no visit
      or no stock report (value; the days in `dates`, ISO, comma-separated; of those,
      `no_visit_days` without a visit and `no_report_days` without a stock report).
    `shown_value`, `shown_threshold` and `shown_backlog_days` are those numbers rounded for
    display (days to 0.1, rates to 0.1 %) so that what is shown never contradicts its
    threshold or the severity (2.96 days under a 3-day threshold shows as 2.9).
    `severity` is "serious" or "warning"; `score` says how far past its threshold an alert
    is, and orders alerts within a severity (ties: the busiest site first).
    """
    t = thresholds or Thresholds()
    sites = _sites(conn, scope)
    parts = [
        _low_stock(conn, scope, period, t, _planned_sites(conn, scope, period)),
        _deferral_spike(conn, scope, period, t),
        _certificate_backlog(conn, scope, period, t),
        _no_data(conn, scope, period, t),
    ]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ALERT_COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    out = out[out["facility_id"].isin(sites.index)]
    out = out.join(sites, on="facility_id")
    shown = [_shown_row(row, t) for _, row in out.iterrows()]
    out["shown_value"] = [v for v, _, _ in shown]
    out["shown_threshold"] = [th for _, th, _ in shown]
    out["shown_backlog_days"] = [d for _, _, d in shown]
    for column in ALERT_COLUMNS:
        if column not in out:
            out[column] = np.nan
    out["score"] = out["score"].replace(np.inf, 1e9).astype("float64")
    out["_sev"] = out["severity"].map({"serious": 0, "warning": 1})
    out["_kind"] = out["kind"].map({k: i for i, k in enumerate(ALERT_KINDS)})
    # Ties (e.g. many sites out of stock) go to the busiest sites first.
    volume = {
        "low_stock": "daily_use",
        "deferral_spike": "screened",
        "certificate_backlog": "value",
    }
    out["_volume"] = 0.0
    for kind, column in volume.items():
        rows = out["kind"] == kind
        out.loc[rows, "_volume"] = out.loc[rows, column].astype("float64")
    out = out.sort_values(
        ["_sev", "score", "_volume", "_kind", "facility_id"], ascending=[1, 0, 0, 1, 1]
    )
    return out[ALERT_COLUMNS].reset_index(drop=True)
