"""Where the dashboard finds the reporting warehouse."""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa

WAREHOUSE_URL_ENV = "VAX_WAREHOUSE_URL"
# Relative to the working directory; `make run` starts the dashboard from the repository root.
DEFAULT_WAREHOUSE_URL = "sqlite:///data/warehouse.db"


def warehouse_url() -> str:
    """The SQLAlchemy URL of the reporting warehouse."""
    return os.environ.get(WAREHOUSE_URL_ENV) or DEFAULT_WAREHOUSE_URL


def warehouse_exists(url: str) -> bool:
    """Whether the warehouse at ``url`` can be reached and holds at least one table.

    Never raises: any failure (bad URL, missing driver, server down) means "no warehouse".
    A missing SQLite file is not created.
    """
    try:
        parsed = sa.engine.make_url(url)
        connect_args: dict[str, object] = {}
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database
            if not database or database == ":memory:" or not Path(database).is_file():
                return False
        elif parsed.get_backend_name() == "postgresql":
            connect_args["connect_timeout"] = 3
        engine = sa.create_engine(parsed, connect_args=connect_args)
        try:
            with engine.connect() as conn:
                return bool(sa.inspect(conn).get_table_names())
        finally:
            engine.dispose()
    except Exception:
        return False
