"""Watermarks: the highest platform `updated_at` loaded from each source table.

Each load reads a table from its watermark minus an overlap window (rows committed late with
an earlier `updated_at` are not missed; upserts make re-reading safe)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import sqlalchemy as sa

from etl import transform
from warehouse import schema


def read_watermarks(conn: sa.Connection) -> dict[str, datetime]:
    """Each source table's watermark (UTC), for the tables loaded before."""
    rows = conn.execute(
        sa.select(schema.etl_watermark.c.source_table, schema.etl_watermark.c.high_water)
    ).all()
    return {name: _utc(mark) for name, mark in rows}


def _utc(mark) -> datetime:
    ts = pd.Timestamp(mark)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.to_pydatetime()


def save_watermark(conn: sa.Connection, name: str, mark: datetime, run_id: int) -> None:
    wm = schema.etl_watermark
    conn.execute(wm.delete().where(wm.c.source_table == name))
    conn.execute(wm.insert().values(source_table=name, high_water=mark, run_id=run_id))


def read_from(mark: datetime | None, overlap: timedelta) -> datetime | None:
    """Where the next read of a table starts: its watermark minus the overlap (None: all)."""
    return None if mark is None else mark - overlap


def highest_timestamp(s: pd.Series) -> datetime | None:
    """The greatest `updated_at` of the rows read (the table's next watermark)."""
    ts = transform.timestamp(s).max()
    return None if pd.isna(ts) else ts.to_pydatetime()
