"""Shared fixtures: fresh databases on SQLite and on the real PostgreSQL server."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get(
    "VAX_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
)
SHARED_DATA = ROOT.parent / "shared" / "data"

DIALECTS = ["sqlite", "postgresql"]


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite file, whatever its WAL holds (SQLite's backup API), in the
    source's journal mode."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
        mode = src.execute("PRAGMA journal_mode").fetchone()[0]
        dst.execute(f"PRAGMA journal_mode={mode}")


def _pg_admin() -> sa.Engine:
    return sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_available() -> bool:
    try:
        with _pg_admin().connect() as conn:
            conn.execute(sa.text("select 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means the server is not usable
        return False


class DatabaseFactory:
    """Creates empty databases of one dialect and drops them afterwards."""

    def __init__(self, dialect: str, tmp_path: Path) -> None:
        self.dialect = dialect
        self.tmp_path = tmp_path
        self._pg_names: list[str] = []

    def new_url(self, label: str = "db") -> str:
        if self.dialect == "sqlite":
            return f"sqlite:///{self.tmp_path / f'{label}-{uuid.uuid4().hex[:8]}.db'}"
        name = f"vax_{label}_{uuid.uuid4().hex[:10]}"
        with _pg_admin().connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        self._pg_names.append(name)
        base = sa.engine.make_url(PG_ADMIN_URL)
        return base.set(database=name).render_as_string(hide_password=False)

    def copy_of(self, url: str, label: str = "db") -> str:
        """A new database of this dialect holding what the database at `url` (of the same
        dialect, made by a factory) holds: a SQLite backup, or a PostgreSQL database made
        from it as a template (nobody may be connected to it)."""
        if self.dialect == "sqlite":
            copy = self.new_url(label)
            copy_database(Path(sa.make_url(url).database), Path(sa.make_url(copy).database))
            return copy
        name = f"vax_{label}_{uuid.uuid4().hex[:10]}"
        template = sa.make_url(url).database
        with _pg_admin().connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        self._pg_names.append(name)
        return sa.make_url(url).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if not self._pg_names:
            return
        engine = _pg_admin()
        with engine.connect() as conn:
            for name in self._pg_names:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(autouse=True)
def _sign_in_off_outside_auth_tests(request, monkeypatch) -> None:
    """The dashboard's tests run with sign-in off (VAX_AUTH=off, a province user, as in local
    development), except those marked `auth`, which sign in."""
    if request.node.get_closest_marker("auth") is None:
        monkeypatch.setenv("VAX_AUTH", "off")
    else:
        monkeypatch.delenv("VAX_AUTH", raising=False)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The public reference data beside the repository: CI has a copy, so there a missing
    folder fails the test instead of skipping it."""
    if not SHARED_DATA.exists():
        reason = f"the shared reference data is not at {SHARED_DATA}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return SHARED_DATA


@pytest.fixture(params=DIALECTS)
def dbs(request, tmp_path, pg_available) -> Iterator[DatabaseFactory]:
    """A factory of fresh databases, once per dialect (SQLite and PostgreSQL)."""
    if request.param == "postgresql" and not pg_available:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not reachable at " + PG_ADMIN_URL)
        pytest.skip("PostgreSQL is not reachable")
    factory = DatabaseFactory(request.param, tmp_path)
    yield factory
    factory.drop_all()


@pytest.fixture(scope="session")
def warehouses(tmp_path_factory):
    """The one factory of the SQLite warehouses the page tests read (built once per test
    process and kind, then shared read only): `tiny()` (the hand-made platform, or a named
    variant of its rows), `demo()` (a small simulated province) and `empty()` (no visit)."""
    from page_support import Warehouses

    return Warehouses(tmp_path_factory)


@pytest.fixture(scope="session")
def small_province(warehouses) -> tuple[str, str]:
    """The demo-like warehouse: (platform url, warehouse url) of the small simulated province."""
    return warehouses.demo()


@pytest.fixture(scope="session")
def no_visit_warehouse(warehouses) -> str:
    """A warehouse with facilities, stores and vaccines but no visit (shared, read only)."""
    return warehouses.empty()
