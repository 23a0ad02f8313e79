"""The Sites map page: renders for a demo-like, an empty and a hand-made warehouse, shows the
numbers `queries.sites` computes, lists the sites it cannot place, and opens a site's detail."""

from __future__ import annotations

import json
from datetime import date
from functools import partial

import pytest
from page_support import default_period, param, read, table_with
from page_support import open_page as open_app_page
from streamlit.testing.v1 import AppTest

from dashboard import format as fmt
from queries import sites
from queries.scope import Period

PAGE = "app_pages/sites.py"
open_page = partial(open_app_page, PAGE)


@pytest.fixture(scope="module")
def demo(small_province) -> str:
    """The small simulated province (shared, read only)."""
    return small_province[1]


@pytest.fixture(scope="module")
def tiny(warehouses) -> str:
    """The hand-made tiny platform (shared, read only)."""
    return warehouses.tiny()


@pytest.fixture(scope="module")
def empty(no_visit_warehouse) -> str:
    """Facilities, stores and vaccines, but no visit at all (shared, read only)."""
    return no_visit_warehouse


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def deck_layer(at: AppTest, layer_id: str) -> list[dict]:
    decks = at.get("deck_gl_json_chart")
    assert len(decks) == 1
    spec = json.loads(decks[0].proto.json)
    assert "mapStyle" not in spec or spec["mapStyle"] == "__MAP_STYLE__"  # no tile server
    layers = {layer["id"]: layer for layer in spec["layers"]}
    return layers[layer_id]["data"] if layer_id in layers else []


# --- demo-like warehouse ----------------------------------------------------------------------
def test_the_map_shows_every_placed_site_and_lists_the_others(monkeypatch, demo):
    at = open_page(monkeypatch, demo)
    assert at.title[0].value == "Bản đồ điểm tiêm"
    expected = read(demo, sites.site_status, "36", default_period(demo))
    placed = expected[expected["coordinate_status"] == "ok"]
    others = expected[expected["coordinate_status"] != "ok"]
    assert len(others) > 0  # the simulator always leaves some sites without coordinates
    shown = metrics(at)
    assert shown["Điểm tiêm trên bản đồ"] == fmt.number(len(placed))
    assert shown["Chưa có tọa độ hợp lệ"] == fmt.number(len(others))
    assert shown["Điểm tiêm cần chú ý"] == fmt.number((expected["stock_status"] == "alert").sum())
    points = deck_layer(at, "sites")
    assert sorted(p["facility_id"] for p in points) == sorted(placed["facility_id"])
    by_id = placed.set_index("facility_id")
    for point in points:
        row = by_id.loc[point["facility_id"]]
        assert point["t_doses"] == fmt.number(row["doses"])
        assert point["t_name"] == row["name"]
        assert -90 <= point["latitude"] <= 90 and 100 < point["longitude"] < 110
    listed = table_with(at, "Lý do")
    assert sorted(listed["Điểm tiêm"]) == sorted(others["name"])
    assert set(listed["Lý do"]) <= {"Thiếu tọa độ", "Tọa độ nằm ngoài tỉnh"}
    assert any("không hiển thị trên bản đồ" in w.value for w in at.warning)


def test_the_table_behind_the_map_equals_the_query(monkeypatch, demo):
    at = open_page(monkeypatch, demo)
    assert not [d for d in at.dataframe if "Số ngày đủ dùng" in d.value.columns]  # built on demand
    at.session_state["sites_table_open"] = True
    at.run()
    expected = read(demo, sites.site_status, "36", default_period(demo))
    table = table_with(at, "Số ngày đủ dùng")
    assert len(table) == len(expected)
    assert table["Số mũi đã tiêm"].tolist() == expected["doses"].tolist()
    assert table["Lượt khám sàng lọc"].tolist() == expected["screened"].tolist()
    assert table["Điểm tiêm"].tolist() == expected["name"].tolist()


def test_colouring_by_deferral_rate_is_kept_in_the_url(monkeypatch, demo):
    at = open_page(monkeypatch, demo)
    at.radio(key="opt_status").set_value("deferral").run()
    assert not at.exception
    assert at.query_params["status"] in ("deferral", ["deferral"])
    expected = read(demo, sites.site_status, "36", default_period(demo))
    alerts = (expected["deferral_status"] == "alert").sum()
    assert metrics(at)["Điểm tiêm cần chú ý"] == fmt.number(alerts)
    assert any("Dưới 5 %" in m.value for m in at.markdown)
    at = open_page(monkeypatch, demo, status="deferral")
    assert at.radio(key="opt_status").value == "deferral"


def test_a_single_district(monkeypatch, demo):
    at = open_page(monkeypatch, demo, district="359")
    expected = read(demo, sites.site_status, "359", default_period(demo))
    assert set(expected["district_code"]) == {"359"}
    placed = expected[expected["coordinate_status"] == "ok"]
    assert metrics(at)["Điểm tiêm trên bản đồ"] == fmt.number(len(placed))
    assert sorted(p["facility_id"] for p in deck_layer(at, "sites")) == sorted(
        placed["facility_id"]
    )


def test_english_switch(monkeypatch, demo):
    at = open_page(monkeypatch, demo, lang="en")
    assert at.title[0].value == "Sites map"
    assert "Sites on the map" in metrics(at)
    assert all(p["t_type"] != "Trạm Y tế xã" for p in deck_layer(at, "sites"))


# --- hand-made warehouse: one site's detail ---------------------------------------------------
def test_picking_a_site_opens_its_detail(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W37")
    assert at.selectbox(key="sites_pick").value in ("", None)
    at.selectbox(key="sites_pick").set_value("F1").run()
    assert not at.exception, [e.message for e in at.exception]
    params = {k: at.query_params[k] for k in ("site", "commune", "district")}
    assert {k: v[0] if isinstance(v, list) else v for k, v in params.items()} == {
        "site": "F1",
        "commune": "13633",
        "district": "356",
    }
    assert any("Chi tiết điểm tiêm: Trạm Y tế Phường Hạ Long" in h.value for h in at.subheader)


def test_the_site_detail_shows_the_site_figures(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W37", district="356", commune="13633", site="F1")
    shown = metrics(at)
    w37 = Period(date(2021, 9, 13), date(2021, 9, 19))
    row = read(tiny, sites.site_status, "F1", w37).iloc[0]
    assert shown["Số mũi đã tiêm"] == fmt.number(row["doses"]) == "4"
    assert shown["Tỷ lệ hoãn tiêm"] == fmt.percent(row["deferral_rate"]) == "28,6 %"
    assert shown["Số tồn (sổ kho)"] == fmt.number(row["on_hand"]) == "185"
    assert shown["Số ngày đủ dùng"] == "130 ngày"  # 185 / (10 / 7)
    funnel = table_with(at, "So với tiếp đón")
    expected = read(tiny, sites.site_funnel, "F1", w37)
    assert funnel["Số lượt"].tolist() == expected["count"].tolist() == [7, 7, 4, 4]
    assert funnel["Bước"].tolist() == ["Tiếp đón", "Khám sàng lọc", "Tiêm", "Theo dõi sau tiêm"]
    daily = table_with(at, "Ngày")
    assert daily["Số mũi đã tiêm"].tolist() == [0, 1, 2, 0, 0, 1, 0]
    assert daily["Ngày"].iloc[0] == "13/09/2021"
    # The map shows the site's district with the site ringed; F2 (Vụ Bản) is elsewhere.
    assert sorted(p["facility_id"] for p in deck_layer(at, "sites")) == ["F1", "F3"]
    assert [p["t_level"] for p in deck_layer(at, "sites") if p["facility_id"] == "F3"] == [
        "Không có số liệu kho"
    ]
    assert len(deck_layer(at, "chosen")) == 1


def test_clearing_the_site_goes_back_up(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W37", district="356", commune="13633", site="F1")
    at.button(key="sites_clear").click().run()
    assert not at.exception
    assert "site" not in at.query_params
    assert not any("Chi tiết điểm tiêm" in h.value for h in at.subheader)


def test_a_site_without_coordinates_is_listed_not_placed(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W37")
    assert sorted(p["facility_id"] for p in deck_layer(at, "sites")) == ["F1", "F3"]
    listed = table_with(at, "Lý do")
    assert listed["Điểm tiêm"].tolist() == ["Trung tâm Y tế huyện Vụ Bản"]
    assert listed["Lý do"].tolist() == ["Thiếu tọa độ"]
    assert listed["Số mũi đã tiêm"].tolist() == [3]


def test_a_week_without_sessions_still_draws_the_sites(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W30")
    assert any("Không có buổi tiêm nào" in i.value for i in at.info)
    assert {p["t_doses"] for p in deck_layer(at, "sites")} == {"0"}


def test_an_empty_warehouse_says_so(monkeypatch, empty):
    at = open_page(monkeypatch, empty)
    assert any("chưa có buổi tiêm" in i.value for i in at.info)


# --- the address --------------------------------------------------------------------------------
def test_the_alert_link_lands_on_the_site_detail(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W37", district="356", commune="13633", site="F1")
    assert any("Chi tiết điểm tiêm: Trạm Y tế Phường Hạ Long" in h.value for h in at.subheader)
    assert len(deck_layer(at, "chosen")) == 1
    assert {k: param(at, k) for k in ("district", "commune", "site")} == {
        "district": "356",
        "commune": "13633",
        "site": "F1",
    }
