"""Small SQL helpers that differ between SQLite and PostgreSQL."""

from __future__ import annotations

import io

import pandas as pd
import sqlalchemy as sa

from etl.load import _tuples


def hours_between(conn: sa.Connection, later: str, earlier: str) -> str:
    if conn.dialect.name == "postgresql":
        return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 3600.0)"
    # Whole seconds (what SQLite keeps) subtracted exactly; julianday() would add rounding.
    return f"((strftime('%s', {later}) - strftime('%s', {earlier})) / 3600.0)"


def days_after_local_day_end(conn: sa.Connection, ts: str, day: str) -> str:
    """Days from the end of local calendar day `day` (UTC+7) to timestamp `ts`."""
    if conn.dialect.name == "postgresql":
        end = f"((({day} + 1)::timestamp - INTERVAL '7 hours') AT TIME ZONE 'UTC')"
        return f"(EXTRACT(EPOCH FROM ({ts} - {end})) / 86400.0)"
    return f"((strftime('%s', {ts}) - strftime('%s', {day}) - 61200) / 86400.0)"


def create_temp_table(conn: sa.Connection, name: str, columns: dict[str, str]) -> None:
    """A temporary key table (unique rows) that lives until the end of the transaction."""
    pg = conn.dialect.name == "postgresql"
    cols = ", ".join(
        f"{c} {t}" + (' COLLATE "C"' if pg and t == "TEXT" else "") for c, t in columns.items()
    )
    keys = ", ".join(columns)
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
    suffix = " ON COMMIT DROP" if conn.dialect.name == "postgresql" else ""
    conn.exec_driver_sql(f"CREATE TEMP TABLE {name} ({cols}, PRIMARY KEY ({keys})){suffix}")


def add_keys_frame(conn: sa.Connection, name: str, frame: pd.DataFrame) -> None:
    """Add the rows of a frame (columns named like the temp table's) to a temp key table."""
    frame = frame.dropna().drop_duplicates()
    if frame.empty:
        return
    cols = ", ".join(frame.columns)
    raw = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cur:
            cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS stg_keys_{name} (LIKE {name})")
            cur.execute(f"TRUNCATE stg_keys_{name}")
            buf = io.StringIO()
            frame.to_csv(buf, index=False, header=False)
            buf.seek(0)
            cur.copy_expert(f"COPY stg_keys_{name} ({cols}) FROM STDIN WITH (FORMAT csv)", buf)
            cur.execute(
                f"INSERT INTO {name} ({cols}) SELECT {cols} FROM stg_keys_{name} "
                "ON CONFLICT DO NOTHING"
            )
    else:
        marks = ", ".join("?" for _ in frame.columns)
        raw.executemany(
            f"INSERT INTO {name} ({cols}) VALUES ({marks}) ON CONFLICT DO NOTHING",
            _tuples(frame),
        )


def read_frame(conn: sa.Connection, sql: str, params: dict | None = None) -> pd.DataFrame:
    """A query's result as a frame; on PostgreSQL through COPY, which is much faster."""
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        with raw.cursor() as cur:
            cur.execute("SET TIME ZONE 'UTC'")
            compiled = sa.text(sql).bindparams(**(params or {}))
            literal = str(
                compiled.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
            )
            buf = io.BytesIO()
            cur.copy_expert(f"COPY ({literal}) TO STDOUT WITH (FORMAT csv, HEADER)", buf)
        buf.seek(0)
        return pd.read_csv(buf, dtype=str, keep_default_na=False, na_values=[""])
    return pd.read_sql_query(sa.text(sql), conn, params=params or {})
