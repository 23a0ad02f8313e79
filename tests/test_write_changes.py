"""etl.sqlutil.write_changes: some keys' rows brought from what was read to what they are now,
writing only what differs, on both dialects."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from etl.sqlutil import write_changes
from warehouse import engine as wh_engine
from warehouse import schema

COLUMNS = ["person_key", "start_date", "residence_commune_code", "vaccine_code", "next_kind",
           "end_date"]  # fmt: skip
DATES = ("start_date", "end_date")


def waits(*rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.assign(**{c: pd.to_datetime(frame[c]).astype("datetime64[s]") for c in DATES})


def test_only_the_rows_that_differ_are_written_and_the_missing_keys_deleted(dbs):
    engine = wh_engine.make_engine(dbs.new_url("changes"))
    before = waits(
        ("P1", "2022-01-01", "13741", "AZ", "primary", "2022-02-01"),
        ("P1", "2022-02-01", "13741", "AZ", "primary", "2199-12-31"),
        ("P2", "2022-01-05", "13633", "PF", "primary", "2199-12-31"),
        ("P2", "2022-03-05", "13633", "PF", "booster", "2199-12-31"),
    )
    other = waits(("P3", "2022-01-07", "13633", "PF", "primary", "2199-12-31"))
    after = waits(
        ("P1", "2022-01-01", "13741", "AZ", "primary", "2022-02-01"),  # alike
        ("P1", "2022-02-01", "13741", "AZ", "primary", "2022-03-01"),  # ends now
        ("P1", "2022-03-01", "13741", "AZ", "booster", "2199-12-31"),  # new
        ("P2", "2022-01-05", "13633", "PF", "primary", "2199-12-31"),  # alike; 03-05 gone
    )
    with engine.begin() as conn:
        schema.person_wait.create(conn)
        conn.execute(schema.person_wait.insert(), _records(pd.concat([before, other])))
    with engine.begin() as conn:
        assert write_changes(conn, schema.person_wait, before, after) == 2
    with engine.connect() as conn:
        got = pd.read_sql_query(sa.select(schema.person_wait), conn)
    engine.dispose()
    got = got.assign(**{c: pd.to_datetime(got[c]).astype("datetime64[s]") for c in DATES})
    expected = pd.concat([after, other], ignore_index=True)
    order = ["person_key", "start_date"]
    pd.testing.assert_frame_equal(
        got[COLUMNS].sort_values(order).reset_index(drop=True),
        expected.sort_values(order).reset_index(drop=True),
    )


def _records(frame: pd.DataFrame) -> list[dict]:
    return [
        {**row, "start_date": row["start_date"].date(), "end_date": row["end_date"].date()}
        for row in frame.to_dict("records")
    ]
