"""The campaign, day by day: supply chain, sessions, screening and injections.

Each day is processed for all sites and people at once with array operations; the loop only
runs over days (and, for the supply chain, over districts and vaccines).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import config as C
from .people import NEVER, P_ADULT, P_TEEN, YEAR, People
from .sites import T_HOSPITAL, Sites
from .supply import Lots, fefo_split, largest_remainder, take_fefo_rows
from .timeutil import day_index, weekday

# Screening outcomes
O_INJECTED, O_DEFERRED, O_CONTRA, O_REFERRED = 0, 1, 2, 3
SCREENING = ("eligible", "deferred", "contraindicated", "referred")
REASONS = (
    "acute_illness",
    "fever",
    "uncontrolled_chronic",
    "recent_covid",
    "pregnancy",
    "allergy_history",
    "recent_other_vaccine",
    "other",
)
R_ACUTE, R_FEVER, R_CHRONIC, R_COVID, R_PREG, R_ALLERGY, R_OTHERVAX, R_OTHER = range(8)
KINDS = ("primary", "additional", "booster")
K_PRIMARY, K_ADDITIONAL, K_BOOSTER = range(3)
# Ledger
TXN_TYPES = ("receipt", "transfer_out", "transfer_in", "administered", "wasted", "adjustment")
X_RECEIPT, X_OUT, X_IN, X_ADMIN, X_WASTE, X_ADJ = range(6)
WASTE_REASONS = ("opened_vial_expired", "broken", "cold_chain", "expired", "other")
W_OPENED, W_BROKEN, W_COLD, W_EXPIRED, W_OTHER = range(5)

_NPAT = 1 << C.NV
_PATTERN_BITS = ((np.arange(_NPAT)[:, None] >> np.arange(C.NV)[None, :]) & 1).astype(np.int64)


@dataclass
class CampaignLog:
    visits: dict[str, np.ndarray]
    sessions: dict[str, np.ndarray]
    ledger: dict[str, np.ndarray]


class _Appender:
    def __init__(self, *names):
        self.parts = {n: [] for n in names}

    def add(self, **cols):
        for k, v in cols.items():
            self.parts[k].append(np.asarray(v))

    def result(self) -> dict[str, np.ndarray]:
        return {
            k: (np.concatenate(v) if v else np.zeros(0, dtype=np.int64))
            for k, v in self.parts.items()
        }


def _stochastic_round(rng, x):
    f = np.floor(x)
    return (f + (rng.random(len(x)) < (x - f))).astype(np.int64)


def _delay(rng, n, fast, slow, p_slow, p_very, very=(45, 180)):
    u = rng.random(n)
    return np.where(
        u < p_very,
        rng.uniform(*very, n),
        np.where(u < p_very + p_slow, rng.exponential(slow, n), rng.exponential(fast, n)),
    ).astype(np.int32)


def run_campaign(
    people: People,
    sites: Sites,
    lots: Lots,
    rng: np.random.Generator,
    scale: float,
    start_day: int,
    horizon_day: int,
) -> CampaignLog:
    N, F = people.n, sites.n
    nd = len(sites.centre_of_district)
    n_stores = 1 + nd + F
    fac_store = sites.store_of_facility(np.arange(F))
    dist_store = 1 + np.arange(nd)
    vac = C.VACCINES
    dpv = np.array([v.doses_per_vial for v in vac])
    series = np.array([v.primary_series_doses for v in vac])
    int_min = np.array([v.interval_min for v in vac])
    int_max = np.array([v.interval_max for v in vac])
    waste_rate = np.array([v.waste_rate for v in vac])
    mixable = np.array([c in ("AZ", "PFIZER", "MODERNA", "SPUTNIK_V") for c in C.VACCINE_CODES])
    unit = dpv if scale >= 0.05 else np.ones(C.NV, dtype=np.int64)

    # Per-person state of the next dose.
    next_due = people.first_due.astype(np.int32).copy()
    next_dose = np.ones(N, dtype=np.int8)
    next_kind = np.zeros(N, dtype=np.int8)
    next_mask = people.first_mask.astype(np.int16).copy()
    next_fac = people.pref_fac.astype(np.int32).copy()
    prim_vax = np.full(N, -1, dtype=np.int8)
    n_boost = np.zeros(N, dtype=np.int8)
    adult_prog = people.programme == P_ADULT
    teen_prog = people.programme == P_TEEN
    boost_start = np.where(
        np.isin(people.pg, (1, 2, 3, 4, 9)),
        day_index(C.BOOSTER_START_PRIORITY),
        day_index(C.BOOSTER_START_GENERAL),
    ).astype(np.int32)

    L = lots.n
    S = np.zeros((n_stores, L), dtype=np.int64)
    LV = np.zeros((L, C.NV), dtype=np.int64)
    LV[np.arange(L), lots.vax] = 1
    lots_of_v = [np.flatnonzero(lots.vax == v) for v in range(C.NV)]
    lots_of_v = [lv[np.argsort(lots.expiry[lv], kind="stable")] for lv in lots_of_v]
    transit = np.zeros((n_stores, C.NV), dtype=np.int64)
    arrivals: dict[int, list] = {}
    receipts_by_day: dict[int, list] = {}
    for i in range(L):
        receipts_by_day.setdefault(int(lots.receipt[i]), []).append(i)
    district_arrival_days: set[tuple[int, int]] = set()
    province_next_push = set()

    V = _Appender("person", "fac", "day", "outcome", "reason", "vax", "lot", "dose", "kind")
    SES = _Appender("fac", "day", "vax", "attempts", "injected", "capacity")
    LED = _Appender("store", "day", "lot", "type", "qty", "counter", "reason")

    tet0, tet1 = day_index(C.TET_2022[0]), day_index(C.TET_2022[1])
    om0, om1 = day_index(C.OMICRON_WAVE[0]), day_index(C.OMICRON_WAVE[1])
    hosp_of_district = np.array(
        [h[0] if len(h) else sites.province_hospital for h in sites.hospitals_of_district]
    )
    is_hospital = sites.ftype == T_HOSPITAL

    def log_ledger(store, day, lot, typ, qty, counter=-1, reason=-1):
        store = np.atleast_1d(store)
        k = len(store)
        LED.add(
            store=store,
            day=np.full(k, day),
            lot=np.atleast_1d(lot),
            type=np.full(k, typ),
            qty=np.atleast_1d(qty),
            counter=np.broadcast_to(counter, (k,)).copy(),
            reason=np.broadcast_to(reason, (k,)).copy(),
        )

    def transfer(
        src: int, dests: np.ndarray, v: int, amounts: np.ndarray, day: int, lag: np.ndarray
    ):
        keep = amounts > 0
        dests, amounts, lag = dests[keep], amounts[keep], lag[keep]
        if len(dests) == 0:
            return
        order = lots_of_v[v]
        take = fefo_split(S[src], order, amounts)  # (dest, lot)
        di, li = np.nonzero(take)
        q = take[di, li]
        lot_ids = order[li]
        S[src, :] -= np.bincount(lot_ids, weights=q, minlength=L).astype(np.int64)
        log_ledger(np.full(len(q), src), day, lot_ids, X_OUT, q, dests[di])
        sent = np.bincount(di, weights=q, minlength=len(dests)).astype(np.int64)
        np.add.at(transit, (dests, v), sent)
        for j in range(len(dests)):
            sel = di == j
            if sel.any():
                arrivals.setdefault(int(day + lag[j]), []).append(
                    (int(dests[j]), lot_ids[sel], q[sel], src, v)
                )

    def effective_mask(idx, d):
        od = d - next_due[idx]
        second = (next_kind[idx] == K_PRIMARY) & (next_dose[idx] >= 2) & adult_prog[idx]
        pv = prim_vax[idx]
        relax = second & (((od > C.MIX_AFTER_DAYS) & mixable[pv]) | (od > C.ANY_AFTER_DAYS))
        return next_mask[idx] | np.where(relax, C.MASK_MIX, 0).astype(np.int16), od

    def counts_by_fac_vax(fac, mask):
        pat = np.bincount(fac.astype(np.int64) * _NPAT + mask, minlength=F * _NPAT).reshape(
            F, _NPAT
        )
        return pat @ _PATTERN_BITS

    for d in range(start_day, horizon_day + 1):
        wd = int(weekday(d))
        # 1. Arrivals and national receipts.
        for dest, lot_ids, q, src, v in arrivals.pop(d, []):
            np.add.at(S[dest], lot_ids, q)
            transit[dest, v] -= int(q.sum())
            log_ledger(np.full(len(q), dest), d, lot_ids, X_IN, q, src)
            if 1 <= dest <= nd:
                district_arrival_days.add((dest, d + 1))
        for i in receipts_by_day.get(d, []):
            S[0, i] += lots.qty[i]
            log_ledger(0, d, i, X_RECEIPT, lots.qty[i])
            province_next_push.add(d + 1)
        # 2. Expired stock is destroyed.
        expired = np.flatnonzero(lots.expiry < d)
        if len(expired):
            sub = S[:, expired]
            si, lj = np.nonzero(sub)
            if len(si):
                log_ledger(si, d, expired[lj], X_WASTE, sub[si, lj], -1, W_EXPIRED)
                S[:, expired] = 0

        # 3. Need per site and vaccine over the next days (drives allocation).
        fv = S[fac_store] @ LV  # (F, NV) doses on hand
        push_province = (d in province_next_push or wd in (0, 3)) and S[0].any()
        push_district = [
            (wd in (0, 2, 4) or (1 + j, d) in district_arrival_days) and S[1 + j].any()
            for j in range(nd)
        ]
        if push_province or any(push_district):
            ni = np.flatnonzero(next_due <= d + 10)
            nm, _ = effective_mask(ni, d)
            need = counts_by_fac_vax(next_fac[ni], nm)
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
                    transfer(0, dist_store, v, amounts, d, lag)
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
                    want = np.ceil(np.minimum(1.3 * g, np.maximum(usable, 1.0)) / unit[v]).astype(
                        np.int64
                    )
                    avail_units = int(have[v] // unit[v])
                    if want.sum() > avail_units:
                        want = np.minimum(want, largest_remainder(avail_units, g))
                    amounts = want * unit[v]
                    lag = 1 + (rng.random(len(facs)) < 0.25)
                    transfer(st, facs + 1 + nd, v, amounts, d, lag)
                    gap[facs, v] = np.maximum(g - amounts, 0)

        # 4. Sessions: which sites vaccinate today, with which vaccine, for how many people.
        cand = np.flatnonzero(next_due <= d)
        if len(cand) == 0:
            continue
        cf = next_fac[cand]
        cm, od = effective_mask(cand, d)
        counts = counts_by_fac_vax(cf, cm)
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
        base_cap = sites.tables_by_day[:, d] * sites.table_rate * scale
        exp_cap = base_cap * day_factor * (0.5 if wd == 6 else 1.0)
        cap = _stochastic_round(rng, exp_cap * rng.uniform(0.85, 1.1, F))
        surge = cnt >= np.maximum(1.0, 0.4 * base_cap)
        regular = (sites.regular_weekday == wd) & (cnt >= 1)
        session = sites.active_by_day[:, d] & (cap > 0) & (stk > 0) & (cnt > 0)
        session &= surge | (regular & (wd != 6))
        served = np.where(session, np.minimum(np.minimum(cap, stk), cnt), 0)
        if not served.any():
            continue

        ok = session[cf] & (((cm >> vstar[cf]) & 1) == 1)
        idx, fi, odi = cand[ok], cf[ok], od[ok]
        first = next_dose[idx] == 1
        w = (
            1.0
            + 2.0 * ((next_dose[idx] >= 2) & (next_kind[idx] == K_PRIMARY))
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
        k = len(idx)
        if k == 0:
            continue

        # 5. Screening.
        age = (d - people.birth_day[idx]) / YEAR
        om = om0 <= d <= om1
        p_contra = np.full(k, 0.002)
        p_ref = np.where(
            is_hospital[fi], 0.0005, np.where(age >= 65, 0.014, np.where(age < 12, 0.003, 0.005))
        )
        p_def = 0.028 + 0.02 * (age >= 65) + (0.03 if om else 0.0)
        u = rng.random(k)
        outcome = np.where(
            u < p_contra,
            O_CONTRA,
            np.where(
                u < p_contra + p_ref,
                O_REFERRED,
                np.where(u < p_contra + p_ref + p_def, O_DEFERRED, O_INJECTED),
            ),
        ).astype(np.int8)
        reason = np.full(k, -1, dtype=np.int8)
        dfr = outcome == O_DEFERRED
        if dfr.any():
            a = age[dfr]
            female = ~people.male[idx[dfr]]
            pr = np.stack(
                [
                    np.full(len(a), 0.25),
                    np.full(len(a), 0.17),
                    np.where(a >= 60, 0.45, 0.12),
                    np.full(len(a), 0.05 + (0.6 if om else 0.0)),
                    np.where(female & (a >= 18) & (a < 45), 0.2, 0.0),
                    np.full(len(a), 0.04),
                    np.where(a < 18, 0.15, 0.05),
                    np.full(len(a), 0.15),
                ],
                axis=1,
            )
            cum = np.cumsum(pr / pr.sum(axis=1, keepdims=True), axis=1)
            reason[dfr] = (rng.random(len(a))[:, None] > cum).sum(axis=1).clip(0, 7)
        for o, probs in ((O_CONTRA, (0.1, 0.7, 0.2)), (O_REFERRED, (0.45, 0.3, 0.25))):
            sel = outcome == o
            if sel.any():
                reason[sel] = np.array([R_CHRONIC, R_ALLERGY, R_OTHER])[
                    rng.choice(3, size=int(sel.sum()), p=probs)
                ]

        # 6. Injections: lots in first-expiry-first-out order at each site's store.
        inj = outcome == O_INJECTED
        vax_i = np.where(inj, vstar[fi], -1).astype(np.int8)
        lot_i = np.full(k, -1, dtype=np.int64)
        n_inj = np.bincount(fi[inj], minlength=F)
        sess_f = np.flatnonzero(served > 0)
        for v in np.unique(vstar[sess_f]):
            fs = sess_f[(vstar[sess_f] == v) & (n_inj[sess_f] > 0)]
            if len(fs) == 0:
                continue
            lv = lots_of_v[v]
            rows = S[np.ix_(fac_store[fs], lv)]
            take = take_fefo_rows(rows, n_inj[fs])
            S[np.ix_(fac_store[fs], lv)] -= take
            ri, li = np.nonzero(take)
            log_ledger(fac_store[fs][ri], d, lv[li], X_ADMIN, take[ri, li])
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
                    log_ledger(fac_store[fs][ri], d, lv[li], X_WASTE, tk[ri, li], -1, why)
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
                    log_ledger(st, d, lot, X_ADJ, q)

        SES.add(
            fac=sess_f,
            day=np.full(len(sess_f), d),
            vax=vstar[sess_f],
            attempts=np.bincount(fi, minlength=F)[sess_f],
            injected=n_inj[sess_f],
            capacity=cap[sess_f],
        )
        dose_i = next_dose[idx].copy()
        kind_i = next_kind[idx].copy()
        V.add(
            person=idx,
            fac=fi,
            day=np.full(k, d),
            outcome=outcome,
            reason=reason,
            vax=vax_i,
            lot=lot_i,
            dose=dose_i,
            kind=kind_i,
        )

        # 7. What happens next for each person.
        # Deferred: most come back for the same dose.
        if dfr.any():
            di = idx[dfr]
            r = reason[dfr]
            lo = np.select(
                [r == R_COVID, r == R_PREG, r == R_CHRONIC, r == R_OTHERVAX], [30, 60, 7, 14], 3
            )
            hi = np.select(
                [r == R_COVID, r == R_PREG, r == R_CHRONIC, r == R_OTHERVAX], [90, 200, 30, 28], 21
            )
            back = rng.random(len(di)) < np.where(r == R_PREG, 0.6, 0.87)
            next_due[di] = np.where(back, d + rng.integers(lo, hi + 1), NEVER)
        sel = outcome == O_CONTRA
        if sel.any():
            ci = idx[sel]
            again = rng.random(len(ci)) < 0.5
            next_due[ci] = np.where(again, d + rng.integers(7, 31, len(ci)), NEVER)
            next_fac[ci] = hosp_of_district[people.district[ci]]
            next_mask[ci] = np.where(
                next_mask[ci] == C.MASK_CHILD, C.MASK_CHILD, C.vbit("PFIZER", "MODERNA")
            )
        sel = outcome == O_REFERRED
        if sel.any():
            ri_ = idx[sel]
            go = rng.random(len(ri_)) < 0.9
            next_due[ri_] = np.where(go, d + rng.integers(1, 11, len(ri_)), NEVER)
            next_fac[ri_] = hosp_of_district[people.district[ri_]]
        if inj.any():
            _schedule_next(
                rng,
                people,
                idx[inj],
                vax_i[inj],
                d,
                next_due,
                next_dose,
                next_kind,
                next_mask,
                next_fac,
                prim_vax,
                n_boost,
                adult_prog,
                teen_prog,
                boost_start,
                series,
                int_min,
                int_max,
            )

    return CampaignLog(visits=V.result(), sessions=SES.result(), ledger=LED.result())


def _schedule_next(
    rng,
    people: People,
    ii,
    vx,
    d,
    next_due,
    next_dose,
    next_kind,
    next_mask,
    next_fac,
    prim_vax,
    n_boost,
    adult_prog,
    teen_prog,
    boost_start,
    series,
    int_min,
    int_max,
):
    n = len(ii)
    dose = next_dose[ii].astype(np.int32)
    kind = next_kind[ii]
    first = (dose == 1) & (kind == K_PRIMARY)
    prim_vax[ii[first]] = vx[first]
    pv = prim_vax[ii].astype(np.int64)
    age = (d - people.birth_day[ii]) / YEAR
    adult = adult_prog[ii] | (age >= 18)
    teen = teen_prog[ii] & ~adult
    out = people.out_prov[ii]
    pg = people.pg[ii]
    chronic = people.chronic[ii]
    u = rng.random((n, 3))

    due = np.full(n, NEVER, dtype=np.int64)
    nkind = np.full(n, K_PRIMARY, dtype=np.int8)
    nmask = np.zeros(n, dtype=np.int16)

    # Remaining primary doses.
    prim_more = (kind == K_PRIMARY) & (dose < series[pv])
    # Most people come back as soon as they are called, some later within the window.
    spread = int_max[pv] - int_min[pv] + 1
    soon = np.minimum(rng.exponential(5.0, n), spread - 1)
    within = rng.random(n) * spread + rng.exponential(3.0, n)
    interval = int_min[pv] + np.where(rng.random(n) < 0.7, soon, within).astype(np.int64)
    p_cont = np.where(out, 0.6, np.where(dose >= 2, 0.97, 0.985))
    go = prim_more & (u[:, 0] < p_cont)
    due[go] = d + interval[go]
    nmask[prim_more] = (1 << pv[prim_more]).astype(np.int16)
    nmask[prim_more & ~adult] = C.MASK_CHILD

    done_primary = (kind == K_PRIMARY) & ~prim_more
    late_delay = _delay(rng, n, 12, 45, 0.35, 0.06, (60, 200))
    # Adults who had Vero Cell and are older or chronically ill get an additional dose first.
    addl = (
        done_primary
        & adult
        & (pv == C.VIDX["VERO_CELL"])
        & ((age >= 50) | chronic)
        & (u[:, 1] < 0.6)
    )
    due[addl] = np.maximum(day_index(C.ADDITIONAL_START), d + C.ADDITIONAL_MIN_INTERVAL) + _delay(
        rng, int(addl.sum()), 7, 30, 0.3, 0.05
    )
    nkind[addl] = K_ADDITIONAL
    nmask[addl] = C.MASK_ADDITIONAL
    p_boost = np.where(out, 0.3, np.where(age >= 65, 0.85, np.where(age < 30, 0.78, 0.82)))
    boost = ((done_primary & adult & ~addl) | (kind == K_ADDITIONAL)) & (u[:, 2] < p_boost)
    due[boost] = np.maximum(boost_start[ii[boost]], d + C.BOOSTER_MIN_INTERVAL) + late_delay[boost]
    nkind[boost] = K_BOOSTER
    nmask[boost] = C.MASK_BOOSTER
    tb = done_primary & teen & (u[:, 2] < 0.6)
    due[tb] = (
        np.maximum(day_index(C.TEEN_BOOSTER_START), d + C.TEEN_BOOSTER_MIN_INTERVAL)
        + late_delay[tb]
    )
    nkind[tb] = K_BOOSTER
    nmask[tb] = C.MASK_CHILD
    # A second booster for people 50 and over, health workers and the chronically ill.
    is_boost = kind == K_BOOSTER
    nb = n_boost[ii]
    sb = is_boost & (nb == 0) & adult & ((age >= 50) | (pg == 1) | chronic) & (u[:, 1] < 0.45)
    due[sb] = (
        np.maximum(day_index(C.SECOND_BOOSTER_START), d + C.SECOND_BOOSTER_MIN_INTERVAL)
        + late_delay[sb]
    )
    nkind[sb] = K_BOOSTER
    nmask[sb] = C.MASK_BOOSTER
    n_boost[ii] = nb + is_boost

    next_due[ii] = np.minimum(due, NEVER).astype(np.int32)
    next_dose[ii] = (dose + 1).astype(np.int8)
    next_kind[ii] = nkind
    next_mask[ii] = nmask
    next_fac[ii] = people.pref_fac[ii]
