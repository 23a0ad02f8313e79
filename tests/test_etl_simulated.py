"""The ETL on simulated platforms, both dialects: a continued simulation loaded incrementally
equals one load of the final platform, and no personal data reaches the warehouse."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata

import pandas as pd
import pytest
import sqlalchemy as sa
from conftest import ROOT
from warehouse_snapshot import assert_same, read_tables, snapshot

from etl import marts
from etl.coverage import refresh_people
from etl.due import refresh_waits
from warehouse import engine as wh_engine
from warehouse import schema

ENV = {**os.environ, "VAX_PSEUDONYM_KEY": "test-key"}
ENV.pop("VAX_ETL_PAUSE_AT", None)
pytestmark = pytest.mark.slow


def run(*args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env={**ENV, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def _plain(text: str) -> str:
    """Text as the warehouse would hold it (NFC, look-alike Đ fixed, single spaces)."""
    text = unicodedata.normalize("NFC", text).replace("\u00d0", "\u0110")
    return " ".join(text.split())


def simulate(url: str, end: str) -> None:
    run("simulator", "--platform-url", url, "--seed", "11", "--scale", "0.005", "--end", end)


def load(platform: str, warehouse: str, env: dict[str, str] | None = None) -> str:
    return run("etl", "run", "--platform-url", platform, "--warehouse-url", warehouse, env=env)


def test_continued_simulation_loaded_incrementally_equals_a_single_load(dbs):
    platform = dbs.new_url("platform")
    incremental = dbs.new_url("wh")
    simulate(platform, "2021-09-30")
    load(platform, incremental)
    simulate(platform, "2021-11-15")  # continues: new rows and changes to older ones
    second = load(platform, incremental)
    assert "touched keys only" in second
    full = dbs.new_url("wh")
    # The single load writes its large tables in many parts (as a whole-province load does).
    load(platform, full, env={"VAX_ETL_PART_ROWS": "2000"})
    assert_same(snapshot(incremental), snapshot(full))


def test_the_marts_computed_from_a_full_loads_frames_equal_those_from_rows_read_back(
    dbs, small_province
):
    # A full load computes the visit-grain marts and coverage from its frames in memory;
    # incremental loads pass the same functions the rows they read back from the warehouse.
    # Both must give the same rows on one warehouse. (The platform is the small simulated
    # province the page tests share, to 2021-10-31; the continuation above reads a platform
    # of each dialect.)
    platform = small_province[0]
    warehouse = dbs.new_url("wh")
    load(platform, warehouse)
    tables = [
        schema.mart_session_day,
        schema.mart_dose_day,
        schema.mart_screening_day,
        schema.mart_certificate_day,
        schema.mart_coverage_day,
        schema.mart_coverage_group_day,
        schema.person_wait,
        schema.mart_wait,
    ]
    engine = wh_engine.make_engine(warehouse, create_dir=False)
    try:
        with engine.connect() as conn:
            computed = read_tables(conn, tables)
            conn.rollback()
            assert min(len(frame) for frame in computed.values()) > 50
            with conn.begin() as tx:
                marts.create_key_tables(conn)
                marts.rebuild_facility_day_marts(conn, full=True)
                refresh_people(conn, full=True)
                refresh_waits(conn, full=True)
                rebuilt = read_tables(conn, tables)
                tx.rollback()
    finally:
        engine.dispose()
    assert_same(computed, rebuilt)


def test_no_personal_data_from_a_simulated_platform_reaches_the_warehouse(dbs, small_province):
    platform = small_province[0]
    warehouse = dbs.new_url("wh")
    log = load(platform, warehouse)
    engine = wh_engine.make_engine(platform, create_dir=False)
    with engine.connect() as conn:
        people = pd.read_sql_query(
            sa.text("SELECT full_name, national_id, phone FROM citizen"), conn
        )
        # Persons in charge of sites are public (the campaign plan names them); a citizen who
        # shares such a name is not a leak when the site's row carries it.
        public = {
            _plain(v)
            for v in pd.read_sql_query(sa.text("SELECT person_in_charge FROM facility"), conn)
            .iloc[:, 0]
            .dropna()
        }
    engine.dispose()
    secrets = set()
    for column in ("full_name", "national_id", "phone"):
        values = people[column].dropna().astype(str).str.strip()
        secrets |= {_plain(v) for v in values if len(v) >= 6}
    secrets -= public
    assert len(secrets) > 1000
    engine = wh_engine.make_engine(warehouse, create_dir=False)
    found = []
    with engine.connect() as conn:
        for table in sa.inspect(conn).get_table_names():
            text_columns = pd.read_sql_query(sa.text(f"SELECT * FROM {table}"), conn).select_dtypes(
                exclude="number"
            )
            for column in text_columns:
                values = set(text_columns[column].dropna().astype(str))
                hits = values & secrets
                found += [(table, column, v) for v in list(hits)[:3]]
    engine.dispose()
    assert not found
    assert not [s for s in secrets if s in log]
