"""Projections of coverage targets (queries/projections.py) on trends worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from queries.projections import NOT_AT_THIS_PACE, PROJECTED, REACHED, projections


def trend(area: str, people: list[int], population: int | None, start: str = "2022-01-01"):
    days = pd.date_range(start, periods=len(people), freq="D")
    return pd.DataFrame(
        {"date": days, "area_code": area, "people_full": people, "population": population}
    )


def row(result: pd.DataFrame, area: str, target: float) -> pd.Series:
    return result[(result["area_code"] == area) & (result["target"] == target)].iloc[0]


def test_a_constant_pace_reaches_each_target_on_the_day_worked_out_by_hand():
    # 10 more people fully vaccinated every day from 01/01/2022: 200 on 20/01/2022, of 1,000.
    # 70 % is 700: 500 more at 10 a day = 50 days after 20/01 -> 11/03/2022.
    # 90 % is 900: 700 more = 70 days -> 31/03/2022. The two weeks' paces are both 10: no range.
    result = projections(trend("A", [10 * (d + 1) for d in range(20)], 1000))
    seventy, ninety = row(result, "A", 0.7), row(result, "A", 0.9)
    assert seventy["as_of"] == pd.Timestamp("2022-01-20") and seventy["people"] == 200
    assert seventy["pace"] == pytest.approx(10) and seventy["pace_low"] == pytest.approx(10)
    assert seventy["status"] == PROJECTED
    assert seventy["date"] == seventy["date_earliest"] == seventy["date_latest"]
    assert seventy["date"] == pd.Timestamp("2022-03-11")
    assert ninety["date"] == pd.Timestamp("2022-03-31")


def test_the_range_comes_from_the_slower_and_faster_week():
    # 700 people on 14/01; then 5 a day for a week (735 on 21/01), then 15 a day (840 on 28/01).
    # Pace (840 - 700) / 14 = 10; weeks: 15 (last) and 5 (the one before).
    # 90 % of 1,000 = 900: 60 more -> 6 days at 10 (03/02), 4 at 15 (01/02), 12 at 5 (09/02).
    people = [700] * 14 + [700 + 5 * d for d in range(1, 8)] + [735 + 15 * d for d in range(1, 8)]
    result = projections(trend("B", people, 1000))
    ninety = row(result, "B", 0.9)
    assert (ninety["pace"], ninety["pace_low"], ninety["pace_high"]) == (10, 5, 15)
    assert ninety["date"] == pd.Timestamp("2022-02-03")
    assert ninety["date_earliest"] == pd.Timestamp("2022-02-01")
    assert ninety["date_latest"] == pd.Timestamp("2022-02-09")
    # 70 % (700) was first reached on the first day of the trend.
    seventy = row(result, "B", 0.7)
    assert seventy["status"] == REACHED and seventy["date"] == pd.Timestamp("2022-01-01")


def test_no_progress_is_not_at_this_pace_and_no_population_has_no_answer():
    flat = projections(trend("C", [100] * 20, 1000))
    assert set(flat["status"]) == {NOT_AT_THIS_PACE} and flat["date"].isna().all()
    # Progress only in the older week: a pace, but the slower week never gets there.
    late = projections(trend("D", [0] * 7 + [10 * d for d in range(1, 8)] + [70] * 7, 1000))
    seventy = row(late, "D", 0.7)
    assert seventy["status"] == PROJECTED and pd.isna(seventy["date_latest"])
    # 1 a day towards 700 of 100,000: 69,980 days, past the ten-year horizon.
    crawl = projections(trend("G", list(range(1, 21)), 100_000))
    assert set(crawl["status"]) == {NOT_AT_THIS_PACE}
    unknown = projections(trend("E", [1, 2, 3], None))
    assert unknown["status"].isna().all()
    assert projections(trend("F", [], 1000)).empty
