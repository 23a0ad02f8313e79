"""One load inside its warehouse transaction: every source table read, cleaned,
pseudonymised, validated and written, then the marts refreshed and the run logged."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial

import numpy as np
import pandas as pd
import sqlalchemy as sa

import settings
from etl import rejects, runlog, transform
from etl.arrowutil import KeyIndex
from etl.contract import BY_NAME
from etl.load import TableWriter
from etl.pseudonym import Pseudonymizer, key_fingerprint
from etl.reader import LOAD_ORDER, Reader
from etl.result import EtlError, Lap, RunResult, TableStats
from etl.sqlutil import add_keys_frame, create_temp_table, read_frame
from etl.strategy import Full, Incremental
from etl.touched import create_key_tables, fill_inc_keys
from etl.validate import Known, validate
from etl.watermarks import highest_timestamp, read_from, read_watermarks, save_watermark
from warehouse import schema, setup

LOG = logging.getLogger("etl")
# A column of raw rows: why a key the source holds more than once is rejected.
DUPLICATE = "_duplicate"


def pause_for_tests(stage: str) -> None:
    # Lets the crash-safety test kill a load at a known point; a no-op otherwise.
    if settings.etl_pause_at() == stage:
        LOG.info(f"paused at {stage}")
        time.sleep(3600)


class Load:
    """The state of one load inside its transaction."""

    def __init__(
        self,
        conn: sa.Connection,
        source: sa.Engine,
        key: bytes,
        progress: Callable[[str], None],
        overlap: timedelta,
        started: datetime,
        every: float | None = None,
        run_id: int | None = None,
    ) -> None:
        self.conn = conn
        self.run_id = run_id  # the run's row in etl_run, logged as started before the load
        self.source = source
        self.key = key
        self.pseudonymizer = Pseudonymizer(key)
        self.progress = progress
        self.overlap = overlap
        self.started = started
        self.every = every
        self.result: RunResult | None = None
        self.strategy: Incremental | None = None
        self.known = Known()
        # The visits of this run so far (parts as loaded), and an index of them for look-ups.
        self.run_visit_parts: list[pd.Series] = []
        self._run_visits: KeyIndex | None = None
        self._table_writer: TableWriter | None = None  # the table being written, in parts
        self.open_reject_tables: set[str] = set()
        # The citizens loaded in this run, by the integer standing for each (CITIZEN_CODE).
        self.run_citizens = np.zeros(0, dtype=bool)

    def run(self) -> RunResult:
        try:
            return self._run()
        finally:
            if self.strategy is not None:
                self.strategy.close()

    def _run(self) -> RunResult:
        conn = self.conn
        t0 = time.perf_counter()
        self._check_key()
        run_id = self.run_id
        if run_id is None:
            run_id = conn.execute(
                schema.etl_run.insert().values(started_at=self.started, status="running")
            ).inserted_primary_key[0]
        # Runs logged as started that never finished (killed): none is running now, as this
        # one holds the lock.
        conn.execute(
            schema.etl_run.update()
            .where(schema.etl_run.c.status == "running", schema.etl_run.c.run_id != run_id)
            .values(status="interrupted")
        )
        result = RunResult(run_id=run_id, status="running", high_water=None, seconds=0)
        self.result = result
        reference_rewritten = setup.refresh_reference(conn)
        for index in setup.add_missing_indexes(conn):
            self.progress(f"index {index} created (added by this version)")
        watermarks = read_watermarks(conn)
        self.visits_before = not _empty(conn, schema.visit)
        full = not watermarks or not self.visits_before
        self.strategy = strategy = (Full if full else Incremental)(conn, result)
        strategy.reference_rewritten = reference_rewritten
        self.open_reject_tables = rejects.tables_with_open_rejects(conn)
        self._load_known()
        create_key_tables(conn)
        new_marks: dict[str, datetime] = {}
        with self.source.connect() as src, src.begin():
            if src.dialect.name == "postgresql":
                src.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            jobs = [(t, read_from(watermarks.get(t.name), self.overlap)) for t in LOAD_ORDER]
            with Reader(src, jobs, self.progress) as reader:
                for table in LOAD_ORDER:
                    mark = self._load_table(reader, table.name, watermarks.get(table.name))
                    if mark is not None:
                        new_marks[table.name] = mark
        strategy.sync()
        pause_for_tests("marts")
        self.progress(
            "refreshing people's milestones and the marts "
            + ("(full rebuild)" if full else "(touched keys)")
        )
        persons = strategy.refresh_marts()
        self.progress(
            f"marts refreshed ({'full rebuild' if full else 'touched keys only'}; "
            f"{persons:,} person rows recomputed) in "
            f"{result.steps['coverage'] + result.steps['marts']:.1f} s"
        )
        for name, mark in new_marks.items():
            save_watermark(conn, name, mark, run_id)
        all_marks = [m for m in read_watermarks(conn).values() if m is not None]
        result.high_water = max(all_marks) if all_marks else None
        changed = result.loaded > 0 or any(t.rejected for t in result.tables.values())
        if changed:
            version = int(setup.data_version(conn)) + 1
            conn.execute(
                schema.warehouse_meta.update()
                .where(schema.warehouse_meta.c.key == "data_version")
                .values(value=str(version))
            )
        details = {
            "tables": {k: vars(v) for k, v in result.tables.items()},
            "steps": result.steps,
            "full_rebuild": full,
            "every_seconds": self.every,
        }
        if not changed:
            details = runlog.quiet_details(details, run_id, self.started, conn)
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
                details=json.dumps(details),
            )
        )
        pause_for_tests("commit")
        return result

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

    def _load_known(self) -> None:
        conn = self.conn
        self.known.vaccines = set(conn.execute(sa.select(schema.vaccine.c.vaccine_code)).scalars())
        self.known.facilities = set(
            conn.execute(sa.select(schema.facility.c.facility_id)).scalars()
        )
        self.known.stores = set(conn.execute(sa.select(schema.store.c.store_id)).scalars())
        self.known.visit_exists = self._visit_exists
        self.known.citizen_exists = self._citizen_exists

    def _citizen_exists(self, visits: pd.DataFrame) -> pd.Series:
        """Whether each visit's citizen is loaded: in this run (by the integer standing for the
        citizen) or before (looked up in the warehouse)."""
        codes = visits.get(transform.CITIZEN_CODE, pd.Series(-1, index=visits.index))
        codes = codes.fillna(-1).to_numpy(dtype=np.int64)
        seen = self.run_citizens
        in_run = (codes >= 0) & (codes < len(seen))
        in_run[in_run] = seen[codes[in_run]]
        found = pd.Series(in_run, index=visits.index)
        keys = visits["citizen_key"]
        outside = pd.unique(keys[~found & keys.notna()])
        if len(outside):
            self.strategy.sync()
            create_temp_table(self.conn, "check_citizen", {"citizen_key": "TEXT"})
            add_keys_frame(self.conn, "check_citizen", pd.DataFrame({"citizen_key": outside}))
            stored = set(
                self.conn.exec_driver_sql(
                    "SELECT c.citizen_key FROM check_citizen c CROSS JOIN citizen t "
                    "WHERE t.citizen_key = c.citizen_key"
                ).scalars()
            )
            found |= keys.isin(list(stored))
        return found

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
            self.strategy.sync()
            create_temp_table(self.conn, "check_visit", {"visit_id": "TEXT"})
            add_keys_frame(self.conn, "check_visit", pd.DataFrame({"visit_id": outside}))
            found = set(
                self.conn.exec_driver_sql(
                    "SELECT c.visit_id FROM check_visit c CROSS JOIN visit v "
                    "WHERE v.visit_id = c.visit_id"
                ).scalars()
            )
        return in_run | ids.isin(list(found))

    # --- one source table ---------------------------------------------------------------
    def _load_table(self, reader: Reader, name: str, mark: datetime | None) -> datetime | None:
        t0 = time.perf_counter()
        stats = TableStats()
        self.result.tables[name] = stats
        spec = BY_NAME[name]
        strategy = self.strategy
        lap = Lap(stats.steps)
        raw = reader.read(name)
        stats.extracted = len(raw)
        lap("extract")
        raw = self._resolve_duplicates(name, raw, stats)
        new_mark = highest_timestamp(raw["updated_at"]) if len(raw) else None
        retry = pd.DataFrame()
        loaded = {table: stats.loaded for table, stats in self.result.tables.items()}
        if name in self.open_reject_tables and rejects.worth_retrying(name, loaded):
            reread = raw[spec.key].astype("string").str.strip()
            strategy.sync()
            retry = rejects.open_rejects(self.conn, name, reread)
        stats.retried = len(retry)
        # A full load writes a large table in parts: the server copies one part while the
        # next is cleaned and validated here. Other loads take the increment whole.
        step = strategy.part_rows(len(raw))
        starts = range(0, max(len(raw), 1), step)
        for i, start in enumerate(starts):
            first, last = i == 0, i == len(starts) - 1
            part = raw.iloc[start : start + step].reset_index(drop=True)
            valid, rejected = self._prepare(
                name, part, retry if first else pd.DataFrame(), mark, stats, lap
            )
            strategy.keep(name, valid)
            stats.seconds = time.perf_counter() - t0
            # No waiting for the writer here: a full load keeps the rows of its large tables in
            # memory anyway (for the marts), so the parts queued hold nothing more.
            strategy.submit(
                partial(self._write_part, name, valid, rejected, stats, len(raw), first, last)
            )
        strategy.table_loaded(name, stats)
        return new_mark

    def _prepare(self, name, raw, retry, mark, stats, lap) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Clean, pseudonymise and validate source rows: (valid rows, rejected rows)."""
        spec = BY_NAME[name]
        target = schema.metadata.tables[name]
        pk = next(iter(target.primary_key.columns)).name
        prepared = transform.PREPARE[name](raw, self.pseudonymizer)
        prepared["_source_pk"] = raw[spec.key].astype("string").str.strip()
        if DUPLICATE in raw:
            problem = prepared.get(transform.PROBLEM, pd.Series(pd.NA, index=prepared.index))
            prepared[transform.PROBLEM] = raw[DUPLICATE].fillna(problem).astype("string")
        if name == "facility" and len(prepared):
            self._keep_good_coordinates(prepared, stats)
        lap("transform")
        # Source keys are unique, and retried rejects exclude keys re-read now: no duplicates.
        frame = pd.concat([prepared, retry], ignore_index=True) if len(retry) else prepared
        if mark is not None and len(frame):
            frame = self._drop_unchanged(frame, target, pk, mark, stats)
        lap("retry_and_dedupe")
        reasons = validate(name, frame, self.known)
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
        lap = Lap(stats.steps)
        self.strategy.before_write(name, valid, pk)
        if first:
            self._table_writer = TableWriter(self.conn, target, total_rows)
        self._table_writer.write(valid.drop(columns="_source_pk"))
        if last:
            self._table_writer.close()
        lap("load")
        self.strategy.after_write(name, valid)
        rejects.record_rejects(
            self.conn,
            name,
            rejected,
            valid,
            self.result.run_id,
            # Open rejects of this table can only be those found when the run began: its own
            # new rejects are recorded here.
            had_open=name in self.open_reject_tables,
        )
        lap("keys_and_rejects")
        if not last:
            return
        stats.seconds += sum(stats.steps.get(k, 0.0) for k in ("load", "keys_and_rejects"))
        if stats.extracted or stats.retried or stats.rejected:
            self.progress(
                f"{name}: {stats.extracted:,} extracted, {stats.loaded:,} loaded, "
                f"{stats.rejected:,} rejected"
                + (f", {stats.unchanged:,} unchanged" if stats.unchanged else "")
                + (
                    f", {stats.superseded:,} older duplicates superseded"
                    if stats.superseded
                    else ""
                )
                + (
                    f", {stats.kept_coordinates:,} kept their earlier coordinates"
                    if stats.kept_coordinates
                    else ""
                )
                + (f", {stats.retried:,} earlier rejects retried" if stats.retried else "")
                + f" ({stats.seconds:.1f} s)"
            )

    def _resolve_duplicates(self, name: str, raw: pd.DataFrame, stats: TableStats) -> pd.DataFrame:
        """A key the source holds more than once (an export without constraints): the row
        with the latest updated_at is read, older ones are superseded; rows tied at the latest
        are all rejected (column DUPLICATE), leaving the loaded row as it was."""
        key = BY_NAME[name].key
        keys = raw[key].astype("string").str.strip()
        dup = keys.duplicated(keep=False) & keys.notna() & (keys != "")
        if not dup.any():
            return raw
        ts = transform.timestamp(raw.loc[dup, "updated_at"])
        group = keys[dup]
        latest = ts.groupby(group).transform("max")
        is_latest = (ts == latest).fillna(False).astype(bool)
        at_latest = is_latest.groupby(group).transform("sum")
        tied = (is_latest & (at_latest > 1)) | latest.isna()
        superseded = dup.copy()
        superseded[dup] = ~is_latest & ~latest.isna()
        raw = raw[~superseded].copy()
        stats.superseded = int(superseded.sum())
        tied_rows = tied[tied].index
        raw[DUPLICATE] = pd.Series(pd.NA, index=raw.index, dtype="string")
        if len(tied_rows):
            count = group[tied_rows].map(group[tied_rows].value_counts())
            raw.loc[tied_rows, DUPLICATE] = (
                f"duplicate {key} '"
                + group[tied_rows]
                + "': "
                + count.astype("string")
                + " rows share the latest updated_at"
            )
        return raw.reset_index(drop=True)

    def _keep_good_coordinates(self, prepared: pd.DataFrame, stats: TableStats) -> None:
        """A facility whose new coordinates are missing or outside the province keeps the
        coordinates loaded before when those were inside it (never a good point for a worse)."""
        worse = prepared["coordinate_status"] != "ok"
        if not worse.any():
            return
        self.strategy.sync()
        stored = read_frame(
            self.conn,
            "SELECT facility_id, latitude, longitude FROM facility WHERE coordinate_status = 'ok'",
        ).set_index("facility_id")
        keep = worse & prepared["facility_id"].isin(stored.index)
        if not keep.any():
            return
        ids = prepared.loc[keep, "facility_id"]
        for column in ("latitude", "longitude"):
            values = pd.to_numeric(ids.map(stored[column]), errors="coerce")
            prepared.loc[keep, column] = values.to_numpy(dtype="float64")
        prepared.loc[keep, "coordinate_status"] = "ok"
        stats.kept_coordinates = int(keep.sum())

    def _drop_unchanged(self, frame, target, pk, mark, stats) -> pd.DataFrame:
        """Drop re-read rows (overlap window) identical to what the warehouse holds."""
        overlap_rows = frame[frame["updated_at"] <= pd.Timestamp(mark)]
        if overlap_rows.empty:
            return frame
        self.strategy.sync()
        fill_inc_keys(self.conn, overlap_rows[pk])
        existing = read_frame(
            self.conn,
            f"SELECT t.{pk} AS k, t.updated_at FROM inc_keys i CROSS JOIN {target.name} t "
            f"WHERE t.{pk} = i.k",
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
        elif name == "citizen" and transform.CITIZEN_CODE in valid:
            codes = valid[transform.CITIZEN_CODE].fillna(-1).to_numpy(dtype=np.int64)
            codes = codes[codes >= 0]
            if len(codes):
                if codes.max() >= len(self.run_citizens):
                    grown = np.zeros(int(codes.max()) + 1, dtype=bool)
                    grown[: len(self.run_citizens)] = self.run_citizens
                    self.run_citizens = grown
                self.run_citizens[codes] = True


def _empty(conn: sa.Connection, table: sa.Table) -> bool:
    return conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first() is None
