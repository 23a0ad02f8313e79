"""Whether the warehouse can be read by this version of the program, and the data version
that read caches are keyed on (it changes with every load)."""

from __future__ import annotations

import sqlalchemy as sa

from warehouse import setup


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
    """A value that changes with every load of the warehouse."""
    return setup.data_version(conn)
