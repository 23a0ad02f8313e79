"""Reading increments from the platform database (SQLite or PostgreSQL)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from etl.contract import SourceTable

CHUNK_ROWS = 500_000


def _since_text(since: datetime) -> str:
    # The contract stores SQLite timestamps as ISO 8601 text in UTC; compare as text so the
    # updated_at index is used.
    return since.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def extract_increment(
    conn: sa.Connection,
    table: SourceTable,
    since: datetime | None,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Rows of `table` with updated_at >= since (all rows when since is None), as text."""
    cols = ", ".join(table.columns)
    if conn.dialect.name == "postgresql":
        return _extract_postgres(conn, table, cols, since)
    where, params = "", {}
    if since is not None:
        where, params = " WHERE updated_at >= :since", {"since": _since_text(since)}
    sql = f"SELECT {cols} FROM {table.name}{where}"
    chunks = []
    total = 0
    for chunk in pd.read_sql_query(
        sa.text(sql), conn, params=params, chunksize=CHUNK_ROWS, dtype=object
    ):
        chunks.append(chunk)
        total += len(chunk)
        if progress and total >= CHUNK_ROWS:
            progress(f"{table.name}: {total:,} rows read")
    if not chunks:
        return pd.DataFrame(columns=list(table.columns), dtype=object)
    return pd.concat(chunks, ignore_index=True)


def _extract_postgres(
    conn: sa.Connection, table: SourceTable, cols: str, since: datetime | None
) -> pd.DataFrame:
    raw = conn.connection.driver_connection
    with raw.cursor() as cur:
        cur.execute("SET TIME ZONE 'UTC'")
        where = ""
        if since is not None:
            where = cur.mogrify(" WHERE updated_at >= %s", (since,)).decode()
        buf = io.BytesIO()
        cur.copy_expert(
            f"COPY (SELECT {cols} FROM {table.name}{where}) TO STDOUT WITH (FORMAT csv, HEADER)",
            buf,
        )
    buf.seek(0)
    return pd.read_csv(buf, dtype=str, keep_default_na=False, na_values=[""])


def platform_max_updated_at(conn: sa.Connection, table: SourceTable) -> object:
    return conn.execute(sa.text(f"SELECT MAX(updated_at) FROM {table.name}")).scalar()
