"""Vaccine stock in every store, lot by lot, and the ledger of its movements.

Stores are numbered 0 (province), 1..nd (district centres' stores), then one per site. Stock
moves by national receipts at the province, transfers down the chain (with a lag of a day or
two in transit), injections, waste and adjustments; every movement is logged.
"""

from __future__ import annotations

import numpy as np

from .. import config as C
from ..sites import Sites
from ..supply import Lots, fefo_split
from .codes import W_EXPIRED, X_IN, X_OUT, X_RECEIPT, X_WASTE
from .log import Columns


class Stock:
    """Doses per (store, lot) in `S`, doses in transit per (store, vaccine), pending arrivals."""

    def __init__(self, sites: Sites, lots: Lots):
        F = sites.n
        self.lots = lots
        self.nd = nd = len(sites.centre_of_district)
        n_stores = 1 + nd + F
        self.fac_store = sites.store_of_facility(np.arange(F))
        self.dist_store = 1 + np.arange(nd)
        L = lots.n
        self.S = np.zeros((n_stores, L), dtype=np.int64)
        # Lot -> vaccine indicator: S[stores] @ LV gives doses per vaccine.
        LV = np.zeros((L, C.NV), dtype=np.int64)
        LV[np.arange(L), lots.vax] = 1
        self.LV = LV
        lots_of_v = [np.flatnonzero(lots.vax == v) for v in range(C.NV)]
        # Each vaccine's lots, first expiry first.
        self.lots_of_v = [lv[np.argsort(lots.expiry[lv], kind="stable")] for lv in lots_of_v]
        self.transit = np.zeros((n_stores, C.NV), dtype=np.int64)
        self.arrivals: dict[int, list] = {}
        self.receipts_by_day: dict[int, list] = {}
        for i in range(L):
            self.receipts_by_day.setdefault(int(lots.receipt[i]), []).append(i)
        # Days on which a district store or the province pushes stock because some just arrived.
        self.district_arrival_days: set[tuple[int, int]] = set()
        self.province_next_push = set()
        self.ledger = Columns("store", "day", "lot", "type", "qty", "counter", "reason")

    def log(self, store, day, lot, typ, qty, counter=-1, reason=-1):
        """Append ledger rows (scalars are broadcast to the number of stores)."""
        store = np.atleast_1d(store)
        k = len(store)
        self.ledger.add(
            store=store,
            day=np.full(k, day),
            lot=np.atleast_1d(lot),
            type=np.full(k, typ),
            qty=np.atleast_1d(qty),
            counter=np.broadcast_to(counter, (k,)).copy(),
            reason=np.broadcast_to(reason, (k,)).copy(),
        )

    def transfer(
        self, src: int, dests: np.ndarray, v: int, amounts: np.ndarray, day: int, lag: np.ndarray
    ):
        """Send `amounts` of vaccine `v` from store `src` to `dests` (first expiry first); they
        arrive `lag` days later."""
        S, L = self.S, self.lots.n
        keep = amounts > 0
        dests, amounts, lag = dests[keep], amounts[keep], lag[keep]
        if len(dests) == 0:
            return
        order = self.lots_of_v[v]
        take = fefo_split(S[src], order, amounts)  # (dest, lot)
        di, li = np.nonzero(take)
        q = take[di, li]
        lot_ids = order[li]
        S[src, :] -= np.bincount(lot_ids, weights=q, minlength=L).astype(np.int64)
        self.log(np.full(len(q), src), day, lot_ids, X_OUT, q, dests[di])
        sent = np.bincount(di, weights=q, minlength=len(dests)).astype(np.int64)
        np.add.at(self.transit, (dests, v), sent)
        for j in range(len(dests)):
            sel = di == j
            if sel.any():
                self.arrivals.setdefault(int(day + lag[j]), []).append(
                    (int(dests[j]), lot_ids[sel], q[sel], src, v)
                )

    def receive(self, d: int) -> None:
        """Transfers arriving today, then the national receipts at the province store."""
        S, lots = self.S, self.lots
        for dest, lot_ids, q, src, v in self.arrivals.pop(d, []):
            np.add.at(S[dest], lot_ids, q)
            self.transit[dest, v] -= int(q.sum())
            self.log(np.full(len(q), dest), d, lot_ids, X_IN, q, src)
            if 1 <= dest <= self.nd:
                self.district_arrival_days.add((dest, d + 1))
        for i in self.receipts_by_day.get(d, []):
            S[0, i] += lots.qty[i]
            self.log(0, d, i, X_RECEIPT, lots.qty[i])
            self.province_next_push.add(d + 1)

    def destroy_expired(self, d: int) -> None:
        """Stock of lots past their expiry is destroyed wherever it is."""
        S = self.S
        expired = np.flatnonzero(self.lots.expiry < d)
        if len(expired):
            sub = S[:, expired]
            si, lj = np.nonzero(sub)
            if len(si):
                self.log(si, d, expired[lj], X_WASTE, sub[si, lj], -1, W_EXPIRED)
                S[:, expired] = 0
