"""An allocation proposal for a shipment of one vaccine (Phân bổ vắc xin): doses per site, summed
per district. Pure: no database, no Streamlit (`queries.allocation_inputs` reads the numbers).

The rule, per site i (a vaccination site with its own store), for a quantity Q:

    need_i     = people still to vaccinate in the chosen group + people due, of the site's
                 commune (shared among the commune's sites in proportion to their capacity)
    capacity_i = doses the site can give over the window: its recent doses per table-hour ×
                 its tables × hours a day × the window's days (0 without recent sessions)
    room_i     = max(0, min(need_i, capacity_i) - stock_i)   (stock: on hand + in transit)

- If Q >= sum(room): each site gets its room; the rest stays at the province store.
- Otherwise Q is shared in proportion to room: each site gets the whole part of
  Q × room_i / sum(room), and the doses left by rounding go one each to the sites with the
  largest fractional parts (largest remainder; ties: the larger room, then fewer days of stock,
  then the site's id), so the proposal adds up to Q exactly.

Every row carries the reason it got what it got (`reason`): no_capacity, no_need,
stock_covers (its stock covers its capped need), full (it gets all its room) or share (a
proportional share of its room); `capped` is True where capacity, not need, set the limit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

INPUT_COLUMNS = ["facility_id", "district_code", "need", "capacity", "stock"]
OUTPUT_COLUMNS = [
    *INPUT_COLUMNS, "capped_need", "room", "exact", "proposed", "reason", "capped",
]  # fmt: skip
REASONS = ("no_capacity", "no_need", "stock_covers", "full", "share")


@dataclass(frozen=True)
class Proposal:
    """The sites' rows (OUTPUT_COLUMNS and any other input column), the doses asked for, the
    doses all sites could take (`room`) and those left at the province store (`left`)."""

    sites: pd.DataFrame
    quantity: int
    room: int
    left: int


def capacity(per_table_hour: float | None, tables: float | None, hours: float, days: float) -> int:
    """Doses a site can give in `days` days of `hours` hours at `per_table_hour` doses per
    table-hour on `tables` tables, rounded down; 0 when any of them is missing or not positive."""
    values = [per_table_hour, tables, hours, days]
    if any(v is None or pd.isna(v) or v <= 0 for v in values):
        return 0
    return int(np.floor(per_table_hour * tables * hours * days + 1e-9))


def largest_remainder(weights: np.ndarray, quantity: int, order: np.ndarray) -> np.ndarray:
    """Whole numbers proportional to `weights` adding up to `quantity` (weights not all zero):
    the whole parts, then one more to each of the largest fractional parts; among equal
    fractional parts, first in `order` (a rank per row, smaller first)."""
    weights = weights.astype("float64")
    exact = quantity * weights / weights.sum()
    whole = np.floor(exact + 1e-9).astype("int64")
    short = quantity - int(whole.sum())
    fraction = exact - whole
    ranked = sorted(range(len(weights)), key=lambda i: (-round(fraction[i], 9), order[i]))
    for i in ranked[:short]:
        whole[i] += 1
    return whole


def allocate(sites: pd.DataFrame, quantity: int) -> Proposal:
    """The proposal for `quantity` doses over `sites` (INPUT_COLUMNS; an optional
    `days_of_stock` breaks ties, fewer first). See the module for the rule."""
    if quantity < 0:
        raise ValueError(f"the quantity must be 0 or more, not {quantity}")
    df = sites.copy().reset_index(drop=True)
    for column in ("need", "capacity", "stock"):
        df[column] = pd.to_numeric(df[column]).fillna(0).clip(lower=0).astype("int64")
    df["capped_need"] = np.minimum(df["need"], df["capacity"])
    df["room"] = (df["capped_need"] - df["stock"]).clip(lower=0).astype("int64")
    room = int(df["room"].sum())
    if room == 0 or quantity == 0:
        df["exact"] = 0.0
        df["proposed"] = 0
    elif quantity >= room:
        df["exact"] = df["room"].astype("float64")
        df["proposed"] = df["room"]
    else:
        days = df["days_of_stock"] if "days_of_stock" in df else pd.Series(0.0, index=df.index)
        ties = df.assign(_days=pd.to_numeric(days).fillna(np.inf))
        ties = ties.sort_values(["room", "_days", "facility_id"], ascending=[False, True, True])
        order = np.empty(len(df), dtype="int64")
        order[ties.index.to_numpy()] = np.arange(len(df))
        df["exact"] = quantity * df["room"] / room
        df["proposed"] = largest_remainder(df["room"].to_numpy(), quantity, order)
    df["proposed"] = df["proposed"].astype("int64")
    df["capped"] = (df["capacity"] < df["need"]) & (df["capacity"] > 0)
    df["reason"] = np.select(
        [
            df["capacity"] == 0,
            df["need"] == 0,
            df["room"] == 0,
            (df["proposed"] == df["room"]),
        ],
        ["no_capacity", "no_need", "stock_covers", "full"],
        default="share",
    )
    proposed = int(df["proposed"].sum())
    others = [c for c in df.columns if c not in OUTPUT_COLUMNS]
    return Proposal(df[[*OUTPUT_COLUMNS, *others]], quantity, room, quantity - proposed)


def by_district(proposal: Proposal) -> pd.DataFrame:
    """The proposal summed per district: sites, need, capacity, stock, room and proposed."""
    columns = ["need", "capacity", "stock", "room", "proposed"]
    df = proposal.sites.groupby("district_code", as_index=False).agg(
        sites=("facility_id", "count"), **{c: (c, "sum") for c in columns}
    )
    return df.sort_values(["proposed", "district_code"], ascending=[False, True]).reset_index(
        drop=True
    )


def share_need(commune_need: float, capacities: list[int]) -> list[int]:
    """A commune's need shared among its sites in proportion to their capacity (largest
    remainder, in the order given for ties); all of it to none when no site has capacity."""
    weights = np.array(capacities, dtype="float64")
    need = int(max(commune_need, 0))
    if not len(weights) or weights.sum() <= 0 or need == 0:
        return [0] * len(capacities)
    return largest_remainder(weights, need, np.arange(len(weights))).tolist()
