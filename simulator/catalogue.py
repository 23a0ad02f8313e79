"""The catalogue tables: vaccines (with two later renames), facilities and stores."""

from __future__ import annotations

import pandas as pd

from . import config as C
from .sites import Sites
from .timeutil import day_index, local_midnight
from .versions import Versions, no_changes

H = 3600


def build_vaccines(rng, start_day: int) -> Versions:
    rows = []
    for v in C.VACCINES:
        t = int(
            local_midnight(day_index(v.first_catalogue_date)) + 9 * H + int(rng.integers(0, 6 * H))
        )
        rows.append(
            (v.code, v.name, v.manufacturer, v.doses_per_vial, v.primary_series_doses, t, t)
        )
    base = pd.DataFrame(
        rows,
        columns=[
            "vaccine_code",
            "name",
            "manufacturer",
            "doses_per_vial",
            "primary_series_doses",
            "updated_at",
            "_created",
        ],
    )
    renames = {
        "PFIZER": ("Comirnaty (Pfizer-BioNTech)", "2022-01-10"),
        "MODERNA": ("Spikevax (Moderna)", "2021-11-02"),
    }
    ch_rows = []
    for code, (name, date) in renames.items():
        i = C.VIDX[code]
        rec = base.iloc[i].drop(labels=["_created"]).to_dict()
        rec["name"] = name
        rec["updated_at"] = int(local_midnight(day_index(date)) + 10 * H)
        rec["_row"] = i
        ch_rows.append(rec)
    ch = (
        pd.DataFrame(ch_rows)
        .sort_values(["updated_at", "_row"], kind="stable")
        .reset_index(drop=True)
    )
    return Versions("vaccine", base, ch)


def build_facilities(sites: Sites) -> Versions:
    return Versions("facility", sites.facilities, sites.facility_changes)


def build_stores(sites: Sites) -> Versions:
    return Versions("store", sites.stores, no_changes(sites.stores))
