"""Engine set-up for the warehouse and the platform source, SQLite or PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

import settings


class DatabaseUrlError(ValueError):
    """A database URL that cannot be used, with a message for the user."""


def warehouse_url(explicit: str | None = None) -> str:
    """The warehouse URL: the flag, else VAX_WAREHOUSE_URL, else the SQLite file under data/."""
    return settings.warehouse_url(explicit)


def platform_url(explicit: str | None = None) -> str:
    """The platform URL: the flag, else VAX_PLATFORM_URL, else the SQLite file under data/."""
    return settings.platform_url(explicit)


def parse_url(url: str) -> sa.URL:
    try:
        parsed = sa.make_url(url)
    except Exception as exc:  # noqa: BLE001 - SQLAlchemy raises several types here
        raise DatabaseUrlError(f"not a database URL: {url!r} ({exc})") from None
    if parsed.drivername == "postgresql":
        # SQLAlchemy 2.1 defaults to psycopg 3; the project uses psycopg2 (COPY via copy_expert).
        parsed = parsed.set(drivername="postgresql+psycopg2")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseUrlError(
            f"unsupported database {parsed.get_backend_name()!r} in {url!r}: "
            "use sqlite:///path/file.db or postgresql://user@host/db"
        )
    return parsed


def make_engine(url: str, *, create_dir: bool = True, must_exist: bool = False) -> sa.Engine:
    """An engine for `url`. SQLite files get WAL and explicit transaction control.

    `must_exist` refuses to create a new SQLite file (used for sources, where a typo in the
    path would otherwise silently read an empty database). Such a file keeps its journal mode:
    switching a platform's file to WAL is a write to a database the project only reads, and
    needs its exclusive lock, which a second reader starting at the same moment can meet as
    "database is locked" (the warehouse is made WAL when the ETL creates it).
    """
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            path = Path(database)
            if must_exist and not path.exists():
                raise DatabaseUrlError(f"no database file at {path}")
            if create_dir:
                path.parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(parsed, connect_args={"timeout": 30})
        _configure_sqlite(engine, set_wal=not must_exist)
        return engine
    return sa.create_engine(parsed, pool_pre_ping=True)


def _configure_sqlite(engine: sa.Engine, *, set_wal: bool) -> None:
    # pysqlite's own transaction handling defers BEGIN; take control so that a transaction
    # starts when SQLAlchemy begins one, and writers take the lock up front.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if set_wal:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.execute("PRAGMA cache_size=-200000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def is_sqlite(bind: sa.Engine | sa.Connection) -> bool:
    return bind.dialect.name == "sqlite"


def describe(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return parse_url(url).render_as_string(hide_password=True)
    except DatabaseUrlError:
        return url
