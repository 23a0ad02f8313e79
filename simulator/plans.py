"""Session plans: drafted a few days before each session day, approved, some cancelled; plus
plans for days the site then did not vaccinate."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import config as C
from .campaign import CampaignLog
from .sites import Sites
from .timeutil import NA_TS, local_midnight
from .versions import Versions, lookup, make_frame, numbered_ids

H = 3600


def _u(rng, n, lo, hi):
    return rng.integers(int(lo), int(hi), n).astype(np.int64)


def build_plans(rng, log: CampaignLog, sites: Sites) -> Versions:
    s = log.sessions
    n = len(s["fac"])
    fac, day, vax = s["fac"].astype(np.int64), s["day"].astype(np.int64), s["vax"].astype(np.int64)
    size = np.maximum(s["attempts"], 1)
    planned = np.maximum(1, np.round(size * rng.uniform(0.85, 1.3, n))).astype(np.int64)
    # Plans for days the site then did not vaccinate (no vaccine arrived, or called off).
    ph = np.flatnonzero(rng.random(n) < 0.03)
    ph_day = day[ph] + rng.integers(1, 4, len(ph))
    keys = fac * 100_000 + day
    ph_keys = fac[ph] * 100_000 + ph_day
    ok = ~np.isin(ph_keys, keys)
    ph, ph_day = ph[ok], ph_day[ok]
    ph_keys, first = np.unique(fac[ph] * 100_000 + ph_day, return_index=True)
    ph, ph_day = ph[first], ph_day[first]
    m = len(ph)
    all_fac = np.concatenate([fac, fac[ph]])
    all_day = np.concatenate([day, ph_day])
    all_vax = np.concatenate([vax, vax[ph]])
    all_planned = np.concatenate([planned, planned[ph]])
    phantom = np.concatenate([np.zeros(n, bool), np.ones(m, bool)])
    t = n + m
    created = local_midnight(all_day - rng.integers(1, 5, t)) + _u(rng, t, 8 * H, 17 * H)
    approved = np.minimum(created + _u(rng, t, H, 30 * H), local_midnight(all_day) + 7 * H)
    approved = np.maximum(approved, created + 60)
    stays_draft = ~phantom & (rng.random(t) < 0.03)
    cancelled = phantom & (rng.random(t) < 0.5)
    t_cancel = np.maximum(
        local_midnight(all_day - rng.integers(0, 2, t)) + _u(rng, t, 6 * H, 11 * H), approved + 60
    )

    order = np.lexsort((np.arange(t), created))
    fac_ids = sites.facilities["facility_id"].to_numpy().astype(object)
    base = make_frame(
        {
            "plan_id": numbered_ids("KH", t, 8),
            "facility_id": fac_ids[all_fac[order]],
            "session_date": all_day[order],
            "vaccine_code": lookup(C.VACCINE_CODES, all_vax[order]),
            "planned_doses": all_planned[order],
            "status": np.full(t, "draft", dtype=object),
            "approved_at": np.full(t, NA_TS, dtype=np.int64),
            "updated_at": created[order],
            "_created": created[order],
        }
    )
    appr_rows = np.flatnonzero(~stays_draft[order])
    ch1 = base.iloc[appr_rows].drop(columns=["_created"]).copy()
    ch1["status"] = "approved"
    ch1["approved_at"] = approved[order][appr_rows]
    ch1["updated_at"] = approved[order][appr_rows]
    ch1["_row"] = appr_rows
    canc = np.flatnonzero(cancelled[order])
    ch2 = base.iloc[canc].drop(columns=["_created"]).copy()
    ch2["status"] = "cancelled"
    ch2["approved_at"] = approved[order][canc]
    ch2["updated_at"] = t_cancel[order][canc]
    ch2["_row"] = canc
    ch = pd.concat([ch1, ch2], ignore_index=True).sort_values(["updated_at", "_row"], kind="stable")
    return Versions("vaccination_plan", base, ch.reset_index(drop=True))
