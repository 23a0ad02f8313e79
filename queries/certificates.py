"""Vaccination certificates (METRICS.md "Certificates"): issued against doses administered, the
backlog by area and site and its change week to week, and the lag from injection to certificate.
Read from mart_certificate_day and mart_dose_day.

backlog(D) = sum of backlog_in over days < D - sum of backlog_out over days <= D, which the mart
keeps as each facility's running total (`backlog`), so a day's backlog needs one row per site;
mean certificate lag = sum of (issued_at - injected_at) / certificates, in hours.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import sqlalchemy as sa

from queries import dimensions
from queries.measures import ratio
from queries.periods import trend_mondays, weekly_trend
from queries.scope import Period, Scope

TREND_WEEKS = 12
TOTAL_COLUMNS = ["issued", "doses", "backlog", "backlog_before", "backlog_change", "lag_hours"]
AREA_COLUMNS = ["area_code", "level", "name", "district_name", *TOTAL_COLUMNS]


def _read(conn: sa.Connection, sql: str, params: dict) -> pd.DataFrame:
    return pd.read_sql_query(sa.text(sql), conn, params=params)


def _backlog_at(conn: sa.Connection, scope: Scope, day, column: str | None = None) -> pd.DataFrame:
    """The backlog at the end of `day` by area code (`column` of the facility; one row "all"
    without): each facility's running total on its last mart row on or before `day`, plus that
    row's backlog_in when the row is from an earlier day. One index lookup per facility."""
    where, params = scope.facility_filter("f")
    key = f"f.{column}" if column else "'all'"
    df = _read(
        conn,
        f"SELECT {key} AS area_code, (SELECT CASE WHEN m.date = :day THEN m.backlog "
        "ELSE m.backlog + m.backlog_in END FROM mart_certificate_day m "
        "WHERE m.facility_id = f.facility_id AND m.date <= :day "
        f"ORDER BY m.date DESC LIMIT 1) AS backlog FROM facility f WHERE {where}",
        {**params, "day": day},
    )
    df["backlog"] = pd.to_numeric(df["backlog"]).fillna(0)
    return df.groupby("area_code", as_index=False)["backlog"].sum()


def _grouped(conn: sa.Connection, scope: Scope, period: Period, column: str | None):
    where, params = scope.facility_filter("f")
    key = f"f.{column}" if column else "'all'"
    p = {**params, **period.params()}
    certs = _read(
        conn,
        f"SELECT {key} AS area_code, SUM(m.issued) AS issued, "
        "SUM(m.lag_hours_sum) AS lag_sum, SUM(m.lag_count) AS lag_count "
        "FROM mart_certificate_day m JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date BETWEEN :start AND :end GROUP BY {key}",
        p,
    )
    backlog = _backlog_at(conn, scope, period.end, column)
    before = _backlog_at(conn, scope, period.start - timedelta(days=1), column)
    backlog = backlog.merge(
        before.rename(columns={"backlog": "backlog_before"}), on="area_code", how="outer"
    )
    doses = _read(
        conn,
        f"SELECT {key} AS area_code, SUM(m.doses) AS doses FROM mart_dose_day m "
        f"JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date BETWEEN :start AND :end GROUP BY {key}",
        p,
    )
    df = backlog.merge(certs, on="area_code", how="outer").merge(doses, on="area_code", how="outer")
    counts = ["issued", "backlog", "backlog_before", "doses", "lag_count"]
    df = df[df[counts].fillna(0).abs().sum(axis=1) > 0].copy()
    for c in counts:
        df[c] = df[c].fillna(0).astype("int64")
    df["backlog_change"] = df["backlog"] - df["backlog_before"]
    df["lag_hours"] = ratio(df["lag_sum"].astype("float64"), df["lag_count"])
    return df


def totals(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """One row: certificates issued in the period, doses administered (visits), the backlog at
    the end of the period and at the end of the day before it, its change, and the mean lag in
    hours from injection to certificate over certificates issued in the period (NaN if none)."""
    df = _grouped(conn, scope, period, None)
    if df.empty:
        df = pd.DataFrame([{c: 0 for c in TOTAL_COLUMNS}]).assign(lag_hours=np.nan)
    return df[TOTAL_COLUMNS].reset_index(drop=True)


def weekly(
    conn: sa.Connection, scope: Scope, period: Period, weeks: int = TREND_WEEKS
) -> pd.DataFrame:
    """The totals of the `weeks` ISO weeks ending with the period's last week, oldest first,
    with week_start and week_end columns (the last week stops at the period end); the backlog is
    the one at the end of each week, backlog_before the one at the end of the week before."""
    where, params = scope.facility_filter("f")
    first = trend_mondays(period.end, weeks)[0]
    # backlog(D) = backlog(D - 1) + backlog_in(D - 1) - backlog_out(D), from the day before
    # the first week on.
    opening = first - timedelta(days=1)
    p = {**params, "opening": opening, "first": first, "end": period.end}
    certs = _read(
        conn,
        "SELECT m.date, SUM(m.issued) AS issued, SUM(m.backlog_in) AS b_in, "
        "SUM(m.backlog_out) AS b_out, SUM(m.lag_hours_sum) AS lag_sum, "
        "SUM(m.lag_count) AS lag_count FROM mart_certificate_day m "
        f"JOIN facility f ON f.facility_id = m.facility_id WHERE {where} "
        "AND m.date BETWEEN :opening AND :end GROUP BY m.date",
        p,
    )
    doses = _read(
        conn,
        "SELECT m.date, SUM(m.doses) AS doses FROM mart_dose_day m "
        f"JOIN facility f ON f.facility_id = m.facility_id WHERE {where} "
        "AND m.date BETWEEN :first AND :end GROUP BY m.date",
        p,
    )
    days = pd.date_range(opening, period.end, freq="D")
    c = certs.assign(date=pd.to_datetime(certs["date"])).set_index("date").reindex(days)
    c = c.astype("float64").fillna(0)
    d = pd.Series(doses["doses"].to_numpy(), index=pd.to_datetime(doses["date"]), dtype="float64")
    c["doses"] = d.reindex(days).fillna(0)
    start_backlog = float(_backlog_at(conn, scope, opening)["backlog"].sum())
    came_in = c["b_in"].cumsum().shift(1, fill_value=0)
    went_out = c["b_out"].cumsum() - c["b_out"].iloc[0]
    c["backlog"] = start_backlog + came_in - went_out
    daily = c[["issued", "doses", "lag_sum", "lag_count", "backlog"]].rename_axis("date")
    how = {"issued": "sum", "doses": "sum", "lag_sum": "sum", "lag_count": "sum", "backlog": "last"}
    out = weekly_trend(daily.reset_index(), "date", period.end, weeks, how)
    out["backlog_before"] = out["backlog"].shift(1, fill_value=start_backlog)
    for col in ("issued", "doses", "backlog", "backlog_before"):
        out[col] = out[col].astype("int64")
    out["backlog_change"] = out["backlog"] - out["backlog_before"]
    out["lag_hours"] = ratio(out["lag_sum"], out["lag_count"])
    return out[["week_start", "week_end", *TOTAL_COLUMNS]]


def _named(conn: sa.Connection, scope: Scope, df: pd.DataFrame, level: str) -> pd.DataFrame:
    df = df.merge(dimensions.children(conn, scope, level), on="area_code", how="left")
    df["name"] = df["name"].fillna(df["area_code"])
    return df.assign(level=level)


def by_area(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """The totals one level below the scope: by district for the province, by commune for a
    district, by site for a commune or a site. Areas without doses, certificates or backlog are
    left out. Largest backlog first."""
    level = scope.child_level or "facility"  # a site: the site alone
    column = {"district": "district_code", "commune": "commune_code"}.get(level, "facility_id")
    df = _named(conn, scope, _grouped(conn, scope, period, column), level)
    active = (df["issued"] > 0) | (df["doses"] > 0) | (df["backlog"] > 0)
    df = df[active | (df["backlog_before"] > 0)]
    df = df.sort_values(["backlog", "name"], ascending=[False, True])
    return df.reset_index(drop=True)[AREA_COLUMNS]


def top_sites(conn: sa.Connection, scope: Scope, period: Period, n: int = 15) -> pd.DataFrame:
    """The `n` sites of the scope with the largest backlog at the period end (backlog > 0)."""
    df = _named(conn, scope, _grouped(conn, scope, period, "facility_id"), "facility")
    df = df[df["backlog"] > 0].sort_values(["backlog", "name"], ascending=[False, True])
    return df.head(n).reset_index(drop=True)[AREA_COLUMNS]
