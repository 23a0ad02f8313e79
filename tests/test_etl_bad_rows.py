"""Rows that must not load: each bad value is rejected with its reason and kept in etl_reject,
on a first load and on an incremental load over a loaded warehouse (where the row loaded before
stays as it was). SQLite and PostgreSQL warehouses; values a typed PostgreSQL platform cannot
hold (text in a timestamp, integer or boolean column) come from a SQLite platform."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from conftest import DatabaseFactory, copy_database
from platform_builder import (
    create_platform,
    insert_rows,
    make_engine,
    tiny_platform_rows,
    update_rows,
)
from warehouse_snapshot import assert_same, snapshot

from etl.run import run_load
from warehouse import engine as wh_engine

LATER = "2021-09-25T00:00:00+00:00"
THIS_YEAR = datetime.now(UTC).year
CAMPAIGN = "outside the campaign (2021-01-01..2023-12-31)"


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("VAX_PSEUDONYM_KEY", "test-key")
    monkeypatch.delenv("VAX_ETL_PAUSE_AT", raising=False)


def load(platform: str, warehouse: str):
    lines: list[str] = []
    result = run_load(platform, warehouse, progress=lines.append)
    result.lines = lines
    return result


def query(url: str, sql: str) -> pd.DataFrame:
    engine = wh_engine.make_engine(url, create_dir=False)
    try:
        with engine.connect() as conn:
            return pd.read_sql_query(sa.text(sql), conn)
    finally:
        engine.dispose()


def open_rejects(url: str) -> dict[str, str]:
    rows = query(url, "SELECT source_pk, reason FROM etl_reject WHERE resolved_run_id IS NULL")
    return dict(zip(rows["source_pk"], rows["reason"], strict=True))


def set_raw(url: str, table: str, key: str, value_of_key: str, values: dict) -> None:
    """Write values as given (no conversion: 'yes' in a boolean column, text in a date)."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for column, value in values.items():
                conn.execute(
                    sa.text(f"UPDATE {table} SET {column} = :v WHERE {key} = :k"),
                    {"v": value, "k": value_of_key},
                )
    finally:
        engine.dispose()


def without_rejects(snap: dict) -> dict:
    return {k: v for k, v in snap.items() if k != "etl_reject"}


# case: (table, key column, the loaded row's key, bad values, the reason, SQLite platform only)
CASES = {
    "unreadable injected_at": (
        "visit",
        "visit_id",
        "V01",
        {"injected_at": "02/08/2021 08:20"},
        "injected_at '02/08/2021 08:20' is not a timestamp",
        True,
    ),
    "fractional dose_number": (
        "visit",
        "visit_id",
        "V01",
        {"dose_number": 1.5},
        "dose_number '1.5' is not a whole number",
        True,
    ),
    "dose_number no vaccine has": (
        "visit",
        "visit_id",
        "V01",
        {"dose_number": 99},
        "injected with dose_number '99' outside 1..6",
        False,
    ),
    "unknown citizen": (
        "visit",
        "visit_id",
        "V01",
        {"citizen_id": "C404"},
        "unknown citizen_id (no such citizen loaded)",
        False,
    ),
    "session in 2030": (
        "visit",
        "visit_id",
        "V01",
        {"session_date": "2030-08-02"},
        f"session_date '2030-08-02' {CAMPAIGN}",
        False,
    ),
    "plan session in 1990": (
        "vaccination_plan",
        "plan_id",
        "P01",
        {"session_date": "1990-09-15"},
        f"session_date '1990-09-15' {CAMPAIGN}",
        False,
    ),
    "negative planned_doses": (
        "vaccination_plan",
        "plan_id",
        "P01",
        {"planned_doses": -100},
        "planned_doses must not be negative, got '-100'",
        False,
    ),
    "transaction in 1990": (
        "stock_transaction",
        "txn_id",
        "T05",
        {"txn_date": "1990-09-15"},
        f"txn_date '1990-09-15' {CAMPAIGN}",
        False,
    ),
    "negative remaining_doses": (
        "stock_report",
        "report_id",
        "R01",
        {"remaining_doses": -200},
        "remaining_doses must not be negative, got '-200'",
        False,
    ),
    "born in 2030": (
        "citizen",
        "citizen_id",
        "C05",
        {"birth_date": "2030-05-01"},
        f"birth year '2030' outside 1900..{THIS_YEAR}",
        False,
    ),
    "active not a boolean": (
        "facility",
        "facility_id",
        "F3",
        {"active": "yes"},
        "active 'yes' is not a boolean",
        True,
    ),
}


@pytest.fixture(scope="module")
def loaded_tiny(tmp_path_factory, pg_available):
    """(platform, warehouse, snapshot) of the tiny platform and its first load, made once per
    warehouse dialect and platform kind in this module, for the cases to copy."""
    factories: dict[str, DatabaseFactory] = {}
    built: dict[tuple[str, bool], tuple[str, str, dict]] = {}

    def get(dialect: str, sqlite_platform: bool) -> tuple[str, str, dict]:
        if (dialect, sqlite_platform) not in built:
            if dialect not in factories:
                factories[dialect] = DatabaseFactory(dialect, tmp_path_factory.mktemp(dialect))
            made = factories[dialect]
            platform = (
                f"sqlite:///{made.tmp_path / 'platform.db'}"
                if sqlite_platform
                else made.new_url("pf")
            )
            create_platform(platform, tiny_platform_rows())
            warehouse = made.new_url("wh")
            load(platform, warehouse)
            built[dialect, sqlite_platform] = (
                platform,
                warehouse,
                without_rejects(snapshot(warehouse)),
            )
        return built[dialect, sqlite_platform]

    yield get
    for made in factories.values():
        made.drop_all()


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_value_is_rejected_and_never_replaces_the_loaded_row(
    dbs, tmp_path, loaded_tiny, case
):
    table, key, loaded_key, bad, reason, sqlite_only = CASES[case]
    # The tiny platform and its first load, copied.
    first_platform, first_warehouse, before = loaded_tiny(dbs.dialect, sqlite_only)
    if sqlite_only:
        platform = f"sqlite:///{tmp_path / 'platform.db'}"
        copy_database(Path(sa.make_url(first_platform).database), tmp_path / "platform.db")
    else:
        platform = dbs.copy_of(first_platform, "pf")
    warehouse = dbs.copy_of(first_warehouse, "wh")
    rows = tiny_platform_rows()
    # The loaded row corrected into a bad one, and a new row bad from the start.
    template = next(r for r in rows[table] if r[key] == loaded_key)
    insert_rows(platform, table, [dict(template, **{key: "NEW1"}, updated_at=LATER)])
    update_rows(platform, table, key, [{key: loaded_key, "updated_at": LATER}])
    set_raw(platform, table, key, loaded_key, bad)
    set_raw(platform, table, key, "NEW1", bad)
    result = load(platform, warehouse)
    assert result.rejected == 2
    assert {k: open_rejects(warehouse).get(k) for k in (loaded_key, "NEW1")} == {
        loaded_key: reason,
        "NEW1": reason,
    }
    # Incremental: nothing changed but the rejects (the earlier row kept, the new one out).
    assert_same(before, without_rejects(snapshot(warehouse)))
    # A first load of the same platform rejects both with the same reason.
    fresh = dbs.new_url("wh")
    load(platform, fresh)
    rejects = open_rejects(fresh)
    assert (rejects.get(loaded_key), rejects.get("NEW1")) == (reason, reason)


def test_a_visit_waits_for_its_citizen_and_an_unreadable_value_stays_rejected(dbs, tmp_path):
    platform = f"sqlite:///{tmp_path / 'platform.db'}"
    rows = tiny_platform_rows()
    create_platform(platform, rows)
    warehouse = dbs.new_url("wh")
    load(platform, warehouse)
    template = next(v for v in rows["visit"] if v["visit_id"] == "V13")
    early = dict(template, visit_id="V80", citizen_id="C80", updated_at=LATER)
    # Unreadable injection time and an unknown site: when the site arrives it stays rejected
    # (not loaded as a visit without an injection).
    broken = dict(template, visit_id="V81", facility_id="F9", updated_at=LATER)
    # (A later row, so that both are outside the next load's read and come from the rejects.)
    later = dict(template, visit_id="V79", updated_at="2021-09-26T00:00:00+00:00")
    insert_rows(platform, "visit", [early, broken, later])
    set_raw(platform, "visit", "visit_id", "V81", {"injected_at": "soon"})
    load(platform, warehouse)
    rejects = open_rejects(warehouse)
    assert rejects["V80"] == "unknown citizen_id (no such citizen loaded)"
    assert rejects["V81"] == "injected_at 'soon' is not a timestamp"
    t = "2021-09-27T00:00:00+00:00"
    citizen = dict(rows["citizen"][4], citizen_id="C80", national_id="036090000080", updated_at=t)
    insert_rows(platform, "citizen", [citizen])
    insert_rows(platform, "facility", [dict(rows["facility"][0], facility_id="F9", updated_at=t)])
    result = load(platform, warehouse)
    assert result.tables["visit"].retried == 2
    assert query(warehouse, "SELECT visit_id FROM visit WHERE visit_id IN ('V80', 'V81')")[
        "visit_id"
    ].tolist() == ["V80"]
    rejects = open_rejects(warehouse)
    assert "V80" not in rejects
    assert rejects["V81"] == "injected_at 'soon' is not a timestamp"


def test_swapped_coordinates_never_replace_good_ones(dbs):
    platform = dbs.new_url("pf")
    create_platform(platform, tiny_platform_rows())
    warehouse = dbs.new_url("wh")
    load(platform, warehouse)
    sql = "SELECT name, latitude, longitude, coordinate_status FROM facility WHERE facility_id = "
    before = query(warehouse, sql + "'F1'").iloc[0]
    update_rows(
        platform,
        "facility",
        "facility_id",
        [
            {
                "facility_id": "F1",
                "name": "Trạm Y tế Phường Hạ Long (mới)",
                "latitude": float(before["longitude"]),
                "longitude": float(before["latitude"]),
                "updated_at": LATER,
            }
        ],
    )
    result = load(platform, warehouse)
    after = query(warehouse, sql + "'F1'").iloc[0]
    assert after["name"] == "Trạm Y tế Phường Hạ Long (mới)"  # the rest of the row loads
    assert (after["latitude"], after["longitude"], after["coordinate_status"]) == (
        before["latitude"],
        before["longitude"],
        "ok",
    )
    assert any("1 kept their earlier coordinates" in line for line in result.lines)


def test_rows_without_a_key_are_each_kept_and_counted_as_the_run_said(dbs):
    platform = dbs.new_url("pf")
    rows = tiny_platform_rows()
    create_platform(platform, rows, unkeyed=["visit", "citizen"])
    template = rows["visit"][0]
    # (Without updated_at either: read again by every load.)
    insert_rows(
        platform,
        "visit",
        [
            dict(template, visit_id=None, session_date=f"2021-09-{d}", updated_at=None)
            for d in (10, 11, 12)
        ],
    )
    insert_rows(
        platform,
        "citizen",
        [dict(rows["citizen"][3], citizen_id=None, priority_group=g) for g in (1, 2)],
    )
    warehouse = dbs.new_url("wh")
    result = load(platform, warehouse)
    assert result.rejected == 5
    rejects = query(warehouse, "SELECT source_pk, reason FROM etl_reject")
    assert sorted(rejects["reason"]) == ["missing citizen_id"] * 2 + ["missing visit_id"] * 3
    assert rejects["source_pk"].str.startswith("(no ").all()
    logged = query(warehouse, "SELECT rows_rejected FROM etl_run WHERE status = 'success'")
    assert logged["rows_rejected"].tolist() == [5]
    # The visits read again: the same rows kept, not three more.
    assert load(platform, warehouse).rejected == 3
    assert len(query(warehouse, "SELECT * FROM etl_reject WHERE resolved_run_id IS NULL")) == 5


def test_a_row_without_updated_at_is_read_and_rejected_on_every_load(dbs):
    platform = dbs.new_url("pf")
    rows = tiny_platform_rows()
    create_platform(platform, rows)
    warehouse = dbs.new_url("wh")
    load(platform, warehouse)
    insert_rows(platform, "visit", [dict(rows["visit"][0], visit_id="V70", updated_at=None)])
    load(platform, warehouse)
    assert open_rejects(warehouse)["V70"] == "missing or unreadable updated_at"


def test_duplicate_keys_latest_wins_ties_are_rejected_and_the_rest_loads(dbs):
    platform = dbs.new_url("pf")
    rows = tiny_platform_rows()
    create_platform(platform, rows, unkeyed=["visit"])
    warehouse = dbs.new_url("wh")
    load(platform, warehouse)
    before = without_rejects(snapshot(warehouse))
    v01 = next(v for v in rows["visit"] if v["visit_id"] == "V01")
    v02 = next(v for v in rows["visit"] if v["visit_id"] == "V02")
    insert_rows(
        platform,
        "visit",
        [
            # V01 twice more: the latest (lot corrected) wins.
            dict(v01, lot_number="LOT-OLD", updated_at="2021-09-24T00:00:00+00:00"),
            dict(v01, lot_number="LOT-NEW", updated_at=LATER),
            # V02 twice at the same time with different doses: neither can be told right.
            dict(v02, dose_number=2, updated_at=LATER),
            dict(v02, dose_number=3, updated_at=LATER),
        ],
    )
    result = load(platform, warehouse)
    assert result.tables["visit"].superseded == 1  # V01's older row (of those read again)
    lot = "SELECT lot_number FROM visit WHERE visit_id = 'V01'"
    assert query(warehouse, lot)["lot_number"].tolist() == ["LOT-NEW"]
    reason = "duplicate visit_id 'V02': 2 rows share the latest updated_at"
    assert open_rejects(warehouse) == {"V02": reason, "V02 #2": reason}
    # V02 as loaded before is kept.
    visits = without_rejects(snapshot(warehouse))["visit"]
    kept = before["visit"]
    assert (
        kept[kept["visit_id"] == "V02"]
        .reset_index(drop=True)
        .equals(visits[visits["visit_id"] == "V02"].reset_index(drop=True))
    )
    # A first load resolves the same way.
    fresh = dbs.new_url("wh")
    load(platform, fresh)
    assert query(fresh, lot)["lot_number"].tolist() == ["LOT-NEW"]
    # (V02's certificate and AEFI report wait for it.)
    assert open_rejects(fresh) == {
        "V02": reason,
        "V02 #2": reason,
        "CE02": "unknown visit_id 'V02'",
        "A04": "unknown visit_id 'V02'",
    }
    # The platform corrects V02 (a later row): it loads, and both rejects are resolved.
    insert_rows(platform, "visit", [dict(v02, updated_at="2021-09-26T00:00:00+00:00")])
    load(platform, warehouse)
    assert open_rejects(warehouse) == {}
