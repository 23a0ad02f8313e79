"""Reading increments from the platform database (SQLite or PostgreSQL)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime

import adbc_driver_sqlite.dbapi as adbc_sqlite
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
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
    return _extract_sqlite(conn, table, since, progress)


def _extract_sqlite(
    conn: sa.Connection,
    table: SourceTable,
    since: datetime | None,
    progress: Callable[[str], None] | None,
) -> pd.DataFrame:
    # Read through ADBC, which builds Arrow columns in C (several times faster than Python
    # row tuples). Every column is read as text, as from PostgreSQL's CSV, because SQLite's
    # dynamic typing lets a broken row put text in a numeric column; NULL is read as '' (like
    # an empty CSV field) because ADBC infers a column's type from its first rows, and a
    # column that starts with NULLs would be taken for a number.
    cols = ", ".join(f"COALESCE(CAST({c} AS TEXT), '') AS {c}" for c in table.columns)
    where, params = "", ()
    if since is not None:
        where, params = " WHERE updated_at >= ?", (_since_text(since),)
    path = conn.engine.url.database
    batches = []
    total = 0
    with adbc_sqlite.connect(path) as source:
        cur = source.cursor()
        cur.execute(f"SELECT {cols} FROM {table.name}{where}", params)
        reader = cur.fetch_record_batch()
        for batch in reader:
            batches.append(batch)
            total += batch.num_rows
            if progress and total // CHUNK_ROWS > (total - batch.num_rows) // CHUNK_ROWS:
                progress(f"{table.name}: {total:,} rows read")
        schema = reader.schema
        cur.close()
    frame = pa.Table.from_batches(batches, schema=schema).to_pandas()
    if frame.empty:
        return pd.DataFrame(columns=list(table.columns), dtype=object)
    return frame  # '' stands for NULL here, as an empty field does in CSV


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
    names = list(table.columns)
    read = pa_csv.read_csv(
        buf,
        convert_options=pa_csv.ConvertOptions(
            column_types={c: pa.large_string() for c in names},
            strings_can_be_null=True,
            null_values=[""],  # only empty fields: "N/A" or "NULL" are data to validate
        ),
        read_options=pa_csv.ReadOptions(block_size=64 << 20),
    )
    return read.to_pandas()


def platform_max_updated_at(conn: sa.Connection, table: SourceTable) -> object:
    return conn.execute(sa.text(f"SELECT MAX(updated_at) FROM {table.name}")).scalar()
