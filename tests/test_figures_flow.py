"""The Session flow page's figure and table builders on small hand-made frames."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from dashboard.figures import base
from dashboard.figures import flow as figures
from queries.flow import STEPS

LABELS = {
    "step": "Bước",
    "visits": "Số lượt",
    "share": "Tỷ lệ",
    "week": "Tuần",
    "doses": "Số mũi",
    "recorded_late": "Nhập muộn",
    "recorded_late_share": "Tỷ lệ nhập muộn",
    "recording_lag_days": "Trễ (ngày)",
    "site": "Điểm tiêm",
    "district_name": "Huyện",
    "commune_name": "Xã",
    "tables": "Bàn",
    "sessions": "Buổi",
    "table_hours": "Bàn × giờ",
    "throughput": "Mũi/bàn/giờ",
    "threshold": "Ngưỡng",
    "below_sessions": "Dưới ngưỡng",
    "date": "Ngày",
    "hours": "Giờ",
}
NAMES = {s: s.upper() for s in STEPS}


def funnel() -> pd.DataFrame:
    return pd.DataFrame(
        {"step": list(STEPS), "visits": [10, 9, 8, 8, 4], "share": [1, 0.9, 0.8, 0.8, 0.4]}
    )


def sites() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "facility_id": ["F1", "F2"],
            "name": ["Trạm Y tế", "Trạm Y tế"],
            "commune_name": ["Xã A", "Xã B"],
            "district_name": ["Huyện A", "Huyện B"],
            "tables": [2.0, 3.0],
            "sessions": [3, 1],
            "doses": [4, 2],
            "table_hours": [31.0, 3.0],
            "throughput": [4 / 31, 2 / 3],
            "site_median": [0.1, 0.67],
            "threshold": [0.05, 0.33],
            "below_sessions": [1, 0],
        }
    )


def test_funnel_draws_the_five_steps_in_order_with_their_counts():
    fig = figures.funnel_figure(funnel(), "vi", NAMES)
    (trace,) = fig.data
    assert trace.type == "funnel"
    assert list(trace.y) == [s.upper() for s in STEPS]
    assert list(trace.x) == [10, 9, 8, 8, 4]
    assert list(trace.text) == ["10", "9", "8", "8", "4"]
    assert list(trace.marker.color) == figures.STEP_COLOURS
    table = figures.funnel_table(funnel(), NAMES, LABELS)
    assert list(table.columns) == ["Bước", "Số lượt", "Tỷ lệ"]
    assert table["Tỷ lệ"].tolist() == [1, 0.9, 0.8, 0.8, 0.4]


def test_site_bars_carry_the_site_to_open_and_keep_two_sites_of_one_name_apart():
    fig = figures.site_figure(sites(), "en", "Doses per table-hour")
    (bars,) = fig.data
    assert bars.orientation == "h"
    assert list(bars.y) == ["F1", "F2"]
    assert list(fig.layout.yaxis.ticktext) == ["Trạm Y tế", "Trạm Y tế"]
    assert list(bars.x) == [4 / 31, 2 / 3]
    assert [row[0] for row in bars.customdata] == ["F1", "F2"]
    assert fig.layout.xaxis.title.text == "Doses per table-hour"
    assert fig.layout.yaxis.autorange == "reversed"  # the lowest at the top


def test_late_share_by_week_is_bars_in_percent():
    weekly = pd.DataFrame(
        {
            "week_start": [date(2021, 9, 6), date(2021, 9, 13)],
            "week_end": [date(2021, 9, 12), date(2021, 9, 15)],
            "doses": [0, 8],
            "recorded_late": [0, 1],
            "recorded_late_share": [np.nan, 0.125],
            "recording_lag_days": [np.nan, -0.4],
        }
    )
    fig = figures.late_figure(weekly, "vi", "Tỷ lệ mũi nhập muộn")
    (bars,) = fig.data
    assert bars.type == "bar" and bars.marker.color == base.PALETTE[4]
    assert np.isnan(bars.y[0]) and bars.y[1] == 0.125
    assert fig.layout.yaxis.tickformat == ".1~%"
    table = figures.late_table(weekly, LABELS)
    assert list(table.columns) == ["Tuần", "Số mũi", "Nhập muộn", "Tỷ lệ nhập muộn", "Trễ (ngày)"]
    assert table["Tuần"].iloc[1] == "13/09/2021 – 15/09/2021"


def test_site_tables_place_sites_by_the_area_asked_for():
    table = figures.site_table(sites(), LABELS, "district_name")
    assert list(table.columns) == [
        "Điểm tiêm", "Huyện", "Bàn", "Buổi", "Số mũi", "Bàn × giờ", "Mũi/bàn/giờ", "Ngưỡng",
        "Dưới ngưỡng",
    ]  # fmt: skip
    assert figures.site_table(sites(), LABELS, "commune_name")["Xã"].tolist() == ["Xã A", "Xã B"]
    sessions = pd.DataFrame(
        {
            "facility_id": ["F1", "F1"],
            "name": ["Trạm Y tế", "Trạm Y tế"],
            "commune_name": ["Xã A", "Xã A"],
            "district_name": ["Huyện A", "Huyện A"],
            "date": [date(2021, 9, 14), date(2021, 9, 15)],
            "doses": [1, 3],
            "tables": [2.0, 2.0],
            "hours": [4.0, 1.0],
            "throughput": [0.125, 1.5],
            "site_median": [0.8, 0.8],
            "threshold": [0.4, 0.4],
            "below": [True, False],
        }
    )
    below = figures.below_table(sessions, LABELS, "commune_name")
    assert below["Ngày"].tolist() == ["14/09/2021"]
    assert below[["Số mũi", "Giờ", "Ngưỡng"]].iloc[0].tolist() == [1, 4.0, 0.4]
    # Under its threshold, a session's throughput never reads as equal to it.
    close = sessions.assign(throughput=[0.396, 1.5])
    assert figures.below_table(close, LABELS, "commune_name")["Mũi/bàn/giờ"].tolist() == [0.3]
