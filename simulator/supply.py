"""Vaccine lots and allocation helpers for the supply chain."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import config as C
from .timeutil import day_index, index_date


@dataclass
class Lots:
    number: np.ndarray  # object array of lot numbers
    vax: np.ndarray  # vaccine index
    expiry: np.ndarray  # last usable day index
    receipt: np.ndarray  # day index of arrival at the province store
    qty: np.ndarray  # doses received

    @property
    def n(self) -> int:
        return len(self.vax)


def _lot_number(rng: np.random.Generator, code: str, day: int) -> str:
    d = index_date(day)
    if code == "AZ":
        return f"{rng.choice(['ABV', 'ABW', 'ACC', 'MT'])}{rng.integers(1000, 10000)}"
    if code == "PFIZER":
        return f"{rng.choice(['FF', 'FG', 'FH', 'FJ', 'FK'])}{rng.integers(1000, 10000)}"
    if code == "MODERNA":
        return f"{rng.integers(0, 1000):03d}{'ABCDEFGH'[rng.integers(0, 8)]}{d.year % 100}A"
    if code == "VERO_CELL":
        month = max(1, d.month - int(rng.integers(1, 4)))
        return f"{d.year}{month:02d}{'ABCD'[rng.integers(0, 4)]}{rng.integers(1000, 10000)}"
    if code == "SPUTNIK_V":
        return f"I-{rng.integers(100000, 1000000)}"
    if code == "ABDALA":
        return f"H-{rng.integers(1000, 10000)}"
    return f"L{rng.integers(100000, 1000000)}"


def build_lots(rng: np.random.Generator, scale: float, start_day: int, horizon_day: int) -> Lots:
    numbers, vax, expiry, receipt, qty = [], [], [], [], []
    seen = set()
    for date_s, code, doses in C.SUPPLY_WAVES:
        vac = C.VACCINES[C.VIDX[code]]
        n_lots = int(rng.integers(1, 4))
        day = max(day_index(date_s), start_day)
        total = int(round(doses * scale))
        shares = rng.dirichlet(np.full(n_lots, 4.0))
        q = np.floor(shares * total).astype(int)
        q[0] += total - q.sum()
        for j in range(n_lots):
            num = _lot_number(rng, code, day)
            while num in seen:
                num = _lot_number(rng, code, day)
            seen.add(num)
            shelf = int(rng.integers(vac.shelf_min, vac.shelf_max + 1))
            if day > horizon_day or q[j] <= 0:
                continue
            numbers.append(num)
            vax.append(C.VIDX[code])
            expiry.append(day + shelf)
            receipt.append(day)
            qty.append(int(q[j]))
    return Lots(
        number=np.array(numbers, dtype=object),
        vax=np.array(vax, dtype=np.int64),
        expiry=np.array(expiry, dtype=np.int64),
        receipt=np.array(receipt, dtype=np.int64),
        qty=np.array(qty, dtype=np.int64),
    )


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Split an integer total in proportion to weights (ties broken by position)."""
    w = np.asarray(weights, dtype=float)
    s = w.sum()
    if total <= 0 or s <= 0:
        return np.zeros(len(w), dtype=np.int64)
    raw = total * w / s
    base = np.floor(raw).astype(np.int64)
    rest = total - int(base.sum())
    if rest > 0:
        order = np.argsort(-(raw - base), kind="stable")[:rest]
        base[order] += 1
    return base


def fefo_split(stock_row: np.ndarray, lot_order: np.ndarray, amounts: np.ndarray) -> np.ndarray:
    """Take consecutive amounts from lots in first-expiry-first-out order.

    stock_row: stock per lot (full lot axis); lot_order: lot indices sorted by expiry;
    amounts: doses for each destination in turn. Returns (len(amounts), len(lot_order)).
    """
    avail = stock_row[lot_order]
    lot_hi = np.cumsum(avail)
    lot_lo = lot_hi - avail
    dest_hi = np.cumsum(amounts)
    dest_lo = dest_hi - amounts
    take = np.minimum(dest_hi[:, None], lot_hi[None, :]) - np.maximum(
        dest_lo[:, None], lot_lo[None, :]
    )
    return np.maximum(take, 0)


def take_fefo_rows(S_rows: np.ndarray, n: np.ndarray) -> np.ndarray:
    """For each row of S_rows (stock by lot, lots already in FEFO order) take n[i] doses."""
    cs = np.cumsum(S_rows, axis=1)
    capped = np.minimum(cs, n[:, None])
    return np.diff(capped, axis=1, prepend=0)
