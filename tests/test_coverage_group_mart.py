"""mart_coverage_group_day, the people of each target group as of each day by residence commune:
its rows equal a plain recomputation from mart_coverage_day (below, with the groups of
tests/reference_metrics.py), on the hand-made platform of tests/ages_platform.py and on the small
simulated province, on both dialects; an incremental change equals a full build; and the reads
of days before, after and beyond the mart's days equal the independent reference."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from ages_platform import create_ages_platform
from conftest import DIALECTS, DatabaseFactory
from page_support import etl, read
from platform_builder import _visit, insert_rows, update_rows
from reference_metrics import COLUMNS, GROUPS, KEYS, in_group, reference_dataset
from warehouse_snapshot import assert_same, snapshot

from etl import coverage_groups
from etl.coverage import COVERAGE_COUNTS, COVERAGE_KEY, _add_to_coverage_mart
from queries import coverage as cv
from queries import groups, groups_scan
from queries.datasets import coverage as export
from queries.scope import Period
from warehouse import engine as wh_engine
from warehouse.schema_marts import OUTSIDE_PROVINCE

MART_COLUMNS = ["people_1plus", "people_full", "people_boosted", "unknown_birth_year"]


def expected_mart(conn: sa.Connection, watched: list[str] | None = None) -> pd.DataFrame:
    """The mart recomputed from mart_coverage_day: for each year of its days and each group,
    the coverage rows of that group's birth years summed per commune and day and cumulated
    (the rows of the `watched` communes only, when given)."""
    cov = pd.read_sql_query(sa.text("SELECT * FROM mart_coverage_day"), conn)
    communes = sorted(
        pd.read_sql_query(sa.text("SELECT area_code FROM area WHERE area_level = 'commune'"), conn)[
            "area_code"
        ]
    )
    cov["date"] = pd.to_datetime(cov["date"])
    cov["commune_code"] = cov["commune_code"].where(
        cov["commune_code"].isin(communes), OUTSIDE_PROVINCE
    )
    born = cov["birth_year"].astype("Int64").where(cov["birth_year"] != 0)  # 0: none recorded
    days = pd.date_range(cov["date"].min(), cov["date"].max(), freq="D")
    grid = pd.MultiIndex.from_product(
        [watched or [*communes, OUTSIDE_PROVINCE], days], names=["commune_code", "date"]
    )

    def cumulated(rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        daily = rows.groupby(["commune_code", "date"])[columns].sum()
        return daily.reindex(grid, fill_value=0).groupby(level=0).cumsum()

    parts = []
    for year in sorted(set(days.year)):
        valid = born.notna() & (born >= 1900) & (born <= year)
        unknown = cumulated(cov.assign(unknown=cov["new_1plus"].where(~valid, 0)), ["unknown"])
        for group in GROUPS:
            members = cov[in_group(born, group, year).to_numpy()]
            part = cumulated(members, ["new_1plus", "new_full", "new_boosted"])
            part.columns = MART_COLUMNS[:3]
            part["unknown_birth_year"] = unknown["unknown"]
            part = part[part.index.get_level_values("date").year == year].reset_index()
            parts.append(part.assign(target_group=group))
    out = pd.concat(parts, ignore_index=True)
    return _sorted(out)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.assign(date=frame["date"].astype(str).str[:10])
    frame = frame.astype({c: "int64" for c in MART_COLUMNS})
    keys = ["commune_code", "target_group", "date"]
    return frame[[*keys, *MART_COLUMNS]].sort_values(keys).reset_index(drop=True)


def mart(conn: sa.Connection, watched: list[str] | None = None) -> pd.DataFrame:
    sql = "SELECT * FROM mart_coverage_group_day"
    params = {}
    if watched:
        sql += f" WHERE commune_code IN ({', '.join(f':c{i}' for i in range(len(watched)))})"
        params = {f"c{i}": c for i, c in enumerate(watched)}
    return _sorted(pd.read_sql_query(sa.text(sql), conn, params=params))


def assert_mart_is_right(conn: sa.Connection, watched: list[str] | None = None) -> pd.DataFrame:
    """The mart equals its recomputation; with `watched` communes, only their rows are compared
    and every other commune must have a row of zeros for every group and day."""
    got, expected = mart(conn, watched), expected_mart(conn, watched)
    pd.testing.assert_frame_equal(got, expected)
    if watched:
        rows, nonzero = conn.execute(
            sa.text(
                "SELECT COUNT(*), SUM(ABS(people_1plus) + ABS(people_full) + ABS(people_boosted) "
                "+ ABS(unknown_birth_year)) FROM mart_coverage_group_day "
                f"WHERE commune_code NOT IN ({', '.join(f':c{i}' for i in range(len(watched)))})"
            ),
            {f"c{i}": c for i, c in enumerate(watched)},
        ).one()
        communes = conn.execute(
            sa.text("SELECT COUNT(*) FROM area WHERE area_level = 'commune'")
        ).scalar()
        days = expected["date"].nunique()
        assert (rows, nonzero or 0) == ((communes + 1 - len(watched)) * len(GROUPS) * days, 0)
    return got


# The communes of the hand-made platform with residents (13633, 13741, 13771), one without
# (13636), and those outside the province.
WATCHED = ["13633", "13636", "13741", "13771", OUTSIDE_PROVINCE]


@contextmanager
def connect(url: str) -> Iterator[sa.Connection]:
    engine = wh_engine.make_engine(url, create_dir=False, must_exist=True)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


@pytest.fixture(scope="module", params=DIALECTS)
def ages(request, tmp_path_factory, pg_available):
    """The hand-made platform loaded once per dialect (the tests leave it as it is)."""
    if request.param == "postgresql" and not pg_available:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not reachable")
        pytest.skip("PostgreSQL is not reachable")
    dbs = DatabaseFactory(request.param, tmp_path_factory.mktemp("ages"))
    platform, warehouse = dbs.new_url("platform"), dbs.new_url("warehouse")
    create_ages_platform(platform)
    etl(platform, warehouse)
    yield platform, warehouse
    dbs.drop_all()


def test_the_mart_equals_a_recomputation_from_the_coverage_mart(ages):
    with connect(ages[1]) as conn:
        got = assert_mart_is_right(conn, WATCHED)
    # Dense: 226 communes and the outside one, six groups, every day of the coverage mart.
    days = pd.date_range("2021-06-01", "2022-01-03", freq="D")  # C10's first dose .. A4's
    assert len(got) == len(WATCHED) * 6 * len(days)
    gôi = got[(got["commune_code"] == "13741")].set_index(["target_group", "date"])
    assert gôi.loc[("18+", "2021-12-31"), "people_1plus"] == 1  # A2
    assert gôi.loc[("18+", "2022-01-01"), "people_1plus"] == 2  # A1 turns 18
    assert gôi.loc[("12-17", "2022-01-01"), "people_1plus"] == 1  # A5 turns 12, A1 has left
    assert gôi.loc[("all", "2022-01-03"), "unknown_birth_year"] == 2  # A3, A6
    outside = got[(got["commune_code"] == OUTSIDE_PROVINCE) & (got["target_group"] == "all")]
    assert outside["people_1plus"].iloc[-1] == 1  # C07, resident of Hà Nội


def _frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out["date"] = pd.to_datetime(out["date"]).dt.strftime("%Y-%m-%d")
    out["population"] = out["population"].astype("int64")
    return out.sort_values(KEYS["coverage"]).reset_index(drop=True)[COLUMNS["coverage"]]


@pytest.mark.parametrize(
    "start, end",
    [
        ("2021-05-29", "2021-06-02"),  # before the mart's first day, then in it
        ("2022-01-02", "2022-01-05"),  # its last day, then the days after it that year
        ("2022-12-30", "2023-01-02"),  # into a year after the mart's: a scan
    ],
)
def test_reads_before_after_and_beyond_the_marts_days_equal_the_reference(ages, start, end):
    platform, warehouse = ages
    period = Period(date.fromisoformat(start), date.fromisoformat(end))
    got = _frame(read(warehouse, export, "36", period))
    expected = _frame(reference_dataset(platform, "coverage", start, end))
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert got["people_1plus"].sum() > 0


def test_every_read_of_the_mart_equals_the_scan_of_the_coverage_mart(ages):
    days = [*pd.date_range("2021-05-30", "2021-06-03"), *pd.date_range("2021-12-18", "2022-01-06"),
            pd.Timestamp("2022-12-31")]  # fmt: skip
    cases = [
        (None, "1 = 1", {}, None),
        ("a.district_code", "1 = 1", {}, None),
        ("a.area_code", "a.district_code = :d", {"d": "359"}, None),
        ("a.area_code", "1 = 1", {}, ["13741", "13633", "99999"]),
    ]
    with connect(ages[1]) as conn:
        first_last = (pd.Timestamp("2021-06-01"), pd.Timestamp("2022-01-03"))
        assert groups.mart_days(conn) == first_last
        for key, where, params, areas in cases:
            for some in (days, days[:3], days[5:7], [days[-1]], days[-3:]):
                dates = pd.DatetimeIndex(some)
                got = groups.people(conn, where, params, key, GROUPS, dates, areas)
                scan = groups_scan.people(conn, where, params, key, list(GROUPS), dates, areas)
                pd.testing.assert_frame_equal(got, scan)
        for text in ("2021-05-31", "2021-06-01", "2021-12-20", "2022-06-30", "2023-01-01"):
            day = date.fromisoformat(text)
            assert groups.outside_residents(conn, day) == groups_scan.outside_residents(conn, day)
            for where, params in (("1 = 1", {}), ("a.area_code = :c", {"c": "13741"})):
                assert groups.first_day(conn, where, params, day) == groups_scan.first_day(
                    conn, where, params, day
                )
    summary = read(ages[1], cv.coverage_summary, "36", Period(date(2022, 1, 1), date(2022, 1, 3)))
    assert summary["outside_residents"].tolist() == [1, 1]  # C07


def _random_change(rng, communes: list[str], days: pd.DatetimeIndex, n: int) -> pd.DataFrame:
    rows = pd.DataFrame(
        {
            "commune_code": rng.choice(communes, n),
            "date": rng.choice(days, n),
            "birth_year": rng.choice([0, 1950, 1970, 2004, 2010, 2016, 2030], n),
            **{c: rng.integers(0, 3, n) for c in COVERAGE_COUNTS},
        }
    )
    return rows.groupby(COVERAGE_KEY, as_index=False)[COVERAGE_COUNTS].sum()


def test_a_change_patched_into_the_mart_equals_a_full_build(ages, monkeypatch):
    """Changes added to and taken from mart_coverage_day (new people, people leaving a commune
    or a group), patched into the group mart from each commune's first changed day, including
    days after the mart's last day; the full build is not used."""

    def no_rebuild(*args, **kwargs):
        raise AssertionError("the mart was built again")

    rng = np.random.default_rng(7)
    communes = ["13741", "13633", "13771", "00004", "36999"]  # the last two: outside
    days = pd.date_range("2021-06-02", "2022-01-03", freq="D")
    added = _random_change(rng, communes, days, 300)
    later = _random_change(rng, communes, pd.date_range("2021-12-30", "2022-02-10"), 40)
    # Half of what was added taken away again.
    taken = added.iloc[::2].assign(**{c: -added.iloc[::2][c] for c in COVERAGE_COUNTS})
    with connect(ages[1]) as conn, conn.begin() as tx:
        with monkeypatch.context() as m:
            m.setattr(coverage_groups, "rebuild", no_rebuild)
            for change in (added, later, taken):
                _add_to_coverage_mart(conn, change)
                coverage_groups.apply_change(conn, change)
                assert_mart_is_right(conn, WATCHED)
        assert groups.mart_days(conn) == (pd.Timestamp("2021-06-01"), pd.Timestamp("2022-02-10"))
        # Every first dose of the last day taken away, then one before the first day, then
        # one in a new year: the mart's days change, so it is built again.
        last_day = pd.read_sql_query(
            sa.text("SELECT * FROM mart_coverage_day WHERE date = :d"),
            conn,
            params={"d": date(2022, 2, 10)},
        )
        gone = last_day.assign(
            date=pd.Timestamp("2022-02-10"), **{c: -last_day[c] for c in COVERAGE_COUNTS}
        )
        one = {"commune_code": ["13741"], "birth_year": [1980], "new_1plus": [1],
               "new_full": [0], "new_boosted": [0]}  # fmt: skip
        for change in (
            gone,
            pd.DataFrame({**one, "date": [pd.Timestamp("2021-05-20")]}),
            pd.DataFrame({**one, "date": [pd.Timestamp("2023-01-05")]}),
        ):
            _add_to_coverage_mart(conn, change)
            coverage_groups.apply_change(conn, change)
            first, last = conn.execute(
                sa.text("SELECT MIN(date), MAX(date) FROM mart_coverage_day")
            ).one()
            assert groups.mart_days(conn) == (pd.Timestamp(first), pd.Timestamp(last))
            assert_mart_is_right(conn, WATCHED)
        assert groups.mart_days(conn) == (pd.Timestamp("2021-05-20"), pd.Timestamp("2023-01-05"))
        tx.rollback()


def test_incremental_loads_of_a_move_a_voided_dose_and_later_doses_equal_a_full_load(dbs):
    platform, incremental = dbs.new_url("platform"), dbs.new_url("warehouse")
    create_ages_platform(platform)
    etl(platform, incremental)
    later = "2022-01-12T00:00:00+00:00"
    # A2 moves to 13633 (their first dose and full series go with them), A5's dose is voided,
    # and A6 gets a second dose after the last day loaded (every commune gains days).
    update_rows(
        platform,
        "citizen",
        "citizen_id",
        [{"citizen_id": "A2", "residence_commune_code": "13633", "updated_at": later}],
    )
    update_rows(
        platform,
        "visit",
        "visit_id",
        [{"visit_id": "VA-A5", "status": "voided", "updated_at": later}],
    )
    insert_rows(platform, "visit", [
        _visit("VA-A6-2", "A6", "F2", "2022-01-10", "2022-01-10 01:00",
               injected="2022-01-10 01:20", vaccine="AZ", dose=2, kind="primary"),
    ])  # fmt: skip
    etl(platform, incremental)
    full = dbs.new_url("full")
    etl(platform, full)
    assert_same(snapshot(incremental), snapshot(full))
    with connect(incremental) as conn:
        got = assert_mart_is_right(conn, WATCHED).set_index(
            ["commune_code", "target_group", "date"]
        )
        assert groups.mart_days(conn) == (pd.Timestamp("2021-06-01"), pd.Timestamp("2022-01-10"))
    assert got.loc[("13633", "18+", "2022-01-10"), "people_full"] >= 1  # A2, fully vaccinated
    assert got.loc[("13741", "5-11", "2021-12-31"), "people_1plus"] == 0  # A5's dose voided


def test_the_mart_of_a_simulated_province_equals_a_recomputation(dbs, small_province):
    platform, warehouse = small_province
    if dbs.dialect == "postgresql":
        warehouse = etl(platform, dbs.new_url("wh"))
    with connect(warehouse) as conn:
        got = assert_mart_is_right(conn)
        assert got["people_1plus"].max() > 0 and got["commune_code"].nunique() == 227
        last = groups.mart_days(conn)[1]
        days = pd.date_range(last - pd.Timedelta(days=20), last + pd.Timedelta(days=3))
        for key in (None, "a.district_code"):
            got = groups.people(conn, "1 = 1", {}, key, GROUPS, days)
            scan = groups_scan.people(conn, "1 = 1", {}, key, list(GROUPS), days)
            pd.testing.assert_frame_equal(got, scan)
