"""The Adverse events page's figure and table builders on small hand-made frames."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from dashboard.figures import aefi as figures
from dashboard.figures import base

LABELS = {
    "mild": "Thông thường",
    "serious": "Nặng",
    "reports": "Số báo cáo",
    "doses": "Số mũi",
    "rate": "/ 100.000",
    "serious_rate": "Nặng / 100.000",
    "sites": "Số điểm",
    "vaccine": "Vắc xin",
    "no_vaccine": "Không ghi nhận mũi tiêm",
    "lot": "Số lô",
    "no_lot": "Không ghi số lô",
    "outcome": "Kết cục",
    "channel": "Kênh",
    "week": "Tuần",
}


def vaccines() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "vaccine_code": ["AZ", "", "PFIZER"],
            "vaccine_name": ["Vaxzevria", "", "Comirnaty"],
            "reports": [3, 1, 0],
            "mild": [2, 1, 0],
            "serious": [1, 0, 0],
            "doses": [1000, 0, 500],
            "rate": [300.0, np.nan, 0.0],
            "serious_rate": [100.0, np.nan, 0.0],
        }
    )


def lots() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "vaccine_code": ["AZ", ""],
            "vaccine_name": ["Vaxzevria", ""],
            "lot_number": ["L1", ""],
            "reports": [3, 1],
            "mild": [2, 1],
            "serious": [1, 0],
            "sites": [2, 1],
        }
    )


def test_vaccine_bars_stack_severities_with_the_rate_under_the_name():
    fig = figures.vaccine_figure(vaccines(), "vi", LABELS)
    mild, serious = fig.data
    assert fig.layout.barmode == "stack"
    assert [mild.name, serious.name] == ["Thông thường", "Nặng"]
    assert (mild.marker.color, serious.marker.color) == (base.PALETTE[4], base.PALETTE[5])
    # Only vaccines with a report; the rate in Vietnamese format; no rate without doses.
    assert list(mild.y) == ["Vaxzevria<br><b>300,0</b> / 100.000", "Không ghi nhận mũi tiêm"]
    assert list(mild.x) == [2, 1] and list(serious.x) == [1, 0]
    assert fig.layout.xaxis.title.text == "Số báo cáo"
    english = figures.vaccine_figure(vaccines(), "en", LABELS)
    assert english.data[0].y[0] == "Vaxzevria<br><b>300.0</b> / 100,000"


def test_lot_bars_name_lot_and_vaccine():
    fig = figures.lot_figure(lots(), "en", LABELS)
    assert list(fig.data[0].y) == ["L1 · Vaxzevria", "Không ghi số lô · Không ghi nhận mũi tiêm"]
    assert fig.layout.yaxis.autorange == "reversed"


def test_outcome_bars_one_per_outcome_with_its_count_and_colour():
    outcomes = pd.DataFrame({"outcome": ["recovered", "hospitalised"], "reports": [0, 2]})
    names = {"recovered": "Đã hồi phục", "hospitalised": "Nhập viện"}
    fig = figures.outcome_figure(outcomes, "vi", names)
    (bars,) = fig.data
    assert list(bars.x) == ["Đã hồi phục", "Nhập viện"] and list(bars.y) == [0, 2]
    assert list(bars.text) == ["0", "2"]
    assert list(bars.marker.color) == [base.PALETTE[2], base.PALETTE[4]]
    assert fig.layout.yaxis.dtick == 1  # few events: whole numbers only
    table = figures.outcome_table(outcomes, names, LABELS)
    assert table.to_dict("list") == {"Kết cục": ["Đã hồi phục", "Nhập viện"], "Số báo cáo": [0, 2]}


def test_rate_by_week_is_a_line_over_the_weeks_mondays():
    weekly = pd.DataFrame(
        {
            "week_start": [date(2021, 9, 6), date(2021, 9, 13)],
            "week_end": [date(2021, 9, 12), date(2021, 9, 19)],
            "mild": [1, 2],
            "serious": [0, 1],
            "doses": [0, 300],
            "rate": [np.nan, 1000.0],
        }
    )
    fig = figures.rate_figure(weekly, "vi", "Tỷ lệ")
    (line,) = fig.data
    assert line.type == "scatter" and line.mode == "lines+markers"
    assert list(line.x) == [date(2021, 9, 6), date(2021, 9, 13)]
    assert np.isnan(line.y[0]) and line.y[1] == 1000.0
    table = figures.rate_table(weekly, LABELS)
    assert list(table.columns) == ["Tuần", "Thông thường", "Nặng", "Số mũi", "/ 100.000"]
    assert table["Tuần"].iloc[1] == "13/09/2021 – 19/09/2021"


def test_tables_name_missing_vaccines_lots_and_unknown_channels():
    vac = figures.vaccine_table(vaccines(), LABELS)
    assert vac["Vắc xin"].tolist() == ["Vaxzevria", "Không ghi nhận mũi tiêm", "Comirnaty"]
    assert vac["Số mũi"].tolist() == [1000, 0, 500]
    lot = figures.lot_table(lots(), LABELS)
    assert list(lot.columns)[:3] == ["Số lô", "Vắc xin", "Số báo cáo"]
    assert lot["Số lô"].tolist() == ["L1", "Không ghi số lô"]
    ch = pd.DataFrame(
        {"channel": ["app", "fax"], "mild": [1, 0], "serious": [0, 1], "reports": [1, 1]}
    )
    table = figures.channel_table(ch, {"app": "Ứng dụng"}, LABELS)
    assert table["Kênh"].tolist() == ["Ứng dụng", "fax"]
    assert table["Nặng"].tolist() == [0, 1]
