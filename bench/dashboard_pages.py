"""Script-run time of each dashboard page on the whole province, cold and warm, against
computing the page's main figures straight from the visit-grain tables.

    .venv/bin/python bench/dashboard_pages.py [--warehouse-url URL] [--repeat 3]
        [--baseline-repeat 1]

The warehouse defaults to sqlite:////tmp/full/w2.db when that file exists (the whole province,
to 2022-06-30), else to $VAX_WAREHOUSE_URL. It is only read.

For each page (dashboard/app_pages/: overview, coverage, sites, screening, and the operations
pages stock, certificates, aefi, flow, quality), through Streamlit's AppTest, with the default
view (whole province, the last complete ISO week of data):
- cold: every Streamlit cache cleared (`st.cache_data.clear()`, `st.cache_resource.clear()`),
  then one script run of a new session;
- warm: the same session run again (every read is a cache hit).
One untimed run per page first, so that module imports are not counted. Medians of `--repeat`.
Budget: warm < 300 ms, cold < 1.5 s.

Baseline: the page's main figures computed with SQL from the core tables (visit, citizen,
certificate, aefi_report, vaccine, facility, vaccination_plan, stock_transaction, stock_report)
for the same period, timed on a fresh connection; ratio = baseline time / page cold time (how
much the marts and the cache save).
Exit status 1 when a page misses its budget or does not render.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit import config as st_config  # noqa: E402
from streamlit import logger as st_logger  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from dashboard.i18n import text  # noqa: E402
from etl.sqlutil import hours_between  # noqa: E402
from queries.freshness import freshness  # noqa: E402
from queries.periods import last_complete_week, week_start  # noqa: E402
from warehouse import engine as wh_engine  # noqa: E402

DEFAULT_WAREHOUSE = Path("/tmp/full/w2.db")
APP = ROOT / "dashboard" / "app.py"
PAGES = (
    "overview", "coverage", "sites", "screening", "stock", "certificates", "aefi", "flow",
    "quality",
)  # fmt: skip
WARM_BUDGET_MS = 300
COLD_BUDGET_MS = 1500
RUN_TIMEOUT = 300

DEFERRALS = "('deferred', 'contraindicated', 'referred')"
ACTIVE = "v.status = 'active'"
INJECTED = "v.status = 'active' AND v.injected_at IS NOT NULL"

# Per person as of :end (METRICS.md, "People and coverage"): >= 1 dose, fully vaccinated
# (distinct primary dose numbers >= the smallest primary series of those vaccines), boosted;
# the residence is that of the person's most recently updated citizen row.
PEOPLE_AS_OF = f"""
WITH person AS (
    SELECT person_key, residence_commune_code FROM (
        SELECT person_key, residence_commune_code,
               ROW_NUMBER() OVER (
                   PARTITION BY person_key ORDER BY updated_at DESC, citizen_key DESC
               ) AS rn
        FROM citizen
    ) ranked WHERE rn = 1
),
per_person AS (
    SELECT c.person_key,
           COUNT(DISTINCT CASE WHEN v.dose_kind = 'primary' THEN v.dose_number END)
               AS primary_doses,
           MIN(CASE WHEN v.dose_kind = 'primary' THEN x.primary_series_doses END) AS series,
           MAX(CASE WHEN v.dose_kind = 'booster' THEN 1 ELSE 0 END) AS boosted
    FROM visit v
    JOIN citizen c ON c.citizen_key = v.citizen_key
    LEFT JOIN vaccine x ON x.vaccine_code = v.vaccine_code
    WHERE {INJECTED} AND v.session_date <= :end
    GROUP BY c.person_key
)
SELECT p.residence_commune_code AS commune,
       COUNT(*) AS people_1plus,
       SUM(CASE WHEN pp.primary_doses >= pp.series THEN 1 ELSE 0 END) AS people_full,
       SUM(pp.boosted) AS people_boosted
FROM per_person pp JOIN person p ON p.person_key = pp.person_key
GROUP BY p.residence_commune_code
"""


# --- baselines: the page's main figures from the visit-grain tables ---------------------------
def _rows(conn: sa.Connection, sql: str, params: dict) -> list:
    return conn.execute(sa.text(sql), params).all()


def baseline_overview(conn: sa.Connection, params: dict) -> None:
    """Doses and deferrals in the period, people with >= 1 dose and fully vaccinated as of its
    end, certificates issued in the period and the certificate backlog at its end."""
    _rows(
        conn,
        f"SELECT SUM(CASE WHEN v.injected_at IS NOT NULL THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN v.screening_result IN {DEFERRALS} THEN 1 ELSE 0 END) "
        f"FROM visit v WHERE {ACTIVE} AND v.session_date BETWEEN :start AND :end",
        params,
    )
    _rows(
        conn,
        f"SELECT SUM(people_1plus), SUM(people_full) FROM ({PEOPLE_AS_OF}) people",
        params,
    )
    _rows(
        conn,
        "SELECT COUNT(*) FROM certificate c "
        "WHERE c.revoked_at IS NULL AND c.issued_date BETWEEN :start AND :end",
        params,
    )
    _rows(
        conn,
        f"SELECT COUNT(*) FROM visit v WHERE {INJECTED} AND v.session_date < :end "
        "AND NOT EXISTS (SELECT 1 FROM certificate c WHERE c.visit_id = v.visit_id "
        "AND c.revoked_at IS NULL AND c.issued_date <= :end)",
        params,
    )


def baseline_coverage(conn: sa.Connection, params: dict) -> None:
    """People with >= 1 dose, fully vaccinated and boosted by residence commune as of the end."""
    _rows(conn, PEOPLE_AS_OF, params)


_FACILITY_COUNTS = (
    "SELECT v.facility_id, "
    "SUM(CASE WHEN v.injected_at IS NOT NULL THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN v.screened_at IS NOT NULL THEN 1 ELSE 0 END), "
    f"SUM(CASE WHEN v.screening_result IN {DEFERRALS} THEN 1 ELSE 0 END) "
    f"FROM visit v WHERE {ACTIVE} AND v.session_date BETWEEN :{{start}} AND :{{end}} "
    "GROUP BY v.facility_id"
)


def baseline_sites(conn: sa.Connection, params: dict) -> None:
    """Per facility: doses, screened and deferrals in the period and in the week before; doses
    on hand in its store at the period end and ledger-administered over the last 7 days."""
    _rows(conn, _FACILITY_COUNTS.format(start="start", end="end"), params)
    _rows(conn, _FACILITY_COUNTS.format(start="prev_start", end="prev_end"), params)
    _rows(
        conn,
        "SELECT s.facility_id, SUM(CASE t.txn_type "
        "WHEN 'transfer_out' THEN -t.quantity_doses WHEN 'administered' THEN -t.quantity_doses "
        "WHEN 'wasted' THEN -t.quantity_doses ELSE t.quantity_doses END), "
        "SUM(CASE WHEN t.txn_type = 'administered' AND t.txn_date >= :stock_from "
        "THEN t.quantity_doses ELSE 0 END) "
        "FROM stock_transaction t JOIN store s ON s.store_id = t.store_id "
        "WHERE s.facility_id IS NOT NULL AND t.txn_date <= :end GROUP BY s.facility_id",
        params,
    )


def baseline_screening(conn: sa.Connection, params: dict) -> None:
    """Screened and deferrals in the period and the week before; deferrals by result and
    reason, by district and by facility for the period; screened and deferrals per day over
    the 12 weeks of the trend."""
    totals = (
        "SELECT SUM(CASE WHEN v.screened_at IS NOT NULL THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN v.screening_result IN {DEFERRALS} THEN 1 ELSE 0 END) "
        f"FROM visit v WHERE {ACTIVE} AND v.session_date BETWEEN :{{start}} AND :{{end}}"
    )
    _rows(conn, totals.format(start="start", end="end"), params)
    _rows(conn, totals.format(start="prev_start", end="prev_end"), params)
    _rows(
        conn,
        "SELECT v.screening_result, COALESCE(v.deferral_reason, ''), COUNT(*) FROM visit v "
        f"WHERE {ACTIVE} AND v.screening_result IN {DEFERRALS} "
        "AND v.session_date BETWEEN :start AND :end GROUP BY 1, 2",
        params,
    )
    _rows(
        conn,
        "SELECT f.district_code, "
        "SUM(CASE WHEN v.screened_at IS NOT NULL THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN v.screening_result IN {DEFERRALS} THEN 1 ELSE 0 END) "
        "FROM visit v JOIN facility f ON f.facility_id = v.facility_id "
        f"WHERE {ACTIVE} AND v.session_date BETWEEN :start AND :end GROUP BY f.district_code",
        params,
    )
    _rows(conn, _FACILITY_COUNTS.format(start="start", end="end"), params)
    _rows(
        conn,
        "SELECT v.session_date, "
        "SUM(CASE WHEN v.screened_at IS NOT NULL THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN v.screening_result IN {DEFERRALS} THEN 1 ELSE 0 END) "
        f"FROM visit v WHERE {ACTIVE} AND v.session_date BETWEEN :trend_from AND :end "
        "GROUP BY v.session_date",
        params,
    )


_SIGNED = (
    "CASE WHEN t.txn_type IN ('transfer_out', 'administered', 'wasted') THEN -t.quantity_doses "
    "ELSE t.quantity_doses END"
)
_STORE_FLOWS = (
    "SELECT t.store_id, t.vaccine_code, "
    "SUM(CASE WHEN t.txn_type IN ('receipt', 'transfer_in') THEN t.quantity_doses ELSE 0 END), "
    "SUM(CASE WHEN t.txn_type = 'transfer_out' THEN t.quantity_doses ELSE 0 END), "
    "SUM(CASE WHEN t.txn_type = 'administered' THEN t.quantity_doses ELSE 0 END), "
    "SUM(CASE WHEN t.txn_type = 'wasted' THEN t.quantity_doses ELSE 0 END) "
    "FROM stock_transaction t WHERE t.txn_date BETWEEN :{start} AND :{end} "
    "GROUP BY t.store_id, t.vaccine_code"
)


def baseline_stock(conn: sa.Connection, params: dict) -> None:
    """Ledger flows per store and vaccine in the period and the week before; on hand per store
    and vaccine at the period end; doses from visits and planned doses per site and day;
    transfers received in the period per sender and receiver."""
    _rows(conn, _STORE_FLOWS.format(start="start", end="end"), params)
    _rows(conn, _STORE_FLOWS.format(start="prev_start", end="prev_end"), params)
    _rows(
        conn,
        f"SELECT t.store_id, t.vaccine_code, SUM({_SIGNED}) FROM stock_transaction t "
        "WHERE t.txn_date <= :end GROUP BY t.store_id, t.vaccine_code",
        params,
    )
    _rows(
        conn,
        f"SELECT v.facility_id, v.session_date, COUNT(*) FROM visit v WHERE {INJECTED} "
        "AND v.session_date BETWEEN :start AND :end GROUP BY v.facility_id, v.session_date",
        params,
    )
    _rows(
        conn,
        "SELECT p.facility_id, p.session_date, SUM(p.planned_doses) FROM vaccination_plan p "
        "WHERE p.status = 'approved' AND p.session_date BETWEEN :start AND :end "
        "GROUP BY p.facility_id, p.session_date",
        params,
    )
    _rows(
        conn,
        "SELECT t.counterparty_store_id, t.store_id, t.vaccine_code, SUM(t.quantity_doses) "
        "FROM stock_transaction t WHERE t.txn_type = 'transfer_in' "
        "AND t.txn_date BETWEEN :start AND :end GROUP BY 1, 2, 3",
        params,
    )


def _doses_by_district(conn: sa.Connection, params: dict) -> None:
    """Doses from visits per district in the period."""
    _rows(
        conn,
        "SELECT f.district_code, COUNT(*) FROM visit v JOIN facility f "
        f"ON f.facility_id = v.facility_id WHERE {INJECTED} "
        "AND v.session_date BETWEEN :start AND :end GROUP BY f.district_code",
        params,
    )


def baseline_certificates(conn: sa.Connection, params: dict) -> None:
    """Certificates issued and their mean lag per district in the period; doses per district;
    the backlog per district at the period end and at the end of the week before."""
    lag = hours_between(conn, "c.issued_at", "v.injected_at")
    _rows(
        conn,
        f"SELECT f.district_code, COUNT(*), AVG({lag}) FROM certificate c "
        "JOIN visit v ON v.visit_id = c.visit_id JOIN facility f ON f.facility_id = v.facility_id "
        "WHERE c.revoked_at IS NULL AND c.issued_date BETWEEN :start AND :end "
        "GROUP BY f.district_code",
        params,
    )
    _doses_by_district(conn, params)
    for day in ("end", "prev_end"):
        _rows(
            conn,
            "SELECT f.district_code, COUNT(*) FROM visit v JOIN facility f "
            f"ON f.facility_id = v.facility_id WHERE {INJECTED} AND v.session_date < :{day} "
            "AND NOT EXISTS (SELECT 1 FROM certificate c WHERE c.visit_id = v.visit_id "
            f"AND c.revoked_at IS NULL AND c.issued_date <= :{day}) GROUP BY f.district_code",
            params,
        )


def baseline_aefi(conn: sa.Connection, params: dict) -> None:
    """AEFI reports on active visits by vaccine, lot and severity in the period and by severity
    in the week before; doses by vaccine in the period; reports and doses per day over the 12
    weeks of the trend."""
    for start, end in (("start", "end"), ("prev_start", "prev_end")):
        _rows(
            conn,
            "SELECT v.vaccine_code, v.lot_number, a.severity, a.outcome, a.channel, COUNT(*) "
            f"FROM aefi_report a JOIN visit v ON v.visit_id = a.visit_id WHERE {ACTIVE} "
            f"AND a.onset_date BETWEEN :{start} AND :{end} GROUP BY 1, 2, 3, 4, 5",
            params,
        )
    _rows(
        conn,
        f"SELECT v.vaccine_code, COUNT(*) FROM visit v WHERE {INJECTED} "
        "AND v.session_date BETWEEN :start AND :end GROUP BY v.vaccine_code",
        params,
    )
    _rows(
        conn,
        "SELECT a.onset_date, a.severity, COUNT(*) FROM aefi_report a "
        f"JOIN visit v ON v.visit_id = a.visit_id WHERE {ACTIVE} "
        "AND a.onset_date BETWEEN :trend_from AND :end GROUP BY 1, 2",
        params,
    )
    _rows(
        conn,
        f"SELECT v.session_date, COUNT(*) FROM visit v WHERE {INJECTED} "
        "AND v.session_date BETWEEN :trend_from AND :end GROUP BY v.session_date",
        params,
    )


def baseline_flow(conn: sa.Connection, params: dict) -> None:
    """Per site and day in the period: checked in, screened, doses, the waits between steps,
    the first and last injection; the same totals for the week before."""
    wait = hours_between(conn, "v.screened_at", "v.checked_in_at")
    for start, end in (("start", "end"), ("prev_start", "prev_end")):
        _rows(
            conn,
            "SELECT v.facility_id, v.session_date, COUNT(*), "
            "SUM(CASE WHEN v.screened_at IS NOT NULL THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN v.injected_at IS NOT NULL THEN 1 ELSE 0 END), "
            f"AVG({wait}), MIN(v.injected_at), MAX(v.injected_at) FROM visit v "
            f"WHERE {ACTIVE} AND v.session_date BETWEEN :{start} AND :{end} "
            "GROUP BY v.facility_id, v.session_date",
            params,
        )


def baseline_quality(conn: sa.Connection, params: dict) -> None:
    """Sites with an approved plan on a day of the period and the week before with no visit or
    no stock report that day; doses from visits against declared doses per district."""
    for start, end in (("start", "end"), ("prev_start", "prev_end")):
        _rows(
            conn,
            "SELECT p.facility_id, p.session_date FROM vaccination_plan p "
            "JOIN facility f ON f.facility_id = p.facility_id "
            f"WHERE p.status = 'approved' AND p.session_date BETWEEN :{start} AND :{end} "
            "AND (NOT EXISTS (SELECT 1 FROM visit v WHERE v.facility_id = p.facility_id "
            f"AND v.session_date = p.session_date AND {ACTIVE}) "
            "OR NOT EXISTS (SELECT 1 FROM stock_report r JOIN store s ON s.store_id = r.store_id "
            "WHERE s.facility_id = p.facility_id AND r.report_date = p.session_date)) "
            "GROUP BY p.facility_id, p.session_date",
            params,
        )
    _doses_by_district(conn, params)
    _rows(
        conn,
        "SELECT f.district_code, SUM(r.administered_doses) FROM stock_report r "
        "JOIN store s ON s.store_id = r.store_id JOIN facility f ON f.facility_id = s.facility_id "
        "WHERE r.report_date BETWEEN :start AND :end GROUP BY f.district_code",
        params,
    )


BASELINES: dict[str, Callable[[sa.Connection, dict], None]] = {
    "overview": baseline_overview,
    "coverage": baseline_coverage,
    "sites": baseline_sites,
    "screening": baseline_screening,
    "stock": baseline_stock,
    "certificates": baseline_certificates,
    "aefi": baseline_aefi,
    "flow": baseline_flow,
    "quality": baseline_quality,
}


# --- page runs -------------------------------------------------------------------------------
@dataclass
class Result:
    page: str
    status: str = "ok"
    cold_ms: list[float] = field(default_factory=list)
    warm_ms: list[float] = field(default_factory=list)
    baseline_ms: list[float] = field(default_factory=list)

    @staticmethod
    def median(values: list[float]) -> float | None:
        return statistics.median(values) if values else None

    @property
    def cold(self) -> float | None:
        return self.median(self.cold_ms)

    @property
    def warm(self) -> float | None:
        return self.median(self.warm_ms)

    @property
    def baseline(self) -> float | None:
        return self.median(self.baseline_ms)

    @property
    def passed(self) -> bool:
        return (
            self.cold is not None
            and self.warm is not None
            and self.cold < COLD_BUDGET_MS
            and self.warm < WARM_BUDGET_MS
        )


def clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def new_session(page: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
    at.switch_page(f"app_pages/{page}.py")
    return at


def timed_run(at: AppTest) -> float:
    t0 = time.perf_counter()
    at.run()
    return (time.perf_counter() - t0) * 1000


def page_status(at: AppTest, page: str) -> str:
    if at.exception:
        return "exception: " + at.exception[0].message.splitlines()[0][:60]
    expected = text(f"page_{page}", "vi")
    shown = at.title[0].value if len(at.title) else None
    if shown != expected:
        return f"wrong page (title {shown!r})"
    return "ok"


def measure_page(result: Result, repeat: int) -> None:
    """Cold and warm runs of the page from dashboard/app.py."""
    clear_caches()
    at = new_session(result.page)
    at.run()  # imports the page's modules; untimed
    result.status = page_status(at, result.page)
    for _ in range(repeat):
        clear_caches()
        at = new_session(result.page)
        result.cold_ms.append(timed_run(at))
        result.warm_ms.append(timed_run(at))
        result.warm_ms.append(timed_run(at))


def measure_baseline(result: Result, url: str, params: dict, repeat: int) -> None:
    for _ in range(repeat):
        engine = wh_engine.make_engine(url, create_dir=False, must_exist=True)
        try:
            with engine.connect() as conn:
                t0 = time.perf_counter()
                BASELINES[result.page](conn, params)
                result.baseline_ms.append((time.perf_counter() - t0) * 1000)
        finally:
            engine.dispose()


# --- report ------------------------------------------------------------------------------------
def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def report(results: list[Result]) -> None:
    head = (
        f"{'page':<12} {'status':<24} {'cold ms':>8} {'warm ms':>8} "
        f"{'budget':>6} {'baseline ms':>12} {'ratio':>7}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        ratio = f"{r.baseline / r.cold:,.1f}x" if r.baseline and r.cold else "-"
        budget = "PASS" if r.passed else "FAIL"
        print(
            f"{r.page:<12} {r.status[:24]:<24} {_ms(r.cold):>8} {_ms(r.warm):>8} "
            f"{budget:>6} {_ms(r.baseline):>12} {ratio:>7}"
        )
    print(
        f"\nbudget: warm < {WARM_BUDGET_MS} ms and cold < {COLD_BUDGET_MS:,} ms per script run; "
        "ratio = baseline / cold (the same figures from the visit-grain tables with SQL)"
    )
    print("baseline per page:")
    for r in results:
        doc = " ".join((BASELINES[r.page].__doc__ or "").split())
        print(f"  {r.page}: {doc}")
    for r in results:
        if r.status != "ok":
            print(f"{r.page}: {r.status}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse-url", help="default: /tmp/full/w2.db, else VAX_WAREHOUSE_URL")
    parser.add_argument("--repeat", type=int, default=3, help="cold runs per page (default 3)")
    parser.add_argument(
        "--baseline-repeat", type=int, default=1, help="baseline runs per page (default 1)"
    )
    parser.add_argument("--pages", nargs="*", default=list(PAGES), choices=PAGES)
    args = parser.parse_args()

    url = args.warehouse_url
    if not url and DEFAULT_WAREHOUSE.exists():
        url = f"sqlite:///{DEFAULT_WAREHOUSE}"
    url = url or os.environ.get("VAX_WAREHOUSE_URL")
    if not url:
        parser.error("no warehouse: pass --warehouse-url (or set VAX_WAREHOUSE_URL)")
    os.environ["VAX_WAREHOUSE_URL"] = url
    os.environ["VAX_AUTH"] = "off"  # the pages as a province user, without the sign-in form
    # AppTest runs outside a Streamlit server: keep its "no runtime" notices out of the output.
    st_config.set_option("logger.level", "error")
    st_logger.set_log_level("error")
    warnings.filterwarnings("ignore")

    engine = wh_engine.make_engine(url, create_dir=False, must_exist=True)
    with engine.connect() as conn:
        fresh = freshness(conn)
        visits = conn.execute(sa.text("SELECT COUNT(*) FROM visit")).scalar()
    engine.dispose()
    if fresh.last_day is None:
        print(f"{wh_engine.describe(url)} holds no sessions: nothing to measure")
        return 1
    start = week_start(last_complete_week(fresh.last_day))
    end = start + timedelta(days=6)
    period = {
        "start": start,
        "end": end,
        "prev_start": start - timedelta(days=7),
        "prev_end": start - timedelta(days=1),
        "stock_from": end - timedelta(days=6),
        "trend_from": end - timedelta(days=7 * 12 - 1),
    }
    print(f"warehouse: {wh_engine.describe(url)} ({visits:,} visits, data to {fresh.last_day})")
    print(
        f"period: {last_complete_week(fresh.last_day)} ({period['start']} to {period['end']}), "
        f"whole province; cold runs per page: {args.repeat}\n"
    )

    results = []
    for page in args.pages:
        result = Result(page)
        print(f"measuring {page} ...", file=sys.stderr, flush=True)
        try:
            measure_page(result, args.repeat)
        except Exception as exc:  # noqa: BLE001 - report the page and go on with the others
            result.status = f"error: {type(exc).__name__}: {exc}"
        measure_baseline(result, url, period, args.baseline_repeat)
        results.append(result)
    print()
    report(results)
    return 0 if all(r.passed and r.status == "ok" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
