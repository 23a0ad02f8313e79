"""One load: extract > clean > pseudonymise > validate > load > refresh marts.

The whole load is one warehouse transaction, taken under a lock: a crash or an error leaves
the previous state, and two runs cannot overlap. Only the run's row in the log is committed
before, as started, so that a run killed part way is seen (and marked interrupted by the
next). Each source table is read from its watermark (the highest `updated_at` loaded before)
minus an overlap window; upserts make re-reading safe.
The work inside the transaction is etl/loading.py's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import DatabaseError, OperationalError

import settings
from etl.contract import ContractError, check_platform
from etl.loading import Load
from etl.memory import tune_for_bulk_work
from etl.pseudonym import pseudonym_key
from etl.result import EtlError, LockHeld, RunResult, TableStats
from warehouse import engine as wh_engine
from warehouse import schema, setup

__all__ = ["EtlError", "LockHeld", "RunResult", "TableStats", "run_load"]

DEFAULT_OVERLAP = settings.etl_overlap()
LOCK_KEY = 36_2021  # PostgreSQL advisory lock id for the ETL

LOG = logging.getLogger("etl")


def _stderr(message: str) -> None:
    LOG.info(message)


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
    except DatabaseError as exc:  # OperationalError, or a file that is not a database
        raise EtlError(
            f"cannot connect to the platform database {wh_engine.describe(url)}: {exc.orig}"
        ) from None


SCHEMA_LOCK_KEY = 36_2022  # PostgreSQL advisory lock id while a run creates the schema


def connect_warehouse(url: str) -> sa.Engine:
    try:
        engine = wh_engine.make_engine(url)
        with engine.connect() as conn, conn.begin():
            found = setup.schema_version(conn)
        if found is None:
            _create_schema(engine)
        else:
            with engine.connect() as conn, conn.begin():
                setup.check_schema(conn)
                setup.add_missing_account_tables(conn)  # tables added within this version
        return engine
    except wh_engine.DatabaseUrlError as exc:
        raise EtlError(f"warehouse database: {exc}") from None
    except DatabaseError as exc:  # OperationalError, or a file that is not a database
        if "locked" in str(exc.orig).lower():
            raise LockHeld(LOCKED) from None
        raise EtlError(
            f"cannot connect to the warehouse database {wh_engine.describe(url)}: {exc.orig}"
        ) from None
    except setup.SchemaVersionError as exc:
        raise EtlError(f"warehouse {wh_engine.describe(url)}: {exc}") from None


def _create_schema(engine: sa.Engine) -> None:
    """Create the warehouse in an empty database. Two runs starting at once both find it
    empty: the second waits for the first to create it (PostgreSQL: an advisory lock; SQLite:
    the write lock taken up front), then finds it there."""
    with engine.connect() as conn:
        conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": SCHEMA_LOCK_KEY})
            setup.ensure_schema(conn)


LOCKED = "another ETL run is in progress (the warehouse is locked); try later"


def run_load(
    platform_url: str,
    warehouse_url: str,
    progress: Callable[[str], None] = _stderr,
    overlap: timedelta = DEFAULT_OVERLAP,
    every: float | None = None,
) -> RunResult:
    """Run one load (full into an empty warehouse, else incremental). Raises EtlError with a
    clear message when it cannot. `every`: the seconds between scheduled loads when `etl watch`
    runs it (logged with the run, so that the dashboard can tell a stalled loader)."""
    tune_for_bulk_work()
    source = connect_source(platform_url)
    target = connect_warehouse(warehouse_url)
    key = pseudonym_key()
    started = datetime.now(UTC)
    run_id = None
    try:
        run_id = _log_start(target, started)
        with target.connect() as conn:
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            try:
                if conn.dialect.name == "sqlite":
                    conn.connection.driver_connection.execute("PRAGMA busy_timeout = 2000")
                with conn.begin():
                    _take_lock(conn)
                    _tune_session(conn)
                    load = Load(conn, source, key, progress, overlap, started, every, run_id)
                    result = load.run()
                return result
            except OperationalError as exc:
                if "locked" in str(exc.orig).lower():
                    raise LockHeld(LOCKED) from None
                raise
    except DatabaseError as exc:
        # E.g. a read-only warehouse file, or a disk full: one line, not a traceback.
        _log_failure(target, started, exc, run_id)
        raise EtlError(
            f"the load stopped on a database error (warehouse "
            f"{wh_engine.describe(warehouse_url)}): {exc.orig}"
        ) from None
    except Exception as exc:
        _log_failure(target, started, exc, run_id)
        raise
    finally:
        source.dispose()
        target.dispose()


def _log_start(engine: sa.Engine, started: datetime) -> int | None:
    """Log the run as started, committed before the load begins, so that a run killed part
    way stays in the log (the next run marks it interrupted). None when the warehouse cannot
    take the row (a read-only file: the load itself then says why)."""
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                # Another run holds the write lock for its whole load: do not wait for it.
                conn.connection.driver_connection.execute("PRAGMA busy_timeout = 2000")
            with conn.begin():
                return conn.execute(
                    schema.etl_run.insert().values(started_at=started, status="running")
                ).inserted_primary_key[0]
    except OperationalError as exc:
        if "locked" in str(exc.orig).lower():
            raise LockHeld(LOCKED) from None
        return None


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


def _log_failure(
    engine: sa.Engine, started: datetime, exc: BaseException, run_id: int | None
) -> None:
    if run_id is None and isinstance(exc, LockHeld) and engine.dialect.name == "sqlite":
        return  # the run holding the lock holds it for writing too: nothing to log into
    error = str(exc.orig) if isinstance(exc, DatabaseError) else str(exc)
    values = {
        "finished_at": datetime.now(UTC),
        "status": "failed",
        "seconds": (datetime.now(UTC) - started).total_seconds(),
        "error": f"{type(exc).__name__}: {error}"[:2000],
    }
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.connection.driver_connection.execute("PRAGMA busy_timeout = 2000")
            with conn.begin():
                run = schema.etl_run
                if run_id is None:
                    conn.execute(run.insert().values(started_at=started, **values))
                else:
                    conn.execute(run.update().where(run.c.run_id == run_id).values(**values))
    except Exception:  # noqa: BLE001 - the original error matters more than the log entry
        pass
