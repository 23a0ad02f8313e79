"""One incremental load: extract > clean > pseudonymise > validate > load > refresh marts.

The whole load is one warehouse transaction, taken under a lock: a crash or an error leaves
the previous state, and two runs cannot overlap. Each source table is read from its watermark
(the highest `updated_at` loaded before) minus an overlap window; upserts make re-reading safe.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

import settings
from etl import marts, transform
from etl.arrowutil import KeyIndex
from etl.contract import BY_NAME, SOURCE_TABLES, ContractError, check_platform
from etl.coverage import coverage_rows, milestones_from_frames, refresh_person_vax
from etl.extract import extract_increment, shared_snapshot
from etl.load import TableWriter, upsert
from etl.marts_memory import facility_day_marts
from etl.memory import tune_for_bulk_work
from etl.pseudonym import Pseudonymizer, key_fingerprint, pseudonym_key
from etl.sqlutil import add_keys_frame, create_temp_table, read_frame
from warehouse import engine as wh_engine
from warehouse import schema, setup

DEFAULT_OVERLAP = settings.etl_overlap()
LOCK_KEY = 36_2021  # PostgreSQL advisory lock id for the ETL
FULL_LOAD_PART_ROWS = settings.etl_part_rows()


class EtlError(RuntimeError):
    """A load that could not run, with a message for the operator."""


class LockHeld(EtlError):
    pass


@dataclass
class TableStats:
    extracted: int = 0
    retried: int = 0
    unchanged: int = 0
    loaded: int = 0
    rejected: int = 0
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)


@dataclass
class RunResult:
    run_id: int
    status: str
    high_water: datetime | None
    seconds: float
    tables: dict[str, TableStats] = field(default_factory=dict)
    steps: dict[str, float] = field(default_factory=dict)

    @property
    def extracted(self) -> int:
        return sum(t.extracted for t in self.tables.values())

    @property
    def loaded(self) -> int:
        return sum(t.loaded for t in self.tables.values())

    @property
    def rejected(self) -> int:
        return sum(t.rejected for t in self.tables.values())


LOG = logging.getLogger("etl")


def _stderr(message: str) -> None:
    LOG.info(message)


def _pause_for_tests(stage: str) -> None:
    # Lets the crash-safety test kill a load at a known point; a no-op otherwise.
    if settings.etl_pause_at() == stage:
        _stderr(f"paused at {stage}")
        time.sleep(3600)


def connect_source(url: str) -> sa.Engine:
    try:
        engine = wh_engine.make_engine(url, create_dir=False, must_exist=True)
        with engine.connect() as conn:
            check_platform(conn)
        return engine
    except ContractError as exc:
        raise EtlError(f"platform {wh_engine.describe(url)}: {exc}") from None
    except wh_engine.DatabaseUrlError as exc:
        raise EtlError(f"platform database: {exc}") from None
    except OperationalError as exc:
        raise EtlError(
            f"cannot connect to the platform database {wh_engine.describe(url)}: {exc.orig}"
        ) from None


def connect_warehouse(url: str) -> sa.Engine:
    try:
        engine = wh_engine.make_engine(url)
        with engine.begin() as conn:
            setup.ensure_schema(conn)
        return engine
    except wh_engine.DatabaseUrlError as exc:
        raise EtlError(f"warehouse database: {exc}") from None
    except OperationalError as exc:
        raise EtlError(
            f"cannot connect to the warehouse database {wh_engine.describe(url)}: {exc.orig}"
        ) from None
    except setup.SchemaVersionError as exc:
        raise EtlError(f"warehouse {wh_engine.describe(url)}: {exc}") from None


def run_load(
    platform_url: str,
    warehouse_url: str,
    progress: Callable[[str], None] = _stderr,
    overlap: timedelta = DEFAULT_OVERLAP,
) -> RunResult:
    """Run one incremental load. Raises EtlError with a clear message when it cannot."""
    tune_for_bulk_work()
    source = connect_source(platform_url)
    target = connect_warehouse(warehouse_url)
    key = pseudonym_key()
    started = datetime.now(UTC)
    try:
        with target.connect() as conn:
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            try:
                if conn.dialect.name == "sqlite":
                    conn.connection.driver_connection.execute("PRAGMA busy_timeout = 2000")
                with conn.begin():
                    _take_lock(conn)
                    _tune_session(conn)
                    loader = _Load(conn, source, key, progress, overlap, started)
                    result = loader.run()
                return result
            except OperationalError as exc:
                if "locked" in str(exc.orig).lower():
                    raise LockHeld(
                        "another ETL run is in progress (the warehouse is locked); try later"
                    ) from None
                raise
    except Exception as exc:
        _log_failure(target, started, exc)
        raise
    finally:
        source.dispose()
        target.dispose()


def _take_lock(conn: sa.Connection) -> None:
    if conn.dialect.name == "postgresql":
        got = conn.execute(sa.text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
        if not got.scalar():
            raise LockHeld("another ETL run is in progress (advisory lock held); try later")


# Memory for the load's own session on PostgreSQL (the server defaults, 4 MB for sorts and
# hashes and 8 MB for temporary tables, make the mart aggregates and key tables spill to disk).
PG_SESSION_SETTINGS = {
    **settings.etl_pg_session(),
    # Compiling the mart aggregates costs seconds each and saves less than it costs here.
    "jit": "off",
}


def _tune_session(conn: sa.Connection) -> None:
    if conn.dialect.name != "postgresql":
        return
    for name, value in PG_SESSION_SETTINGS.items():
        conn.execute(sa.text("SELECT set_config(:n, :v, true)"), {"n": name, "v": value})


def _log_failure(engine: sa.Engine, started: datetime, exc: BaseException) -> None:
    try:
        with engine.begin() as conn:
            conn.execute(
                schema.etl_run.insert().values(
                    started_at=started,
                    finished_at=datetime.now(UTC),
                    status="failed",
                    seconds=(datetime.now(UTC) - started).total_seconds(),
                    error=f"{type(exc).__name__}: {exc}"[:2000],
                )
            )
    except Exception:  # noqa: BLE001 - the original error matters more than the log entry
        pass


class _Load:
    """The state of one load inside its transaction."""

    def __init__(self, conn, source, key, progress, overlap, started) -> None:
        self.conn: sa.Connection = conn
        self.source: sa.Engine = source
        self.key: bytes = key
        self.pseudonymizer = Pseudonymizer(key)
        self.progress = progress
        self.overlap = overlap
        self.started = started
        self.result: RunResult | None = None
        self.known = transform.Known()
        # The visits of this run so far (parts as loaded), and an index of them for look-ups.
        self.run_visit_parts: list[pd.Series] = []
        self._run_visits: KeyIndex | None = None
        # On a first (full) load, the frames the marts and coverage need, kept to avoid
        # reading them back, and what is computed from them while the server writes.
        self.full_frames: dict[str, pd.DataFrame] = {}
        self.people_written: int | None = None  # person_vax rows, once written (full load)
        self.visit_marts: dict[str, pd.DataFrame] | None = None
        # On a full load, writing one table (COPY, index builds: server work) runs in a worker
        # thread while the next table is extracted and transformed (client work). Only one
        # thread uses the warehouse connection at a time: every other use waits (_sync).
        self._writer: ThreadPoolExecutor | None = None
        self._pending: list[Future] = []
        self._table_writer: TableWriter | None = None  # the table being written, in parts
        self.open_reject_tables: set[str] = set()

    # --- orchestration ------------------------------------------------------------------
    def run(self) -> RunResult:
        try:
            return self._run()
        finally:
            # Never leave a write running on the connection when the transaction ends.
            for pending in self._pending:
                pending.exception()
            if self._writer is not None:
                self._writer.shutdown()

    def _run(self) -> RunResult:
        conn = self.conn
        t0 = time.perf_counter()
        self._check_key()
        run_id = conn.execute(
            schema.etl_run.insert().values(started_at=self.started, status="running")
        ).inserted_primary_key[0]
        result = RunResult(run_id=run_id, status="running", high_water=None, seconds=0)
        self.result = result
        setup.refresh_reference(conn)
        watermarks = self._watermarks()
        self.visits_before = not _empty(conn, schema.visit)
        self.full = not watermarks or not self.visits_before
        self.open_reject_tables = set(
            conn.execute(
                sa.select(schema.etl_reject.c.source_table)
                .where(schema.etl_reject.c.resolved_run_id.is_(None))
                .distinct()
            ).scalars()
        )
        if self.full:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="etl-writer")
        self._load_known()
        marts.create_key_tables(conn)
        create_temp_table(conn, "inc_keys", {"k": "TEXT"})
        new_marks: dict[str, datetime] = {}
        self.full_coverage = self.full
        with self.source.connect() as src, src.begin():
            if src.dialect.name == "postgresql":
                src.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            jobs = [(t, self._since(watermarks.get(t.name))) for t in LOAD_ORDER]
            with _Reader(src, jobs, self.progress) as reader:
                for table in LOAD_ORDER:
                    mark = self._load_table(reader, table.name, watermarks.get(table.name))
                    if mark is not None:
                        new_marks[table.name] = mark
        self._sync()
        _pause_for_tests("marts")
        self.progress(
            "refreshing people's milestones and the marts "
            + ("(full rebuild)" if self.full else "(touched keys)")
        )
        if not self.full:
            self._collect_final_keys()
        self._rebuild_marts(result)
        step = time.perf_counter()
        persons = self.people_written
        if persons is None:
            persons = refresh_person_vax(conn, self.full_coverage)
            marts.rebuild_coverage_mart(conn, self.full_coverage)
        result.steps["coverage"] = time.perf_counter() - step
        self.progress(
            f"marts refreshed ({'full rebuild' if self.full else 'touched keys only'}; "
            f"{persons:,} person rows recomputed) in "
            f"{result.steps['coverage'] + result.steps['marts']:.1f} s"
        )
        for name, mark in new_marks.items():
            self._save_watermark(name, mark, run_id)
        all_marks = [m for m in self._watermarks().values() if m is not None]
        result.high_water = max(all_marks) if all_marks else None
        changed = result.loaded > 0 or any(t.rejected for t in result.tables.values())
        if changed:
            version = int(setup.data_version(conn)) + 1
            conn.execute(
                schema.warehouse_meta.update()
                .where(schema.warehouse_meta.c.key == "data_version")
                .values(value=str(version))
            )
        result.seconds = time.perf_counter() - t0
        result.status = "success"
        conn.execute(
            schema.etl_run.update()
            .where(schema.etl_run.c.run_id == run_id)
            .values(
                finished_at=datetime.now(UTC),
                status="success",
                platform_high_water=result.high_water,
                rows_extracted=result.extracted,
                rows_loaded=result.loaded,
                rows_rejected=result.rejected,
                seconds=result.seconds,
                details=json.dumps(
                    {
                        "tables": {k: vars(v) for k, v in result.tables.items()},
                        "steps": result.steps,
                        "full_rebuild": self.full,
                    }
                ),
            )
        )
        _pause_for_tests("commit")
        return result

    def _rebuild_marts(self, result: RunResult) -> None:
        step = time.perf_counter()
        marts.rebuild_facility_day_marts(self.conn, self.full, computed=self.visit_marts)
        self.visit_marts = None
        if not self.full:  # a full load built these while writing (_stock_marts, _report_marts)
            marts.rebuild_report_marts(self.conn, False)
            marts.rebuild_stock_marts(self.conn, False)
        result.steps["marts"] = time.perf_counter() - step

    def _analyze(self, *tables: str) -> None:
        """Fresh statistics for the mart queries after a full load (on PostgreSQL only for the
        tables they read: sampling the large ones costs seconds, and the server's autovacuum
        does it later)."""
        pg = self.conn.dialect.name == "postgresql"
        self.conn.exec_driver_sql("ANALYZE" + (f" {', '.join(tables)}" if pg else ""))

    def _stock_marts(self) -> None:
        """On a full load, the stock marts as soon as the stock tables are written (their
        SQL runs on the server while the citizens are cleaned here)."""
        lap = _Lap(self.result.steps)
        self._analyze("stock_transaction", "stock_report")
        marts.rebuild_stock_marts(self.conn, True)
        lap("stock marts (while cleaning)")

    def _report_marts(self) -> None:
        """On a full load, the AEFI and plan marts once the visits and AEFI reports are written
        (their SQL runs on the server while the certificates are cleaned here)."""
        lap = _Lap(self.result.steps)
        self._analyze("aefi_report", "vaccination_plan")
        tables = self.result.tables
        few = tables["aefi_report"].loaded * 20 < tables["visit"].loaded
        marts.rebuild_report_marts(self.conn, True, few_reports=few)
        lap("AEFI and plan marts (while cleaning)")

    def _people(self, milestones: pd.DataFrame, coverage: pd.DataFrame) -> None:
        """On a full load, person_vax and the coverage mart from everyone's milestones, written
        while the certificates are cleaned (not after the marts, with nothing else running)."""
        lap = _Lap(self.result.steps)
        self.people_written = refresh_person_vax(self.conn, True, milestones=milestones)
        marts.rebuild_coverage_mart(self.conn, True, computed=coverage)
        lap("people and coverage (while writing)")

    def _compute_while_writing(self, name: str) -> None:
        """On a full load, client work on the frames in memory while the server writes."""
        mem = self.full_frames
        lap = _Lap(self.result.steps)
        if name == "visit":
            # People's milestones, while the visits are copied and indexed.
            milestones = milestones_from_frames(
                mem.pop("citizen"), mem["visit"], mem.pop("vaccine")
            )
            lap("milestones (while writing)")
            self._submit(partial(self._people, milestones, coverage_rows(milestones)))
        elif name == "certificate":
            # The visit-grain facility-day marts, while the certificates are copied.
            unit = "us" if self.conn.dialect.name == "postgresql" else "s"
            self.visit_marts = facility_day_marts(mem.pop("visit"), mem.pop("certificate"), unit)
            lap("visit marts (while writing)")

    def _check_key(self) -> None:
        meta = schema.warehouse_meta
        fingerprint = key_fingerprint(self.key)
        row = self.conn.execute(
            sa.select(meta.c.value).where(meta.c.key == "pseudonym_key_fingerprint")
        ).first()
        if row is None:
            self.conn.execute(
                meta.insert().values(key="pseudonym_key_fingerprint", value=fingerprint)
            )
        elif row[0] != fingerprint:
            raise EtlError(
                "VAX_PSEUDONYM_KEY differs from the key this warehouse was built with; loading "
                "would split every person in two. Use the original key, or a new warehouse."
            )

    def _watermarks(self) -> dict[str, datetime]:
        rows = self.conn.execute(
            sa.select(schema.etl_watermark.c.source_table, schema.etl_watermark.c.high_water)
        ).all()
        return {
            name: pd.Timestamp(mark, tz="UTC").to_pydatetime()
            if pd.Timestamp(mark).tzinfo is None
            else pd.Timestamp(mark).tz_convert("UTC").to_pydatetime()
            for name, mark in rows
        }

    def _save_watermark(self, name: str, mark: datetime, run_id: int) -> None:
        wm = schema.etl_watermark
        self.conn.execute(wm.delete().where(wm.c.source_table == name))
        self.conn.execute(wm.insert().values(source_table=name, high_water=mark, run_id=run_id))

    def _load_known(self) -> None:
        conn = self.conn
        self.known.vaccines = set(conn.execute(sa.select(schema.vaccine.c.vaccine_code)).scalars())
        self.known.facilities = set(
            conn.execute(sa.select(schema.facility.c.facility_id)).scalars()
        )
        self.known.stores = set(conn.execute(sa.select(schema.store.c.store_id)).scalars())
        self.known.visit_exists = self._visit_exists

    def _submit(self, job: Callable[[], None]) -> None:
        """Run `job` on the warehouse connection: in the writer thread on a full load (after
        what was submitted before it), otherwise now."""
        if self._writer is None:
            job()
        else:
            self._pending.append(self._writer.submit(job))

    def _sync(self) -> None:
        """Wait for what is being written (re-raising its error) before using the connection."""
        pending, self._pending = self._pending, []
        if pending:
            lap = _Lap(self.result.steps)
            for future in pending:
                future.result()
            lap("waiting for writes")

    def _visit_exists(self, ids: pd.Series) -> pd.Series:
        if self._run_visits is None:
            parts = self.run_visit_parts
            self._run_visits = KeyIndex(
                pd.concat(parts, ignore_index=True) if parts else pd.Series([], dtype="string")
            )
        in_run = pd.Series(self._run_visits.positions(ids) >= 0, index=ids.index)
        outside = pd.unique(ids[~in_run & ids.notna()])
        found: set[str] = set()
        # (A warehouse without visits before this run has none but the run's to look up.)
        if len(outside) and self.visits_before:
            self._sync()
            create_temp_table(self.conn, "check_visit", {"visit_id": "TEXT"})
            add_keys_frame(self.conn, "check_visit", pd.DataFrame({"visit_id": outside}))
            found = set(
                self.conn.exec_driver_sql(
                    "SELECT c.visit_id FROM check_visit c JOIN visit v ON v.visit_id = c.visit_id"
                ).scalars()
            )
        return in_run | ids.isin(list(found))

    # --- one source table ---------------------------------------------------------------
    def _since(self, mark: datetime | None) -> datetime | None:
        return None if mark is None else mark - self.overlap

    def _load_table(self, reader: _Reader, name: str, mark: datetime | None) -> datetime | None:
        t0 = time.perf_counter()
        stats = TableStats()
        self.result.tables[name] = stats
        spec = BY_NAME[name]
        lap = _Lap(stats.steps)
        raw = reader.read(name)
        stats.extracted = len(raw)
        lap("extract")
        new_mark = _max_timestamp(raw["updated_at"]) if len(raw) else None
        retry = pd.DataFrame()
        if name in self.open_reject_tables:
            reread = raw[spec.key].astype("string").str.strip()
            retry = self._open_rejects(name, reread)
        stats.retried = len(retry)
        # A full load writes a large table in parts: the server copies one part while the
        # next is cleaned and validated here. Other loads take the increment whole.
        step = FULL_LOAD_PART_ROWS if self._writer is not None else max(len(raw), 1)
        starts = range(0, max(len(raw), 1), step)
        kept: list[pd.DataFrame] = []
        for i, start in enumerate(starts):
            first, last = i == 0, i == len(starts) - 1
            part = raw.iloc[start : start + step].reset_index(drop=True)
            valid, rejected = self._prepare(
                name, part, retry if first else pd.DataFrame(), mark, stats, lap
            )
            if self.full and name in ("citizen", "visit", "vaccine", "certificate"):
                kept.append(valid.drop(columns="_source_pk"))
            stats.seconds = time.perf_counter() - t0
            # No waiting for the writer here: a full load keeps the rows of its large tables in
            # memory anyway (for the marts), so the parts queued hold nothing more.
            self._submit(
                partial(self._write_part, name, valid, rejected, stats, len(raw), first, last)
            )
        if kept:
            self.full_frames[name] = (
                kept[0] if len(kept) == 1 else pd.concat(kept, ignore_index=True)
            )
        if self._writer is not None:
            self._compute_while_writing(name)
            if name == "stock_report":
                self._submit(self._stock_marts)
            elif name == "aefi_report":
                self._submit(self._report_marts)
        if name == "vaccine" and stats.loaded and not self.full:
            # A changed primary series length can change anyone's "fully vaccinated".
            self.full_coverage = True
        return new_mark

    def _prepare(self, name, raw, retry, mark, stats, lap) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Clean, pseudonymise and validate source rows: (valid rows, rejected rows)."""
        spec = BY_NAME[name]
        target = schema.metadata.tables[name]
        pk = next(iter(target.primary_key.columns)).name
        prepared = transform.PREPARE[name](raw, self.pseudonymizer)
        prepared["_source_pk"] = raw[spec.key].astype("string").str.strip()
        lap("transform")
        # Source keys are unique, and retried rejects exclude keys re-read now: no duplicates.
        frame = pd.concat([prepared, retry], ignore_index=True) if len(retry) else prepared
        if mark is not None and len(frame):
            frame = self._drop_unchanged(frame, target, pk, mark, stats)
        lap("retry_and_dedupe")
        reasons = transform.validate(name, frame, self.known)
        bad = reasons.notna()
        valid = frame[~bad] if bad.any() else frame
        rejected = frame[bad].assign(_reason=reasons[bad])
        lap("validate")
        self._update_known(name, valid, pk)
        stats.loaded += len(valid)
        stats.rejected += len(rejected)
        return valid, rejected

    def _write_part(self, name, valid, rejected, stats, total_rows, first, last) -> None:
        """Write one part of a table's rows (of `total_rows` in all) into the warehouse."""
        target = schema.metadata.tables[name]
        pk = next(iter(target.primary_key.columns)).name
        lap = _Lap(stats.steps)
        if not self.full:
            self._keys_before(name, valid, pk)
        if first:
            self._table_writer = TableWriter(self.conn, target, total_rows)
        self._table_writer.write(valid.drop(columns="_source_pk"))
        if last:
            self._table_writer.close()
        lap("load")
        if not self.full:
            self._keys_after(name, valid)
        self._record_rejects(name, rejected, valid)
        lap("keys_and_rejects")
        if not last:
            return
        stats.seconds += sum(stats.steps.get(k, 0.0) for k in ("load", "keys_and_rejects"))
        if stats.extracted or stats.retried or stats.rejected:
            self.progress(
                f"{name}: {stats.extracted:,} extracted, {stats.loaded:,} loaded, "
                f"{stats.rejected:,} rejected"
                + (f", {stats.unchanged:,} unchanged" if stats.unchanged else "")
                + (f", {stats.retried:,} earlier rejects retried" if stats.retried else "")
                + f" ({stats.seconds:.1f} s)"
            )

    def _open_rejects(self, name: str, reread: pd.Series) -> pd.DataFrame:
        """Earlier rejects of this table to validate again, except rows read again now."""
        self._sync()
        rej = schema.etl_reject
        rows = self.conn.execute(
            sa.select(rej.c.source_pk, rej.c.row_json).where(
                rej.c.source_table == name, rej.c.resolved_run_id.is_(None)
            )
        ).all()
        if rows:
            again = set(reread[reread.isin([r.source_pk for r in rows])])
            rows = [r for r in rows if r.source_pk not in again]
        if not rows:
            return pd.DataFrame()
        frame = transform.rows_from_json(name, [r.row_json for r in rows])
        frame["_source_pk"] = pd.array([r.source_pk for r in rows], dtype="string")
        return frame

    def _drop_unchanged(self, frame, target, pk, mark, stats) -> pd.DataFrame:
        """Drop re-read rows (overlap window) identical to what the warehouse holds."""
        overlap_rows = frame[frame["updated_at"] <= pd.Timestamp(mark)]
        if overlap_rows.empty:
            return frame
        self._sync()
        self.conn.exec_driver_sql("DELETE FROM inc_keys")
        add_keys_frame(self.conn, "inc_keys", pd.DataFrame({"k": overlap_rows[pk]}))
        existing = read_frame(
            self.conn,
            f"SELECT t.{pk} AS k, t.updated_at FROM {target.name} t "
            f"JOIN inc_keys i ON i.k = t.{pk}",
        )
        if existing.empty:
            return frame
        stored = dict(
            zip(existing["k"], pd.to_datetime(existing["updated_at"], utc=True), strict=True)
        )
        same = frame[pk].map(stored) == frame["updated_at"]
        same = same.fillna(False).astype(bool)
        stats.unchanged = int(same.sum())
        return frame[~same]

    def _fill_inc_keys(self, keys: pd.Series) -> None:
        self.conn.exec_driver_sql("DELETE FROM inc_keys")
        add_keys_frame(self.conn, "inc_keys", pd.DataFrame({"k": keys}))

    def _keys_before(self, name: str, valid: pd.DataFrame, pk: str) -> None:
        """Record the mart keys the rows about to be replaced counted under."""
        if valid.empty:
            return
        sql = _KEYS_BEFORE.get(name)
        if not sql:
            return
        self._fill_inc_keys(valid[pk])
        for statement in sql:
            self.conn.exec_driver_sql(statement)

    def _keys_after(self, name: str, valid: pd.DataFrame) -> None:
        if valid.empty:
            return
        conn = self.conn
        if name == "vaccination_plan":
            add_keys_frame(conn, "touched_fd", _fd(valid, "facility_id", "session_date"))
        elif name in ("visit", "certificate", "aefi_report"):
            add_keys_frame(conn, "affected_visit", valid[["visit_id"]])
        elif name == "citizen":
            add_keys_frame(conn, "affected_person", valid[["person_key"]])
        elif name in ("stock_transaction", "stock_report"):
            add_keys_frame(conn, "touched_sv", valid[["store_id", "vaccine_code"]])

    def _collect_final_keys(self) -> None:
        for statement in _KEYS_FINAL:
            self.conn.exec_driver_sql(statement)

    def _update_known(self, name: str, valid: pd.DataFrame, pk: str) -> None:
        ids = set(valid[pk].dropna()) if name in ("vaccine", "facility", "store") else set()
        if name == "vaccine":
            self.known.vaccines |= ids
        elif name == "facility":
            self.known.facilities |= ids
        elif name == "store":
            self.known.stores |= ids
        elif name == "visit":
            self.run_visit_parts.append(valid[pk].dropna().astype("string"))
            self._run_visits = None

    def _record_rejects(self, name: str, rejected: pd.DataFrame, valid: pd.DataFrame) -> None:
        rej = schema.etl_reject
        run_id = self.result.run_id
        # Open rejects of this table can only be those found when the run began: its own new
        # rejects are recorded below.
        has_open = name in self.open_reject_tables
        loaded = set(valid["_source_pk"].dropna()) if has_open else set()
        if loaded:
            self.conn.execute(
                rej.update()
                .where(
                    rej.c.source_table == name,
                    rej.c.resolved_run_id.is_(None),
                    rej.c.source_pk.in_(sa.bindparam("pks", expanding=True)),
                )
                .values(resolved_run_id=run_id),
                {"pks": sorted(loaded)},
            ) if len(loaded) < 50_000 else self._resolve_many(name, loaded)
        if rejected.empty:
            return
        rows = rejected[[c for c in rejected.columns if not c.startswith("_")]]
        frame = pd.DataFrame(
            {
                "source_table": name,
                "source_pk": rejected["_source_pk"].fillna("").to_numpy(),
                "reason": rejected["_reason"].to_numpy(),
                "row_json": transform.rows_to_json(rows),
                "source_updated_at": rejected["updated_at"].to_numpy(),
                "first_run_id": run_id,
                "last_run_id": run_id,
                "resolved_run_id": None,
            }
        )
        existing = dict(
            self.conn.execute(
                sa.select(rej.c.source_pk, rej.c.first_run_id).where(rej.c.source_table == name)
            ).all()
        )
        frame["first_run_id"] = frame["source_pk"].map(existing).fillna(run_id).astype(int)
        frame["resolved_run_id"] = pd.array([pd.NA] * len(frame), dtype="Int64")
        upsert(self.conn, rej, frame)

    def _resolve_many(self, name: str, loaded: set[str]) -> None:
        self.conn.exec_driver_sql("DELETE FROM inc_keys")
        add_keys_frame(self.conn, "inc_keys", pd.DataFrame({"k": sorted(loaded)}))
        self.conn.execute(
            sa.text(
                "UPDATE etl_reject SET resolved_run_id = :run WHERE source_table = :t AND "
                "resolved_run_id IS NULL AND source_pk IN (SELECT k FROM inc_keys)"
            ),
            {"run": self.result.run_id, "t": name},
        )


class _Reader:
    """Reads the source tables in order, each while the one before is being processed.

    Reads run in a worker thread, each on its own connection (on PostgreSQL joining the
    snapshot of the source transaction, exported here first), so extracting the next table
    overlaps cleaning and validating this one."""

    AHEAD = 2  # tables read ahead (small ones take no time: two reach the next large one)

    def __init__(self, src: sa.Connection, jobs: list, progress: Callable[[str], None]) -> None:
        shared_snapshot(src)
        self._src = src
        self._jobs = list(jobs)
        self._progress = progress
        self._futures: dict[str, Future] = {}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="etl-reader")

    def _submit_next(self) -> None:
        if self._jobs:
            spec, since = self._jobs.pop(0)
            self._futures[spec.name] = self._pool.submit(
                extract_increment, self._src, spec, since, self._progress
            )

    def read(self, name: str) -> pd.DataFrame:
        while name not in self._futures and self._jobs:
            self._submit_next()
        future = self._futures.pop(name)
        while len(self._futures) < self.AHEAD and self._jobs:
            self._submit_next()
        return future.result()

    def __enter__(self) -> _Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class _Lap:
    """Records the seconds since the previous lap under a step name."""

    def __init__(self, steps: dict[str, float]) -> None:
        self.steps = steps
        self.last = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.steps[name] = round(self.steps.get(name, 0.0) + now - self.last, 3)
        self.last = now


def _empty(conn: sa.Connection, table: sa.Table) -> bool:
    return conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first() is None


def _max_timestamp(s: pd.Series) -> datetime | None:
    ts = transform.timestamp(s).max()
    return None if pd.isna(ts) else ts.to_pydatetime()


def _fd(frame: pd.DataFrame, fac: str, day: str) -> pd.DataFrame:
    return pd.DataFrame({"facility_id": frame[fac], "date": frame[day].dt.strftime("%Y-%m-%d")})


# The order tables are read and loaded in: each after those its rows refer to (checked in
# validation). A full load computes the marts of the smaller tables on the server while it
# cleans the large ones here: the stock tables come early, the AEFI reports before the
# certificates.
LOAD_ORDER = tuple(
    BY_NAME[name]
    for name in (
        "vaccine",
        "facility",
        "store",
        "stock_transaction",
        "stock_report",
        "vaccination_plan",
        "citizen",
        "visit",
        "aefi_report",
        "certificate",
    )
)
assert set(LOAD_ORDER) == set(SOURCE_TABLES)

# SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT to parse it unambiguously.
_IGNORE = " WHERE 1 = 1 ON CONFLICT DO NOTHING"
# Keys under which the current warehouse rows count, taken before they are replaced.
_KEYS_BEFORE = {
    "vaccination_plan": [
        "INSERT INTO touched_fd SELECT DISTINCT p.facility_id, p.session_date "
        "FROM vaccination_plan p JOIN inc_keys i ON i.k = p.plan_id" + _IGNORE
    ],
    "visit": [
        "INSERT INTO affected_visit SELECT k FROM inc_keys" + _IGNORE,
        "INSERT INTO touched_fd SELECT DISTINCT v.facility_id, v.session_date "
        "FROM visit v JOIN inc_keys i ON i.k = v.visit_id" + _IGNORE,
        "INSERT INTO touched_fd SELECT DISTINCT v.facility_id, c.issued_date FROM visit v "
        "JOIN inc_keys i ON i.k = v.visit_id JOIN certificate c ON c.visit_id = v.visit_id"
        + _IGNORE,
        "INSERT INTO touched_fd SELECT DISTINCT v.facility_id, a.onset_date FROM visit v "
        "JOIN inc_keys i ON i.k = v.visit_id JOIN aefi_report a ON a.visit_id = v.visit_id"
        + _IGNORE,
        "INSERT INTO affected_person SELECT DISTINCT c.person_key FROM visit v "
        "JOIN inc_keys i ON i.k = v.visit_id JOIN citizen c ON c.citizen_key = v.citizen_key"
        + _IGNORE,
    ],
    "certificate": [
        "INSERT INTO affected_visit SELECT DISTINCT c.visit_id FROM certificate c "
        "JOIN inc_keys i ON i.k = c.certificate_id" + _IGNORE,
        "INSERT INTO touched_fd SELECT DISTINCT v.facility_id, c.issued_date FROM certificate c "
        "JOIN inc_keys i ON i.k = c.certificate_id JOIN visit v ON v.visit_id = c.visit_id"
        + _IGNORE,
    ],
    "aefi_report": [
        "INSERT INTO affected_visit SELECT DISTINCT a.visit_id FROM aefi_report a "
        "JOIN inc_keys i ON i.k = a.aefi_id" + _IGNORE,
        "INSERT INTO touched_fd SELECT DISTINCT v.facility_id, a.onset_date FROM aefi_report a "
        "JOIN inc_keys i ON i.k = a.aefi_id JOIN visit v ON v.visit_id = a.visit_id" + _IGNORE,
    ],
    "citizen": [
        "INSERT INTO affected_person SELECT DISTINCT c.person_key FROM citizen c "
        "JOIN inc_keys i ON i.k = c.citizen_key" + _IGNORE
    ],
    "stock_transaction": [
        "INSERT INTO touched_sv SELECT DISTINCT s.store_id, s.vaccine_code "
        "FROM stock_transaction s JOIN inc_keys i ON i.k = s.txn_id" + _IGNORE
    ],
    "stock_report": [
        "INSERT INTO touched_sv SELECT DISTINCT s.store_id, s.vaccine_code "
        "FROM stock_report s JOIN inc_keys i ON i.k = s.report_id" + _IGNORE
    ],
}
# Keys under which the affected visits count now, after all tables are loaded.
_KEYS_FINAL = [
    "INSERT INTO touched_fd SELECT DISTINCT v.facility_id, v.session_date FROM visit v "
    "JOIN affected_visit a ON a.visit_id = v.visit_id" + _IGNORE,
    "INSERT INTO touched_fd SELECT DISTINCT v.facility_id, c.issued_date FROM visit v "
    "JOIN affected_visit a ON a.visit_id = v.visit_id "
    "JOIN certificate c ON c.visit_id = v.visit_id" + _IGNORE,
    "INSERT INTO touched_fd SELECT DISTINCT v.facility_id, r.onset_date FROM visit v "
    "JOIN affected_visit a ON a.visit_id = v.visit_id "
    "JOIN aefi_report r ON r.visit_id = v.visit_id" + _IGNORE,
    "INSERT INTO affected_person SELECT DISTINCT c.person_key FROM visit v "
    "JOIN affected_visit a ON a.visit_id = v.visit_id "
    "JOIN citizen c ON c.citizen_key = v.citizen_key" + _IGNORE,
]
