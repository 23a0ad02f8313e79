"""Whether the warehouse can be read by this version of the program, the data version that
read caches are keyed on (it changes with every load), and a connection for command-line tools
that checks both."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from warehouse import engine as wh_engine
from warehouse import setup


class WarehouseUnreadable(Exception):
    """The warehouse cannot be read: a bad URL, an unreachable database, no warehouse, or one of
    another schema version (the message is one line, fit for a command's error output)."""


def schema_problem(conn: sa.Connection) -> str | None:
    """None when the warehouse is of this schema version; "missing" when the database holds no
    warehouse yet; otherwise the message saying it is of another version and how to rebuild
    it."""
    try:
        setup.check_schema(conn)
    except setup.SchemaVersionError as exc:
        return "missing" if setup.NO_WAREHOUSE in str(exc) else str(exc)
    return None


def data_version(conn: sa.Connection) -> str:
    """A value that changes with every load of the warehouse, and differs between a warehouse
    and another one rebuilt at the same address (`setup.cache_version`)."""
    return setup.cache_version(conn)


@contextmanager
def reading(url: str | None = None) -> Iterator[sa.Connection]:
    """A connection to the warehouse at `url` (default: VAX_WAREHOUSE_URL, else data/) once it
    is known to be of this schema version; WarehouseUnreadable otherwise."""
    url = wh_engine.warehouse_url(url)
    try:
        engine = wh_engine.make_engine(url, create_dir=False, must_exist=True)
    except (wh_engine.DatabaseUrlError, ValueError) as exc:
        raise WarehouseUnreadable(str(exc)) from None
    try:
        with engine.connect() as conn:
            try:
                setup.check_schema(conn)
            except setup.SchemaVersionError as exc:
                raise WarehouseUnreadable(str(exc)) from None
            yield conn
    except OperationalError as exc:
        raise WarehouseUnreadable(f"cannot read {wh_engine.describe(url)}: {exc.orig}") from None
    finally:
        engine.dispose()
