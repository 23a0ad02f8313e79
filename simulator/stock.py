"""The stock ledger (with the platform's data-entry mess) and the sites' daily stock
declarations."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import config as C
from .campaign import (
    TXN_TYPES,
    W_EXPIRED,
    WASTE_REASONS,
    X_ADJ,
    X_ADMIN,
    X_IN,
    X_OUT,
    X_RECEIPT,
    X_WASTE,
    CampaignLog,
)
from .sites import Sites
from .supply import Lots
from .timeutil import local_midnight
from .versions import Versions, lookup, make_frame, no_changes, numbered_ids

H = 3600


def _u(rng, n, lo, hi):
    return rng.integers(int(lo), int(hi), n).astype(np.int64)


def build_ledger(rng, log: CampaignLog, sites: Sites, lots: Lots, late_site: np.ndarray):
    """Return (ledger Versions, final recorded ledger as a DataFrame for the declarations)."""
    g = log.ledger
    n = len(g["store"])
    store = g["store"].astype(np.int64)
    day = g["day"].astype(np.int64)
    lot = g["lot"].astype(np.int64)
    typ = g["type"].astype(np.int64)
    qty = g["qty"].astype(np.int64)
    counter = g["counter"].astype(np.int64)
    reason = g["reason"].astype(np.int64)
    nd = len(sites.centre_of_district)
    fac_of_store = store - 1 - nd
    is_fac_store = fac_of_store >= 0

    lo = (
        np.select(
            [
                typ == X_RECEIPT,
                typ == X_OUT,
                typ == X_IN,
                typ == X_ADJ,
                (typ == X_WASTE) & (reason == W_EXPIRED),
            ],
            [9, 7, 9, 8, 8],
            16.5,
        )
        * H
    )
    hi = (
        np.select(
            [
                typ == X_RECEIPT,
                typ == X_OUT,
                typ == X_IN,
                typ == X_ADJ,
                (typ == X_WASTE) & (reason == W_EXPIRED),
            ],
            [16, 11, 17, 17, 10],
            20.5,
        )
        * H
    )
    offset_day = np.zeros(n, dtype=np.int64)
    late = (
        (typ == X_ADMIN)
        & is_fac_store
        & late_site[np.where(is_fac_store, fac_of_store, 0)]
        & (rng.random(n) < 0.5)
    )
    offset_day[late] = rng.integers(1, 4, int(late.sum()))
    lo = np.where(late, 8 * H, lo)
    hi = np.where(late, 11 * H, hi)
    created = local_midnight(day + offset_day) + (lo + rng.random(n) * (hi - lo)).astype(np.int64)

    # Deliberate disagreements with the visits, some reconciled later by an adjustment.
    admin = typ == X_ADMIN
    u = rng.random(n)
    missing = admin & (u < 0.003)
    off = admin & (qty >= 4) & (u >= 0.003) & (u < 0.013)
    delta = rng.integers(1, 4, n) * np.where(rng.random(n) < 0.5, -1, 1)
    rec_qty = np.where(off, qty + delta, qty)
    recon = np.flatnonzero((off | missing) & (rng.random(n) < 0.5))
    recon_qty = np.where(missing[recon], -qty[recon], rec_qty[recon] - qty[recon])
    recon_day = day[recon] + rng.integers(7, 31, len(recon))
    recon_created = local_midnight(recon_day) + _u(rng, len(recon), 8 * H, 17 * H)

    keep = ~missing
    cols = dict(
        store=store[keep],
        day=day[keep],
        lot=lot[keep],
        typ=typ[keep],
        qty=rec_qty[keep],
        counter=counter[keep],
        reason=reason[keep],
        created=created[keep],
    )
    cols = {
        k: np.concatenate(
            [
                v,
                {
                    "store": store[recon],
                    "day": recon_day,
                    "lot": lot[recon],
                    "typ": np.full(len(recon), X_ADJ),
                    "qty": recon_qty,
                    "counter": np.full(len(recon), -1),
                    "reason": np.full(len(recon), -1),
                    "created": recon_created,
                }[k],
            ]
        )
        for k, v in cols.items()
    }
    m = len(cols["store"])
    valid = np.ones(m, dtype=bool)

    # Invalid rows: zero or negative quantities on non-adjustment rows.
    cand = np.flatnonzero(np.isin(cols["typ"], (X_ADMIN, X_IN, X_WASTE)))
    n_bad = max(2, round(5e-4 * m))
    if len(cand):
        early = cand[np.argsort(cols["created"][cand], kind="stable")[:2]]
        bad = np.concatenate([early, rng.choice(cand, n_bad - 2)])
        ex = {k: v[bad].copy() for k, v in cols.items()}
        ex["qty"] = np.where(rng.random(len(bad)) < 0.5, 0, -ex["qty"])
        ex["created"] = ex["created"] + _u(rng, len(bad), 60, 2 * H)
        cols = {k: np.concatenate([cols[k], ex[k]]) for k in cols}
        valid = np.concatenate([valid, np.zeros(len(bad), dtype=bool)])
    t = len(cols["store"])

    order = np.lexsort((np.arange(t), cols["created"]))
    cols = {k: v[order] for k, v in cols.items()}
    valid = valid[order]
    store_ids = sites.stores["store_id"].to_numpy().astype(object)
    vax = lots.vax[cols["lot"]]
    base = make_frame(
        {
            "txn_id": numbered_ids("GD", t, 10),
            "store_id": store_ids[cols["store"]],
            "txn_date": cols["day"],
            "vaccine_code": lookup(C.VACCINE_CODES, vax),
            "lot_number": lots.number[cols["lot"]],
            "expiry_date": lots.expiry[cols["lot"]],
            "txn_type": lookup(TXN_TYPES, cols["typ"]),
            "quantity_doses": cols["qty"],
            "counterparty_store_id": np.concatenate([store_ids, np.array([None], dtype=object)])[
                np.where(cols["counter"] >= 0, cols["counter"], len(store_ids))
            ],
            "waste_reason": lookup(
                WASTE_REASONS, np.where(cols["typ"] == X_WASTE, cols["reason"], -1)
            ),
            "updated_at": cols["created"],
            "_created": cols["created"],
        }
    )
    # Entry errors in quantities, corrected days later (the base version holds the error).
    fixable = valid & np.isin(cols["typ"], (X_IN, X_ADMIN)) & (cols["qty"] > 0)
    fix = np.flatnonzero(fixable & (rng.random(t) < 0.003))
    true_q = cols["qty"][fix]
    wrong = np.where(
        rng.random(len(fix)) < 0.3,
        true_q * 10,
        np.maximum(
            1, true_q + rng.integers(1, 6, len(fix)) * np.where(rng.random(len(fix)) < 0.5, -1, 1)
        ),
    )
    wrong = np.where(wrong == true_q, true_q + 1, wrong)
    ch = base.iloc[fix].drop(columns=["_created"]).copy()
    ch["updated_at"] = base["_created"].to_numpy()[fix] + _u(rng, len(fix), 24 * H, 10 * 24 * H)
    ch["_row"] = fix
    ch = ch.sort_values(["updated_at", "_row"], kind="stable").reset_index(drop=True)
    q = base["quantity_doses"].to_numpy().copy()
    q[fix] = wrong
    base["quantity_doses"] = q

    final = pd.DataFrame(
        {
            "store": cols["store"][valid],
            "vax": vax[valid],
            "day": cols["day"][valid],
            "typ": cols["typ"][valid],
            "qty": cols["qty"][valid],
        }
    )
    return Versions("stock_transaction", base, ch), final


def build_reports(rng, log: CampaignLog, sites: Sites, ledger: pd.DataFrame) -> Versions:
    sign = np.select([ledger["typ"].isin((X_RECEIPT, X_IN, X_ADJ)).to_numpy()], [1], -1)
    lg = pd.DataFrame(
        {
            "store": ledger["store"].to_numpy(),
            "vax": ledger["vax"].to_numpy(),
            "day": ledger["day"].to_numpy(),
            "received": np.where(ledger["typ"].isin((X_RECEIPT, X_IN)), ledger["qty"], 0),
            "administered": np.where(ledger["typ"] == X_ADMIN, ledger["qty"], 0),
            "net": sign * ledger["qty"].to_numpy(),
        }
    )
    daily = lg.groupby(["store", "vax", "day"], sort=True).sum().reset_index()
    daily["on_hand"] = daily.groupby(["store", "vax"])["net"].cumsum()

    s = log.sessions
    sess = pd.DataFrame(
        {
            "store": sites.store_of_facility(s["fac"]).astype(np.int64),
            "vax": s["vax"].astype(np.int64),
            "day": s["day"].astype(np.int64),
            "attempts": s["attempts"].astype(np.int64),
        }
    )
    sess = sess[rng.random(len(sess)) >= 0.03]  # some sites never declare for the day
    sess = sess.sort_values("day", kind="stable")
    merged = pd.merge_asof(
        sess,
        daily.rename(columns={"day": "lday"}).sort_values("lday", kind="stable"),
        left_on="day",
        right_on="lday",
        by=["store", "vax"],
        direction="backward",
    )
    same = (merged["lday"] == merged["day"]).to_numpy()
    received = np.where(same, merged["received"].fillna(0).to_numpy(), 0).astype(np.int64)
    administered = np.where(same, merged["administered"].fillna(0).to_numpy(), 0).astype(np.int64)
    on_hand = merged["on_hand"].fillna(0).to_numpy().astype(np.int64)
    n = len(merged)
    u = rng.random((n, 4))
    d_adm = np.where(
        u[:, 0] < 0.015,
        merged["attempts"].to_numpy(),
        np.where(
            u[:, 0] < 0.03, np.maximum(0, administered + rng.integers(-3, 4, n)), administered
        ),
    )
    d_rem = np.where(u[:, 1] < 0.05, np.maximum(0, on_hand + rng.integers(-20, 21, n)), on_hand)
    d_rec = np.where(u[:, 2] < 0.02, 0, received)
    day = merged["day"].to_numpy().astype(np.int64)
    sub = np.where(
        u[:, 3] < 0.55,
        local_midnight(day) + _u(rng, n, 16 * H, 22 * H),
        np.where(
            u[:, 3] < 0.93,
            local_midnight(day + 1) + _u(rng, n, 7 * H, 12 * H),
            local_midnight(day + rng.integers(2, 6, n)) + _u(rng, n, 8 * H, 17 * H),
        ),
    )
    # Re-submissions: a second declaration for the same day, with the ledger's numbers.
    again = np.flatnonzero(rng.random(n) < 0.02)
    sub2 = sub[again] + _u(rng, len(again), H, 48 * H)
    store = np.concatenate([merged["store"].to_numpy(), merged["store"].to_numpy()[again]])
    vax = np.concatenate([merged["vax"].to_numpy(), merged["vax"].to_numpy()[again]])
    allday = np.concatenate([day, day[again]])
    rec = np.concatenate([d_rec, received[again]])
    adm = np.concatenate([d_adm, administered[again]])
    rem = np.concatenate([d_rem, on_hand[again]])
    submitted = np.concatenate([sub, sub2])
    t = len(store)
    order = np.lexsort((np.arange(t), submitted))
    store_ids = sites.stores["store_id"].to_numpy().astype(object)
    base = make_frame(
        {
            "report_id": numbered_ids("BC", t, 9),
            "store_id": store_ids[store[order]],
            "report_date": allday[order],
            "vaccine_code": lookup(C.VACCINE_CODES, vax[order]),
            "received_doses": rec[order].astype(np.int64),
            "administered_doses": adm[order].astype(np.int64),
            "remaining_doses": rem[order].astype(np.int64),
            "submitted_at": submitted[order],
            "updated_at": submitted[order],
            "_created": submitted[order],
        }
    )
    return Versions("stock_report", base, no_changes(base))
