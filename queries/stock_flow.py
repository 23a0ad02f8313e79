"""The flow of doses down the store hierarchy (METRICS.md "Stock"): who sent how many doses to
whom, from real sender -> receiver pairs (mart_transfer_day) and the national receipts of the
stores (mart_stock_day's received doses less their transfers in), and the links of a Sankey of
them (national level -> province store -> district stores -> site stores).
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from queries.scope import Period, Scope


def _read(conn: sa.Connection, sql: str, params: dict) -> pd.DataFrame:
    return pd.read_sql_query(sa.text(sql), conn, params=params)


TRANSFER_COLUMNS = [
    "kind", "from_store_id", "from_name", "from_level", "from_district_code",
    "from_district_name", "to_store_id", "to_name", "to_level", "to_district_code",
    "to_district_name", "vaccine_code", "doses",
]  # fmt: skip
FLOW_COLUMNS = [
    "source", "target", "source_name", "target_name", "source_level", "target_level", "doses",
]  # fmt: skip
# Sankey columns, left to right; a link that does not go right (a return to a higher store,
# a transfer between two stores of one level) is left out of the drawing.
FLOW_RANK = {"national": 0, "unknown": 0, "province": 1, "district": 2, "facility": 3, "sites": 3}
SITE_NODES = 40  # more site stores than this are drawn one node per district


def _store_names(conn: sa.Connection) -> pd.DataFrame:
    return _read(
        conn,
        "SELECT s.store_id, s.name, s.level, s.district_code, d.name AS district_name "
        "FROM store s LEFT JOIN area d ON d.area_code = s.district_code",
        {},
    )


def transfers(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """Doses received over the period, per sender, receiver and vaccine: transfers (kind
    "transfer") booked in by a receiver in the period whose receiver or sender serves the scope,
    and national receipts (kind "receipt", no sender) of the stores serving the scope.

    A transfer counts on the receiver's `transfer_in` day; doses sent and not yet received are
    not here. A receipt is the store's received doses less its transfers in. from_store_id is
    '' for a receipt and for a transfer whose receiver recorded no sender.
    Columns: kind, from_store_id, from_name, from_level, from_district_code, from_district_name,
    to_store_id, to_name, to_level, to_district_code, to_district_name, vaccine_code, doses;
    largest first within sender and receiver levels.
    """
    to_in, params = scope.store_filter("r")
    from_in, _ = scope.store_filter("s")
    p = {**params, **period.params()}
    moved = _read(
        conn,
        "SELECT t.from_store_id, t.to_store_id, t.vaccine_code, SUM(t.doses) AS doses "
        "FROM mart_transfer_day t LEFT JOIN store r ON r.store_id = t.to_store_id "
        "LEFT JOIN store s ON s.store_id = t.from_store_id "
        f"WHERE t.date BETWEEN :start AND :end AND (({to_in}) OR ({from_in})) "
        "GROUP BY t.from_store_id, t.to_store_id, t.vaccine_code",
        p,
    )
    moved["kind"] = "transfer"
    received = _read(
        conn,
        "SELECT m.store_id AS to_store_id, m.vaccine_code, SUM(m.received) AS received "
        "FROM mart_stock_day m JOIN store r ON r.store_id = m.store_id "
        f"WHERE {to_in} AND m.date BETWEEN :start AND :end GROUP BY m.store_id, m.vaccine_code",
        p,
    )
    transfers_in = moved.groupby(["to_store_id", "vaccine_code"])["doses"].sum()
    received["doses"] = (
        received["received"]
        - received.set_index(["to_store_id", "vaccine_code"])
        .index.map(transfers_in)
        .fillna(0)
        .to_numpy()
    )
    receipts = received[received["doses"] > 0].assign(kind="receipt", from_store_id="")
    df = pd.concat([moved, receipts[moved.columns]], ignore_index=True)
    df = df[df["doses"] > 0]
    if df.empty:
        return pd.DataFrame(columns=TRANSFER_COLUMNS)
    df["doses"] = df["doses"].astype("int64")
    names = _store_names(conn).set_index("store_id")
    for side in ("from", "to"):
        ids = df[f"{side}_store_id"]
        df[f"{side}_name"] = ids.map(names["name"])
        df[f"{side}_level"] = ids.map(names["level"])
        df[f"{side}_district_code"] = ids.map(names["district_code"])
        df[f"{side}_district_name"] = ids.map(names["district_name"])
    df.loc[df["kind"] == "receipt", "from_level"] = "national"
    rank = {"national": 0, "province": 1, "district": 2, "facility": 3}
    df = df.assign(
        _from=df["from_level"].map(rank).fillna(4), _to=df["to_level"].map(rank).fillna(4)
    ).sort_values(["_from", "_to", "doses", "to_store_id"], ascending=[True, True, False, True])
    return df.reset_index(drop=True)[TRANSFER_COLUMNS]


def drawn_links(links: pd.DataFrame) -> pd.DataFrame:
    """The links of `flow_links` a Sankey draws: those going right (down the hierarchy); a
    return to a higher store or a transfer between two stores of one level is left out."""
    going_right = links["target_level"].map(FLOW_RANK) > links["source_level"].map(FLOW_RANK)
    return links[going_right]


def flow(
    conn: sa.Connection, scope: Scope, period: Period, site_nodes: int = SITE_NODES
) -> pd.DataFrame:
    """The links of a Sankey of `transfers` for the scope and period (see `flow_links`)."""
    return flow_links(transfers(conn, scope, period), site_nodes)


def flow_links(df: pd.DataFrame, site_nodes: int = SITE_NODES) -> pd.DataFrame:
    """The links of a Sankey of a `transfers` frame: national level -> province store ->
    district stores -> site stores, each link the doses from one node to another over all
    vaccines. Site stores become one node per district ("f:<district code>", level "sites")
    when there are more than `site_nodes` of them; a store's node is "s:<store_id>"; the
    national level is "national"; a sender nobody recorded is "unknown".

    Columns: source, target, source_name, target_name, source_level, target_level, doses
    (positive links only, sender level then receiver level, largest first).
    """
    if df.empty:
        return pd.DataFrame(columns=FLOW_COLUMNS)
    sites = pd.concat(
        [df.loc[df[f"{s}_level"] == "facility", f"{s}_store_id"] for s in ("from", "to")]
    ).nunique()
    grouped = sites > site_nodes

    def nodes(side: str) -> tuple[pd.Series, pd.Series, pd.Series]:
        ids, level = df[f"{side}_store_id"], df[f"{side}_level"].fillna("unknown")
        node = "s:" + ids.astype(str)
        name = df[f"{side}_name"].fillna(ids).astype(object)
        node = node.mask(level == "national", "national").mask(level == "unknown", "unknown")
        if grouped:
            is_site = level == "facility"
            district = df[f"{side}_district_code"].fillna("")
            node = node.mask(is_site, "f:" + district)
            name = name.mask(is_site, df[f"{side}_district_name"].fillna(district))
            level = level.mask(is_site, "sites")
        return node, name.mask(level.isin(["national", "unknown"]), ""), level

    source, source_name, source_level = nodes("from")
    target, target_name, target_level = nodes("to")
    links = pd.DataFrame(
        {
            "source": source,
            "target": target,
            "source_name": source_name,
            "target_name": target_name,
            "source_level": source_level,
            "target_level": target_level,
            "doses": df["doses"],
        }
    )
    keys = ["source", "target", "source_name", "target_name", "source_level", "target_level"]
    links = links.groupby(keys, as_index=False, sort=False)["doses"].sum()
    links = links.assign(
        _s=links["source_level"].map(FLOW_RANK), _t=links["target_level"].map(FLOW_RANK)
    ).sort_values(["_s", "_t", "doses", "target"], ascending=[True, True, False, True])
    return links.reset_index(drop=True)[FLOW_COLUMNS]
