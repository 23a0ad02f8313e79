"""Coverage by target group, end to end: the hand-made platform of tests/ages_platform.py
(six residents of 13741 vaccinated around the New Year of 2022) loaded by the real ETL, on both
dialects; the export and the reads against the independent reference (tests/reference_metrics.py)
and the numbers worked out by hand in tests/test_reference_metrics.py."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from ages_platform import ages_rows, create_ages_platform
from page_support import etl, read
from platform_builder import create_platform, insert_rows, tiny_platform_rows, update_rows
from reference_metrics import COLUMNS, KEYS, reference_dataset
from warehouse_snapshot import assert_same, snapshot

from queries import coverage as cv
from queries import overview
from queries.datasets import coverage as export
from queries.scope import Period

NEW_YEAR = Period(date(2021, 12, 31), date(2022, 1, 3))


@pytest.fixture()
def loaded(dbs):
    platform, warehouse = dbs.new_url("platform"), dbs.new_url("warehouse")
    create_ages_platform(platform)
    etl(platform, warehouse)
    return platform, warehouse


def _frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out["date"] = pd.to_datetime(out["date"]).dt.strftime("%Y-%m-%d")
    out["population"] = out["population"].astype("int64")
    return out.sort_values(KEYS["coverage"]).reset_index(drop=True)[COLUMNS["coverage"]]


def test_export_equals_the_reference_for_every_area_day_and_group(loaded):
    platform, warehouse = loaded
    got = _frame(read(warehouse, export, "36", NEW_YEAR))
    expected = _frame(reference_dataset(platform, "coverage", NEW_YEAR.start, NEW_YEAR.end))
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    gôi = got[(got["area_code"] == "13741") & (got["target_group"] == "18+")]
    assert gôi["people_1plus"].tolist() == [1, 2, 2, 3]  # A1 turns 18 on 01/01/2022
    assert gôi["population"].tolist() == [5503, 5588, 5588, 5588]  # worked out by hand


def test_reads_take_the_group_and_its_population_of_each_days_year(loaded):
    _, warehouse = loaded
    summary = read(warehouse, cv.coverage_summary, "13741", NEW_YEAR, "18+")
    before, end = summary.iloc[0], summary.iloc[1]
    assert before["as_of"] == pd.Timestamp("2021-12-30")
    assert (before["people_1plus"], before["population"], before["year"]) == (1, 5503, 2021)
    assert (end["people_1plus"], end["people_full"], end["population"]) == (3, 1, 5588)
    assert end["coverage_1plus"] == pytest.approx(3 / 5588)
    assert end["unknown_birth_year"] == 2  # A3 (no birth date) and A6 (born 2024)
    assert end["method"] == "aged_estimate" and end["source_year"] == 2019
    every = read(warehouse, cv.coverage_summary, "13741", NEW_YEAR, "all").iloc[1]
    assert (every["people_1plus"], every["population"], every["method"]) == (6, 7340, "census")

    trend = read(warehouse, cv.coverage_trend, "359", NEW_YEAR, "12-17")
    gôi = trend[(trend["role"] == "child") & (trend["area_code"] == "13741")].set_index("date")
    # A1 (17 in 2021) leaves the group on 01/01/2022 and A5 (11 in 2021) joins it.
    assert gôi.loc["2021-12-20", "people_1plus"] == 1
    assert gôi.loc["2021-12-21", "people_1plus"] == 1
    assert gôi.loc["2022-01-01", "people_1plus"] == 1
    assert gôi.loc["2021-12-31", "population"] == 580

    by_area = read(warehouse, cv.coverage_by_area, "359", NEW_YEAR, "65+")
    row = by_area[by_area["area_code"] == "13741"].iloc[0]
    assert row["people_1plus"] == 1 and row["target_group"] == "65+"

    kpis = read(warehouse, overview.kpis, "13741", NEW_YEAR, "5-11").set_index("window")
    current, previous = kpis.loc["current"], kpis.loc["previous"]
    assert (current["people_1plus"], current["target_group"]) == (0, "5-11")  # A5 is 12 now
    assert previous["people_1plus"] == 1  # as of 27/12/2021, A5 aged 11
    ranking = read(warehouse, overview.ranking, "359", NEW_YEAR, "18+")
    gôi = ranking[ranking["area_code"] == "13741"].iloc[0]
    assert (gôi["people_1plus"], gôi["population"]) == (3, 5588)


def test_incremental_loads_of_new_people_and_a_changed_birth_year_equal_a_full_load(dbs):
    platform, incremental = dbs.new_url("platform"), dbs.new_url("warehouse")
    create_platform(platform, tiny_platform_rows())
    etl(platform, incremental)
    citizens, visits = ages_rows()
    insert_rows(platform, "citizen", citizens)
    insert_rows(platform, "visit", visits)
    etl(platform, incremental)
    # A1's birth date corrected across the 18+ edge, and a birth date for A3.
    update_rows(
        platform,
        "citizen",
        "citizen_id",
        [
            {"citizen_id": "A1", "birth_date": "2002-02-02",
             "updated_at": "2022-01-05T00:00:00+00:00"},
            {"citizen_id": "A3", "birth_date": "1950-01-01",
             "updated_at": "2022-01-05T00:00:00+00:00"},
        ],
    )  # fmt: skip
    etl(platform, incremental)
    full = dbs.new_url("full")
    etl(platform, full)
    assert_same(snapshot(incremental), snapshot(full))
    rows = read(incremental, export, "13741", Period(date(2021, 12, 31), date(2021, 12, 31)))
    by_group = rows.set_index("target_group")["people_1plus"]
    # 18+: A2, A1 (born 2002), A3 (born 1950); 50+: A3.
    assert by_group["18+"] == 3 and by_group["12-17"] == 0 and by_group["50+"] == 1
