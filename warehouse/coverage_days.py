"""The days the coverage marts cover: the one place the ETL (etl/coverage_groups.py) and the
reads (queries/groups.py) find them."""

from __future__ import annotations

from datetime import date

import pandas as pd
import sqlalchemy as sa

from warehouse import schema


def day_span(
    conn: sa.Connection, table: sa.Table = schema.mart_coverage_group_day
) -> tuple[date, date] | None:
    """The first and last day of a dated mart (by default mart_coverage_group_day, whose rows
    are dense between the two), None when it has no rows. Two look-ups of the first and the
    last key on an index by date (one MIN or MAX per query: SQLite optimises only that form),
    a scan on a mart without one."""
    first = conn.execute(sa.select(sa.func.min(table.c.date))).scalar()
    if first is None:
        return None
    last = conn.execute(sa.select(sa.func.max(table.c.date))).scalar()
    return _day(first), _day(last)


def _day(value) -> date:
    return pd.Timestamp(value).date()
