"""Vaccination sites for the map: activity, deferrals and stock per site, and one site's daily
series and funnel.

Every figure follows METRICS.md and is read from the marts (mart_session_day, mart_stock_day) and
the reference tables (facility, store, area); nothing here reads visit-grain tables.
"""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pandas as pd
import sqlalchemy as sa

from queries.scope import Period, Scope

STOCK_WINDOW_DAYS = 7  # days of stock: mean daily use over the 7 days ending on the day
STOCK_ALERT_DAYS = 3  # fewer than 3 days of stock: alert
STOCK_WARN_DAYS = 7  # 3 to 7 days: warning; 7 or more (or no use): ok
DEFERRAL_WARN = 0.05  # deferral rate from 5 %: warning
DEFERRAL_ALERT = 0.10  # from 10 %: alert
STATUSES = ("alert", "warn", "ok", "none")  # worst first
SESSION_COUNTS = [
    "checked_in", "screened", "deferred", "contraindicated", "referred", "doses", "observed",
]  # fmt: skip
FUNNEL_STEPS = ("checked_in", "screened", "doses", "observed")

SITE_COLUMNS = [
    "facility_id", "name", "facility_type", "commune_code", "commune_name", "district_code",
    "district_name", "address", "latitude", "longitude", "coordinate_status", "tables_count",
    "vaccinators_count", "emergency_staff_count", "person_in_charge", "person_in_charge_title",
    *SESSION_COUNTS, "deferrals", "deferral_rate", "has_store", "on_hand", "administered_7d",
    "days_of_stock", "stock_status", "deferral_status",
]  # fmt: skip


def _read(conn: sa.Connection, sql: str, params: dict) -> pd.DataFrame:
    return pd.read_sql_query(sa.text(sql), conn, params=params)


def deferral_rate(deferrals, screened):
    """(deferred + contraindicated + referred) / screened; NaN where nobody was screened."""
    deferrals = np.asarray(deferrals, dtype="float64")
    screened = np.asarray(screened, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(screened > 0, deferrals / screened, np.nan)


def days_of_stock(on_hand: float | None, administered_7d: float | None) -> float:
    """On hand / mean daily ledger-administered doses over the 7 days ending on the day.

    NaN without stock data; +inf when stock is on hand but none was used in those 7 days;
    0 when nothing is on hand and none was used.
    """
    if on_hand is None or pd.isna(on_hand):
        return math.nan
    used = 0.0 if administered_7d is None or pd.isna(administered_7d) else float(administered_7d)
    if used <= 0:
        return math.inf if on_hand > 0 else 0.0
    return float(on_hand) / (used / STOCK_WINDOW_DAYS)


def stock_status(days: float) -> str:
    """Bin days of stock: < 3 alert, 3 to < 7 warn, >= 7 (or no use) ok, no stock data none."""
    if days is None or pd.isna(days):
        return "none"
    if days < STOCK_ALERT_DAYS:
        return "alert"
    return "warn" if days < STOCK_WARN_DAYS else "ok"


def deferral_status(rate: float) -> str:
    """Bin a deferral rate: >= 10 % alert, 5 to < 10 % warn, < 5 % ok, nobody screened none."""
    if rate is None or pd.isna(rate):
        return "none"
    if rate >= DEFERRAL_ALERT:
        return "alert"
    return "warn" if rate >= DEFERRAL_WARN else "ok"


def site_status(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """One row per site of the scope (active, or with sessions in the period): its reference
    data, the four-step counts and deferrals of the period, and its stock at the period end.

    Stock is that of the site's own facility store(s): `on_hand` is the ledger balance at the
    end of the period (all vaccines), `administered_7d` the ledger-administered doses of the 7
    days ending on the period end; `days_of_stock` = on_hand / (administered_7d / 7). Sites
    without a store or without stock rows have NaN stock and status "none".
    """
    where, params = scope.facility_filter("f")
    window_start = period.end - timedelta(days=STOCK_WINDOW_DAYS - 1)
    sums = ", ".join(f"SUM(m.{c}) AS {c}" for c in SESSION_COUNTS)
    counts = ", ".join(f"s.{c}" for c in SESSION_COUNTS)
    sql = f"""
        WITH s AS (
            SELECT m.facility_id, {sums}
            FROM mart_session_day m JOIN facility f ON f.facility_id = m.facility_id
            WHERE {where} AND m.date BETWEEN :start AND :end
            GROUP BY m.facility_id
        ),
        fs AS (
            SELECT st.store_id, st.facility_id
            FROM store st JOIN facility f ON f.facility_id = st.facility_id
            WHERE {where}
        ),
        latest AS (
            SELECT m.store_id, m.vaccine_code, MAX(m.date) AS date
            FROM mart_stock_day m JOIN fs ON fs.store_id = m.store_id
            WHERE m.date <= :end
            GROUP BY m.store_id, m.vaccine_code
        ),
        oh AS (
            SELECT fs.facility_id, SUM(m.on_hand) AS on_hand
            FROM latest l
            JOIN mart_stock_day m
              ON m.store_id = l.store_id AND m.vaccine_code = l.vaccine_code AND m.date = l.date
            JOIN fs ON fs.store_id = l.store_id
            GROUP BY fs.facility_id
        ),
        used AS (
            SELECT fs.facility_id, SUM(m.administered) AS administered_7d
            FROM mart_stock_day m JOIN fs ON fs.store_id = m.store_id
            WHERE m.date BETWEEN :window_start AND :end
            GROUP BY fs.facility_id
        ),
        has AS (SELECT DISTINCT facility_id FROM fs)
        SELECT f.facility_id, f.name, f.facility_type, f.commune_code, c.name AS commune_name,
               f.district_code, d.name AS district_name, f.address, f.latitude, f.longitude,
               f.coordinate_status, f.tables_count, f.vaccinators_count,
               f.emergency_staff_count, f.person_in_charge, f.person_in_charge_title, f.active,
               {counts},
               CASE WHEN has.facility_id IS NULL THEN 0 ELSE 1 END AS has_store,
               oh.on_hand, used.administered_7d
        FROM facility f
        LEFT JOIN area c ON c.area_code = f.commune_code
        LEFT JOIN area d ON d.area_code = f.district_code
        LEFT JOIN s ON s.facility_id = f.facility_id
        LEFT JOIN oh ON oh.facility_id = f.facility_id
        LEFT JOIN used ON used.facility_id = f.facility_id
        LEFT JOIN has ON has.facility_id = f.facility_id
        WHERE {where}
        ORDER BY f.facility_id
    """
    df = _read(conn, sql, {**params, **period.params(), "window_start": window_start})
    df[SESSION_COUNTS] = df[SESSION_COUNTS].fillna(0).astype("int64")
    active = df["active"].fillna(True).astype(bool)
    df = df[active | (df["checked_in"] > 0)].reset_index(drop=True)
    df["deferrals"] = df["deferred"] + df["contraindicated"] + df["referred"]
    df["deferral_rate"] = deferral_rate(df["deferrals"], df["screened"])
    df["has_store"] = df["has_store"].astype(bool)
    df["on_hand"] = pd.to_numeric(df["on_hand"]).astype("Float64")
    # A store with stock rows but none used in the window has used nothing, not "unknown".
    used = pd.to_numeric(df["administered_7d"]).fillna(0)
    df["administered_7d"] = used.where(df["on_hand"].notna()).astype("Float64")
    df["days_of_stock"] = [
        days_of_stock(None if pd.isna(o) else o, u)
        for o, u in zip(df["on_hand"], df["administered_7d"], strict=True)
    ]
    df["stock_status"] = df["days_of_stock"].map(stock_status)
    df["deferral_status"] = df["deferral_rate"].map(deferral_status)
    return df[SITE_COLUMNS]


def site_daily(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """Checked in, screened and doses administered per day of the period for the scope (one
    site on the Sites page); every day of the period is present, zero without sessions."""
    where, params = scope.facility_filter("f")
    df = _read(
        conn,
        "SELECT m.date, SUM(m.checked_in) AS checked_in, SUM(m.screened) AS screened, "
        "SUM(m.doses) AS doses FROM mart_session_day m "
        f"JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date BETWEEN :start AND :end GROUP BY m.date",
        {**params, **period.params()},
    )
    df["date"] = pd.to_datetime(df["date"]).dt.normalize()
    out = df.set_index("date").reindex(period.days, fill_value=0)
    out = out.fillna(0).astype("int64").rename_axis("date").reset_index()
    return out[["date", "checked_in", "screened", "doses"]]


def site_funnel(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """The four steps over the period: reception (checked in) -> screening (screened) ->
    injection (doses) -> post-vaccination watch (injected visits with a recorded end of watch).

    Columns: step, count, share (of reception; NaN when nobody was received).
    """
    where, params = scope.facility_filter("f")
    sums = ", ".join(f"SUM(m.{c}) AS {c}" for c in FUNNEL_STEPS)
    row = _read(
        conn,
        f"SELECT {sums} FROM mart_session_day m JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date BETWEEN :start AND :end",
        {**params, **period.params()},
    ).iloc[0]
    counts = [0 if pd.isna(row[s]) else int(row[s]) for s in FUNNEL_STEPS]
    first = counts[0]
    return pd.DataFrame(
        {
            "step": list(FUNNEL_STEPS),
            "count": pd.Series(counts, dtype="int64"),
            "share": [c / first if first else math.nan for c in counts],
        }
    )


def placeable(df: pd.DataFrame) -> pd.Series:
    """The sites of `site_status` that can go on a map: coordinates checked ok and present."""
    return (df["coordinate_status"] == "ok") & df["latitude"].notna() & df["longitude"].notna()
