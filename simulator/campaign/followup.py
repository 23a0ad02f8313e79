"""What happens next to each person seen today, by screening outcome.

Deferred people mostly come back for the same dose after a delay that depends on the reason;
contraindicated people may try again at their district's hospital with an mRNA vaccine;
referred people mostly go to the hospital within ten days; injected people get their next dose
scheduled by the dose programme (`schedule.py`).
"""

from __future__ import annotations

import numpy as np

from .. import config as C
from ..people import NEVER
from .codes import (
    O_CONTRA,
    O_DEFERRED,
    O_INJECTED,
    O_REFERRED,
    R_CHRONIC,
    R_COVID,
    R_OTHERVAX,
    R_PREG,
)
from .schedule import schedule_next
from .state import Campaign


def follow_up(
    cx: Campaign,
    d: int,
    idx: np.ndarray,
    outcome: np.ndarray,
    reason: np.ndarray,
    vax: np.ndarray,
) -> None:
    """Update the next dose of persons `idx` after today's screening (and injection)."""
    people, doses, rng = cx.people, cx.doses, cx.rng
    next_due, next_fac, next_mask = doses.due, doses.fac, doses.mask
    # Deferred: most come back for the same dose.
    dfr = outcome == O_DEFERRED
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
        next_fac[ci] = cx.hosp_of_district[people.district[ci]]
        next_mask[ci] = np.where(
            next_mask[ci] == C.MASK_CHILD, C.MASK_CHILD, C.vbit("PFIZER", "MODERNA")
        )
    sel = outcome == O_REFERRED
    if sel.any():
        ri_ = idx[sel]
        go = rng.random(len(ri_)) < 0.9
        next_due[ri_] = np.where(go, d + rng.integers(1, 11, len(ri_)), NEVER)
        next_fac[ri_] = cx.hosp_of_district[people.district[ri_]]
    inj = outcome == O_INJECTED
    if inj.any():
        schedule_next(rng, people, doses, cx.vaccines, idx[inj], vax[inj], d)
