"""The campaign, day by day: supply chain, sessions, screening, injections, next doses.

Each day is processed for all sites and people at once with array operations; the loop only
runs over days (and, for the supply chain, over districts and vaccines). The steps of a day, in
order (the order of the random draws depends on it):

1. stock arriving from transfers and national receipts (`stores.py`);
2. expired stock destroyed (`stores.py`);
3. transfers down the chain, by need (`allocation.py`);
4. sessions and the people they see (`sessions.py`);
5. screening (`screening.py`);
6. injections, waste and adjustments at the sites' stores (`injections.py`);
7. the next dose of each person seen (`followup.py`, `schedule.py`).
"""

from __future__ import annotations

import numpy as np

from ..people import People
from ..sites import Sites
from ..supply import Lots
from ..timeutil import weekday
from .allocation import allocate
from .followup import follow_up
from .injections import inject
from .log import CampaignLog, Columns
from .screening import screen
from .sessions import plan_sessions
from .state import Campaign


def run_campaign(
    people: People,
    sites: Sites,
    lots: Lots,
    rng: np.random.Generator,
    scale: float,
    start_day: int,
    horizon_day: int,
) -> CampaignLog:
    """Simulate every day from `start_day` to `horizon_day` (day indices) with `rng`."""
    cx = Campaign.start(people, sites, lots, rng, scale)
    stock, doses, F = cx.stock, cx.doses, sites.n
    V = Columns("person", "fac", "day", "outcome", "reason", "vax", "lot", "dose", "kind")
    SES = Columns("fac", "day", "vax", "attempts", "injected", "capacity")

    for d in range(start_day, horizon_day + 1):
        wd = int(weekday(d))
        stock.receive(d)
        stock.destroy_expired(d)
        allocate(cx, d, wd)
        day = plan_sessions(cx, d, wd)
        if day is None:
            continue
        idx, fi = day.idx, day.fi
        k = len(idx)
        outcome, reason = screen(cx, d, idx, fi)
        inj = inject(cx, d, day, outcome)

        sess_f = inj.sess_f
        SES.add(
            fac=sess_f,
            day=np.full(len(sess_f), d),
            vax=day.vstar[sess_f],
            attempts=np.bincount(fi, minlength=F)[sess_f],
            injected=inj.n_inj[sess_f],
            capacity=day.cap[sess_f],
        )
        V.add(
            person=idx,
            fac=fi,
            day=np.full(k, d),
            outcome=outcome,
            reason=reason,
            vax=inj.vax,
            lot=inj.lot,
            dose=doses.dose[idx].copy(),
            kind=doses.kind[idx].copy(),
        )
        follow_up(cx, d, idx, outcome, reason, inj.vax)

    return CampaignLog(visits=V.result(), sessions=SES.result(), ledger=stock.ledger.result())
