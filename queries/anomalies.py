"""Anomaly flags of the weekly overview's alerts: what the data itself shows to be implausible,
by site, for a scope and period (thresholds from `config/alerts.toml`, see `queries.alerts`).

- `high_throughput`: sessions above `throughput.max_doses_per_table_hour` doses per
  table-hour (METRICS.md "throughput", the Flow page's `queries.flow.sessions`);
- `repeated_stock_report`: a site declaring the same remaining stock of a vaccine on at least
  `stock_report.repeat_min_reports` declarations in a row (the run ending in the period) while
  the ledger's balance of that store and vaccine changed over those days;
- `round_stock_report`: declarations in the period whose remaining stock is a positive
  multiple of `stock_report.round_multiple` and not what the ledger holds that day;
- `late_recording`: sites that recorded at least `recording_lag.min_late_share` of the
  period's injections after the session day (METRICS.md "recording lag").

Each function returns alert rows (facility_id, kind, severity, score, value, threshold and the
kind's own columns) as `queries.site_alerts.alerts` merges them.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import sqlalchemy as sa

from queries import flow
from queries.alerts import Thresholds
from queries.scope import Period, Scope

KINDS = ("high_throughput", "repeated_stock_report", "round_stock_report", "late_recording")
# How far back a run of repeated declarations ending in the period is followed.
REPEAT_LOOKBACK_DAYS = 90


def _read(conn: sa.Connection, sql: str, params: dict) -> pd.DataFrame:
    return pd.read_sql_query(sa.text(sql), conn, params=params)


def _iso(days: pd.Series) -> pd.Series:
    return pd.to_datetime(days).dt.strftime("%Y-%m-%d")


def high_throughput(
    conn: sa.Connection, scope: Scope, period: Period, t: Thresholds
) -> pd.DataFrame:
    """Sites with sessions above the bound: value = the highest session throughput, sessions
    = how many, dates = their days (ISO, comma-separated)."""
    s = flow.sessions(conn, scope, period)
    s = s[s["throughput"] > t.max_doses_per_table_hour].copy()
    if s.empty:
        return pd.DataFrame()
    s["day"] = _iso(s["date"])
    df = (
        s.sort_values("day")
        .groupby("facility_id", as_index=False)
        .agg(value=("throughput", "max"), sessions=("day", "size"), dates=("day", ",".join))
    )
    df["threshold"] = float(t.max_doses_per_table_hour)
    df["kind"] = "high_throughput"
    serious = df["sessions"] >= max(t.throughput_serious_sessions, 1)
    df["severity"] = np.where(serious, "serious", "warning")
    df["score"] = df["value"] / max(t.max_doses_per_table_hour, 1e-9)
    return df


def _declarations(conn: sa.Connection, scope: Scope, since, end) -> pd.DataFrame:
    """The sites' declared remaining stock with the ledger's balance, per store, vaccine and
    day from `since` to `end`."""
    where, params = scope.facility_filter("f")
    df = _read(
        conn,
        "SELECT s.facility_id, m.store_id, m.vaccine_code, m.date, m.declared_remaining, "
        "m.on_hand FROM mart_stock_day m JOIN store s ON s.store_id = m.store_id "
        "JOIN facility f ON f.facility_id = s.facility_id "
        f"WHERE {where} AND m.declared_remaining IS NOT NULL "
        "AND m.date BETWEEN :since AND :end",
        {**params, "since": since, "end": end},
    )
    df["date"] = pd.to_datetime(df["date"])
    return df.sort_values(["store_id", "vaccine_code", "date"]).reset_index(drop=True)


def repeated_stock_report(
    conn: sa.Connection, scope: Scope, period: Period, t: Thresholds
) -> pd.DataFrame:
    """Sites whose longest such run ends in the period: value = its length (declarations),
    declared = the repeated figure, vaccine_code, dates = first and last day of the run."""
    since = period.start - timedelta(days=REPEAT_LOOKBACK_DAYS)
    d = _declarations(conn, scope, since, period.end)
    if d.empty:
        return pd.DataFrame()
    key = (d["store_id"] + "|" + d["vaccine_code"]).to_numpy()
    value = d["declared_remaining"].to_numpy()
    new = np.ones(len(d), dtype=bool)
    new[1:] = (key[1:] != key[:-1]) | (value[1:] != value[:-1])
    d["run"] = np.cumsum(new)
    runs = d.groupby("run").agg(
        facility_id=("facility_id", "first"),
        vaccine_code=("vaccine_code", "first"),
        declared=("declared_remaining", "first"),
        value=("date", "size"),
        first=("date", "min"),
        last=("date", "max"),
        balances=("on_hand", "nunique"),
    )
    runs = runs[
        (runs["value"] >= t.repeat_min_reports)
        & (runs["last"] >= pd.Timestamp(period.start))
        & (runs["balances"] > 1)
    ]
    if runs.empty:
        return pd.DataFrame()
    runs = runs.sort_values(["value", "last"], ascending=False)
    df = runs.groupby("facility_id", as_index=False).first()
    df["dates"] = _iso(df["first"]) + "," + _iso(df["last"])
    df["value"] = df["value"].astype("float64")
    df["threshold"] = float(t.repeat_min_reports)
    df["kind"] = "repeated_stock_report"
    serious = df["value"] >= 2 * t.repeat_min_reports
    df["severity"] = np.where(serious, "serious", "warning")
    df["score"] = df["value"] / t.repeat_min_reports
    return df.drop(columns=["first", "last", "balances"])


def round_stock_report(
    conn: sa.Connection, scope: Scope, period: Period, t: Thresholds
) -> pd.DataFrame:
    """Sites with round declarations: value = their share of the site's declarations in the
    period, reports = how many are round, declarations = how many in all."""
    d = _declarations(conn, scope, period.start, period.end)
    if d.empty:
        return pd.DataFrame()
    declared = d["declared_remaining"].astype("int64")
    d["round"] = (declared > 0) & (declared % t.round_multiple == 0) & (declared != d["on_hand"])
    df = d.groupby("facility_id", as_index=False).agg(
        reports=("round", "sum"), declarations=("round", "size")
    )
    df["value"] = df["reports"] / df["declarations"]
    df = df[(df["reports"] >= max(t.round_min_reports, 1)) & (df["value"] >= t.round_min_share)]
    df = df.copy()
    df["threshold"] = float(t.round_min_share)
    df["kind"] = "round_stock_report"
    df["severity"] = "warning"
    df["score"] = df["value"] / max(t.round_min_share, 1e-9)
    return df


def late_recording(
    conn: sa.Connection, scope: Scope, period: Period, t: Thresholds
) -> pd.DataFrame:
    """Sites recording late: value = the share of the period's injections recorded after the
    session day, doses, recorded_late, lag_days = mean recording lag over the doses."""
    where, params = scope.facility_filter("f")
    df = _read(
        conn,
        "SELECT m.facility_id, SUM(m.doses) AS doses, SUM(m.recorded_late) AS recorded_late, "
        "SUM(m.recording_lag_days_sum) AS lag_sum "
        "FROM mart_session_day m JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date BETWEEN :start AND :end GROUP BY m.facility_id",
        {**params, **period.params()},
    )
    df["doses"] = pd.to_numeric(df["doses"]).fillna(0).astype("int64")
    df["recorded_late"] = pd.to_numeric(df["recorded_late"]).fillna(0).astype("int64")
    df = df[(df["doses"] >= max(t.late_min_doses, 1))].copy()
    df["value"] = df["recorded_late"] / df["doses"]
    df["lag_days"] = pd.to_numeric(df["lag_sum"]).astype("float64") / df["doses"]
    df = df[(df["recorded_late"] > 0) & (df["value"] >= t.late_min_share)].copy()
    df["threshold"] = float(t.late_min_share)
    df["kind"] = "late_recording"
    df["severity"] = np.where(df["value"] >= t.late_serious_share, "serious", "warning")
    df["score"] = df["value"] / max(t.late_min_share, 1e-9)
    return df.drop(columns="lag_sum")


def anomalies(conn: sa.Connection, scope: Scope, period: Period, t: Thresholds) -> list:
    """The alert rows of every anomaly kind (a list of frames, empty ones left out)."""
    parts = [
        high_throughput(conn, scope, period, t),
        repeated_stock_report(conn, scope, period, t),
        round_stock_report(conn, scope, period, t),
        late_recording(conn, scope, period, t),
    ]
    return [p for p in parts if not p.empty]
