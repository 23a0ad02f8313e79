"""Pushing stock down the chain: province -> district stores -> sites.

The province ships on Mondays and Thursdays and the day after a national receipt; a district
store ships on Mondays, Wednesdays and Fridays and the day after stock reached it. Shipments
follow each site's need: the people due within ten days, less what it holds or has in transit.
"""

from __future__ import annotations

import numpy as np

from .. import config as C
from ..supply import largest_remainder
from .state import Campaign, counts_by_fac_vax


def allocate(cx: Campaign, d: int, wd: int) -> None:
    """Today's transfers from the province and the district stores (`wd`: weekday, 0 = Monday)."""
    sites, stock, doses, rng, scale = cx.sites, cx.stock, cx.doses, cx.rng, cx.scale
    S, LV, fac_store, dist_store = stock.S, stock.LV, stock.fac_store, stock.dist_store
    transit, unit, nd, F = stock.transit, cx.vaccines.unit, stock.nd, sites.n

    fv = S[fac_store] @ LV  # (F, NV) doses on hand
    push_province = (d in stock.province_next_push or wd in (0, 3)) and S[0].any()
    push_district = [
        (wd in (0, 2, 4) or (1 + j, d) in stock.district_arrival_days) and S[1 + j].any()
        for j in range(nd)
    ]
    if not (push_province or any(push_district)):
        return
    ni = np.flatnonzero(doses.due <= d + 10)
    nm, _ = doses.effective_mask(ni, d)
    need = counts_by_fac_vax(doses.fac[ni], nm, F)
    gap = np.maximum(need - fv - transit[fac_store], 0)
    if push_province:
        dist_stock = S[dist_store] @ LV
        dneed = np.zeros((nd, C.NV), dtype=np.int64)
        np.add.at(dneed, sites.fdistrict, gap)
        dneed = np.maximum(dneed - dist_stock - transit[dist_store], 0)
        prov = S[0] @ LV
        for v in range(C.NV):
            tot = int(dneed[:, v].sum())
            if prov[v] <= 0 or tot <= 0:
                continue
            ship = min(int(prov[v]), int(np.ceil(1.25 * tot)))
            units = largest_remainder(ship // unit[v], dneed[:, v])
            amounts = units * unit[v]
            lag = 1 + (rng.random(nd) < 0.3)
            stock.transfer(0, dist_store, v, amounts, d, lag)
    for j in range(nd):
        if not push_district[j]:
            continue
        st = 1 + j
        facs = np.flatnonzero(sites.fdistrict == j)
        have = S[st] @ LV
        for v in range(C.NV):
            if have[v] <= 0:
                continue
            g = gap[facs, v]
            if g.sum() <= 0:
                continue
            # No site gets more than it can use in about five session days.
            usable = 5.0 * sites.tables_by_day[facs, d] * sites.table_rate[facs] * scale
            want = np.ceil(np.minimum(1.3 * g, np.maximum(usable, 1.0)) / unit[v]).astype(np.int64)
            avail_units = int(have[v] // unit[v])
            if want.sum() > avail_units:
                want = np.minimum(want, largest_remainder(avail_units, g))
            amounts = want * unit[v]
            lag = 1 + (rng.random(len(facs)) < 0.25)
            stock.transfer(st, facs + 1 + nd, v, amounts, d, lag)
            gap[facs, v] = np.maximum(g - amounts, 0)
