"""Visit rows (with the platform's data-entry mess), certificates and AEFI reports."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import config as C
from .campaign import KINDS, O_INJECTED, REASONS, SCREENING, CampaignLog
from .citizens import CitizenRows
from .sites import Sites
from .supply import Lots
from .timeutil import NA_TS, day_index, local_day_of, local_midnight
from .versions import NA_INT, Versions, lookup, make_frame

_S = np.dtypes.StringDType()
REACTIONS = ("none", "mild", "serious")
BAD_FACILITY_IDS = ("F369001", "F369002", "F36000", "F360999")
BAD_VACCINE_CODES = ("AZD", "PFZ", "VEROCELL", "MDN")
H = 3600


@dataclass
class VisitCore:
    person: np.ndarray
    fac: np.ndarray
    day: np.ndarray
    outcome: np.ndarray
    reason: np.ndarray
    vax: np.ndarray
    lot: np.ndarray
    dose: np.ndarray
    kind: np.ndarray
    checkin: np.ndarray
    screened: np.ndarray
    injected: np.ndarray
    observed: np.ndarray
    reaction: np.ndarray
    recorded: np.ndarray
    updated: np.ndarray
    late_site: np.ndarray  # per facility: routinely enters data late

    @property
    def n(self) -> int:
        return len(self.person)


def _u(rng, n, lo, hi):
    return rng.integers(int(lo), int(hi), n).astype(np.int64)


def visit_times(rng, log: CampaignLog, sites: Sites) -> VisitCore:
    v, s = log.visits, log.sessions
    n = len(v["person"])
    skey = s["fac"].astype(np.int64) * 100_000 + s["day"]
    so = np.argsort(skey, kind="stable")
    vkey = v["fac"].astype(np.int64) * 100_000 + v["day"]
    pos = so[np.searchsorted(skey[so], vkey)]
    small = s["attempts"][pos] <= 0.5 * np.maximum(s["capacity"][pos], 1)
    morning = small | (rng.random(n) < 0.55)
    sec = np.where(morning, _u(rng, n, 7.5 * H, 11.5 * H), _u(rng, n, 13.5 * H, 17 * H))
    day = v["day"].astype(np.int64)
    checkin = local_midnight(day) + sec
    screened = checkin + _u(rng, n, 180, 1200)
    inj = v["outcome"] == O_INJECTED
    injected = np.where(inj, screened + _u(rng, n, 60, 900), NA_TS)
    observed = np.where(inj, injected + 1800, NA_TS)
    u = rng.random(n)
    reaction = np.where(inj, np.where(u < 0.00003, 2, np.where(u < 0.015, 1, 0)), -1).astype(
        np.int8
    )

    late_site = rng.random(sites.n) < 0.05
    late = rng.random(n) < np.where(late_site[v["fac"]], 0.45, 0.02)
    lag_days = np.minimum(rng.geometric(0.35, n), 10)
    recorded = np.where(late, local_midnight(day + lag_days) + _u(rng, n, 7.5 * H, 21 * H), checkin)
    updated = np.where(late, recorded + _u(rng, n, 30, 900), np.where(inj, observed, screened))
    return VisitCore(
        person=v["person"],
        fac=v["fac"],
        day=day,
        outcome=v["outcome"],
        reason=v["reason"],
        vax=v["vax"],
        lot=v["lot"],
        dose=v["dose"],
        kind=v["kind"],
        checkin=checkin,
        screened=screened,
        injected=injected,
        observed=observed,
        reaction=reaction,
        recorded=recorded,
        updated=updated,
        late_site=late_site,
    )


@dataclass
class VisitRows:
    versions: Versions
    real_row: np.ndarray  # base row of each core visit
    visit_id: np.ndarray  # by base row


def build_visits(rng, core: VisitCore, cit: CitizenRows, sites: Sites, lots: Lots) -> VisitRows:
    n = core.n
    inj = core.outcome == O_INJECTED
    fac_ids = sites.facilities["facility_id"].to_numpy().astype(object)
    lot_numbers = np.concatenate([lots.number, np.array([None], dtype=object)])
    cols = {
        "citizen_id": cit.citizen_id[cit.row_of_visit],
        "facility_id": fac_ids[core.fac],
        "session_date": core.day,
        "checked_in_at": core.checkin,
        "screened_at": core.screened,
        "screening_result": lookup(SCREENING, core.outcome),
        "deferral_reason": lookup(REASONS, core.reason),
        "injected_at": core.injected,
        "vaccine_code": lookup(C.VACCINE_CODES, core.vax),
        "lot_number": lot_numbers[np.where(core.lot >= 0, core.lot, len(lots.number))],
        "dose_number": np.where(inj, core.dose.astype(np.int64), NA_INT),
        "dose_kind": lookup(KINDS, np.where(inj, core.kind, -1)),
        "observed_until": core.observed,
        "immediate_reaction": lookup(REACTIONS, core.reaction),
        "status": np.full(n, "active", dtype=object),
        "recorded_at": core.recorded,
        "updated_at": core.updated,
    }
    origin = np.arange(n)  # core row each base row copies

    # Double entries, voided later.
    dup = np.flatnonzero(rng.random(n) < 0.003)
    # Invalid rows the ETL must reject: unknown site, unknown vaccine code (two of each early on).
    inj_rows = np.flatnonzero(inj)
    by_time = inj_rows[np.argsort(core.recorded[inj_rows], kind="stable")]
    n_bad = max(2, round(2e-5 * n))
    bad_fac = (
        np.concatenate([by_time[:2], rng.choice(inj_rows, n_bad - 2)])
        if len(inj_rows)
        else inj_rows
    )
    bad_vax = (
        np.concatenate([by_time[2:4], rng.choice(inj_rows, n_bad - 2)])
        if len(inj_rows)
        else inj_rows
    )
    extra_src = np.concatenate([dup, bad_fac, bad_vax])
    m = len(extra_src)
    ex = {k: v[extra_src].copy() for k, v in cols.items()}
    shift = np.concatenate(
        [_u(rng, len(dup), 30, 3 * H), _u(rng, len(bad_fac) + len(bad_vax), 60, 1800)]
    )
    ex["recorded_at"] = ex["recorded_at"] + shift
    ex["updated_at"] = ex["recorded_at"] + _u(rng, m, 10, 300)
    nd_ = len(dup)
    ex["facility_id"][nd_ : nd_ + len(bad_fac)] = np.array(BAD_FACILITY_IDS, dtype=object)[
        np.arange(len(bad_fac)) % len(BAD_FACILITY_IDS)
    ]
    ex["vaccine_code"][nd_ + len(bad_fac) :] = np.array(BAD_VACCINE_CODES, dtype=object)[
        np.arange(len(bad_vax)) % len(BAD_VACCINE_CODES)
    ]
    all_cols = {k: np.concatenate([cols[k], ex[k]]) for k in cols}
    origin = np.concatenate([origin, extra_src])
    is_real = np.concatenate([np.ones(n, bool), np.zeros(m, bool)])
    is_dup = np.concatenate([np.zeros(n, bool), np.ones(nd_, bool), np.zeros(m - nd_, bool)])

    # Ids in order of entry.
    order = np.lexsort((np.arange(len(origin)), all_cols["recorded_at"]))
    base = make_frame({k: v[order] for k, v in all_cols.items()})
    origin, is_real, is_dup = origin[order], is_real[order], is_dup[order]
    total = len(base)
    visit_id = np.strings.add(
        "VS", np.strings.zfill(np.arange(1, total + 1).astype(_S), 10)
    ).astype(object)
    base.insert(0, "visit_id", pd.Series(visit_id, dtype=object))
    base["_created"] = base["recorded_at"].to_numpy()
    real_row = np.empty(n, dtype=np.int64)
    real_row[origin[is_real]] = np.flatnonzero(is_real)

    # Later changes: voids of the double entries; corrections of lot or dose kind on real rows
    # (the base version carries the wrong value).
    rec = base["recorded_at"].to_numpy()
    upd = base["updated_at"].to_numpy()
    void_rows = np.flatnonzero(is_dup)
    t_void = upd[void_rows] + _u(rng, len(void_rows), H, 10 * 24 * H)

    inj_real = real_row[inj]
    corr = inj_real[rng.random(len(inj_real)) < 0.01]
    kinds_now = base["dose_kind"].to_numpy()[corr]
    can_kind = (kinds_now == "booster") | (kinds_now == "additional")
    fix_kind = can_kind & (rng.random(len(corr)) < 0.6)
    fix_lot = ~fix_kind
    true_lot = base["lot_number"].to_numpy()[corr]
    vcode = base["vaccine_code"].to_numpy()[corr]
    wrong_lot = true_lot.copy()
    lots_by_code = {c: lots.number[lots.vax == i] for i, c in enumerate(C.VACCINE_CODES)}
    typo = rng.random(len(corr)) < 0.5
    pick = rng.random(len(corr))
    for j in np.flatnonzero(fix_lot):
        t = true_lot[j]
        others = lots_by_code.get(vcode[j], np.array([], dtype=object))
        others = others[others != t]
        if typo[j] or len(others) == 0:
            wrong_lot[j] = t[:-1] if len(t) > 3 else t + "0"
        else:
            wrong_lot[j] = others[int(pick[j] * len(others))]
    wrong_kind = np.where(kinds_now == "booster", "primary", "booster").astype(object)
    t_corr = local_midnight(
        local_day_of(np.maximum(rec[corr], upd[corr])) + rng.integers(7, 61, len(corr))
    ) + _u(rng, len(corr), 8 * H, 17 * H)

    changes = []
    ch = base.iloc[void_rows].copy()
    ch["status"] = "voided"
    ch["updated_at"] = t_void
    ch["_row"] = void_rows
    changes.append(ch)
    ch = base.iloc[corr].copy()  # the corrected (true) version
    ch["updated_at"] = t_corr
    ch["_row"] = corr
    changes.append(ch)
    # Put the wrong values into the base version.
    lot_col = base["lot_number"].to_numpy(dtype=object, na_value=None).copy()
    lot_col[corr[fix_lot]] = wrong_lot[fix_lot]
    base["lot_number"] = pd.Series(lot_col, dtype=object)
    kind_col = base["dose_kind"].to_numpy(dtype=object, na_value=None).copy()
    kind_col[corr[fix_kind]] = wrong_kind[fix_kind]
    base["dose_kind"] = pd.Series(kind_col, dtype=object)
    changes = pd.concat(changes, ignore_index=True).drop(columns=["_created"])
    changes = changes.sort_values(["updated_at", "_row"], kind="stable").reset_index(drop=True)
    return VisitRows(
        versions=Versions("visit", base, changes), real_row=real_row, visit_id=visit_id
    )


def build_certificates(
    rng, core: VisitCore, vrows: VisitRows, cit: CitizenRows, sites: Sites, start_day: int
) -> Versions:
    inj = np.flatnonzero(core.outcome == O_INJECTED)
    n = len(inj)
    obs = core.observed[inj]
    rec = core.recorded[inj]
    ready = np.maximum(obs, rec)
    day = core.day[inj]
    u = rng.random(n)
    same = ready + _u(rng, n, 5 * 60, 3 * H)
    later = local_midnight(
        day + np.where(u < 0.95, rng.integers(1, 8, n), rng.integers(8, 22, n))
    ) + _u(rng, n, 8 * H, 20 * H)
    issued = np.where(u < 0.8, same, later)
    # A few sites build a multi-week backlog for a while.
    n_backlog = min(4, sites.n)
    b_fac = rng.choice(sites.n, n_backlog, replace=False)
    windows = [
        ("2021-09-20", "2021-11-30"),
        ("2021-10-15", "2021-12-20"),
        ("2022-01-05", "2022-02-28"),
        ("2021-11-15", "2022-01-15"),
    ]
    for f, (a, b) in zip(b_fac, windows, strict=False):
        sel = (core.fac[inj] == f) & (day >= day_index(a)) & (day <= day_index(b))
        k = int(sel.sum())
        issued[sel] = local_midnight(day[sel] + rng.integers(10, 43, k)) + _u(rng, k, 8 * H, 20 * H)
    issued = np.maximum(issued, ready + 300)

    vis_row = vrows.real_row[inj]
    citizen = cit.citizen_id[cit.row_of_visit[inj]]
    visit_id = vrows.visit_id[vis_row]
    dose = core.dose[inj].astype(np.int64)

    revoke = rng.random(n) < 0.001
    t_rev = issued + _u(rng, n, 24 * H, 60 * 24 * H)
    reissue = revoke & (rng.random(n) < 0.6)
    ri = np.flatnonzero(reissue)
    t_re = t_rev[ri] + _u(rng, len(ri), 120, 24 * H)

    issued_all = np.concatenate([issued, t_re])
    src = np.concatenate([np.arange(n), ri])
    order = np.lexsort((np.arange(len(src)), issued_all))
    src, issued_all = src[order], issued_all[order]
    total = len(src)
    base = make_frame(
        {
            "certificate_id": np.strings.add(
                "CN", np.strings.zfill(np.arange(1, total + 1).astype(_S), 10)
            ).astype(object),
            "visit_id": visit_id[src],
            "citizen_id": citizen[src],
            "dose_number": dose[src],
            "issued_at": issued_all,
            "revoked_at": np.full(total, NA_TS, dtype=np.int64),
            "updated_at": issued_all,
            "_created": issued_all,
        }
    )
    first_copy = order < n
    rows = np.flatnonzero(first_copy & revoke[src])
    ch = base.iloc[rows].drop(columns=["_created"]).copy()
    ch["revoked_at"] = t_rev[src[rows]]
    ch["updated_at"] = t_rev[src[rows]]
    ch["_row"] = rows
    ch = ch.sort_values(["updated_at", "_row"], kind="stable").reset_index(drop=True)
    return Versions("certificate", base, ch)


def build_aefi(rng, core: VisitCore, vrows: VisitRows, cit: CitizenRows) -> Versions:
    inj = np.flatnonzero(core.outcome == O_INJECTED)
    n = len(inj)
    react = core.reaction[inj]
    vx = core.vax[inj]
    rate = np.array([0.005, 0.0015, 0.0035, 0.0045, 0.004, 0.003, 0.003])[vx]
    u = rng.random(n)
    immediate = (react == 2) | ((react == 1) & (u < 0.25))
    later_mild = ~immediate & (rng.random(n) < rate)
    later_serious = ~immediate & ~later_mild & (rng.random(n) < 1.5e-5)
    pick = immediate | later_mild | later_serious
    idx = np.flatnonzero(pick)
    k = len(idx)
    inj_at = core.injected[inj][idx]
    obs = core.observed[inj][idx]
    imm = immediate[idx]
    serious = (react[idx] == 2) | later_serious[idx]
    onset = np.where(
        imm,
        inj_at + _u(rng, k, 300, 1700),
        inj_at + (rng.exponential(14, k) * H).astype(np.int64) + 2 * H,
    )
    ch_u = rng.random(k)
    channel = np.where(imm, 0, np.where(ch_u < 0.55, 1, np.where(ch_u < 0.8, 2, 0)))
    lag = np.select(
        [imm, channel == 1, channel == 2],
        [
            obs - onset + _u(rng, k, 60, 3 * H),
            (rng.exponential(12, k) * H).astype(np.int64),
            (rng.exponential(36, k) * H).astype(np.int64),
        ],
        (rng.exponential(48, k) * H).astype(np.int64),
    )
    # Reports never precede the visit's entry on the platform.
    reported = np.maximum(onset + np.maximum(lag, 60), core.recorded[inj][idx] + 60)
    out_u = rng.random(k)
    outcome = np.where(serious, np.where(out_u < 0.85, 1, 3), np.where(out_u < 0.85, 0, 3))
    vis_row = vrows.real_row[inj[idx]]
    order = np.lexsort((np.arange(k), reported))
    base = make_frame(
        {
            "aefi_id": np.strings.add(
                "AE", np.strings.zfill(np.arange(1, k + 1).astype(_S), 8)
            ).astype(object),
            "visit_id": vrows.visit_id[vis_row][order],
            "citizen_id": cit.citizen_id[cit.row_of_visit[inj[idx]]][order],
            "onset_at": onset[order],
            "reported_at": reported[order],
            "severity": np.where(serious, "serious", "mild").astype(object)[order],
            "outcome": lookup(("recovered", "hospitalised", "death", "unknown"), outcome)[order],
            "channel": lookup(("facility", "app", "hotline"), channel)[order],
            "updated_at": reported[order],
            "_created": reported[order],
        }
    )
    # Hospitalised cases are followed up: most recover, a very few die.
    hosp = np.flatnonzero(base["outcome"].to_numpy() == "hospitalised")
    fu = rng.random(len(hosp))
    follow = hosp[fu < 0.88]
    ch = base.iloc[follow].drop(columns=["_created"]).copy()
    ch["outcome"] = np.where(fu[fu < 0.88] < 0.85, "recovered", "death").astype(object)
    ch["updated_at"] = base["reported_at"].to_numpy()[follow] + _u(
        rng, len(follow), 24 * H, 20 * 24 * H
    )
    ch["_row"] = follow
    ch = ch.sort_values(["updated_at", "_row"], kind="stable").reset_index(drop=True)
    return Versions("aefi_report", base, ch)
