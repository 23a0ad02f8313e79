"""The Certificates page's figure and table builders on small hand-made frames: what each draws."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from dashboard.figures import base
from dashboard.figures import certificates as figures

SERIES = {"doses": "Mũi tiêm", "issued": "Đã cấp", "backlog": "Tồn đọng", "start": "Đầu kỳ"}
LABELS = {
    "week": "Tuần",
    "area": "Địa bàn",
    "district": "Huyện",
    "backlog": "Tồn đọng",
    "backlog_before": "Đầu kỳ",
    "backlog_change": "Thay đổi",
    "doses": "Số mũi",
    "issued": "Đã cấp",
    "lag_hours": "Chờ cấp (giờ)",
}


def weekly() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "week_start": [date(2021, 9, 6), date(2021, 9, 13)],
            "week_end": [date(2021, 9, 12), date(2021, 9, 15)],
            "issued": [10, 20],
            "doses": [12, 25],
            "backlog": [7, 12],
            "backlog_before": [5, 7],
            "backlog_change": [2, 5],
            "lag_hours": [np.nan, 30.6],
        }
    )


def areas(level: str = "district") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": ["356", "359"],
            "level": level,
            "name": ["Nam Định", "Nam Định"],  # two sites may share a name
            "district_name": ["TP Nam Định", "Vụ Bản"],
            "issued": [3, 4],
            "doses": [5, 6],
            "backlog": [9, 2],
            "backlog_before": [4, 3],
            "backlog_change": [5, -1],
            "lag_hours": [12.0, np.nan],
        }
    )


def test_trend_draws_doses_and_certificates_as_bars_and_the_backlog_on_its_own_axis():
    fig = figures.trend_figure(weekly(), "vi", SERIES)
    doses, issued, backlog = fig.data
    assert (doses.type, issued.type, backlog.type) == ("bar", "bar", "scatter")
    assert [t.name for t in fig.data] == ["Mũi tiêm", "Đã cấp", "Tồn đọng"]
    assert list(doses.y) == [12, 25] and list(issued.y) == [10, 20]
    assert list(backlog.y) == [7, 12] and backlog.yaxis == "y2"
    assert fig.layout.yaxis2.overlaying == "y" and fig.layout.yaxis2.side == "right"
    assert fig.layout.yaxis2.title.text == "Tồn đọng"
    assert backlog.line.color == fig.layout.yaxis2.tickfont.color == base.PALETTE[5]
    assert fig.layout.separators == ",."  # Vietnamese decimals


def test_lag_shows_each_week_with_its_value_and_leaves_a_week_without_certificates_empty():
    fig = figures.lag_figure(weekly(), "en", "Certificate lag", "hours")
    (bars,) = fig.data
    assert bars.type == "bar" and bars.name == "Certificate lag"
    assert list(bars.x) == [date(2021, 9, 6), date(2021, 9, 13)]
    assert np.isnan(bars.y[0]) and bars.y[1] == 30.6
    assert list(bars.text) == ["—", "31"]
    assert fig.layout.yaxis.title.text == "hours"
    assert fig.layout.yaxis.range == (0, 30.6 * 1.2)


def test_area_bars_carry_the_code_to_drill_and_keep_two_sites_of_one_name_apart():
    fig = figures.area_figure(areas("facility"), "vi", SERIES)
    start, end = fig.data
    assert [start.name, end.name] == ["Đầu kỳ", "Tồn đọng"]
    assert list(start.x) == [4, 3] and list(end.x) == [9, 2]
    assert list(end.y) == ["356", "359"]  # one bar per code, even with equal names
    assert [row[0] for row in end.customdata] == ["356", "359"]
    assert list(fig.layout.yaxis.ticktext) == ["Nam Định", "Nam Định"]
    assert fig.layout.yaxis.autorange == "reversed"  # largest backlog at the top
    # GSO codes are digits: on a category axis the bars keep the order of the frame.
    assert fig.layout.yaxis.type == "category"


def test_trend_and_lag_tables_name_each_week_by_its_days():
    trend = figures.trend_table(weekly(), LABELS)
    assert list(trend.columns) == ["Tuần", "Số mũi", "Đã cấp", "Tồn đọng", "Thay đổi"]
    assert trend["Tuần"].tolist() == ["06/09/2021 – 12/09/2021", "13/09/2021 – 15/09/2021"]
    assert trend["Tồn đọng"].tolist() == [7, 12]
    lag = figures.lag_table(weekly(), LABELS)
    assert list(lag.columns) == ["Tuần", "Chờ cấp (giờ)"]


def test_area_table_names_the_district_below_the_district_level_only():
    districts = figures.area_table(areas("district"), LABELS)
    assert "Huyện" not in districts.columns
    assert districts.columns[0] == "Địa bàn"
    sites = figures.area_table(areas("facility"), LABELS)
    assert sites["Huyện"].tolist() == ["TP Nam Định", "Vụ Bản"]
    assert sites["Thay đổi"].tolist() == [5, -1]
