"""Screening before injection: eligible, deferred, contraindicated or referred, with a reason.

Older people are deferred and referred more often; hospitals refer almost nobody (they are
where people are referred to); during the Omicron wave many are deferred for a recent infection.
"""

from __future__ import annotations

import numpy as np

from .. import config as C
from ..people import YEAR
from ..timeutil import day_index
from .codes import O_CONTRA, O_DEFERRED, O_INJECTED, O_REFERRED, R_ALLERGY, R_CHRONIC, R_OTHER
from .state import Campaign


def screen(cx: Campaign, d: int, idx: np.ndarray, fi: np.ndarray):
    """(outcome, reason) of persons `idx` seen at sites `fi` on day `d`; reason -1 if none."""
    people, rng = cx.people, cx.rng
    om0, om1 = day_index(C.OMICRON_WAVE[0]), day_index(C.OMICRON_WAVE[1])
    k = len(idx)
    age = (d - people.birth_day[idx]) / YEAR
    om = om0 <= d <= om1
    p_contra = np.full(k, 0.002)
    p_ref = np.where(
        cx.is_hospital[fi], 0.0005, np.where(age >= 65, 0.014, np.where(age < 12, 0.003, 0.005))
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
        # Reasons in the order of codes.REASONS.
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
    return outcome, reason
