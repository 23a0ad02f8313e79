"""Today's sessions: which sites vaccinate, with which vaccine, and which of the people due
come.

A site holds a session on its regular weekday (not on Sundays) when someone due there can be
served, or any day when enough people are waiting (a surge). Each site uses one vaccine a day:
the one that serves most of its waiting people, counting double if it has stock about to
expire. Capacity follows the site's tables (less at Tết and on Sundays); among the people due,
overdue second doses, priority groups and long waits come first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import config as C
from ..timeutil import day_index
from .codes import K_PRIMARY
from .state import Campaign, counts_by_fac_vax


@dataclass
class SessionDay:
    """Today's sessions (per site) and the people seen (ordered by site)."""

    vstar: np.ndarray  # the vaccine each site uses today
    cap: np.ndarray  # each site's capacity today
    served: np.ndarray  # people each site serves today (0: no session)
    idx: np.ndarray  # the persons seen
    fi: np.ndarray  # their site


def _stochastic_round(rng, x):
    f = np.floor(x)
    return (f + (rng.random(len(x)) < (x - f))).astype(np.int64)


def plan_sessions(cx: Campaign, d: int, wd: int) -> SessionDay | None:
    """Sites in session today and the people they see; None if nobody is seen."""
    people, sites, lots, doses, rng = cx.people, cx.sites, cx.lots, cx.doses, cx.rng
    S, LV, fac_store, F = cx.stock.S, cx.stock.LV, cx.stock.fac_store, sites.n
    tet0, tet1 = day_index(C.TET_2022[0]), day_index(C.TET_2022[1])

    cand = np.flatnonzero(doses.due <= d)
    if len(cand) == 0:
        return None
    cf = doses.fac[cand]
    cm, od = doses.effective_mask(cand, d)
    counts = counts_by_fac_vax(cf, cm, F)
    fv = S[fac_store] @ LV
    serv = np.minimum(counts, fv)
    # Prefer the vaccine that serves most people, and stock about to expire.
    soon = (S[fac_store] > 0) & (lots.expiry < d + 45)[None, :]
    score = serv * (1 + (soon.astype(np.int64) @ LV > 0))
    vstar = np.argmax(score, axis=1)
    ar = np.arange(F)
    cnt = counts[ar, vstar]
    stk = fv[ar, vstar]
    day_factor = 1.0
    if tet0 <= d <= tet1:
        day_factor = 0.0 if d <= tet0 + 4 else 0.3
    base_cap = sites.tables_by_day[:, d] * sites.table_rate * cx.scale
    exp_cap = base_cap * day_factor * (0.5 if wd == 6 else 1.0)
    cap = _stochastic_round(rng, exp_cap * rng.uniform(0.85, 1.1, F))
    surge = cnt >= np.maximum(1.0, 0.4 * base_cap)
    regular = (sites.regular_weekday == wd) & (cnt >= 1)
    session = sites.active_by_day[:, d] & (cap > 0) & (stk > 0) & (cnt > 0)
    session &= surge | (regular & (wd != 6))
    served = np.where(session, np.minimum(np.minimum(cap, stk), cnt), 0)
    if not served.any():
        return None

    # Who comes: a weighted draw among the people due at each site, up to what it serves.
    ok = session[cf] & (((cm >> vstar[cf]) & 1) == 1)
    idx, fi, odi = cand[ok], cf[ok], od[ok]
    first = doses.dose[idx] == 1
    w = (
        1.0
        + 2.0 * ((doses.dose[idx] >= 2) & (doses.kind[idx] == K_PRIMARY))
        + 0.5 * (first & (people.pg[idx] > 0))
        + np.minimum(odi, 60) / 20.0
    )
    W = np.bincount(fi, weights=w, minlength=F)
    p = np.minimum(1.0, 1.25 * served[fi] * w / W[fi])
    pick = rng.random(len(idx)) < p
    idx, fi, w = idx[pick], fi[pick], w[pick]
    key = rng.random(len(idx)) / w
    order = np.lexsort((key, fi))
    idx, fi = idx[order], fi[order]
    rank = np.arange(len(fi)) - np.searchsorted(fi, fi, side="left")
    keep = rank < served[fi]
    idx, fi = idx[keep], fi[keep]
    if len(idx) == 0:
        return None
    return SessionDay(vstar=vstar, cap=cap, served=served, idx=idx, fi=fi)
