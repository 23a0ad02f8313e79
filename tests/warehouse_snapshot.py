"""Warehouse contents as comparable frames (for incremental = full, idempotence, crashes)."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from warehouse import engine as wh_engine
from warehouse import schema

# Bookkeeping columns that legitimately differ between equivalent warehouses.
_IGNORED = {"etl_reject": {"first_run_id", "last_run_id", "resolved_run_id"}}
SNAPSHOT_TABLES = [
    *schema.CORE_TABLES,
    schema.person_vax,
    schema.person_wait,
    *schema.MART_TABLES,
    schema.area,
    schema.population,
    schema.etl_reject,
]


def _normalise(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_float_dtype(s):
            # Sums of the same values in another order differ in the last bits; rounding to 9
            # decimals first makes a value lying on a 6-decimal half always round the same way
            # (the minute, hour and day sums stored here never end on a 10th-decimal half).
            out[col] = s.round(9).round(6)
        out[col] = out[col].astype(str).str.replace("T", " ", regex=False)
        out[col] = out[col].str.replace(r"\+00(:00)?$", "", regex=True)
        out[col] = out[col].replace({"None": "", "nan": "", "NaT": "", "<NA>": ""})
    return out.sort_values(list(out.columns)).reset_index(drop=True)


def read_tables(conn: sa.Connection, tables: list[sa.Table]) -> dict[str, pd.DataFrame]:
    """The given tables as comparable frames, read on an open connection."""
    return {t.name: _normalise(pd.read_sql_query(sa.select(t), conn)) for t in tables}


def snapshot(url: str) -> dict[str, pd.DataFrame]:
    engine = wh_engine.make_engine(url, create_dir=False, must_exist=True)
    try:
        out = {}
        with engine.connect() as conn:
            for table in SNAPSHOT_TABLES:
                df = pd.read_sql_query(sa.select(table), conn)
                if table.name == "etl_reject":
                    # Open rejects only: resolved ones are history, not state.
                    df = df[df["resolved_run_id"].isna()]
                df = df.drop(columns=list(_IGNORED.get(table.name, ())))
                out[table.name] = _normalise(df)
        return out
    finally:
        engine.dispose()


def assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    problems = []
    for name in a:
        left, right = a[name], b[name]
        if left.equals(right):
            continue
        merged = left.merge(right, how="outer", indicator=True)
        diff = merged[merged["_merge"] != "both"]
        problems.append(
            f"{name}: {len(left)} vs {len(right)} rows; first differences:\n"
            + diff.head(8).to_string()
        )
    assert not problems, "\n\n".join(problems)
