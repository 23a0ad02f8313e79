"""The Screening and deferrals page: renders for a demo-like, an empty and a hand-made
warehouse, and shows the numbers `queries.screening` computes."""

from __future__ import annotations

import json
from datetime import date
from functools import partial

import pytest
from conftest import ROOT
from page_support import metrics, periods, read, table_with
from page_support import open_page as open_app_page

from dashboard import format as fmt
from queries import screening
from queries.scope import Period

PAGE = "app_pages/screening.py"
open_page = partial(open_app_page, PAGE)
W37 = Period(date(2021, 9, 13), date(2021, 9, 19))
KPI = {
    "screened": "Lượt khám sàng lọc",
    "deferred": "Tạm hoãn tiêm",
    "contraindicated": "Chống chỉ định",
    "referred": "Chuyển tiêm tại bệnh viện",
}


@pytest.fixture(scope="module")
def demo(small_province) -> str:
    """The small simulated province (shared, read only)."""
    return small_province[1]


@pytest.fixture(scope="module")
def tiny(warehouses) -> str:
    return warehouses.tiny()


@pytest.fixture(scope="module")
def empty(no_visit_warehouse) -> str:
    """Facilities, stores and vaccines, but no visit at all (shared, read only)."""
    return no_visit_warehouse


# --- demo-like warehouse ----------------------------------------------------------------------
def test_kpis_equal_the_totals_and_their_change(monkeypatch, demo):
    at = open_page(monkeypatch, demo)
    assert at.title[0].value == "Khám sàng lọc & hoãn tiêm"
    now, before = periods(demo)
    current = read(demo, screening.totals, "36", now).iloc[0]
    previous = read(demo, screening.totals, "36", before).iloc[0]
    assert current["screened"] > 0 and current["deferrals"] > 0
    shown = metrics(at)
    for column, label in KPI.items():
        assert shown[label].value == fmt.number(current[column])
        change = fmt.signed(current[column] - previous[column])
        assert shown[label].delta.startswith(change)
    assert shown["Tỷ lệ hoãn tiêm"].value == fmt.percent(current["deferral_rate"])
    points = (current["deferral_rate"] - previous["deferral_rate"]) * 100
    assert fmt.number(abs(points), "vi", 1) in shown["Tỷ lệ hoãn tiêm"].delta


def test_district_table_equals_the_query(monkeypatch, demo):
    at = open_page(monkeypatch, demo)
    now, _ = periods(demo)
    expected = read(demo, screening.by_area, "36", now)
    expected = expected[expected["screened"] > 0].sort_values(
        ["deferral_rate", "screened"], ascending=[False, False]
    )
    table = table_with(at, "Địa bàn")
    assert table["Địa bàn"].tolist() == expected["name"].tolist()
    assert table["Lượt khám sàng lọc"].tolist() == expected["screened"].tolist()
    assert table["Tỷ lệ hoãn tiêm"].tolist() == pytest.approx(expected["deferral_rate"].tolist())


def test_reasons_and_trend_tables_equal_the_queries(monkeypatch, demo):
    at = open_page(monkeypatch, demo)
    now, _ = periods(demo)
    reasons = read(demo, screening.by_reason, "36", now)
    table = table_with(at, "Lý do")
    assert table["Số lượt"].sum() == reasons["visits"].sum()
    assert len(table) == len(reasons)
    assert "Lý do khác" in set(table["Lý do"]) or "other" not in set(reasons["deferral_reason"])
    assert not set(table["Lý do"]) & set(screening.REASONS)  # names, never codes
    weekly = read(demo, screening.weekly, "36", now, screening.TREND_WEEKS)
    trend = table_with(at, "Tuần")
    assert len(trend) == screening.TREND_WEEKS
    assert trend["Lượt khám sàng lọc"].tolist() == weekly["screened"].tolist()
    assert trend["Tuần"].iloc[-1] == f"{fmt.day(now.start)} – {fmt.day(now.end)}"


def test_top_sites_equal_the_query(monkeypatch, demo):
    # The whole campaign to date: enough screenings per site to pass the minimum.
    at = open_page(monkeypatch, demo, **{"from": "2021-06-01", "to": "2021-10-31"})
    period = Period(date(2021, 6, 1), date(2021, 10, 31))
    top = read(demo, screening.top_sites, "36", period, screening.MIN_SCREENED)
    assert len(top) > 0
    table = table_with(at, "Lý do thường gặp nhất")
    assert table["Điểm tiêm"].tolist() == top["name"].tolist()
    assert table["Tỷ lệ hoãn tiêm"].tolist() == pytest.approx(top["deferral_rate"].tolist())
    assert (table["Lượt khám sàng lọc"] >= screening.MIN_SCREENED).all()
    rates = table["Tỷ lệ hoãn tiêm"].tolist()
    assert rates == sorted(rates, reverse=True)
    # Short headers so that no column is cut at 1366 pixels, the full label in the help.
    shown = next(d for d in at.dataframe if "Lý do thường gặp nhất" in d.value.columns)
    config = json.loads(shown.proto.columns)
    assert config["Lượt khám sàng lọc"]["label"] == "Lượt khám"
    assert config["Lượt khám sàng lọc"]["help"].startswith("Lượt khám sàng lọc: ")
    assert config["Lý do thường gặp nhất"]["label"] == "Lý do chính"
    assert len(table.columns) == 6


def test_a_single_district_is_split_by_commune(monkeypatch, demo):
    at = open_page(monkeypatch, demo, district="359")
    now, _ = periods(demo)
    current = read(demo, screening.totals, "359", now).iloc[0]
    assert metrics(at)["Lượt khám sàng lọc"].value == fmt.number(current["screened"])
    assert any("Theo xã, phường, thị trấn" in m.value for m in at.markdown)
    expected = read(demo, screening.by_area, "359", now)
    table = table_with(at, "Địa bàn")
    assert set(table["Địa bàn"]) == set(expected.loc[expected["screened"] > 0, "name"])
    assert set(table["Huyện, Thành phố"]) == {"Huyện Vụ Bản"}


def test_english_switch(monkeypatch, demo):
    at = open_page(monkeypatch, demo, lang="en")
    assert at.title[0].value == "Screening and deferrals"
    assert "Deferral rate" in metrics(at)
    assert set(table_with(at, "Reason")["Reason"]) <= {
        "Acute illness", "Fever", "Uncontrolled chronic disease", "Recent COVID-19",
        "Pregnancy", "History of anaphylaxis or allergy", "Another vaccine recently",
        "Other reason", "No reason recorded",
    }  # fmt: skip


# --- hand-made warehouse ----------------------------------------------------------------------
def test_hand_checked_week(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W37")
    shown = metrics(at)
    assert [shown[label].value for label in KPI.values()] == ["12", "1", "1", "1"]
    assert shown["Tỷ lệ hoãn tiêm"].value == "25,0 %"
    reasons = table_with(at, "Lý do")
    assert sorted(zip(reasons["Lý do"], reasons["Số lượt"], strict=True)) == [
        ("Bệnh mạn tính chưa ổn định", 1),
        ("Sốt", 1),
        ("Tiền sử phản vệ, dị ứng", 1),
    ]
    districts = table_with(at, "Địa bàn")
    assert sorted(districts["Địa bàn"]) == ["Huyện Vụ Bản", "Thành phố Nam Định"]
    assert districts["Tỷ lệ hoãn tiêm"].tolist() == pytest.approx([0.25, 0.25])
    assert any("Không có điểm tiêm nào đạt 30" in i.value for i in at.info)


def test_one_site(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W37", district="356", commune="13633", site="F1")
    expected = read(tiny, screening.totals, "F1", W37).iloc[0]
    shown = metrics(at)
    assert shown["Lượt khám sàng lọc"].value == fmt.number(expected["screened"]) == "7"
    assert shown["Tỷ lệ hoãn tiêm"].value == "28,6 %"
    reasons = table_with(at, "Lý do")
    assert sorted(reasons["Lý do"]) == ["Sốt", "Tiền sử phản vệ, dị ứng"]
    assert reasons["Tỷ lệ trên số lượt khám sàng lọc"].tolist() == pytest.approx([1 / 7, 1 / 7])
    assert not any("Điểm tiêm có tỷ lệ hoãn tiêm cao nhất" in m.value for m in at.markdown)


def test_a_week_without_sessions_says_so(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W30")
    assert metrics(at)["Lượt khám sàng lọc"].value == "0"
    assert metrics(at)["Tỷ lệ hoãn tiêm"].value == "—"
    assert any("Không có dữ liệu" in i.value for i in at.info)


def test_an_empty_warehouse_says_so(monkeypatch, empty):
    at = open_page(monkeypatch, empty)
    assert any("chưa có buổi tiêm" in i.value for i in at.info)


# --- layout and links -------------------------------------------------------------------------
def test_kpi_cards_are_at_most_three_to_a_row(monkeypatch, tiny):
    # Five cards in one row cut their labels ("Chuyển tiêm tại ...") and their comparison at
    # 1366 pixels: the screened visits and the rate, then the three results.
    at = open_page(monkeypatch, tiny, week="2021-W37")
    cards = [c for c in at.columns if c.get("metric")]
    assert sum(len(c.get("metric")) for c in cards) == 5
    assert all(c.proto.weight >= 1 / 3 - 1e-9 for c in cards)
    assert [m.label for m in at.metric[:2]] == ["Lượt khám sàng lọc", "Tỷ lệ hoãn tiêm"]


def test_one_site_links_to_its_detail_on_the_map_with_the_whole_view(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W37", district="356", commune="13633", site="F1")
    (link,) = at.get("page_link")
    assert link.proto.page == "sites"
    assert link.proto.query_string == "lang=vi&week=2021-W37&district=356&commune=13633&site=F1"


def test_the_page_changes_the_address_only_through_the_shell():
    # Views are opened with shell.go / widgets.drill_chart / widgets.page_link, never by writing
    # st.query_params here or hiding a failed link.
    source = (ROOT / "dashboard" / "app_pages" / "screening.py").read_text(encoding="utf-8")
    for written in ("st.query_params", "StreamlitAPIException", "contextlib", "st.page_link"):
        assert written not in source, written
