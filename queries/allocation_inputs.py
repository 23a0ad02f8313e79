"""What the allocation proposal (`queries.allocation`) works from, read from the warehouse for a
scope (the province or a district), a vaccine and a day D (the view's last day):

- sites: the vaccination sites of the scope that have their own store;
- unvaccinated: per residence commune, the chosen target group's population less its people
  with at least one dose at the end of D (the coverage marts as they are today: all-age
  people over the chosen population, never below 0);
- due: per commune, the people due or overdue at the end of D (`queries.due.due_counts`) for
  their next primary dose after this vaccine or for a booster after any vaccine;
- need: the commune's unvaccinated + due, shared among its sites in proportion to their
  capacity (`allocation.share_need`);
- capacity: doses per table-hour of the site's sessions in the WINDOW_DAYS days ending on D
  (`queries.flow.by_site`) × its tables × `hours` a day × the window's days; the window is the
  planning horizon, shortened to the days until the shipment's first lot expires;
- stock: doses of the vaccine on hand and in transit at the site's store at the end of D, the
  daily use and days of stock (`queries.stockout.outlook`);
- lots: the province store's lots of the vaccine on hand at the end of D, not expired, the
  earliest expiry first (the shipment is taken from them in that order).
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import sqlalchemy as sa

from queries import allocation, due, flow, groups, stock, stockout
from queries.scope import Period, Scope

WINDOW_DAYS = 28
SITE_COLUMNS = [
    "facility_id", "name", "district_code", "district_name", "commune_code", "store_id",
    "unvaccinated", "due", "commune_need", "need", "per_table_hour", "tables", "capacity",
    "on_hand", "in_transit", "stock", "daily_use", "days_of_stock",
]  # fmt: skip
LOT_COLUMNS = ["lot_number", "expiry_date", "on_hand"]


def _read(conn: sa.Connection, sql: str, params: dict) -> pd.DataFrame:
    return pd.read_sql_query(sa.text(sql), conn, params=params)


def province_lots(conn: sa.Connection, vaccine: str, as_of: date) -> pd.DataFrame:
    """The province store's lots of `vaccine` on hand at the end of `as_of` that have not
    expired, earliest expiry first (LOT_COLUMNS)."""
    df = _read(
        conn,
        f"SELECT t.lot_number, t.expiry_date, SUM({stock.SIGNED_QUANTITY}) AS on_hand "
        "FROM stock_transaction t JOIN store s ON s.store_id = t.store_id "
        "WHERE s.level = 'province' AND t.vaccine_code = :v AND t.txn_date <= :day "
        "GROUP BY t.lot_number, t.expiry_date",
        {"v": vaccine, "day": as_of},
    )
    df["on_hand"] = pd.to_numeric(df["on_hand"]).fillna(0).astype("int64")
    df["expiry_date"] = pd.to_datetime(df["expiry_date"]).dt.date
    df = df[(df["on_hand"] > 0) & (df["expiry_date"] >= as_of)]
    return df.sort_values(["expiry_date", "lot_number"]).reset_index(drop=True)[LOT_COLUMNS]


def first_expiry(lots: pd.DataFrame, quantity: int) -> date | None:
    """The expiry date of the first lot the shipment takes (the earliest), None without lots
    or doses."""
    if quantity <= 0 or lots.empty:
        return None
    return lots["expiry_date"].iloc[0]


def window_days(as_of: date, horizon: int, expiry: date | None) -> int:
    """The planning horizon, or the days from D to the shipment's first expiry if fewer."""
    if expiry is None:
        return horizon
    return max(0, min(horizon, (expiry - as_of).days))


def _unvaccinated(conn: sa.Connection, scope: Scope, as_of: date, group: str):
    """People of the target `group` still without a dose, per residence commune on D: the
    group's estimated population in D's year less its people with >= 1 dose (never below 0)."""
    where, params = scope.facility_filter("a") if scope.level == "district" else ("1 = 1", {})
    communes = _read(
        conn, f"SELECT a.area_code FROM area a WHERE a.area_level = 'commune' AND {where}", params
    )["area_code"].tolist()
    counts = groups.people(conn, where, params, "a.area_code", [group], [as_of], areas=communes)
    pop = groups.population(conn, communes, [group], [as_of.year])
    people = counts.set_index("area_code")["people_1plus"].reindex(communes).fillna(0)
    population = pop.set_index("area_code")["population"].reindex(communes).fillna(0)
    left = (pd.to_numeric(population) - pd.to_numeric(people)).clip(lower=0).astype("int64")
    return dict(zip(communes, left.tolist(), strict=True))


def due_by_commune(counts: pd.DataFrame, vaccine: str) -> dict[str, int]:
    """People due or overdue per commune from `due.due_counts` rows: for their next primary
    dose after `vaccine`, or for a booster after any vaccine."""
    if counts.empty:
        return {}
    wanted = (counts["next_kind"] == "booster") | (counts["vaccine_code"] == vaccine)
    part = counts[wanted]
    return (part["due"] + part["overdue"]).groupby(part["commune_code"]).sum().to_dict()


def add_need(rows: pd.DataFrame, counts: pd.DataFrame, vaccine: str) -> pd.DataFrame:
    """`site_rows` with the people due (`due_by_commune` of `counts`), the commune's need and
    each site's share of it (SITE_COLUMNS). Pure: the intervals are applied by the caller."""
    df = rows.copy()
    df["due"] = df["commune_code"].map(due_by_commune(counts, vaccine)).fillna(0).astype("int64")
    df["commune_need"] = df["unvaccinated"] + df["due"]
    df["need"] = 0
    for _, part in df.groupby("commune_code"):
        shares = allocation.share_need(part["commune_need"].iloc[0], part["capacity"].tolist())
        df.loc[part.index, "need"] = shares
    df["need"] = df["need"].astype("int64")
    return df[SITE_COLUMNS]


def site_rows(
    conn: sa.Connection, scope: Scope, as_of: date, vaccine: str, group: str,
    hours: float, days: int,
) -> pd.DataFrame:  # fmt: skip
    """One row per site of the scope with its own store: everything `sites` gives but the
    people due and the need (`add_need` adds them), capacity over `days` days."""
    where, params = scope.facility_filter("f")
    df = _read(
        conn,
        "SELECT f.facility_id, f.name, f.district_code, d.name AS district_name, "
        "f.commune_code, s.store_id FROM facility f JOIN store s ON s.facility_id = "
        "f.facility_id AND s.level = 'facility' LEFT JOIN area d ON d.area_code = "
        f"f.district_code WHERE {where}",
        params,
    )
    df = df.drop_duplicates("facility_id").sort_values("facility_id").reset_index(drop=True)
    window = Period(as_of - timedelta(days=WINDOW_DAYS - 1), as_of)
    pace = flow.by_site(conn, scope, window).set_index("facility_id")
    df["per_table_hour"] = df["facility_id"].map(pace["throughput"]).astype("float64")
    df["tables"] = df["facility_id"].map(pace["tables"]).astype("float64")
    df["capacity"] = [
        allocation.capacity(r, t, hours, days)
        for r, t in zip(df["per_table_hour"], df["tables"], strict=True)
    ]
    outlook = stockout.outlook(conn, scope, as_of)
    outlook = outlook[outlook["vaccine_code"] == vaccine].set_index("store_id")
    for column, source in (("on_hand", "on_hand"), ("in_transit", "in_transit")):
        df[column] = df["store_id"].map(outlook[source]).fillna(0).astype("int64")
    df["stock"] = df["on_hand"] + df["in_transit"]
    df["daily_use"] = df["store_id"].map(outlook["daily_use"]).astype("float64").fillna(0.0)
    df["days_of_stock"] = df["store_id"].map(outlook["days_left"]).astype("Float64")
    unvaccinated = _unvaccinated(conn, scope, as_of, group)
    df["unvaccinated"] = df["commune_code"].map(unvaccinated).fillna(0).astype("int64")
    return df


def sites(
    conn: sa.Connection, scope: Scope, as_of: date, vaccine: str, group: str,
    hours: float, days: int,
) -> pd.DataFrame:  # fmt: skip
    """One row per site of the scope with its own store (SITE_COLUMNS): the inputs of
    `allocation.allocate` with the numbers behind them (the intervals file in use)."""
    rows = site_rows(conn, scope, as_of, vaccine, group, hours, days)
    return add_need(rows, due.due_counts(conn, scope, as_of), vaccine)


def site_rows_for_period(
    conn: sa.Connection, scope: Scope, period: Period, vaccine: str, group: str,
    hours: float, days: int,
) -> pd.DataFrame:  # fmt: skip
    """`site_rows` as of the period's last day (the page's cached read; the people due are
    added on every view, so a changed intervals file shows at once)."""
    return site_rows(conn, scope, period.end, vaccine, group, hours, days)


def lots_for_period(conn: sa.Connection, scope: Scope, period: Period, vaccine: str):
    """`province_lots` as of the period's last day (the page's cached read; the scope only
    keys the cache: the province store serves every scope)."""
    return province_lots(conn, vaccine, period.end)


def province_stock(conn: sa.Connection, scope: Scope, period: Period) -> dict[str, int]:
    """Doses of each vaccine the province store holds in unexpired lots at the end of the
    period's last day (the page's default vaccine is the one it holds most of)."""
    codes = _read(conn, "SELECT vaccine_code FROM vaccine ORDER BY vaccine_code", {})
    return {
        code: int(province_lots(conn, code, period.end)["on_hand"].sum())
        for code in codes["vaccine_code"]
    }
