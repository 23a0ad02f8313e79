"""What the weekly meeting must decide ("Cần quyết định" on the overview), for a scope and the
period's end; thresholds in the [decisions] section of `config/alerts.toml`.

- `stockouts`: sites' stores of the scope that run out of a vaccine within
  `decisions.stockout_within_days` (the stock page's days until stock-out, queries.stockout);
- `lots_to_move`: lots at a site that will expire before the site can use them while another
  site of the same district, short of that vaccine, could;
- `certificate_backlogs`: areas one level down whose certificate backlog is at least
  `decisions.backlog_days` days of their injections;
- `districts_missing_target`: districts whose projected date (queries.projections) misses the
  province's coverage target.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import sqlalchemy as sa

from queries import certificates, coverage, projections, stock, stockout
from queries.alerts import Thresholds
from queries.groups import DEFAULT_GROUP
from queries.scope import Period, Scope

STOCKOUT_COLUMNS = [
    "store_id", "store_name", "level", "facility_id", "district_code", "area_code",
    "vaccine_code", "on_hand", "available", "daily_use", "days_left",
]  # fmt: skip
MOVE_COLUMNS = [
    "store_id", "facility_id", "facility_name", "district_code", "vaccine_code", "lot_number",
    "expiry_date", "days_left", "on_hand", "daily_use", "unused", "to_facility_id",
    "to_facility_name", "to_on_hand", "to_daily_use", "can_use",
]  # fmt: skip
TARGET_COLUMNS = [
    "area_code", "name", "target", "target_date", "people", "population", "coverage", "pace",
    "status", "date", "date_earliest", "date_latest",
]  # fmt: skip
BACKLOG_COLUMNS = ["area_code", "level", "name", "backlog", "doses", "backlog_days"]
BACKLOG_DAYS = 28  # the mean daily injections a backlog is measured against


def _read(conn: sa.Connection, sql: str, params: dict) -> pd.DataFrame:
    return pd.read_sql_query(sa.text(sql), conn, params=params)


def _use(conn: sa.Connection, scope: Scope, period: Period, days: int) -> pd.DataFrame:
    """Per store and vaccine: on hand at the period end and mean daily use (administered, sent
    on and wasted) over the `days` days ending then."""
    where, params = scope.store_filter("s")
    since = period.end - timedelta(days=days - 1)
    use = _read(
        conn,
        "SELECT m.store_id, m.vaccine_code, "
        "SUM(m.administered + m.issued_out + m.wasted) AS used "
        "FROM mart_stock_day m JOIN store s ON s.store_id = m.store_id "
        f"WHERE {where} AND m.date BETWEEN :since AND :end "
        "GROUP BY m.store_id, m.vaccine_code",
        {**params, "since": since, "end": period.end},
    )
    balances = stock._balances(conn, scope, period.end)
    df = balances.merge(use, on=["store_id", "vaccine_code"], how="left")
    df["on_hand"] = pd.to_numeric(df["on_hand"]).fillna(0).astype("int64")
    df["daily_use"] = pd.to_numeric(df["used"]).fillna(0).astype("float64") / days
    stores = _read(
        conn,
        "SELECT s.store_id, s.name AS store_name, s.level, s.facility_id, s.district_code, "
        f"s.area_code FROM store s WHERE {where}",
        params,
    )
    return df.drop(columns="used").merge(stores, on="store_id", how="inner")


def stockouts(
    conn: sa.Connection, scope: Scope, period: Period, t: Thresholds | None = None
) -> pd.DataFrame:
    """Sites' stores and vaccines in use that run out within `stockout_within_days` days of the
    period's end (or are out), by the stock page's days until stock-out
    (`queries.stockout.outlook`: on hand and in transit against the larger of the recent and
    the planned daily use): soonest first, then the busiest."""
    t = t or Thresholds()
    df = stockout.outlook(conn, scope, period.end)
    # Sites' stores: district and province stores pass doses on the day they get them.
    df = df[(df["level"] == "facility") & (df["daily_use"] > 0) & df["days_left"].notna()]
    df = df[df["days_left"].astype("float64") < t.stockout_within_days]
    where, params = scope.store_filter("s")
    stores = _read(
        conn,
        "SELECT s.store_id, s.facility_id, s.district_code, s.area_code FROM store s "
        f"WHERE {where}",
        params,
    )
    df = df.rename(columns={"name": "store_name"}).merge(stores, on="store_id", how="left")
    df["days_left"] = df["days_left"].astype("float64")
    df = df.sort_values(["days_left", "daily_use", "store_id"], ascending=[True, False, True])
    return df.reset_index(drop=True)[STOCKOUT_COLUMNS]


def lots_to_move(
    conn: sa.Connection, scope: Scope, period: Period, t: Thresholds | None = None
) -> pd.DataFrame:
    """Lots on hand at a site that expire within `expiry.near_days` days (the stock page's
    `queries.stock.lots_near_expiry`) of which the site will not use `unused` doses before the
    expiry date at its recent pace (this lot used first), paired with the site of the same
    district that could use the most of them: its use until the expiry date beyond what it
    holds of that vaccine and what earlier lots were already proposed to it (`can_use` = the
    smaller of the two; the lots expiring first are paired first). Most doses saved first."""
    t = t or Thresholds()
    lots = stock.lots_near_expiry(conn, scope, period, t.near_expiry_days)
    lots = lots[lots["level"] == "facility"]
    if lots.empty:
        return pd.DataFrame(columns=MOVE_COLUMNS)
    # Takers may be anywhere in the lots' districts, also outside a commune or site scope.
    use = _use(conn, Scope.province(), period, t.stockout_use_days)
    use = use[use["level"] == "facility"].reset_index(drop=True)
    names = dict(_read(conn, "SELECT facility_id, name FROM facility", {}).values.tolist())
    own = {(r.store_id, r.vaccine_code): r for r in use.itertuples()}
    groups = {
        key: (
            part["store_id"].to_numpy(),
            part["daily_use"].to_numpy(dtype="float64"),
            part["on_hand"].to_numpy(dtype="float64"),
            part.index.to_numpy(),
        )
        for key, part in use.groupby(["district_code", "vaccine_code"])
    }
    taken = np.zeros(len(use))  # doses already proposed to each store (row of `use`)
    rows = []
    for lot in lots.sort_values(["expiry_date", "on_hand"], ascending=[True, False]).itertuples():
        site = own.get((lot.store_id, lot.vaccine_code))
        group = groups.get((site.district_code, lot.vaccine_code)) if site else None
        if group is None:
            continue
        days = max(lot.days_left, 0)
        unused = np.floor(lot.on_hand - site.daily_use * days)
        stores, daily, on_hand, index = group
        room = np.floor(daily * days - on_hand - taken[index])
        room[stores == lot.store_id] = 0
        if unused < 1 or room.max() < 1:
            continue
        best = use.loc[index[int(np.argmax(room))]]
        can_use = int(min(unused, room.max()))
        taken[index[int(np.argmax(room))]] += can_use
        rows.append(
            {
                "store_id": lot.store_id,
                "facility_id": site.facility_id,
                "facility_name": names.get(site.facility_id, site.facility_id),
                "district_code": site.district_code,
                "vaccine_code": lot.vaccine_code,
                "lot_number": lot.lot_number,
                "expiry_date": lot.expiry_date,
                "days_left": lot.days_left,
                "on_hand": lot.on_hand,
                "daily_use": site.daily_use,
                "unused": int(unused),
                "to_facility_id": best["facility_id"],
                "to_facility_name": names.get(best["facility_id"], best["facility_id"]),
                "to_on_hand": int(best["on_hand"]),
                "to_daily_use": float(best["daily_use"]),
                "can_use": can_use,
            }
        )
    if not rows:
        return pd.DataFrame(columns=MOVE_COLUMNS)
    df = pd.DataFrame(rows).sort_values(["can_use", "expiry_date"], ascending=[False, True])
    return df.reset_index(drop=True)[MOVE_COLUMNS]


def certificate_backlogs(
    conn: sa.Connection, scope: Scope, period: Period, t: Thresholds | None = None
) -> pd.DataFrame:
    """Areas one level down (`queries.certificates.by_area`) whose backlog at the period end is
    at least `certificate_backlog.min_count` and at least `decisions.backlog_days` days of their
    mean daily injections over the 28 days ending then (infinite without injections).
    Largest backlog in days first."""
    t = t or Thresholds()
    window = Period(period.end - timedelta(days=BACKLOG_DAYS - 1), period.end)
    df = certificates.by_area(conn, scope, window)
    daily = df["doses"].astype("float64") / BACKLOG_DAYS
    df = df.assign(backlog_days=(df["backlog"] / daily.where(daily > 0)).fillna(np.inf))
    df = df[
        (df["backlog"] >= t.backlog_min_count) & (df["backlog_days"] >= t.backlog_decision_days)
    ]
    df = df.sort_values(["backlog_days", "backlog"], ascending=False)
    return df.reset_index(drop=True)[BACKLOG_COLUMNS]


def districts_missing_target(
    conn: sa.Connection, scope: Scope, period: Period, t: Thresholds | None = None
) -> pd.DataFrame:
    """Districts of the scope (the province's, or the scope's own) that have not yet reached
    the province's target (`decisions.coverage_target` of the 18+ group fully vaccinated) and,
    at the pace of their last 14 days (`queries.projections`), would reach it after
    `decisions.coverage_target_date` or not at this pace. Latest first (never last)."""
    t = t or Thresholds()
    trend = coverage.coverage_trend(conn, scope, period, DEFAULT_GROUP)
    districts = set(
        _read(conn, "SELECT area_code FROM area WHERE area_level = 'district'", {})["area_code"]
    )
    trend = trend[trend["area_code"].isin(districts)]
    trend = trend.drop_duplicates(["area_code", "date"])
    found = projections.projections(trend, targets=(t.coverage_target,))
    if found.empty:
        return pd.DataFrame(columns=TARGET_COLUMNS)
    target_day = pd.Timestamp(t.coverage_target_date)
    late = (found["status"] == projections.NOT_AT_THIS_PACE) | (
        (found["status"] == projections.PROJECTED) & (found["date"] > target_day)
    )
    df = found[late].copy()
    names = dict(trend[["area_code", "name"]].drop_duplicates().to_numpy().tolist())
    df["name"] = df["area_code"].map(names)
    df["coverage"] = df["people"] / df["population"]
    df["target_date"] = target_day
    df = df.assign(_never=df["date"].isna()).sort_values(
        ["_never", "date", "area_code"], ascending=[False, False, True]
    )
    return df.reset_index(drop=True)[TARGET_COLUMNS]
