"""Small SQL helpers that differ between SQLite and PostgreSQL."""

from __future__ import annotations

import io

import pandas as pd
import sqlalchemy as sa

from etl.load import _tuples, upsert


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


def write_changes(
    conn: sa.Connection, table: sa.Table, before: pd.DataFrame, after: pd.DataFrame
) -> int:
    """Bring some rows of `table` from `before` (every row of some keys, as read) to `after`
    (every row those keys have now): the rows of `after` unlike any of `before` are upserted,
    the keys of `before` that `after` lacks deleted, and rows alike left alone. Returns the
    rows written."""
    key = [c.name for c in table.primary_key.columns]
    columns = list(after.columns)
    # Compared as texts: a row alike is alike in its key too, so it is never deleted here.
    changed = ~_row_texts(after, columns).isin(set(_row_texts(before, columns)))
    gone = before[~_row_texts(before, key).isin(set(_row_texts(after, key))).to_numpy()][key]
    if len(gone):
        name = f"gone_{table.name}"
        dated = [c for c in key if pd.api.types.is_datetime64_any_dtype(gone[c])]
        create_temp_table(conn, name, {c: _sql_type(table.c[c].type) for c in key})
        add_keys_frame(
            conn, name, gone.assign(**{c: gone[c].dt.strftime("%Y-%m-%d") for c in dated})
        )
        cols = ", ".join(key)
        conn.exec_driver_sql(
            f"DELETE FROM {table.name} WHERE ({cols}) IN (SELECT {cols} FROM {name})"
        )
    return upsert(conn, table, after[changed.to_numpy()])


def _sql_type(kind: sa.types.TypeEngine) -> str:
    if isinstance(kind, sa.Date):
        return "DATE"
    return "INTEGER" if isinstance(kind, sa.Integer) else "TEXT"


def _row_texts(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Each row as one text (times to the second, missing values marked): rows alike have the
    same text whatever their column types."""
    parts = []
    for column in columns:
        s = frame[column]
        if pd.api.types.is_datetime64_any_dtype(s):
            s = s.dt.strftime("%Y-%m-%d %H:%M:%S")
        parts.append(s.astype("string").fillna("\x00").reset_index(drop=True))
    if not len(frame):
        return pd.Series([], dtype="string")
    return parts[0].str.cat(parts[1:], sep="\x1f") if len(parts) > 1 else parts[0]
