"""Days until stock-out (Số ngày đến khi hết vắc xin) per store and vaccine, as of a day D.

    available     = on hand at the end of D + doses in transit to the store on D
    recent use    = doses that left the store (administered + wasted + issued out, ledger) in
                    the 14 days ending on D, / 14
    planned use   = planned doses of the approved session plans of the store's site in the 14
                    days after D, / 14 (site stores only: plans belong to sites)
    daily use     = the larger of recent use and planned use
    days left     = the whole days `available` covers at `daily use`: floor(available / daily
                    use); 0 when nothing is available; none when the store uses nothing
    stock-out day = D + days left

On hand is METRICS.md's computed balance (mart_stock_day). Doses in transit to a store are
those its senders issued to it (`transfer_out` naming it, on or before D) less those it booked
in (`transfer_in`, on or before D), never below zero; no mart holds transfers by receiver, so
this reads the stock ledger's transfers (not visit grain). The computation itself is
`days_until_stockout`, a pure function of the numbers.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import sqlalchemy as sa

from queries.scope import Period, Scope

WINDOW_DAYS = 14
COLUMNS = [
    "store_id", "level", "name", "district_name", "vaccine_code", "on_hand", "in_transit",
    "available", "used_recent", "planned_next", "recent_daily_use", "planned_daily_use",
    "daily_use", "days_left", "stockout_date",
]  # fmt: skip


def days_until_stockout(
    on_hand: float, in_transit: float, used_recent: float, planned_next: float,
    window: int = WINDOW_DAYS,
) -> tuple[float, int | None]:  # fmt: skip
    """(daily use, days left) by the module's formula, from the doses on hand, in transit,
    used in the last `window` days and planned for the next `window` days."""
    daily = max(used_recent / window, planned_next / window, 0.0)
    available = on_hand + in_transit
    if available <= 0:
        return daily, 0
    if daily == 0:
        return daily, None
    return daily, int(math.floor(available / daily + 1e-9))


def _read(conn: sa.Connection, sql: str, params: dict) -> pd.DataFrame:
    return pd.read_sql_query(sa.text(sql), conn, params=params)


def outlook(conn: sa.Connection, scope: Scope, as_of: date) -> pd.DataFrame:
    """Per store serving the scope and vaccine it holds, uses or awaits: on hand, in transit,
    recent and planned use and the days until stock-out as of the end of `as_of` (the
    module's formula). Soonest stock-out first; stores that use nothing last."""
    where, params = scope.store_filter("s")
    first = as_of - timedelta(days=WINDOW_DAYS - 1)
    last = as_of + timedelta(days=WINDOW_DAYS)
    day = {"day": as_of, "first": first, "last": last}
    stock = _read(
        conn,
        "SELECT k.store_id, k.vaccine_code, "
        "(SELECT m.on_hand FROM mart_stock_day m WHERE m.store_id = k.store_id "
        "AND m.vaccine_code = k.vaccine_code AND m.date <= :day ORDER BY m.date DESC LIMIT 1) "
        "AS on_hand, "
        "(SELECT SUM(m.administered + m.wasted + m.issued_out) FROM mart_stock_day m "
        "WHERE m.store_id = k.store_id AND m.vaccine_code = k.vaccine_code "
        "AND m.date BETWEEN :first AND :day) AS used_recent "
        "FROM (SELECT DISTINCT x.store_id, x.vaccine_code FROM mart_stock_day x) k "
        f"JOIN store s ON s.store_id = k.store_id WHERE {where}",
        {**params, **day},
    )
    sent = _read(
        conn,
        "SELECT t.counterparty_store_id AS store_id, t.vaccine_code, "
        "SUM(t.quantity_doses) AS sent FROM stock_transaction t JOIN store s "
        f"ON s.store_id = t.counterparty_store_id WHERE {where} "
        "AND t.txn_type = 'transfer_out' AND t.txn_date <= :day "
        "GROUP BY t.counterparty_store_id, t.vaccine_code",
        {**params, **day},
    )
    booked = _read(
        conn,
        "SELECT t.to_store_id AS store_id, t.vaccine_code, SUM(t.doses) AS booked "
        f"FROM mart_transfer_day t JOIN store s ON s.store_id = t.to_store_id WHERE {where} "
        "AND t.date <= :day GROUP BY t.to_store_id, t.vaccine_code",
        {**params, **day},
    )
    planned = _read(
        conn,
        "SELECT s.store_id, p.vaccine_code, SUM(p.planned_doses) AS planned_next "
        "FROM mart_plan_day p JOIN store s ON s.facility_id = p.facility_id "
        f"WHERE {where} AND p.date > :day AND p.date <= :last "
        "GROUP BY s.store_id, p.vaccine_code",
        {**params, **day},
    )
    key = ["store_id", "vaccine_code"]
    df = stock.merge(sent, on=key, how="outer").merge(booked, on=key, how="left")
    df = df.merge(planned, on=key, how="outer")
    for column in ("on_hand", "used_recent", "sent", "booked", "planned_next"):
        df[column] = pd.to_numeric(df[column]).fillna(0).astype("int64")
    df["in_transit"] = (df["sent"] - df["booked"]).clip(lower=0)
    df = df[(df[["on_hand", "used_recent", "in_transit", "planned_next"]] != 0).any(axis=1)]
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    results = [
        days_until_stockout(*values)
        for values in df[["on_hand", "in_transit", "used_recent", "planned_next"]].to_numpy()
    ]
    df["available"] = df["on_hand"] + df["in_transit"]
    df["recent_daily_use"] = df["used_recent"] / WINDOW_DAYS
    df["planned_daily_use"] = df["planned_next"] / WINDOW_DAYS
    df["daily_use"] = [r[0] for r in results]
    df["days_left"] = pd.array([r[1] for r in results], dtype="Int64")
    df["stockout_date"] = [
        None if pd.isna(d) else as_of + timedelta(days=int(d)) for d in df["days_left"]
    ]
    names = _read(
        conn,
        "SELECT s.store_id, s.level, s.name, d.name AS district_name FROM store s "
        f"LEFT JOIN area d ON d.area_code = s.district_code WHERE {where}",
        params,
    )
    df = df.merge(names, on="store_id", how="left")
    never = df["days_left"].isna().to_numpy()
    df = df.assign(_never=never, _days=np.where(never, 0, df["days_left"].fillna(0)))
    df = df.sort_values(["_never", "_days", "store_id", "vaccine_code"])
    return df.reset_index(drop=True)[COLUMNS]


def outlook_for_period(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """`outlook` as of the period's last day (the pages' read)."""
    return outlook(conn, scope, period.end)


def stockouts_within(
    conn: sa.Connection, scope: Scope, as_of: date, days: int, level: str | None = "facility"
) -> pd.DataFrame:
    """The `outlook` rows whose stock runs out within `days` days of `as_of` (0 = out now), of
    stores of `level` (all levels when None): for the overview's decisions."""
    df = outlook(conn, scope, as_of)
    soon = df["days_left"].notna() & (df["days_left"].fillna(days + 1) <= days)
    if level is not None:
        soon &= df["level"] == level
    return df[soon].reset_index(drop=True)
