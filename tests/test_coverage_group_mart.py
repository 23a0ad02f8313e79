"""The cumulative coverage mart (mart_coverage_group_day), both dialects: its reads equal the
scan of mart_coverage_day they replace (queries.groups_scan, the reference), an incremental
load leaves it as a full rebuild would, and a warehouse of the schema before it is refused with
the way to rebuild it. Data: the hand-made platform of tests/ages_platform.py (birth years on
both sides of each group's edge, vaccinated around the New Year of 2022), loaded by the ETL
in this process."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import conftest
import pandas as pd
import pytest
import sqlalchemy as sa
from ages_platform import COMMUNE, create_ages_platform
from handmade_marts import build
from platform_builder import _visit, insert_rows, update_rows
from warehouse_snapshot import assert_same, snapshot

from etl import coverage_groups
from etl.result import EtlError
from etl.run import run_load
from queries import groups, groups_scan
from queries.readiness import schema_problem
from warehouse import engine as wh_engine
from warehouse import schema

REBUILD = coverage_groups.rebuild  # the full build, whatever a test counts
DAYS = {
    "new year": pd.date_range("2021-12-18", "2022-01-06"),
    "before the first day": ["2020-12-31", "2021-05-31"],
    "after the last, same year": ["2022-01-04", "2022-03-15", "2021-12-31"],
    "whole span and beyond": pd.date_range("2021-05-25", "2022-01-12", freq="3D"),
}
AREAS = {  # where, params, key, areas
    "province": ("1 = 1", {}, None, None),
    "districts listed": ("1 = 1", {}, "a.district_code", ["356", "359", "360"]),
    "districts with people": ("1 = 1", {}, "a.district_code", None),
    "communes of 359": ("a.district_code = :d", {"d": "359"}, "a.area_code", None),
    "one commune": ("a.area_code = :c", {"c": COMMUNE}, "a.area_code", [COMMUNE, "13744"]),
    "nobody": ("a.area_code = :c", {"c": "13744"}, None, None),
}


@pytest.fixture(scope="module", params=conftest.DIALECTS)
def factory(request, tmp_path_factory, pg_available) -> Iterator[conftest.DatabaseFactory]:
    if request.param == "postgresql" and not pg_available:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not reachable at " + conftest.PG_ADMIN_URL)
        pytest.skip("PostgreSQL is not reachable")
    made = conftest.DatabaseFactory(request.param, tmp_path_factory.mktemp(request.param))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VAX_PSEUDONYM_KEY", "test-key")
        mp.delenv("VAX_ETL_PAUSE_AT", raising=False)
        yield made
    made.drop_all()


def load(platform: str, warehouse: str) -> None:
    run_load(platform, warehouse, progress=lambda _: None)


@pytest.fixture(scope="module")
def loaded(factory) -> tuple[str, str]:
    """The ages platform loaded in full: (platform, warehouse), shared; a test that changes
    the warehouse puts it back."""
    platform, warehouse = factory.new_url("platform"), factory.new_url("warehouse")
    create_ages_platform(platform)
    load(platform, warehouse)
    return platform, warehouse


@contextmanager
def connect(url: str) -> Iterator[sa.Connection]:
    engine = wh_engine.make_engine(url, create_dir=False, must_exist=True)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def assert_reads_equal_the_scan(conn: sa.Connection, days_sets=None) -> None:
    for where, params, key, areas in AREAS.values():
        for days in DAYS.values() if days_sets is None else days_sets:
            args = (conn, where, params, key, groups.GROUPS, days, areas)
            got, expected = groups.people(*args), groups_scan.people(*args)
            pd.testing.assert_frame_equal(got, expected, obj=f"{where} {key} {list(days)[:2]}")
            end = max(pd.to_datetime(list(days))).date()
            assert groups.first_day(conn, where, params, end) == groups_scan.first_day(
                conn, where, params, end
            )


def test_the_mart_read_equals_the_scan_for_every_group_area_and_day(loaded):
    with connect(loaded[1]) as conn:
        first, last = pd.read_sql_query(
            sa.text("SELECT MIN(date) AS f, MAX(date) AS l FROM mart_coverage_group_day"), conn
        ).iloc[0]
        assert (str(first)[:10], str(last)[:10]) == ("2021-06-01", "2022-01-03")
        assert_reads_equal_the_scan(conn)
        days = ["2021-12-31", "2022-01-01"]
        gôi = groups.people(conn, "1 = 1", {}, "a.area_code", ["12-17", "5-11"], days)
        gôi = gôi[gôi["area_code"] == COMMUNE]
        # On 01/01/2022 A1 (born 2004) leaves 12-17 for 18+ and A5 (born 2010) leaves 5-11
        # for 12-17.
        assert gôi["people_1plus"].tolist() == [1, 1, 1, 0]
        # The numbers come from the mart: a row changed there changes the read.
        conn.rollback()
        with conn.begin():
            conn.execute(
                sa.text(
                    "UPDATE mart_coverage_group_day SET people_1plus = people_1plus + 100 "
                    "WHERE commune_code = :c AND target_group = 'all' AND date = '2022-01-03'"
                ),
                {"c": COMMUNE},
            )
            read = groups.people(conn, "1 = 1", {}, None, ["all"], ["2022-01-03", "2022-02-01"])
            assert read["people_1plus"].tolist() == [112, 112]  # 12 people in the province
            conn.rollback()


def test_what_the_mart_cannot_answer_is_counted_by_the_scan(loaded):
    later_year = ["2022-12-31", "2023-01-05"]  # the last day is 2022-01-03
    with connect(loaded[1]) as conn:
        assert_reads_equal_the_scan(conn, [later_year])
        read = groups.people(conn, "1 = 1", {}, None, ["5-11", "12-17"], later_year)
        # A5 (born 2010) is 12 in 2022 and 13 in 2023; A6 (born 2024) is valid in neither.
        assert read["people_1plus"].tolist() == [0, 0, 1, 1]
        conn.rollback()
        with conn.begin():  # a warehouse whose group mart is empty
            conn.execute(schema.mart_coverage_group_day.delete())
            assert_reads_equal_the_scan(conn, [DAYS["new year"]])
            assert (
                groups.people(conn, "1 = 1", {}, None, ["all"], ["2022-01-03"]).loc[
                    0, "people_1plus"
                ]
                == 12
            )
            conn.rollback()


def rebuilt_in_full(url: str) -> pd.DataFrame:
    """The group mart as a full rebuild from the same mart_coverage_day makes it."""
    with connect(url) as conn, conn.begin():
        REBUILD(conn)
        frame = mart(conn)
        conn.rollback()
    return frame


def mart(conn: sa.Connection) -> pd.DataFrame:
    df = pd.read_sql_query(sa.select(schema.mart_coverage_group_day), conn)
    df["date"] = pd.to_datetime(df["date"])
    return df.sort_values(["commune_code", "target_group", "date"]).reset_index(drop=True)


def mart_of(url: str) -> pd.DataFrame:
    with connect(url) as conn:
        return mart(conn)


def later(day: str) -> str:
    return f"2022-02-{day}T00:00:00+00:00"


def injected(visit_id: str, citizen: str, day: str, dose: int = 1, entered: str = "01") -> dict:
    """A dose entered on the platform in February 2022 (after the loads before it)."""
    visit = _visit(visit_id, citizen, "F2", day, f"{day} 01:00", injected=f"{day} 01:20",
                   vaccine="AZ", dose=dose, kind="primary")  # fmt: skip
    return {**visit, "recorded_at": later(entered), "updated_at": later(entered)}


# Platform changes loaded one after the other: (table, new rows, changed rows: the key and
# the columns changed).
STEPS = {
    # A new last day (2022-01-10), a commune's first resident, and a dose of 2021 in a
    # commune whose rows run into 2022.
    "new visits": [
        ("citizen", [{"citizen_id": "N1", "national_id": None, "full_name": "N",
                      "birth_date": "1990-01-01", "sex": "M", "priority_group": 0,
                      "residence_commune_code": "13744", "updated_at": later("01")}], []),
        ("visit", [injected("VN-A4-2", "A4", "2022-01-10", dose=2),
                   injected("VN-N1", "N1", "2021-12-30"),
                   injected("VN-C15", "C15", "2021-10-05")], []),
    ],
    # Corrections: A4's first dose from 2022-01-03 to 2021-12-24 (earlier, across the year),
    # A2's from 2021-12-21 to 2022-01-05 (later, after their second dose).
    "corrections": [
        ("visit", [], [{"visit_id": "VA-A4", "session_date": "2021-12-24",
                        "updated_at": later("02")},
                       {"visit_id": "VA-A2", "session_date": "2022-01-05",
                        "updated_at": later("02")}]),
    ],
    # The only dose of the last day and N1's only dose voided (the last day moves back to
    # 2022-01-05, commune 13744 has nobody any more), and A1 moves from Gôi (13741) to Hạ
    # Long (13633).
    "voids and a move": [
        ("visit", [], [{"visit_id": v, "status": "voided", "updated_at": later("03")}
                       for v in ("VN-A4-2", "VN-N1")]),
        ("citizen", [], [{"citizen_id": "A1", "residence_commune_code": "13633",
                          "updated_at": later("03")}]),
    ],
}  # fmt: skip


def test_incremental_loads_leave_the_mart_as_a_full_rebuild(factory, monkeypatch):
    platform, warehouse = factory.new_url("platform"), factory.new_url("warehouse")
    create_ages_platform(platform)
    load(platform, warehouse)
    calls = {"rebuild": 0, "opening": 0, "earlier": 0}
    rebuild, group_days = coverage_groups.rebuild, coverage_groups.group_days

    def counted_rebuild(*args, **kw):
        calls["rebuild"] += 1
        return rebuild(*args, **kw)

    def counted_group_days(coverage, communes, first, last, opening=None):
        if opening is not None:
            calls["opening"] += 1
        if (pd.to_datetime(coverage["date"]) < pd.Timestamp(first)).any():
            calls["earlier"] += 1  # started from the coverage rows before the first day
        return group_days(coverage, communes, first, last, opening)

    monkeypatch.setattr(coverage_groups, "rebuild", counted_rebuild)
    monkeypatch.setattr(coverage_groups, "group_days", counted_group_days)
    for step, changes in STEPS.items():
        for table, new, changed in changes:
            insert_rows(platform, table, new)
            if changed:
                update_rows(platform, table, f"{table}_id", changed)
        load(platform, warehouse)
        assert calls["rebuild"] == 0, step
        pd.testing.assert_frame_equal(mart_of(warehouse), rebuilt_in_full(warehouse), obj=step)
        if step == "new visits":
            assert calls["opening"]  # the new day starts from the day before's rows
    last = mart_of(warehouse)["date"].max()
    assert last == pd.Timestamp("2022-01-05")
    assert "13744" not in set(mart_of(warehouse)["commune_code"])
    # A dose before the first day: the mart is built again.
    insert_rows(platform, "visit", [injected("VN-C15-0", "C15", "2021-05-20", entered="06")])
    load(platform, warehouse)
    assert calls["rebuild"] == 1
    assert mart_of(warehouse)["date"].min() == pd.Timestamp("2021-05-20")
    full = factory.new_url("full")
    load(platform, full)
    assert_same(snapshot(warehouse), snapshot(full))


def test_new_days_of_a_new_year_start_from_the_coverage_rows_before(loaded, monkeypatch):
    """The mart ending on 31/12/2021 and the coverage rows of 2022 arriving: the new days
    start from each commune's coverage rows before them (a group's birth years change with
    the year), as a full build makes them."""
    earlier = []
    group_days = coverage_groups.group_days

    def counted_group_days(coverage, communes, first, last, opening=None):
        earlier.append((pd.to_datetime(coverage["date"]) < pd.Timestamp(first)).any())
        return group_days(coverage, communes, first, last, opening)

    with connect(loaded[1]) as conn, conn.begin():
        table = schema.mart_coverage_group_day
        conn.execute(table.delete().where(table.c.date >= "2022-01-01"))
        change = pd.read_sql_query(
            sa.text(
                "SELECT commune_code, date, birth_year, new_1plus, new_full, new_boosted "
                "FROM mart_coverage_day WHERE date >= '2022-01-01'"
            ),
            conn,
        )
        assert len(change)
        monkeypatch.setattr(coverage_groups, "group_days", counted_group_days)
        coverage_groups.apply_change(conn, change)
        monkeypatch.undo()
        assert any(earlier)
        got = mart(conn)
        assert got["date"].max() == pd.Timestamp("2022-01-03")
        REBUILD(conn)
        pd.testing.assert_frame_equal(got, mart(conn))
        conn.rollback()


def test_rewritten_reference_rows_build_the_mart_again(loaded):
    platform, warehouse = loaded
    with connect(warehouse) as conn:
        before = mart(conn)
    # The group definitions live in the reference fingerprint: a stale one means the groups
    # may have changed, so the next load (here with nothing new) builds the mart again.
    with connect(warehouse) as conn, conn.begin():
        table, meta = schema.mart_coverage_group_day, schema.warehouse_meta
        conn.execute(table.delete().where(table.c.commune_code == COMMUNE))
        conn.execute(meta.update().where(meta.c.key == "reference_version").values(value="stale"))
    load(platform, warehouse)  # nothing new
    pd.testing.assert_frame_equal(mart_of(warehouse), before)


def test_a_warehouse_of_schema_6_is_refused_until_loaded_again(loaded, factory):
    platform = loaded[0]
    warehouse = build(factory.new_url("v6"), {})  # schema 6: all but the group mart
    with connect(warehouse) as conn, conn.begin():
        schema.mart_coverage_group_day.drop(conn)
        conn.execute(schema.warehouse_meta.insert(), [{"key": "schema_version", "value": "6"}])
    with pytest.raises(EtlError) as refused:
        load(platform, warehouse)
    message = str(refused.value)
    assert "schema version '6'" in message and "needs version '7'" in message
    with connect(warehouse) as conn:
        assert "schema version '6'" in schema_problem(conn)
        assert "mart_coverage_group_day" not in sa.inspect(conn).get_table_names()
    # What the message says: delete the file (SQLite), or load into a new database.
    if factory.dialect == "sqlite":
        assert "Delete the file" in message
        Path(sa.engine.make_url(warehouse).database).unlink()
    else:
        assert "Drop and re-create" in message
        warehouse = factory.new_url("v7")
    load(platform, warehouse)
    with connect(warehouse) as conn:
        assert schema_problem(conn) is None
        assert len(mart(conn)) > 0
        assert_reads_equal_the_scan(conn, [DAYS["new year"]])
