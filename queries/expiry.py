"""Expired and near-expiry doses for the overview: lots still on hand at the period end whose
expiry date has passed, and those expiring within `expiry.near_days` days (the stock page's
`queries.stock.lots_near_expiry`), with their totals. Read from the stock ledger, bounded by
the scope's stores and the expiry dates."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from queries import stock
from queries.alerts import Thresholds
from queries.scope import Period, Scope

SUMMARY_COLUMNS = ["state", "lots", "stores", "doses"]


def expired_lots(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """Lots on hand at the end of the period (the ledger's running sum per store, vaccine and
    lot) whose expiry date is before the period end: doses that can no longer be given and
    have not been written off. Columns of `queries.stock.LOT_COLUMNS` (days_left < 0), the
    longest expired and then the largest first."""
    where, params = scope.store_filter("s")
    df = pd.read_sql_query(
        sa.text(
            "SELECT t.store_id, s.name AS store_name, s.level, d.name AS district_name, "
            f"t.vaccine_code, t.lot_number, t.expiry_date, SUM({stock.SIGNED_QUANTITY}) "
            "AS on_hand FROM stock_transaction t JOIN store s ON s.store_id = t.store_id "
            "LEFT JOIN area d ON d.area_code = s.district_code "
            f"WHERE {where} AND t.txn_date <= :end AND t.expiry_date < :end "
            "GROUP BY t.store_id, s.name, s.level, d.name, t.vaccine_code, t.lot_number, "
            "t.expiry_date"
        ),
        conn,
        params={**params, "end": period.end},
    )
    df = df[df["on_hand"].fillna(0) > 0].copy()
    if df.empty:
        return pd.DataFrame(columns=stock.LOT_COLUMNS)
    df["on_hand"] = df["on_hand"].astype("int64")
    expiry = pd.to_datetime(df["expiry_date"])
    df["expiry_date"] = expiry.dt.date
    df["days_left"] = (expiry - pd.Timestamp(period.end)).dt.days.astype("int64")
    df = df.sort_values(["expiry_date", "on_hand", "store_id"], ascending=[True, False, True])
    return df.reset_index(drop=True)[stock.LOT_COLUMNS]


def lots(
    conn: sa.Connection, scope: Scope, period: Period, t: Thresholds | None = None
) -> pd.DataFrame:
    """Expired lots then near-expiry ones (`state` "expired" or "near"), LOT_COLUMNS + state."""
    t = t or Thresholds()
    expired = expired_lots(conn, scope, period).assign(state="expired")
    near = stock.lots_near_expiry(conn, scope, period, t.near_expiry_days).assign(state="near")
    parts = [p for p in (expired, near) if not p.empty]
    if not parts:
        return pd.DataFrame(columns=[*stock.LOT_COLUMNS, "state"])
    return pd.concat(parts, ignore_index=True)


def summary(lots_df: pd.DataFrame) -> pd.DataFrame:
    """Per state ("expired", "near"): lots, stores holding them and doses on hand."""
    rows = []
    for state in ("expired", "near"):
        part = lots_df[lots_df["state"] == state]
        rows.append(
            {
                "state": state,
                "lots": int(
                    part[["store_id", "vaccine_code", "lot_number"]].drop_duplicates().shape[0]
                ),
                "stores": int(part["store_id"].nunique()),
                "doses": int(part["on_hand"].sum()),
            }
        )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
