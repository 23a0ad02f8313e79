"""Full versus incremental: what a load does around writing each table, and how it refreshes
the marts.

A full load (an empty warehouse, or one without visits) writes each table in parts in a writer
thread while the next is cleaned here, computes people's milestones and the visit-grain marts
from the frames in memory while the server writes, and has the server build the smaller marts
as soon as their inputs are written. An incremental load writes each increment at once,
gathers the keys its rows touched (etl/touched.py), and rebuilds only those mart rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial

import pandas as pd
import sqlalchemy as sa

import settings
from etl import coverage_groups, marts, touched
from etl.coverage import coverage_rows, milestones_from_frames, refresh_people
from etl.due import refresh_waits, waits_from_frames
from etl.marts_memory import facility_day_marts
from etl.result import Lap, RunResult, TableStats

FULL_LOAD_PART_ROWS = settings.etl_part_rows()
# The tables whose frames a full load keeps for the marts and milestones it computes.
KEPT_FOR_MARTS = ("citizen", "visit", "vaccine", "certificate")


class Incremental:
    """Writes each increment at once and rebuilds the marts of the keys it touched."""

    full = False

    def __init__(self, conn: sa.Connection, result: RunResult) -> None:
        self.conn = conn
        self.result = result
        # A changed vaccine (its primary series length) can change anyone's milestones.
        self.full_coverage = False
        # Area or target-group definitions rewritten by this load: the group mart is made again.
        self.reference_rewritten = False
        if conn.dialect.name == "postgresql" and not self.full:
            _analyze_tables_never_analyzed(conn)
            # The touched keys are looked up by index in tables the server mostly has cached:
            # at the default cost of a random page (4) the planner reads whole tables of
            # millions of rows instead, for some thousand keys (seconds per statement).
            conn.exec_driver_sql("SELECT set_config('random_page_cost', '1.1', true)")

    def part_rows(self, total: int) -> int:
        return max(total, 1)

    def submit(self, job: Callable[[], None]) -> None:
        """Run `job` on the warehouse connection (now: nothing writes in the background)."""
        job()

    def sync(self) -> None:
        """Wait for background writes before using the connection (none here)."""

    def close(self) -> None:
        pass

    def before_write(self, name: str, valid: pd.DataFrame, pk: str) -> None:
        touched.keys_before(self.conn, name, valid, pk)

    def after_write(self, name: str, valid: pd.DataFrame) -> None:
        touched.keys_after(self.conn, name, valid)

    def keep(self, name: str, valid: pd.DataFrame) -> None:
        pass

    def table_loaded(self, name: str, stats: TableStats) -> None:
        if name == "vaccine" and stats.loaded:
            self.full_coverage = True

    def refresh_marts(self) -> int:
        """Rebuild the touched mart rows; returns the person rows recomputed."""
        conn, steps = self.conn, self.result.steps
        touched.final_keys(conn)
        if conn.dialect.name == "postgresql":
            # Temporary tables get no statistics else: the planner would guess them large.
            conn.exec_driver_sql(f"ANALYZE {', '.join(touched.KEY_TABLES)}")
        step = time.perf_counter()
        # (A load with nothing new touched nothing: no mart query runs.)
        if marts.touched_any(conn, "touched_fd"):
            marts.rebuild_facility_day_marts(conn, False)
            marts.rebuild_report_marts(conn, False)
        if marts.touched_any(conn, "touched_sv"):
            marts.rebuild_stock_marts(conn, False)
        steps["marts"] = time.perf_counter() - step
        step = time.perf_counter()
        people: dict[str, pd.DataFrame] = {}  # the affected persons' rows, read once
        persons = refresh_people(conn, self.full_coverage, keep=people)
        if self.reference_rewritten and not self.full_coverage:
            coverage_groups.rebuild(conn)
        steps["coverage"] = time.perf_counter() - step
        step = time.perf_counter()
        refresh_waits(conn, self.full_coverage, people=people)
        steps["waits"] = time.perf_counter() - step
        return persons


# The tables the touched-key queries of an incremental load read.
READ_BY_KEY = (
    "visit",
    "certificate",
    "citizen",
    "aefi_report",
    "vaccination_plan",
    "stock_transaction",
    "stock_report",
    "person_vax",
    "person_wait",
    "mart_certificate_day",
    "mart_coverage_day",
    "mart_coverage_group_day",
)


def _analyze_tables_never_analyzed(conn: sa.Connection) -> None:
    """Statistics for the tables the touched-key queries read that have none (PostgreSQL). A
    full load leaves the large ones to the server's autovacuum, which may not have come yet:
    without statistics the planner scans millions of rows where the touched keys need a few
    index look-ups."""
    names = conn.exec_driver_sql(
        "SELECT c.relname FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace "
        "AND c.relkind = 'r' AND c.relname IN ("
        + ", ".join(f"'{name}'" for name in READ_BY_KEY)
        + ") AND NOT EXISTS (SELECT 1 FROM pg_stats s WHERE s.schemaname = current_schema() "
        "AND s.tablename = c.relname)"
    ).scalars()
    names = list(names)
    if names:
        conn.exec_driver_sql(f"ANALYZE {', '.join(names)}")


class Full(Incremental):
    """Writes large tables in parts in a writer thread and computes marts while writing.

    Only one thread uses the warehouse connection at a time: work on it goes through
    `submit` (queued behind earlier writes), and every other use waits first (`sync`)."""

    full = True

    def __init__(self, conn: sa.Connection, result: RunResult) -> None:
        super().__init__(conn, result)
        self.full_coverage = True
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="etl-writer")
        self._pending: list[Future] = []
        # The frames the marts and coverage need, kept to avoid reading them back, and what
        # is computed from them while the server writes.
        self.frames: dict[str, list[pd.DataFrame]] = {}
        self.people_written: int | None = None  # person_vax rows, once written
        self.waits_written = False  # person_wait and mart_wait
        self.visit_marts: dict[str, pd.DataFrame] | None = None

    def part_rows(self, total: int) -> int:
        return FULL_LOAD_PART_ROWS

    def submit(self, job: Callable[[], None]) -> None:
        self._pending.append(self._writer.submit(job))

    def sync(self) -> None:
        pending, self._pending = self._pending, []
        if pending:
            lap = Lap(self.result.steps)
            for future in pending:
                future.result()
            lap("waiting for writes")

    def close(self) -> None:
        # Never leave a write running on the connection when the transaction ends.
        for pending in self._pending:
            pending.exception()
        self._writer.shutdown()

    def before_write(self, name: str, valid: pd.DataFrame, pk: str) -> None:
        pass

    def after_write(self, name: str, valid: pd.DataFrame) -> None:
        pass

    def keep(self, name: str, valid: pd.DataFrame) -> None:
        if name in KEPT_FOR_MARTS:
            self.frames.setdefault(name, []).append(valid.drop(columns="_source_pk"))

    def _frame(self, name: str) -> pd.DataFrame:
        kept = self.frames.pop(name)
        return kept[0] if len(kept) == 1 else pd.concat(kept, ignore_index=True)

    def table_loaded(self, name: str, stats: TableStats) -> None:
        """Client work on the frames in memory, and server work on the tables written, while
        the server writes and the next tables are cleaned."""
        lap = Lap(self.result.steps)
        if name == "stock_report":
            self.submit(self._stock_marts)
        elif name == "aefi_report":
            self.submit(self._report_marts)
        elif name == "visit":
            # People's milestones, while the visits are copied and indexed.
            self.frames["visit"] = [self._frame("visit")]
            citizen, vaccine = self._frame("citizen"), self._frame("vaccine")
            milestones = milestones_from_frames(citizen, self.frames["visit"][0], vaccine)
            lap("milestones (while writing)")
            self.submit(partial(self._people, milestones, coverage_rows(milestones)))
            waits = waits_from_frames(citizen, self.frames["visit"][0], vaccine, milestones)
            lap("waits computed (while writing)")
            self.submit(partial(self._waits, waits))
        elif name == "certificate":
            # The visit-grain facility-day marts, while the certificates are copied.
            unit = "us" if self.conn.dialect.name == "postgresql" else "s"
            self.visit_marts = facility_day_marts(
                self._frame("visit"), self._frame("certificate"), unit
            )
            lap("visit marts (while writing)")

    def _analyze(self, *tables: str) -> None:
        """Fresh statistics for the mart queries after a full load (on PostgreSQL only for the
        tables they read: sampling the large ones costs seconds, and the server's autovacuum
        does it later)."""
        pg = self.conn.dialect.name == "postgresql"
        self.conn.exec_driver_sql("ANALYZE" + (f" {', '.join(tables)}" if pg else ""))

    def _stock_marts(self) -> None:
        """The stock marts as soon as the stock tables are written (their SQL runs on the
        server while the citizens are cleaned here)."""
        lap = Lap(self.result.steps)
        self._analyze("stock_transaction", "stock_report")
        marts.rebuild_stock_marts(self.conn, True)
        lap("stock marts (while cleaning)")

    def _report_marts(self) -> None:
        """The AEFI and plan marts once the visits and AEFI reports are written (their SQL
        runs on the server while the certificates are cleaned here)."""
        lap = Lap(self.result.steps)
        self._analyze("aefi_report", "vaccination_plan")
        tables = self.result.tables
        few = tables["aefi_report"].loaded * 20 < tables["visit"].loaded
        marts.rebuild_report_marts(self.conn, True, few_reports=few)
        lap("AEFI and plan marts (while cleaning)")

    def _people(self, milestones: pd.DataFrame, coverage: pd.DataFrame) -> None:
        """person_vax and the coverage mart from everyone's milestones, written while the
        certificates are cleaned (not after the marts, with nothing else running)."""
        lap = Lap(self.result.steps)
        self.people_written = refresh_people(self.conn, True, milestones, coverage)
        lap("people and coverage (while writing)")

    def _waits(self, waits: pd.DataFrame) -> None:
        """person_wait and its mart, written after person_vax."""
        lap = Lap(self.result.steps)
        refresh_waits(self.conn, True, waits)
        self.waits_written = True
        lap("waits written (while writing)")

    def refresh_marts(self) -> int:
        conn, steps = self.conn, self.result.steps
        step = time.perf_counter()
        marts.rebuild_facility_day_marts(conn, True, computed=self.visit_marts)
        self.visit_marts = None
        steps["marts"] = time.perf_counter() - step
        step = time.perf_counter()
        persons = self.people_written
        if persons is None:
            persons = refresh_people(conn, True)
        steps["coverage"] = time.perf_counter() - step
        if not self.waits_written:
            step = time.perf_counter()
            refresh_waits(conn, True)
            steps["waits"] = time.perf_counter() - step
        return persons
