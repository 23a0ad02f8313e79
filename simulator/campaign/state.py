"""The state the day steps read and change: vaccine facts, each person's next dose, the stock.

Vaccines are indexed as in `config.VACCINES`; a set of vaccines is a bit mask (bit v for
vaccine v).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import config as C
from ..people import P_ADULT, P_TEEN, People
from ..sites import T_HOSPITAL, Sites
from ..supply import Lots
from ..timeutil import day_index
from .codes import K_PRIMARY
from .stores import Stock

_NPAT = 1 << C.NV
# Row p: the vaccines (0/1 per vaccine) in the mask p.
_PATTERN_BITS = ((np.arange(_NPAT)[:, None] >> np.arange(C.NV)[None, :]) & 1).astype(np.int64)


@dataclass
class Vaccines:
    """Per-vaccine facts, arrays indexed by vaccine."""

    dpv: np.ndarray  # doses per vial
    series: np.ndarray  # doses in the primary series
    int_min: np.ndarray  # interval between primary doses, days
    int_max: np.ndarray
    waste_rate: np.ndarray  # share of injected doses lost in opened vials
    mixable: np.ndarray  # a late second dose may use another mRNA/vector vaccine
    unit: np.ndarray  # doses per unit shipped (whole vials, or single doses at small scale)

    @classmethod
    def build(cls, scale: float) -> Vaccines:
        vac = C.VACCINES
        dpv = np.array([v.doses_per_vial for v in vac])
        return cls(
            dpv=dpv,
            series=np.array([v.primary_series_doses for v in vac]),
            int_min=np.array([v.interval_min for v in vac]),
            int_max=np.array([v.interval_max for v in vac]),
            waste_rate=np.array([v.waste_rate for v in vac]),
            mixable=np.array(
                [c in ("AZ", "PFIZER", "MODERNA", "SPUTNIK_V") for c in C.VACCINE_CODES]
            ),
            unit=dpv if scale >= 0.05 else np.ones(C.NV, dtype=np.int64),
        )


class Doses:
    """Each person's next dose: due day (`NEVER` if none), dose number, kind, allowed vaccines
    (mask), site; plus the primary-series vaccine and the number of boosters received."""

    def __init__(self, people: People, mixable: np.ndarray):
        N = people.n
        self.mixable = mixable
        self.due = people.first_due.astype(np.int32).copy()
        self.dose = np.ones(N, dtype=np.int8)
        self.kind = np.zeros(N, dtype=np.int8)
        self.mask = people.first_mask.astype(np.int16).copy()
        self.fac = people.pref_fac.astype(np.int32).copy()
        self.prim_vax = np.full(N, -1, dtype=np.int8)
        self.n_boost = np.zeros(N, dtype=np.int8)
        self.adult_prog = people.programme == P_ADULT
        self.teen_prog = people.programme == P_TEEN
        self.boost_start = np.where(
            np.isin(people.pg, (1, 2, 3, 4, 9)),
            day_index(C.BOOSTER_START_PRIORITY),
            day_index(C.BOOSTER_START_GENERAL),
        ).astype(np.int32)

    def effective_mask(self, idx, d):
        """Vaccines acceptable today for persons `idx`, and how many days overdue they are.

        An adult's overdue second primary dose may use another vaccine: a mixable one after
        `MIX_AFTER_DAYS`, any adult vaccine after `ANY_AFTER_DAYS`."""
        od = d - self.due[idx]
        second = (self.kind[idx] == K_PRIMARY) & (self.dose[idx] >= 2) & self.adult_prog[idx]
        pv = self.prim_vax[idx]
        relax = second & (((od > C.MIX_AFTER_DAYS) & self.mixable[pv]) | (od > C.ANY_AFTER_DAYS))
        return self.mask[idx] | np.where(relax, C.MASK_MIX, 0).astype(np.int16), od


def counts_by_fac_vax(fac, mask, F):
    """(F, NV): how many of the persons (at sites `fac`, accepting `mask`) each vaccine serves."""
    pat = np.bincount(fac.astype(np.int64) * _NPAT + mask, minlength=F * _NPAT).reshape(F, _NPAT)
    return pat @ _PATTERN_BITS


@dataclass
class Campaign:
    """Inputs and mutable state shared by the day steps."""

    people: People
    sites: Sites
    lots: Lots
    rng: np.random.Generator
    scale: float
    vaccines: Vaccines
    doses: Doses
    stock: Stock
    hosp_of_district: np.ndarray  # the hospital a district's hard cases are sent to
    is_hospital: np.ndarray  # per site

    @classmethod
    def start(
        cls, people: People, sites: Sites, lots: Lots, rng: np.random.Generator, scale: float
    ) -> Campaign:
        vaccines = Vaccines.build(scale)
        return cls(
            people=people,
            sites=sites,
            lots=lots,
            rng=rng,
            scale=scale,
            vaccines=vaccines,
            doses=Doses(people, vaccines.mixable),
            stock=Stock(sites, lots),
            hosp_of_district=np.array(
                [h[0] if len(h) else sites.province_hospital for h in sites.hospitals_of_district]
            ),
            is_hospital=sites.ftype == T_HOSPITAL,
        )
