"""Reading a SQLite platform's increment: every changed row, and rows without an updated_at,
read through the updated_at index (never a scan of the whole table, which on the whole
province made a load with nothing new cost 15 s of reading visits)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from etl.contract import SOURCE_TABLES
from etl.extract import sqlite_increment
from simulator import schema as platform_schema

SINCE = datetime(2022, 7, 1, 10, tzinfo=UTC)


def test_every_increment_is_read_through_the_updated_at_index():
    conn = sqlite3.connect(":memory:")
    for table in SOURCE_TABLES:
        # The platform's tables, but updated_at nullable, as a platform without constraints
        # can have it (a NOT NULL column lets SQLite skip the IS NULL part altogether).
        sql = platform_schema.create_table_sql(table.name, "sqlite")
        conn.execute(sql.replace(" NOT NULL", ""))
        for index in platform_schema.create_index_sql(table.name):
            conn.execute(index)
        cols = ", ".join(table.columns)
        query, params = sqlite_increment(table.name, cols, SINCE)
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {query}", params)]
        scans = [step for step in plan if step.startswith(f"SCAN {table.name}")]
        assert not scans, (table.name, plan)
        assert sum("USING INDEX" in step for step in plan) == 3, (table.name, plan)


def test_the_increment_holds_the_changed_rows_and_those_without_a_timestamp():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE visit (visit_id TEXT PRIMARY KEY, updated_at TEXT)")
    conn.execute("CREATE INDEX ix_visit_updated_at ON visit (updated_at)")
    conn.executemany(
        "INSERT INTO visit VALUES (?, ?)",
        [
            ("old", "2022-07-01T09:59:59+00:00"),
            ("same", "2022-07-01T10:00:00+00:00"),
            ("new", "2022-07-02T08:00:00+00:00"),
            ("null", None),
            ("empty", ""),
            ("garbled", "not a time"),  # sorts after digits: read, and rejected by the load
        ],
    )
    query, params = sqlite_increment("visit", "visit_id", SINCE)
    got = sorted(r[0] for r in conn.execute(query, params))
    assert got == ["empty", "garbled", "new", "null", "same"]
    everything, none = sqlite_increment("visit", "visit_id", None)
    assert none == () and len(conn.execute(everything).fetchall()) == 6
