"""Citizen rows: one per registered person, plus the duplicates the platform accumulates."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .names import full_names, mess_text, nfd
from .people import YEAR, People
from .timeutil import DAY0, day_index, local_day_of, local_midnight
from .versions import Versions, make_frame

_S = np.dtypes.StringDType()
PHONE_PREFIXES = (
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
    "056",
    "058",
    "070",
    "076",
    "077",
    "078",
    "079",
    "081",
    "082",
    "083",
    "084",
    "085",
    "086",
    "088",
    "089",
    "090",
    "091",
    "093",
    "094",
    "096",
    "097",
    "098",
    "099",
)
MALFORMED_CODES = ("", "1364", "136420", "13642.0", "3613642", " 1369")


@dataclass
class CitizenRows:
    versions: Versions
    row_of_person: np.ndarray  # base row of each person's main citizen row (-1: never registered)
    dup_row_of_person: np.ndarray  # base row of the duplicate (-1: none)
    dup_from_rank: np.ndarray  # visits of that person with rank >= this use the duplicate row
    citizen_id: np.ndarray  # object array by base row
    row_of_visit: np.ndarray  # base row used by each visit


def _birth_year(birth_day: np.ndarray) -> np.ndarray:
    d = (np.datetime64(DAY0) + birth_day.astype("timedelta64[D]")).astype("datetime64[Y]")
    return d.astype(np.int64) + 1970


def _unique_suffix(rng, group: np.ndarray, modulus: int) -> np.ndarray:
    """Distinct numbers below `modulus` within each group (an affine permutation of the rank)."""
    order = np.argsort(group, kind="stable")
    g_sorted = group[order]
    rank = np.empty(len(group), dtype=np.int64)
    rank[order] = np.arange(len(group)) - np.searchsorted(g_sorted, g_sorted, side="left")
    uniq, inv = np.unique(group, return_inverse=True)
    offset = rng.integers(0, modulus, len(uniq))
    return (rank * 7919 + offset[inv]) % modulus


def _national_ids(rng, people: People, age: np.ndarray) -> np.ndarray:
    n = people.n
    year = _birth_year(people.birth_day)
    u = rng.random(n)
    p_cmnd = np.where(age >= 60, 0.35, np.where(age >= 40, 0.22, np.where(age >= 18, 0.08, 0.0)))
    p_null = np.where(age < 14, 0.75, np.where(age < 18, 0.2, 0.005))
    kind = np.where(u < p_null, 0, np.where(u < p_null + p_cmnd, 2, 1))
    prefix = people.id_prefix.astype(_S)
    century = np.where(year >= 2000, 2, 0) + np.where(people.male, 0, 1)
    yy = year % 100
    group = prefix.astype(np.int64) * 1000 + century * 100 + yy
    suf6 = _unique_suffix(rng, group, 1_000_000)
    cccd = np.strings.add(
        np.strings.add(
            np.strings.add(prefix, century.astype(_S)), np.strings.zfill(yy.astype(_S), 2)
        ),
        np.strings.zfill(suf6.astype(_S), 6),
    )
    cm_prefix = np.where(prefix == "034", "15", "16").astype(_S)
    suf7 = _unique_suffix(rng, cm_prefix.astype(np.int64), 10_000_000)
    cmnd = np.strings.add(cm_prefix, np.strings.zfill(suf7.astype(_S), 7))
    out = np.where(kind == 1, cccd, cmnd).astype(object)
    out[kind == 0] = None
    return out


def _phones(rng, n: int, age: np.ndarray) -> np.ndarray:
    pre = np.array(PHONE_PREFIXES, dtype=_S)[rng.integers(0, len(PHONE_PREFIXES), n)]
    num = np.strings.zfill(rng.integers(0, 10_000_000, n).astype(_S), 7)
    out = np.strings.add(pre, num).astype(object)
    p_null = np.where(age < 12, 0.5, np.where(age >= 70, 0.25, 0.06))
    out[rng.random(n) < p_null] = None
    return out


def build_citizens(
    rng,
    people: People,
    v_person: np.ndarray,
    v_checkin: np.ndarray,
    start_day: int,
    horizon_day: int,
    commune_codes: np.ndarray,
    commune_district: np.ndarray,
) -> CitizenRows:
    n = people.n
    # Visits of each person in time order.
    order = np.lexsort((v_checkin, v_person))
    p_sorted = v_person[order]
    first_pos = np.searchsorted(p_sorted, np.arange(n), side="left")
    n_vis = np.bincount(v_person, minlength=n)
    has = n_vis > 0
    first_t = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    first_t[has] = v_checkin[order[first_pos[has]]]

    # When each person registered.
    walk_in = rng.random(n) < 0.4
    first_day = local_day_of(np.where(has, first_t, 0))
    early = local_midnight(first_day - rng.integers(1, 31, n)) + rng.integers(
        7 * 3600, 22 * 3600, n
    )
    reg = np.where(walk_in, first_t - rng.integers(60, 1800, n), early)
    # Some register and never come.
    never = ~has & (people.programme >= 0) & (rng.random(n) < 0.015)
    lo, hi = (
        max(start_day, day_index("2021-07-15")),
        max(start_day + 1, min(horizon_day, day_index("2022-05-31"))),
    )
    reg_never = local_midnight(rng.integers(lo, hi, n)) + rng.integers(7 * 3600, 22 * 3600, n)
    reg = np.where(has, reg, reg_never)
    registered = has | never
    persons = np.flatnonzero(registered)

    reg_day = local_day_of(reg)
    age = (reg_day - people.birth_day) / YEAR
    nat = _national_ids(rng, people, age)
    phone = _phones(rng, n, age)
    names = full_names(rng, people.male, _birth_year(people.birth_day)).astype(object)

    # Duplicates: a second row with the same national_id, used from some later visit on.
    dup_ok = (n_vis >= 2) & np.array([x is not None for x in nat])
    dup = dup_ok & (rng.random(n) < 0.006)
    dup_persons = np.flatnonzero(dup)
    dup_from = np.full(n, np.iinfo(np.int32).max, dtype=np.int64)
    k = 1 + (rng.random(len(dup_persons)) * (n_vis[dup_persons] - 1)).astype(np.int64)
    dup_from[dup_persons] = k
    dup_visit_t = v_checkin[order[first_pos[dup_persons] + k]]
    dup_created = dup_visit_t - rng.integers(300, 3600, len(dup_persons))

    # Assemble base rows: main rows then duplicate rows.
    res = people.residence_code
    moved = rng.random(len(dup_persons)) < 0.5
    alt_commune = rng.integers(0, len(commune_codes), len(dup_persons))
    dup_res = np.where(moved, commune_codes[alt_commune], res[dup_persons])
    dup_phone = np.where(
        rng.random(len(dup_persons)) < 0.5,
        phone[dup_persons],
        _phones(rng, len(dup_persons), age[dup_persons]),
    )
    rows_person = np.concatenate([persons, dup_persons])
    created = np.concatenate([reg[persons], dup_created]).astype(np.int64)
    full_name = mess_text(rng, names[rows_person], p_nfd=0.03, p_space=0.02, p_eth=0.08)
    base = make_frame(
        {
            "citizen_id": None,
            "national_id": nat[rows_person],
            "full_name": full_name,
            "birth_date": people.birth_day[rows_person].astype(np.int64),
            "sex": np.where(people.male[rows_person], "M", "F").astype(object),
            "phone": np.concatenate([phone[persons], dup_phone]),
            "residence_commune_code": np.concatenate([res[persons], dup_res]),
            "priority_group": people.pg[rows_person].astype(np.int64),
            "updated_at": created,
            "_created": created,
        }
    )
    # Malformed residence codes on a handful of rows (two of them among the earliest).
    n_bad = max(2, round(1e-4 * len(base)))
    earliest = np.argsort(created, kind="stable")
    bad_rows = np.unique(
        np.concatenate([earliest[:2], rng.choice(len(base), n_bad - 2, replace=False)])
    )
    base.loc[bad_rows, "residence_commune_code"] = np.array(MALFORMED_CODES, dtype=object)[
        rng.integers(0, len(MALFORMED_CODES), len(bad_rows))
    ]

    # Sequential ids in order of registration.
    id_order = np.lexsort((np.arange(len(base)), created))
    base = base.iloc[id_order].reset_index(drop=True)
    rows_person = rows_person[id_order]
    pos = np.empty(len(id_order), dtype=np.int64)
    pos[id_order] = np.arange(len(id_order))
    base["citizen_id"] = pd.Series(
        np.strings.add("C", np.strings.zfill(np.arange(1, len(base) + 1).astype(_S), 9)).astype(
            object
        ),
        dtype=object,
    )

    row_of_person = np.full(n, -1, dtype=np.int64)
    row_of_person[persons] = pos[: len(persons)]
    dup_row = np.full(n, -1, dtype=np.int64)
    dup_row[dup_persons] = pos[len(persons) :]

    # Later changes: new phone numbers, moves, a name re-typed cleanly.
    m = len(base)
    u = rng.random(m)
    created_b = base["_created"].to_numpy()
    t_change = local_midnight(local_day_of(created_b) + rng.integers(20, 400, m)) + rng.integers(
        7 * 3600, 21 * 3600, m
    )
    kinds = np.where(u < 0.035, 1, np.where(u < 0.045, 2, np.where(u < 0.05, 3, 0)))
    ch_rows = np.flatnonzero(kinds > 0)
    changes = base.iloc[ch_rows].copy()
    changes["_row"] = ch_rows
    changes["updated_at"] = t_change[ch_rows]
    kk = kinds[ch_rows]
    sel = kk == 1
    changes.loc[changes.index[sel], "phone"] = _phones(
        rng, int(sel.sum()), np.full(int(sel.sum()), 30.0)
    )
    sel = kk == 2
    codes = changes["residence_commune_code"].to_numpy()
    known = set(commune_codes.tolist())
    ok_code = np.array([isinstance(c, str) and c in known for c in codes], dtype=bool)
    sel = sel & ok_code
    if sel.any():
        code_idx = np.searchsorted(commune_codes, codes[sel])
        dist = commune_district[code_idx]
        new_codes = []
        for d_ in dist:
            same = np.flatnonzero(commune_district == d_)
            new_codes.append(commune_codes[same[rng.integers(0, len(same))]])
        changes.loc[changes.index[sel], "residence_commune_code"] = np.array(
            new_codes, dtype=object
        )
    sel = kk == 3
    if sel.any():
        names_clean = names[rows_person[ch_rows[sel]]]
        changes.loc[changes.index[sel], "full_name"] = np.array(
            [nfd(x) if i % 2 else x for i, x in enumerate(names_clean)], dtype=object
        )
    changes = changes.sort_values(["updated_at", "_row"], kind="stable").reset_index(drop=True)
    versions = Versions("citizen", base, changes)

    rank = np.empty(len(v_person), dtype=np.int64)
    rank[order] = np.arange(len(v_person)) - first_pos[p_sorted]
    row_of_visit = np.where(rank >= dup_from[v_person], dup_row[v_person], row_of_person[v_person])
    return CitizenRows(
        versions=versions,
        row_of_person=row_of_person,
        dup_row_of_person=dup_row,
        dup_from_rank=dup_from,
        citizen_id=base["citizen_id"].to_numpy(),
        row_of_visit=row_of_visit,
    )
