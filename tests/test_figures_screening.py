"""The figure builders of the Screening and deferrals page on small hand-made frames: what each
draws (bar values, names, colours, the drill-down codes) and the tables behind them."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.figures import screening as figures
from queries.screening import RESULTS

LABELS = {
    "deferred": "Tạm hoãn tiêm",
    "contraindicated": "Chống chỉ định",
    "referred": "Chuyển tiêm tại bệnh viện",
    "screened": "Lượt khám sàng lọc",
    "deferrals": "Số hoãn tiêm",
    "deferral_rate": "Tỷ lệ hoãn tiêm",
    "visits": "Số lượt",
    "reason": "Lý do",
    "result": "Kết quả",
    "rate": "Tỷ lệ",
    "week": "Tuần",
    "province": "Toàn tỉnh",
    "overall": "Chung: 20 %",
    "area": "Địa bàn",
    "district": "Huyện",
    "site": "Điểm tiêm",
    "district_name": "Huyện, Thành phố",
    "main_reason": "Lý do thường gặp nhất",
}


def counts(**columns) -> pd.DataFrame:
    df = pd.DataFrame(columns)
    df["deferrals"] = df["deferred"] + df["contraindicated"] + df["referred"]
    df["deferral_rate"] = df["deferrals"] / df["screened"].where(df["screened"] > 0)
    return df


def test_reason_figure_stacks_results_most_frequent_reason_first():
    reasons = pd.DataFrame(
        {
            "screening_result": ["deferred", "referred", "deferred"],
            "reason": ["Sốt", "Sốt", "Đang mang thai"],
            "visits": [3, 2, 4],
            "rate": [0.3, 0.2, 0.4],
        }
    )
    fig = figures.reason_figure(reasons, "vi", LABELS)
    bars = {t.name: t for t in fig.data}
    assert [t.name for t in fig.data] == [LABELS[r] for r in RESULTS]
    assert list(bars["Tạm hoãn tiêm"].y) == ["Sốt", "Đang mang thai"]  # 5 visits, then 4
    assert list(bars["Tạm hoãn tiêm"].x) == [3, 4]
    assert list(bars["Chống chỉ định"].x) == [0, 0]
    assert list(bars["Chuyển tiêm tại bệnh viện"].customdata) == ["20,0 %", "—"]
    assert bars["Chống chỉ định"].marker.color == figures.RESULT_COLOURS["contraindicated"]
    assert fig.layout.barmode == "stack" and fig.layout.xaxis.title.text == "Số lượt"
    table = figures.reason_table(reasons, LABELS)
    assert table["Kết quả"].tolist() == ["Tạm hoãn tiêm", "Chuyển tiêm tại bệnh viện"] + [
        "Tạm hoãn tiêm"
    ]


def test_trend_figure_rates_by_result_and_the_province_line():
    weekly = counts(
        week_start=pd.to_datetime(["2021-09-06", "2021-09-13"]),
        week_end=pd.to_datetime(["2021-09-12", "2021-09-15"]),
        screened=[0, 10],
        deferred=[0, 2],
        contraindicated=[0, 1],
        referred=[0, 0],
    )
    province = weekly.assign(deferral_rate=[0.1, 0.5])
    fig = figures.trend_figure(weekly, province, "vi", LABELS)
    deferred = fig.data[0]
    assert deferred.name == "Tạm hoãn tiêm" and list(deferred.y[1:]) == [0.2]
    assert pd.isna(deferred.y[0])  # a week without screenings has no rate
    text = fig.data[3]
    assert list(text.text) == ["—", "30,0 %"]
    line = fig.data[4]
    assert line.name == "Toàn tỉnh" and list(line.y) == [0.1, 0.5]
    assert line.line.dash == "dash"
    assert fig.layout.yaxis.range[1] == pytest.approx(0.6)  # the highest rate shown, + 20 %
    alone = figures.trend_figure(weekly, None, "en", LABELS)
    assert len(alone.data) == 4 and alone.layout.separators == ".,"
    table = figures.trend_table(weekly, province, LABELS)
    assert table["Tuần"].tolist() == ["06/09/2021 – 12/09/2021", "13/09/2021 – 15/09/2021"]
    assert table["Toàn tỉnh"].tolist() == [0.1, 0.5]


def test_area_figure_bars_carry_the_area_code_for_a_drill_down():
    areas = counts(
        area_code=["356", "359"],
        level=["district", "district"],
        name=["Thành phố Nam Định", None],
        district_name=["Thành phố Nam Định", "Huyện Vụ Bản"],
        screened=[10, 20],
        deferred=[2, 1],
        contraindicated=[1, 0],
        referred=[0, 1],
    )
    fig = figures.area_figure(areas, 0.2, "vi", LABELS)
    deferred = fig.data[0]
    assert list(deferred.y) == ["Thành phố Nam Định", "359"]  # a missing name: the code
    assert list(deferred.x) == [0.2, 0.05]
    assert [row[0] for row in deferred.customdata] == ["356", "359"]
    legend = fig.data[-1]
    assert legend.name == "Chung: 20 %" and legend.line.dash == "dash"
    assert fig.layout.shapes[0].x0 == 0.2
    assert fig.layout.xaxis.title.text == "Tỷ lệ hoãn tiêm"
    assert len(figures.area_figure(areas, None, "vi", LABELS).data) == 3
    table = figures.area_table(areas, LABELS)
    assert "Huyện" not in table.columns  # districts need no district column
    communes = figures.area_table(areas.assign(level="commune"), LABELS)
    assert communes["Huyện"].tolist() == ["Thành phố Nam Định", "Huyện Vụ Bản"]


def test_top_sites_table_has_six_columns():
    top = counts(
        name=["Trạm Y tế A"],
        district_name=["Huyện Vụ Bản"],
        commune_name=["Xã B"],
        screened=[40],
        deferred=[3],
        contraindicated=[1],
        referred=[0],
    )
    table = figures.top_sites_table(top, "district_name", ["Sốt"], LABELS)
    assert list(table.columns) == [
        "Điểm tiêm", "Huyện, Thành phố", "Tỷ lệ hoãn tiêm", "Lượt khám sàng lọc",
        "Số hoãn tiêm", "Lý do thường gặp nhất",
    ]  # fmt: skip
    assert table.iloc[0].tolist() == ["Trạm Y tế A", "Huyện Vụ Bản", 0.1, 40, 4, "Sốt"]
