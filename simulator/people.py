"""Residents (and a few residents of other provinces) with their first-dose readiness."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import config as C
from .reference import BAND_LOW, Reference
from .sites import Sites
from .timeutil import day_index

NEVER = np.int32(2**31 - 1)
YEAR = 365.25

# Programme of the first dose: 0 adult, 1 teen (12-17), 2 child (5-11), -1 none in horizon.
P_ADULT, P_TEEN, P_KID = 0, 1, 2


@dataclass
class People:
    n: int
    commune: np.ndarray  # commune index, -1 for residents of other provinces
    residence_code: np.ndarray  # object array of GSO codes
    id_prefix: np.ndarray  # CCCD province-of-birth prefix, e.g. "036"
    district: np.ndarray  # district index (of residence, or of the site used by outsiders)
    birth_day: np.ndarray  # day index (may be negative)
    male: np.ndarray
    pg: np.ndarray  # priority group
    chronic: np.ndarray
    out_prov: np.ndarray
    pref_fac: np.ndarray
    programme: np.ndarray
    first_due: np.ndarray
    first_mask: np.ndarray


def _years(y: float) -> int:
    return int(round(y * YEAR))


def _readiness_delay(
    rng: np.random.Generator,
    n: int,
    mean_fast: float,
    mean_slow: float,
    p_slow: float,
    p_very: float,
) -> np.ndarray:
    u = rng.random(n)
    fast = rng.exponential(mean_fast, n)
    slow = rng.exponential(mean_slow, n)
    very = rng.uniform(60, 240, n)
    return np.where(u < p_very, very, np.where(u < p_very + p_slow, slow, fast)).astype(np.int32)


def build_people(ref: Reference, sites: Sites, rng: np.random.Generator, scale: float) -> People:
    com = ref.communes
    pop = com["population_2019"].to_numpy(dtype=float)
    cell_p = (pop[:, None] * ref.band_share).ravel()
    n_res = int(round(C.PROVINCE_POPULATION_2019 * scale))
    counts = rng.multinomial(n_res, cell_p / cell_p.sum())
    cell = np.repeat(np.arange(len(cell_p)), counts)
    commune = (cell // len(BAND_LOW)).astype(np.int32)
    band = cell % len(BAND_LOW)
    age = BAND_LOW[band] + rng.uniform(0, 5, n_res)
    old = band == len(BAND_LOW) - 1
    age[old] = 85 + np.minimum(rng.exponential(4.0, old.sum()), 20)

    n_out = int(round(n_res * C.OUT_OF_PROVINCE_SHARE))
    age_out = rng.uniform(18, 46, n_out)
    n = n_res + n_out
    age = np.concatenate([age, age_out])
    out_prov = np.zeros(n, dtype=bool)
    out_prov[n_res:] = True

    ref_day = day_index(C.AGE_REFERENCE_DATE)
    birth_day = (ref_day - np.round(age * YEAR)).astype(np.int32)
    p_male = np.where(age >= 65, 0.42, np.where(age >= 50, 0.48, 0.505))
    male = rng.random(n) < p_male

    # Priority groups (approximate Resolution 21/NQ-CP numbering).
    u = rng.random(n)
    pg = np.zeros(n, dtype=np.int8)
    work = (age >= 20) & (age < 60)
    cuts = ((1, 0.006), (2, 0.006), (3, 0.004), (4, 0.004), (7, 0.015), (8, 0.025), (11, 0.01))
    acc = 0.0
    for g, p in cuts:
        sel = work & (u >= acc) & (u < acc + p)
        pg[sel] = g
        acc += p
    young_worker = (age >= 18) & (age < 45) & (pg == 0) & (rng.random(n) < 0.06)
    pg[young_worker] = 12
    chronic = (age >= 40) & (rng.random(n) < np.where(age >= 65, 0.3, 0.1))
    pg[(pg == 0) & (chronic | (age >= 65))] = 9
    pg[out_prov & (rng.random(n) < 0.5)] = 12

    # Residence codes and CCCD prefixes.
    residence = np.empty(n, dtype=object)
    residence[:n_res] = com["commune_code"].to_numpy()[commune]
    id_prefix = np.full(n, "036", dtype=object)
    k = rng.integers(0, len(C.OTHER_PROVINCES), n_out)
    for j, (prefix, lo, hi) in enumerate(C.OTHER_PROVINCES):
        sel = np.flatnonzero(k == j)
        codes = lo + 3 * rng.integers(0, (hi - lo) // 3, len(sel))
        residence[n_res + sel] = np.char.zfill(codes.astype(str), 5).astype(object)
        id_prefix[n_res + sel] = prefix

    # Outsiders work or study mostly in the city and the industrial districts next to it.
    dist_codes = ref.district_codes
    out_district = rng.choice(
        [dist_codes.index(c) for c in ("356", "358", "362", "360")],
        size=n_out,
        p=[0.55, 0.2, 0.15, 0.1],
    )
    out_commune = np.empty(n_out, dtype=np.int32)
    for di in np.unique(out_district):
        sel = np.flatnonzero(out_district == di)
        cands = np.flatnonzero(com["district_code"].to_numpy() == dist_codes[di])
        out_commune[sel] = rng.choice(cands, size=len(sel))
    commune_all = np.concatenate([commune, np.full(n_out, -1, dtype=np.int32)])
    site_commune = np.concatenate([commune, out_commune])
    dist_of_commune = np.array([dist_codes.index(c) for c in com["district_code"]], dtype=np.int32)
    district = dist_of_commune[site_commune]

    pref = _preferred_sites(rng, sites, site_commune, district, age, pg)

    # First-dose eligibility: the earliest programme the person falls in.
    t18 = birth_day + _years(18)
    t12 = birth_day + _years(12)
    t5 = birth_day + _years(5)
    start_of_group = np.full(n, day_index(C.GENERAL_ADULT_START), dtype=np.int32)
    for g, s in C.PRIORITY_GROUP_START.items():
        start_of_group[pg == g] = day_index(s)
    adult = np.maximum(start_of_group, t18)
    teen = np.maximum(day_index(C.TEEN_START), t12)
    teen = np.where(teen < t18, teen, NEVER)
    kid = np.maximum(day_index(C.KID_START), t5)
    kid = np.where(kid < t12, kid, NEVER)
    elig = np.minimum(np.minimum(adult, teen), kid)
    programme = np.where(elig == adult, P_ADULT, np.where(elig == teen, P_TEEN, P_KID)).astype(
        np.int8
    )
    horizon = day_index(C.HORIZON)
    programme[elig > horizon] = -1

    age_at = (elig - birth_day) / YEAR
    p_take = np.select(
        [programme == P_KID, programme == P_TEEN, age_at >= 80, age_at >= 60, age_at >= 30],
        [0.72, 0.965, 0.91, 0.975, 0.985],
        default=0.975,
    )
    p_take = np.where(pg == 1, 0.995, p_take)
    will = (rng.random(n) < p_take) & (programme >= 0)
    delay = np.where(
        programme == P_KID,
        _readiness_delay(rng, n, 25, 60, 0.35, 0.08),
        np.where(
            pg == 1,
            _readiness_delay(rng, n, 3, 10, 0.1, 0.01),
            _readiness_delay(rng, n, 4, 20, 0.22, 0.05),
        ),
    )
    first_due = np.where(will, elig + delay, NEVER).astype(np.int32)
    first_due[first_due > horizon] = NEVER
    first_mask = np.where(programme == P_ADULT, C.MASK_ADULT_FIRST, C.MASK_CHILD).astype(np.int16)

    return People(
        n=n,
        commune=commune_all,
        residence_code=residence,
        id_prefix=id_prefix,
        district=district,
        birth_day=birth_day,
        male=male,
        pg=pg,
        chronic=chronic,
        out_prov=out_prov,
        pref_fac=pref,
        programme=programme,
        first_due=first_due,
        first_mask=first_mask,
    )


def _preferred_sites(rng, sites: Sites, commune, district, age, pg) -> np.ndarray:
    n = len(commune)
    pref = sites.station_of_commune[commune].astype(np.int32)
    u = rng.random(n)
    v = rng.random(n)
    nd = len(sites.centre_of_district)
    for d in range(nd):
        in_d = district == d
        hosp = sites.hospitals_of_district[d]
        mob = sites.mobiles_of_district[d]
        priv = sites.private_of_district[d]
        # Health workers at hospitals / the district centre.
        hw = in_d & (pg == 1) & (u < 0.7)
        pref[hw] = sites.centre_of_district[d]
        if len(hosp):
            sel = hw & (v < 0.6)
            pref[sel] = hosp[rng.integers(0, len(hosp), sel.sum())]
        gen = in_d & ~hw
        sel = gen & (u < 0.06)
        pref[sel] = sites.centre_of_district[d]
        if len(hosp):
            sel = gen & (u >= 0.06) & (u < 0.10)
            pref[sel] = hosp[rng.integers(0, len(hosp), sel.sum())]
        p_mob = np.where(age >= 80, 0.25, np.where(age < 18, 0.15, 0.03))
        sel = gen & (u >= 0.10) & (u < 0.10 + p_mob)
        pref[sel] = mob[rng.integers(0, len(mob), sel.sum())]
        if len(priv):
            sel = gen & (v > (0.96 if d == 0 else 0.985)) & (age >= 18) & (age < 60)
            pref[sel] = priv[rng.integers(0, len(priv), sel.sum())]
    return pref
