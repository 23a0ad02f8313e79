"""One load: extract > clean > pseudonymise > validate > load > refresh marts.

The whole load is one warehouse transaction, taken under a lock: a crash or an error leaves
the previous state, and two runs cannot overlap. Each source table is read from its watermark
(the highest `updated_at` loaded before) minus an overlap window; upserts make re-reading safe.
The work inside the transaction is etl/loading.py's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

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
    try:
        with target.connect() as conn:
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            try:
                if conn.dialect.name == "sqlite":
                    conn.connection.driver_connection.execute("PRAGMA busy_timeout = 2000")
                with conn.begin():
                    _take_lock(conn)
                    _tune_session(conn)
                    result = Load(conn, source, key, progress, overlap, started, every).run()
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
