"""Generate the whole campaign's history for (seed, start, scale), independent of any end date."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from . import config as C
from .campaign import run_campaign
from .catalogue import build_facilities, build_stores, build_vaccines
from .citizens import build_citizens
from .people import build_people
from .plans import build_plans
from .reference import load_reference
from .sites import build_sites
from .stock import build_ledger, build_reports
from .supply import build_lots
from .timeutil import day_index
from .versions import Versions
from .visits import build_aefi, build_certificates, build_visits, visit_times

# One independent random stream per component, so that changing one part of the model does not
# reshuffle the others.
_STREAMS = (
    "sites",
    "people",
    "lots",
    "campaign",
    "visit_times",
    "citizens",
    "visits",
    "certificates",
    "aefi",
    "plans",
    "ledger",
    "reports",
    "vaccines",
)


def _rng(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, _STREAMS.index(name)]))


def generate(
    seed: int, start: str, scale: float, progress: Callable[[str], None] = lambda s: None
) -> dict[str, Versions]:
    t0 = time.perf_counter()
    start_day = day_index(start)
    horizon_day = day_index(C.HORIZON)
    ref = load_reference()
    sites = build_sites(ref, _rng(seed, "sites"), start_day, horizon_day)
    people = build_people(ref, sites, _rng(seed, "people"), scale)
    lots = build_lots(_rng(seed, "lots"), scale, start_day, horizon_day)
    progress(
        f"population: {people.n:,} people, {sites.n} sites, {lots.n} vaccine lots "
        f"({time.perf_counter() - t0:.1f}s)"
    )
    log = run_campaign(people, sites, lots, _rng(seed, "campaign"), scale, start_day, horizon_day)
    progress(
        f"campaign simulated to {C.HORIZON}: {len(log.visits['person']):,} visits, "
        f"{len(log.sessions['fac']):,} site-days ({time.perf_counter() - t0:.1f}s)"
    )

    core = visit_times(_rng(seed, "visit_times"), log, sites)
    com = ref.communes
    commune_codes = com["commune_code"].to_numpy().astype(object)
    commune_district = np.array([ref.district_codes.index(d) for d in com["district_code"]])
    cit = build_citizens(
        _rng(seed, "citizens"),
        people,
        core.person,
        core.checkin,
        start_day,
        horizon_day,
        commune_codes,
        commune_district,
    )
    vrows = build_visits(_rng(seed, "visits"), core, cit, sites, lots)
    certs = build_certificates(_rng(seed, "certificates"), core, vrows, cit, sites, start_day)
    aefi = build_aefi(_rng(seed, "aefi"), core, vrows, cit)
    plans = build_plans(_rng(seed, "plans"), log, sites)
    ledger, final = build_ledger(_rng(seed, "ledger"), log, sites, lots, core.late_site)
    reports = build_reports(_rng(seed, "reports"), log, sites, final)
    tables = {
        "vaccine": build_vaccines(_rng(seed, "vaccines"), start_day),
        "facility": build_facilities(sites),
        "store": build_stores(sites),
        "citizen": cit.versions,
        "vaccination_plan": plans,
        "visit": vrows.versions,
        "certificate": certs,
        "aefi_report": aefi,
        "stock_transaction": ledger,
        "stock_report": reports,
    }
    for v in tables.values():
        v.check()
    progress(f"records built ({time.perf_counter() - t0:.1f}s)")
    return tables
