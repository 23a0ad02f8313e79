"""The dose programme: after an injection, which dose comes next, of what kind, and when.

Primary series to their end (most people come back as soon as the interval allows); then,
for adults, an additional dose (Vero Cell recipients aged 50+ or chronically ill) or a booster;
a booster for teenagers; a second booster for people aged 50+, health workers and the
chronically ill. Some never come back; people from other provinces come back least.
"""

from __future__ import annotations

import numpy as np

from .. import config as C
from ..people import NEVER, YEAR, People
from ..timeutil import day_index
from .codes import K_ADDITIONAL, K_BOOSTER, K_PRIMARY
from .state import Doses, Vaccines


def _delay(rng, n, fast, slow, p_slow, p_very, very=(45, 180)):
    """Days of delay: mostly short (mean `fast`), some long (`slow`), a few very long."""
    u = rng.random(n)
    return np.where(
        u < p_very,
        rng.uniform(*very, n),
        np.where(u < p_very + p_slow, rng.exponential(slow, n), rng.exponential(fast, n)),
    ).astype(np.int32)


def schedule_next(
    rng: np.random.Generator,
    people: People,
    doses: Doses,
    vaccines: Vaccines,
    ii: np.ndarray,
    vx: np.ndarray,
    d: int,
) -> None:
    """Set the next dose of persons `ii`, injected today (day `d`) with vaccines `vx`."""
    next_dose, next_kind, prim_vax, n_boost = doses.dose, doses.kind, doses.prim_vax, doses.n_boost
    series, int_min, int_max = vaccines.series, vaccines.int_min, vaccines.int_max
    n = len(ii)
    dose = next_dose[ii].astype(np.int32)
    kind = next_kind[ii]
    first = (dose == 1) & (kind == K_PRIMARY)
    prim_vax[ii[first]] = vx[first]
    pv = prim_vax[ii].astype(np.int64)
    age = (d - people.birth_day[ii]) / YEAR
    adult = doses.adult_prog[ii] | (age >= 18)
    teen = doses.teen_prog[ii] & ~adult
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
    due[boost] = (
        np.maximum(doses.boost_start[ii[boost]], d + C.BOOSTER_MIN_INTERVAL) + late_delay[boost]
    )
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

    doses.due[ii] = np.minimum(due, NEVER).astype(np.int32)
    next_dose[ii] = (dose + 1).astype(np.int8)
    next_kind[ii] = nkind
    doses.mask[ii] = nmask
    doses.fac[ii] = people.pref_fac[ii]
