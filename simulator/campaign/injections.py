"""Injections and the stock movements of a session at each site's store.

Doses come from the site's lots in first-expiry-first-out order, and each injected person gets
the lot of their dose. After the session, doses left in opened vials are wasted, a vial now and
then is broken, and a stock count now and then finds extra doses or doses missing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..supply import take_fefo_rows
from .codes import O_INJECTED, W_BROKEN, W_OPENED, X_ADJ, X_ADMIN, X_WASTE
from .sessions import SessionDay
from .state import Campaign


@dataclass
class Injections:
    vax: np.ndarray  # per person seen: vaccine injected, -1 if not injected
    lot: np.ndarray  # per person seen: lot injected, -1 if not injected
    n_inj: np.ndarray  # per site: people injected
    sess_f: np.ndarray  # the sites in session


def inject(cx: Campaign, d: int, day: SessionDay, outcome: np.ndarray) -> Injections:
    """Take today's injected doses, waste and adjustments from the sites' stores."""
    stock, rng, F = cx.stock, cx.rng, cx.sites.n
    S, fac_store, log = stock.S, stock.fac_store, stock.log
    dpv, waste_rate = cx.vaccines.dpv, cx.vaccines.waste_rate
    vstar, served, fi = day.vstar, day.served, day.fi
    k = len(day.idx)

    inj = outcome == O_INJECTED
    vax_i = np.where(inj, vstar[fi], -1).astype(np.int8)
    lot_i = np.full(k, -1, dtype=np.int64)
    n_inj = np.bincount(fi[inj], minlength=F)
    sess_f = np.flatnonzero(served > 0)
    for v in np.unique(vstar[sess_f]):
        fs = sess_f[(vstar[sess_f] == v) & (n_inj[sess_f] > 0)]
        if len(fs) == 0:
            continue
        lv = stock.lots_of_v[v]
        rows = S[np.ix_(fac_store[fs], lv)]
        take = take_fefo_rows(rows, n_inj[fs])
        S[np.ix_(fac_store[fs], lv)] -= take
        ri, li = np.nonzero(take)
        log(fac_store[fs][ri], d, lv[li], X_ADMIN, take[ri, li])
        # Person-level lot: persons are already ordered within their site.
        sel = np.flatnonzero(inj & (vstar[fi] == v))
        row_of_fac = np.full(F, -1)
        row_of_fac[fs] = np.arange(len(fs))
        r = row_of_fac[fi[sel]]
        fsel = fi[sel]
        rk = np.arange(len(sel)) - np.searchsorted(fsel, fsel, side="left")
        cum = np.cumsum(take, axis=1)[r]
        lot_i[sel] = lv[(cum <= rk[:, None]).sum(axis=1)]
        # Opened vials left over at the end of the session, broken vials.
        nw = rng.binomial(n_inj[fs], waste_rate[v])
        brk = (rng.random(len(fs)) < 0.002) * dpv[v]
        for amount, why in ((nw, W_OPENED), (brk, W_BROKEN)):
            rows = S[np.ix_(fac_store[fs], lv)]
            tk = take_fefo_rows(rows, amount)
            S[np.ix_(fac_store[fs], lv)] -= tk
            ri, li = np.nonzero(tk)
            if len(ri):
                log(fac_store[fs][ri], d, lv[li], X_WASTE, tk[ri, li], -1, why)
        # Stock counts now and then find extra doses in vials, or doses missing.
        adj = np.flatnonzero(rng.random(len(fs)) < 0.004)
        for a in adj:
            st = fac_store[fs[a]]
            lots_here = lv[S[st, lv] > 0]
            if len(lots_here) == 0:
                continue
            lot = lots_here[0]
            q = int(rng.integers(1, max(2, dpv[v]) + 1))
            q = q if rng.random() < 0.7 else -min(q, int(S[st, lot]))
            if q != 0:
                S[st, lot] += q
                log(st, d, lot, X_ADJ, q)
    return Injections(vax=vax_i, lot=lot_i, n_inj=n_inj, sess_f=sess_f)
