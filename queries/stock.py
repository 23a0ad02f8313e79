"""Vaccine and stock (METRICS.md "Stock" and "Plans"): ledger flows by store and vaccine, the
on-hand balance, days of stock, stock-out days, wastage by reason, the gaps between the ledger,
the sites' declarations and the visits, and plans against doses administered. Read from
mart_stock_day, mart_stock_waste_day, mart_dose_day and mart_plan_day with the store and facility
dimensions. The flow of doses down the store hierarchy is `queries.stock_flow`.

wastage rate = wasted / (administered + wasted);
days of stock = on hand / mean daily ledger-administered doses over the 7 days ending that day;
stock-out day = a day a facility store with a plan for that vaccine has on hand <= 0.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import sqlalchemy as sa

from queries import measures
from queries.scope import Period, Scope

FLOWS = ["received", "issued_out", "administered", "wasted", "adjustment"]
TOTAL_COLUMNS = [
    *FLOWS, "on_hand", "wastage_rate", "days_of_stock", "stockout_days", "doses", "planned_doses",
]  # fmt: skip
STORE_COLUMNS = [
    "store_id", "level", "name", "district_name", "vaccine_code", "vaccine_name", *FLOWS,
    "on_hand", "declared_remaining", "wastage_rate", "days_of_stock",
]  # fmt: skip
GAP_COLUMNS = [
    "facility_id", "name", "district_name", "declared_remaining", "on_hand", "stock_discrepancy",
    "administered", "doses", "administered_gap", "largest_gap",
]  # fmt: skip


def _read(conn: sa.Connection, sql: str, params: dict) -> pd.DataFrame:
    return pd.read_sql_query(sa.text(sql), conn, params=params)


def _latest(conn: sa.Connection, scope: Scope, day, declared: bool = False) -> pd.DataFrame:
    """Per store and vaccine serving the scope with a mart row on or before `day`: on hand
    (computed) at the end of `day`, the latest running sum; with `declared`, also the latest
    declared remaining stock on or before `day` (missing when never declared).

    One index lookup per store and vaccine (the mart's key is store, vaccine, date) rather than
    a pass over every day of every series."""
    where, params = scope.store_filter("s")
    latest = (
        "(SELECT m.{c} FROM mart_stock_day m WHERE m.store_id = k.store_id "
        "AND m.vaccine_code = k.vaccine_code AND m.date <= :day{cond} "
        "ORDER BY m.date DESC LIMIT 1)"
    )
    columns = latest.format(c="on_hand", cond="") + " AS on_hand"
    if declared:
        columns += ", " + latest.format(
            c="declared_remaining", cond=" AND m.declared_remaining IS NOT NULL"
        )
        columns += " AS declared_remaining"
    df = _read(
        conn,
        f"SELECT k.store_id, k.vaccine_code, {columns} FROM "
        "(SELECT DISTINCT x.store_id, x.vaccine_code FROM mart_stock_day x) k "
        f"JOIN store s ON s.store_id = k.store_id WHERE {where}",
        {**params, "day": day},
    )
    return df[df["on_hand"].notna()].reset_index(drop=True)


def _balances(conn: sa.Connection, scope: Scope, day) -> pd.DataFrame:
    """On hand (computed) per store and vaccine at the end of `day`: the latest running sum."""
    return _latest(conn, scope, day)


def _stockout_days(conn: sa.Connection, scope: Scope, period: Period) -> int:
    where, params = scope.facility_filter("f")
    n = conn.execute(
        sa.text(
            "SELECT COUNT(*) FROM (SELECT p.facility_id, p.date, p.vaccine_code, "
            "(SELECT m.on_hand FROM mart_stock_day m WHERE m.store_id = s.store_id "
            "AND m.vaccine_code = p.vaccine_code AND m.date <= p.date "
            "ORDER BY m.date DESC LIMIT 1) AS on_hand "
            "FROM mart_plan_day p JOIN facility f ON f.facility_id = p.facility_id "
            "JOIN store s ON s.facility_id = p.facility_id "
            f"WHERE {where} AND p.date BETWEEN :start AND :end AND p.planned_doses > 0) t "
            "WHERE COALESCE(t.on_hand, 0) <= 0"
        ),
        {**params, **period.params()},
    ).scalar()
    return int(n or 0)


def _facility_sum(conn: sa.Connection, scope: Scope, period: Period, mart: str, column: str) -> int:
    """The sum of a facility-day mart's column over the scope's facilities and the period."""
    where, params = scope.facility_filter("f")
    n = conn.execute(
        sa.text(
            f"SELECT SUM(m.{column}) FROM {mart} m JOIN facility f "
            f"ON f.facility_id = m.facility_id WHERE {where} AND m.date BETWEEN :start AND :end"
        ),
        {**params, **period.params()},
    ).scalar()
    return int(n or 0)


def totals(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """One row for the stores serving the scope over the period: the ledger flows (summed over
    every store, so transfers between two stores of the scope count at both ends), on hand at
    the end of the period, the wastage rate, days of stock at the period end, stock-out days of
    the facility stores, doses administered from visits and planned doses."""
    where, params = scope.store_filter("s")
    sums = ", ".join(f"SUM(m.{c}) AS {c}" for c in FLOWS)
    df = _read(
        conn,
        f"SELECT {sums} FROM mart_stock_day m JOIN store s ON s.store_id = m.store_id "
        f"WHERE {where} AND m.date BETWEEN :start AND :end",
        {**params, **period.params()},
    )
    df[FLOWS] = df[FLOWS].fillna(0).astype("int64")
    on_hand = int(_balances(conn, scope, period.end)["on_hand"].sum())
    week = Period(period.end - timedelta(days=6), period.end)
    last7 = conn.execute(
        sa.text(
            "SELECT SUM(m.administered) FROM mart_stock_day m JOIN store s "
            f"ON s.store_id = m.store_id WHERE {where} AND m.date BETWEEN :start AND :end"
        ),
        {**params, **week.params()},
    ).scalar()
    df["on_hand"] = on_hand
    df["wastage_rate"] = measures.ratio(df["wasted"], df["administered"] + df["wasted"])
    df["days_of_stock"] = measures.ratio(df["on_hand"], (last7 or 0) / 7)
    df["stockout_days"] = _stockout_days(conn, scope, period)
    df["doses"] = _facility_sum(conn, scope, period, "mart_dose_day", "doses")
    df["planned_doses"] = _facility_sum(conn, scope, period, "mart_plan_day", "planned_doses")
    return df[TOTAL_COLUMNS]


def by_store(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """Per store and vaccine serving the scope: the period's flows, on hand and the declared
    remaining stock at the period end (the latest declaration on or before it), the wastage rate
    and days of stock at the period end. Stores without stock or movement are left out. Ordered
    province, district, site stores, then by name."""
    where, params = scope.store_filter("s")
    week = period.end - timedelta(days=6)
    sums = ", ".join(f"SUM(CASE WHEN m.date >= :start THEN m.{c} ELSE 0 END) AS {c}" for c in FLOWS)
    latest = _latest(conn, scope, period.end, declared=True)
    if latest.empty:
        return pd.DataFrame(columns=STORE_COLUMNS)
    flows = _read(
        conn,
        f"SELECT m.store_id, m.vaccine_code, {sums}, "
        "SUM(CASE WHEN m.date >= :week THEN m.administered ELSE 0 END) AS last7 "
        f"FROM mart_stock_day m JOIN store s ON s.store_id = m.store_id "
        f"WHERE {where} AND m.date BETWEEN :first AND :end GROUP BY m.store_id, m.vaccine_code",
        {**params, **period.params(), "week": week, "first": min(period.start, week)},
    )
    names = _read(
        conn,
        "SELECT s.store_id, s.level, s.name, d.name AS district_name FROM store s "
        f"LEFT JOIN area d ON d.area_code = s.district_code WHERE {where}",
        params,
    )
    vaccines = _read(conn, "SELECT vaccine_code, name AS vaccine_name FROM vaccine", {})
    df = (
        latest.merge(flows, on=["store_id", "vaccine_code"], how="left")
        .merge(names, on="store_id", how="left")
        .merge(vaccines, on="vaccine_code", how="left")
    )
    df[[*FLOWS, "last7"]] = df[[*FLOWS, "last7"]].fillna(0).astype("int64")
    df["on_hand"] = df["on_hand"].fillna(0).astype("int64")
    df["declared_remaining"] = pd.to_numeric(df["declared_remaining"]).astype("Int64")
    df["wastage_rate"] = measures.ratio(df["wasted"], df["administered"] + df["wasted"])
    df["days_of_stock"] = measures.ratio(df["on_hand"], df["last7"] / 7)
    moved = df[FLOWS].abs().sum(axis=1) > 0
    df = df[moved | (df["on_hand"] != 0)]
    rank = df["level"].map({"province": 0, "district": 1, "facility": 2}).fillna(3)
    df = df.assign(_rank=rank).sort_values(["_rank", "name", "store_id", "vaccine_code"])
    return df.reset_index(drop=True)[STORE_COLUMNS]


def waste_by_reason(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """Doses wasted in the period by reason and vaccine. Columns: waste_reason, vaccine_code,
    doses (largest first)."""
    where, params = scope.store_filter("s")
    df = _read(
        conn,
        "SELECT m.waste_reason, m.vaccine_code, SUM(m.doses) AS doses FROM mart_stock_waste_day m "
        f"JOIN store s ON s.store_id = m.store_id WHERE {where} "
        "AND m.date BETWEEN :start AND :end GROUP BY m.waste_reason, m.vaccine_code",
        {**params, **period.params()},
    )
    df["waste_reason"] = df["waste_reason"].fillna("")
    df["doses"] = df["doses"].fillna(0).astype("int64")
    df = df[df["doses"] > 0]
    return df.sort_values(["doses", "waste_reason"], ascending=[False, True]).reset_index(drop=True)


def gaps(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """Per site (facility store): the declared remaining stock against the ledger's on hand on
    the site's latest declared day in the period (summed over vaccines), and ledger-administered
    against doses recorded in visits over the period. Only sites with a gap, largest absolute
    gap first."""
    where, params = scope.facility_filter("f")
    p = {**params, **period.params()}
    declared = _read(
        conn,
        "SELECT s.facility_id, SUM(m.declared_remaining) AS declared_remaining, "
        "SUM(m.on_hand) AS on_hand FROM mart_stock_day m "
        "JOIN (SELECT x.store_id, x.vaccine_code, MAX(x.date) AS d FROM mart_stock_day x "
        "WHERE x.date BETWEEN :start AND :end AND x.declared_remaining IS NOT NULL "
        "GROUP BY x.store_id, x.vaccine_code) l "
        "ON l.store_id = m.store_id AND l.vaccine_code = m.vaccine_code AND l.d = m.date "
        "JOIN store s ON s.store_id = m.store_id JOIN facility f ON f.facility_id = s.facility_id "
        f"WHERE {where} GROUP BY s.facility_id",
        p,
    )
    ledger = _read(
        conn,
        "SELECT s.facility_id, SUM(m.administered) AS administered FROM mart_stock_day m "
        "JOIN store s ON s.store_id = m.store_id JOIN facility f ON f.facility_id = s.facility_id "
        f"WHERE {where} AND m.date BETWEEN :start AND :end GROUP BY s.facility_id",
        p,
    )
    visits = _read(
        conn,
        "SELECT m.facility_id, SUM(m.doses) AS doses FROM mart_dose_day m "
        "JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date BETWEEN :start AND :end GROUP BY m.facility_id",
        p,
    )
    names = _read(
        conn,
        "SELECT f.facility_id, f.name, d.name AS district_name FROM facility f "
        f"LEFT JOIN area d ON d.area_code = f.district_code WHERE {where}",
        params,
    )
    df = declared.merge(ledger, on="facility_id", how="outer").merge(
        visits, on="facility_id", how="outer"
    )
    if df.empty:
        return pd.DataFrame(columns=GAP_COLUMNS)
    df = df.merge(names, on="facility_id", how="left")
    for c in ("declared_remaining", "on_hand"):
        df[c] = pd.to_numeric(df[c]).astype("Int64")
    df["administered"] = df["administered"].fillna(0).astype("int64")
    df["doses"] = df["doses"].fillna(0).astype("int64")
    df["stock_discrepancy"] = (df["declared_remaining"] - df["on_hand"]).astype("Int64")
    df["administered_gap"] = df["administered"] - df["doses"]
    df["largest_gap"] = np.maximum(
        df["stock_discrepancy"].abs().fillna(0).astype("int64"), df["administered_gap"].abs()
    )
    df = df[df["largest_gap"] > 0]
    df = df.sort_values(["largest_gap", "name"], ascending=[False, True])
    return df.reset_index(drop=True)[GAP_COLUMNS]


def daily(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """Every day of the period: planned doses, doses administered from visits and the ledger's
    administered doses of the facility stores in the scope. Columns: date, planned_doses, doses,
    administered."""
    where, params = scope.facility_filter("f")
    p = {**params, **period.params()}
    parts = {
        "planned_doses": "SELECT m.date, SUM(m.planned_doses) AS v FROM mart_plan_day m "
        "JOIN facility f ON f.facility_id = m.facility_id",
        "doses": "SELECT m.date, SUM(m.doses) AS v FROM mart_dose_day m "
        "JOIN facility f ON f.facility_id = m.facility_id",
        "administered": "SELECT m.date, SUM(m.administered) AS v FROM mart_stock_day m "
        "JOIN store s ON s.store_id = m.store_id JOIN facility f ON f.facility_id = s.facility_id",
    }
    days = pd.date_range(period.start, period.end, freq="D")
    out = pd.DataFrame({"date": days})
    for column, sql in parts.items():
        df = _read(
            conn, f"{sql} WHERE {where} AND m.date BETWEEN :start AND :end GROUP BY m.date", p
        )
        s = pd.Series(df["v"].to_numpy(), index=pd.to_datetime(df["date"]), dtype="float64")
        out[column] = s.reindex(days).fillna(0).astype("int64").to_numpy()
    return out


LOT_COLUMNS = [
    "store_id", "store_name", "level", "district_name", "vaccine_code", "lot_number",
    "expiry_date", "on_hand", "days_left",
]  # fmt: skip
SIGNED_QUANTITY = (
    "CASE WHEN t.txn_type IN ('receipt', 'transfer_in', 'adjustment') THEN t.quantity_doses "
    "WHEN t.txn_type IN ('transfer_out', 'administered', 'wasted') THEN -t.quantity_doses "
    "ELSE 0 END"
)


def lots_near_expiry(
    conn: sa.Connection, scope: Scope, period: Period, days: int = 30
) -> pd.DataFrame:
    """Lots on hand at the end of the period (the ledger's running sum per store, vaccine and
    lot) whose expiry date falls from the period end to `days` days after it. No mart holds lot
    balances: this reads the stock ledger (not visit grain), bounded by the scope's stores and
    the expiry window. Soonest expiry first, then the largest quantity."""
    where, params = scope.store_filter("s")
    last = period.end + timedelta(days=days)
    df = _read(
        conn,
        "SELECT t.store_id, s.name AS store_name, s.level, d.name AS district_name, "
        f"t.vaccine_code, t.lot_number, t.expiry_date, SUM({SIGNED_QUANTITY}) AS on_hand "
        "FROM stock_transaction t JOIN store s ON s.store_id = t.store_id "
        "LEFT JOIN area d ON d.area_code = s.district_code "
        f"WHERE {where} AND t.txn_date <= :end AND t.expiry_date BETWEEN :end AND :last "
        "GROUP BY t.store_id, s.name, s.level, d.name, t.vaccine_code, t.lot_number, "
        "t.expiry_date",
        {**params, "end": period.end, "last": last},
    )
    df = df[df["on_hand"].fillna(0) > 0].copy()
    if df.empty:
        return pd.DataFrame(columns=LOT_COLUMNS)
    df["on_hand"] = df["on_hand"].astype("int64")
    expiry = pd.to_datetime(df["expiry_date"])
    df["expiry_date"] = expiry.dt.date
    df["days_left"] = (expiry - pd.Timestamp(period.end)).dt.days.astype("int64")
    df = df.sort_values(["expiry_date", "on_hand", "store_id"], ascending=[True, False, True])
    return df.reset_index(drop=True)[LOT_COLUMNS]
