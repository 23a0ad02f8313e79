"""The overview's figures and tables (dashboard/figures/overview.py, overview_alerts.py) on small
hand-made frames: what each draws, in which order and colour, and what the alerts say."""

from __future__ import annotations

import math

import pandas as pd

from dashboard.figures import base
from dashboard.figures import overview as fig
from dashboard.figures import overview_alerts as alerts
from queries.alerts import Thresholds

TREND = pd.DataFrame(
    {
        "date": pd.to_datetime(["2021-09-13", "2021-09-14", "2021-09-15"]),
        "dose1": [1, 2, 0],
        "dose2": [0, 1, 0],
        "dose3plus": [0, 0, 3],
        "total": [1, 3, 3],
        "planned": [0, 10, 5],
        "plan_achievement": [math.nan, 0.3, 0.6],
    }
)
TREND_LABELS = {
    "date": "Ngày",
    "dose1": "Mũi 1",
    "dose2": "Mũi 2",
    "dose3plus": "Mũi 3+",
    "total": "Tổng",
    "planned": "Kế hoạch",
    "plan_achievement": "Hoàn thành",
}
RANKING = pd.DataFrame(
    {
        "area_code": ["356", "359", "360"],
        "name": ["Nam Định", "Vụ Bản", "Ý Yên"],
        "population": [100.0, 200.0, 50.0],
        "people_1plus": [50, 210, 10],
        "coverage_1plus": [0.5, 1.05, 0.2],
        "doses": [30, 10, 0],
        "planned": [60, 0, 0],
        "plan_achievement": [0.5, math.nan, math.nan],
    }
)


def test_daily_doses_stacks_the_dose_groups_under_the_plan_line():
    f = fig.daily_doses(TREND, "vi", TREND_LABELS)
    bars = [t for t in f.data if t.type == "bar"]
    assert [t.name for t in bars] == ["Mũi 1", "Mũi 2", "Mũi 3+"]
    assert [list(t.y) for t in bars] == [[1, 2, 0], [0, 1, 0], [0, 0, 3]]
    assert [t.marker.color for t in bars] == base.PALETTE[:3]
    (line,) = [t for t in f.data if t.type == "scatter"]
    assert line.name == "Kế hoạch" and list(line.y) == [0, 10, 5]
    assert line.line.dash == "dot"
    assert f.layout.barmode == "stack" and f.layout.separators == ",."
    assert f.layout.xaxis.tickformat == "%d/%m"


def test_daily_doses_without_a_plan_draws_no_plan_line():
    f = fig.daily_doses(TREND.assign(planned=0), "en", TREND_LABELS)
    assert all(t.type == "bar" for t in f.data)
    assert f.layout.separators == ".,"


def test_daily_doses_table_has_the_days_and_the_numbers():
    table = fig.daily_doses_table(TREND, TREND_LABELS)
    assert list(table.columns) == list(TREND_LABELS.values())
    assert table["Ngày"].tolist() == ["13/09/2021", "14/09/2021", "15/09/2021"]
    assert table["Tổng"].tolist() == [1, 3, 3]
    assert table["Hoàn thành"].tolist()[1:] == [0.3, 0.6]


def test_coverage_ranking_is_highest_first_with_the_area_in_view_and_above_100_marked():
    f = fig.coverage_ranking(RANKING, "1plus", "vi", in_view="356")
    (bar,) = f.data
    assert list(bar.y) == ["Vụ Bản", "<b>▶ Nam Định</b>", "Ý Yên"]
    assert [round(x, 6) for x in bar.x] == [105.0, 50.0, 20.0]
    assert list(bar.text) == ["⚠ 105,0 %", "50,0 %", "20,0 %"]
    assert list(bar.marker.color) == [fig.FLAG_COLOUR, fig.SELECTED_COLOUR, fig.COVERAGE_COLOUR]
    assert [c[0] for c in bar.customdata] == ["359", "356", "360"]  # a click drills into it
    assert f.layout.xaxis.ticksuffix == " %"


def test_coverage_ranking_table_follows_the_figure():
    labels = {"area": "Địa bàn", "population": "Dân số", "people": "Số người", "coverage": "%"}
    table = fig.coverage_ranking_table(RANKING, "1plus", labels)
    assert table["Địa bàn"].tolist() == ["Vụ Bản", "Nam Định", "Ý Yên"]
    assert table["Số người"].tolist() == [210, 50, 10]
    assert table["%"].tolist() == [1.05, 0.5, 0.2]


def test_doses_ranking_shows_doses_and_plan_achievement():
    f = fig.doses_ranking(RANKING, "vi", None, {"of_plan": "KH", "no_plan": "không có KH"})
    (bar,) = f.data
    assert list(bar.y) == ["Nam Định", "Vụ Bản", "Ý Yên"]
    assert list(bar.x) == [30, 10, 0]
    assert list(bar.text) == ["30 · 50 % KH", "10 · không có KH", "0 · không có KH"]
    assert set(bar.marker.color) == {fig.DOSES_COLOUR}
    labels = {"area": "A", "doses": "D", "planned": "P", "plan_achievement": "%"}
    table = fig.doses_ranking_table(RANKING, labels)
    assert list(table.columns) == ["A", "D", "P", "%"]
    assert table["D"].tolist() == [30, 10, 0]


# --- alerts ----------------------------------------------------------------------------------
def alert(kind: str, **values) -> dict:
    row = {
        "kind": kind,
        "severity": "warning",
        "facility_name": "Trạm Y tế",
        "on_hand": 85.0,
        "daily_use": 20 / 7,
        "screened": 40.0,
        "baseline_rate": 0.04,
        "deferrals": 3.0,
        "baseline_source": "site",
        "p_value": 0.00042,
        "backlog_days": math.nan,
        "shown_backlog_days": math.nan,
        "dates": "",
    }
    return {**row, **values}


def test_low_stock_reads_the_rounded_value_against_its_threshold():
    row = alert("low_stock", value=2.96, threshold=3.0, shown_value=2.9, shown_threshold=3.0)
    text = alerts.message(row, Thresholds(), "vi")
    assert text.startswith("còn 2,9 ngày đủ dùng (ngưỡng < 3,0 ngày)")
    assert alerts.value_and_threshold(row, "vi") == ("2,9 ngày", "< 3,0 ngày")
    out = alerts.message({**row, "on_hand": 0}, Thresholds(), "en")
    assert out.startswith("out of stock")


def test_a_deferral_spike_reads_its_rate_over_its_threshold():
    row = alert("deferral_spike", value=0.0834, shown_value=0.084, shown_threshold=0.083)
    text = alerts.message(row, Thresholds(), "vi")
    assert text.startswith("3 lượt hoãn tiêm trên 40 lượt khám sàng lọc (8,4 %)")
    assert "(ngưỡng > 8,3 %; p = 0,0004)" in text
    assert alerts.value_and_threshold(row, "en") == ("8.4%", "> 8.3%")
    row = {**row, "baseline_source": "district", "p_value": 1e-7}
    text = alerts.message(row, Thresholds(), "en")
    assert "the district's rate over the 4 weeks before: 4.0%" in text
    assert "p = < 0.0001" in text


def test_the_spike_rule_states_the_test_its_level_and_minimum_count():
    rule = alerts.rule("deferral_spike", Thresholds(), "vi")
    assert "kiểm định chính xác Fisher một phía" in rule and "p < 0,001," in rule
    assert "từ 5 lượt hoãn tiêm" in rule
    assert "one-sided binomial test" in alerts.rule("deferral_spike", Thresholds(), "en")


def test_each_anomaly_reads_its_value_against_its_bound():
    t = Thresholds()
    row = alert(
        "high_throughput", value=72.4, shown_value=72.4, shown_threshold=60.0, sessions=2,
        dates="2022-06-21,2022-06-23",
    )  # fmt: skip
    assert alerts.message(row, t, "vi") == (
        "72,4 mũi/bàn/giờ (ngưỡng > 60,0); 2 buổi vượt ngưỡng (21/06, 23/06)."
    )
    assert alerts.value_and_threshold(row, "en") == (
        "72.4 doses/table-hour",
        "> 60.0 doses/table-hour",
    )
    row = alert(
        "repeated_stock_report", value=6.0, shown_value=6.0, shown_threshold=5.0,
        vaccine_code="AZ", declared=300, dates="2022-06-15,2022-06-22",
    )  # fmt: skip
    assert alerts.message(row, t, "en") == (
        "declared 300 doses of AZ on 6 declarations in a row (15/06 – 22/06) while the "
        "ledger changed."
    )
    row = alert(
        "round_stock_report", value=0.75, shown_value=0.75, shown_threshold=0.5, reports=3,
        declarations=4,
    )  # fmt: skip
    assert alerts.message(row, t, "vi").startswith("3 trên 4 báo cáo tồn kho")
    assert alerts.value_and_threshold(row, "vi") == ("75,0 %", "≥ 50 %")
    row = alert(
        "late_recording", value=0.4, shown_value=0.4, shown_threshold=0.2, recorded_late=40,
        doses=100, lag_days=1.25,
    )  # fmt: skip
    assert alerts.message(row, t, "en") == (
        "40 of 100 injections recorded after the session day (40.0%); mean recording lag 1.2 days."
    )


def test_a_certificate_backlog_without_injections_says_so():
    row = alert("certificate_backlog", value=60.0, shown_value=60.0, shown_threshold=50.0)
    assert "không tiêm trong 28 ngày" in alerts.message(row, Thresholds(), "vi")
    row = {**row, "shown_backlog_days": 6.9}
    assert "bằng 6,9 ngày tiêm" in alerts.message(row, Thresholds(), "vi")


def test_a_site_not_reporting_says_what_was_missing():
    row = alert(
        "no_data",
        value=2.0,
        shown_value=2.0,
        shown_threshold=1.0,
        dates="2021-09-14,2021-09-16",
        no_visit_days=1,
        no_report_days=2,
    )
    text = alerts.message(row, Thresholds(), "vi")
    assert text.startswith("2 ngày có kế hoạch tiêm nhưng không có lượt tiếp đón hoặc không có")
    assert "(14/09, 16/09)" in text
    assert "1 ngày không có lượt tiếp đón, 2 ngày không có báo cáo kho" in text
    english = alerts.message(row, Thresholds(), "en")
    assert "1 without a visit, 2 without a stock report" in english


def test_the_rules_name_the_thresholds_and_the_table_holds_every_alert():
    words = alerts.rules(Thresholds(), "vi")
    assert "**Điểm tiêm chưa báo cáo**" in words and "Chất lượng dữ liệu" in words
    rows = [
        alert("low_stock", value=2.96, threshold=3.0, shown_value=2.9, shown_threshold=3.0),
        alert("no_data", value=1.0, shown_value=1.0, shown_threshold=1.0, dates="2021-09-16"),
    ]
    rows[1] |= {"no_visit_days": 1, "no_report_days": 1, "severity": "serious"}
    links = ["sites?site=F1", "sites?site=F3"]
    table = alerts.alerts_table(rows, ["Xã A, Huyện B", "Xã C, Huyện D"], links, Thresholds(), "vi")
    assert table["Giá trị"].tolist() == ["2,9 ngày", "1 ngày"]
    assert table["Ngưỡng"].tolist() == ["< 3,0 ngày", "≥ 1 ngày"]
    assert table["Mức độ"].tolist() == ["Cần chú ý", "Nghiêm trọng"]
    assert table["Liên kết"].tolist() == links
    assert alerts.severity_badge("serious", "vi").startswith(":red-badge[")
