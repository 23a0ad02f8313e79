"""The Vaccine and stock page and `queries.stock`: hand-checked figures on a tiny platform,
agreement with METRICS.md computed from the platform tables (tests/reference_metrics.py) on a
simulated period, and the page rendering the query results for a demo-like, an empty and a
single-district warehouse."""

from __future__ import annotations

import json
import re
from datetime import date
from functools import partial

import pytest
from page_support import default_period, metrics, open_rejects, read, table_with
from page_support import open_page as open_app_page
from reference_metrics import reference_dataset

from dashboard import format as fmt
from queries import stock, stock_flow
from queries.scope import Period

PAGE = "app_pages/stock.py"
open_page = partial(open_app_page, PAGE)
W37 = Period(date(2021, 9, 13), date(2021, 9, 19))


@pytest.fixture(scope="module")
def demo(small_province) -> tuple[str, str]:
    """The small simulated province (shared, read only)."""
    return small_province


def plan_before_stock(rows: dict) -> None:
    extra = dict(rows["vaccination_plan"][0])
    extra.update(plan_id="P05", session_date="2021-09-14", planned_doses=40)
    rows["vaccination_plan"].append(extra)


@pytest.fixture(scope="module")
def tiny(warehouses) -> str:
    """The tiny platform plus one approved plan for F1 on 2021-09-14, before its store holds
    any AZ: one stock-out day."""
    return warehouses.tiny("stock", plan_before_stock)


@pytest.fixture(scope="module")
def empty(no_visit_warehouse) -> str:
    """Facilities, stores and vaccines, but no visit at all (shared, read only)."""
    return no_visit_warehouse


def numbers(values) -> list[str]:
    return [fmt.number(v) for v in values]


# --- queries on the tiny platform (hand-checked against METRICS.md) -------------------------
def test_totals_by_hand(tiny):
    row = read(tiny, stock.totals, "36", W37).iloc[0]
    # Received: T03 300 + T15 50 + T05 200 + T07 100 + T13 600 (T01 is before the week).
    assert int(row["received"]) == 1250
    assert int(row["issued_out"]) == 600  # T02 300 + T04 200 + T06 100
    assert int(row["administered"]) == 30
    assert int(row["wasted"]) == 2
    assert int(row["adjustment"]) == 2  # +5 - 3
    # 1000 before the week + 1250 - 600 - 30 - 2 + 2.
    assert int(row["on_hand"]) == 1620
    assert row["wastage_rate"] == pytest.approx(2 / 32)
    assert row["days_of_stock"] == pytest.approx(1620 / (30 / 7))
    # F1's plan on 09-14 with SF1 still empty; 09-15 (200 on hand) and F2 on 09-17 are fine.
    assert int(row["stockout_days"]) == 1
    assert int(row["planned_doses"]) == 200  # 100 + 60 + 40; draft and cancelled left out


def test_district_and_site_scopes_by_hand(tiny):
    district = read(tiny, stock.totals, "359", W37).iloc[0]
    # S359 (+300 in, -100 out) and SF2 (+100 in, -20 used, +5 adjusted).
    assert (int(district["received"]), int(district["issued_out"])) == (400, 100)
    assert int(district["on_hand"]) == 200 + 85
    assert int(district["stockout_days"]) == 0
    site = read(tiny, stock.totals, "F1", W37).iloc[0]
    assert (int(site["received"]), int(site["on_hand"]), int(site["stockout_days"])) == (
        200,
        185,
        1,
    )


def test_store_table_waste_and_gaps_by_hand(tiny):
    stores = read(tiny, stock.by_store, "36", W37).set_index(["store_id", "vaccine_code"])
    assert int(stores.loc[("SF1", "AZ"), "on_hand"]) == 185
    assert int(stores.loc[("SF1", "AZ"), "declared_remaining"]) == 188  # latest re-submission
    assert int(stores.loc[("S36", "PFIZER"), "on_hand"]) == 600
    assert stores.loc[("SF1", "AZ"), "wastage_rate"] == pytest.approx(2 / 12)
    assert list(read(tiny, stock.by_store, "36", W37)["level"].iloc[:1]) == ["province"]
    waste = read(tiny, stock.waste_by_reason, "36", W37)
    assert waste.to_dict("records") == [
        {"waste_reason": "opened_vial_expired", "vaccine_code": "AZ", "doses": 2}
    ]
    gaps = read(tiny, stock.gaps, "36", W37).set_index("facility_id")
    # SF2 declared 80 on 09-17 against 85 in the ledger; SF1 declared 188 = ledger 188 on 09-18.
    assert int(gaps.loc["F2", "stock_discrepancy"]) == -5
    assert gaps["largest_gap"].tolist() == sorted(gaps["largest_gap"], reverse=True)


def test_transfers_pair_each_receiver_with_its_sender(tiny):
    pairs = read(tiny, stock_flow.transfers, "36", W37)
    got = {
        (r.kind, r.from_store_id, r.to_store_id, r.vaccine_code): r.doses
        for r in pairs.itertuples()
    }
    assert got == {
        ("receipt", "", "S36", "AZ"): 50,  # T15 (T01 is before the week)
        ("receipt", "", "S36", "PFIZER"): 600,  # T13
        ("transfer", "S36", "S359", "AZ"): 300,  # T03, received 09-14
        ("transfer", "S36", "SF1", "AZ"): 200,  # T05: the province store supplies F1 directly
        ("transfer", "S359", "SF2", "AZ"): 100,  # T07
    }
    first = pairs.iloc[0]
    assert (first["from_level"], first["to_name"]) == ("national", "Kho CDC Nam Định")
    sf2 = pairs[pairs["to_store_id"] == "SF2"].iloc[0]
    assert (sf2["from_name"], sf2["to_level"], sf2["to_district_name"]) == (
        "Kho TTYT Vụ Bản",
        "facility",
        "Huyện Vụ Bản",
    )
    # A district: transfers whose receiver or sender serves it; the national receipts do not.
    district = read(tiny, stock_flow.transfers, "359", W37)
    assert set(zip(district["from_store_id"], district["to_store_id"], strict=True)) == {
        ("S36", "S359"),
        ("S359", "SF2"),
    }
    # Counted on the receiver's day: from 09-15 the 300 doses received on 09-14 drop out.
    later = read(tiny, stock_flow.transfers, "359", Period(date(2021, 9, 15), date(2021, 9, 19)))
    assert later["doses"].tolist() == [100]


def test_flow_links_go_from_the_province_to_districts_and_sites(tiny):
    links = read(tiny, stock_flow.flow, "36", W37)
    got = {(r.source, r.target): r.doses for r in links.itertuples()}
    assert got == {
        ("national", "s:S36"): 650,
        ("s:S36", "s:S359"): 300,
        ("s:S36", "s:SF1"): 200,
        ("s:S359", "s:SF2"): 100,
    }
    # More site stores than the limit: one node per district for the sites.
    grouped = read(tiny, stock_flow.flow, "36", W37, 1)
    got = {(r.source, r.target): (r.target_name, r.doses) for r in grouped.itertuples()}
    assert got[("s:S36", "f:356")] == ("Thành phố Nam Định", 200)
    assert got[("s:S359", "f:359")] == ("Huyện Vụ Bản", 100)
    assert set(grouped["target_level"]) == {"province", "district", "sites"}


def test_lots_near_expiry_by_hand(tiny):
    # Every tiny lot expires on 2021-12-31: more than 30 days after W37, 21 days after 12-10.
    assert read(tiny, stock.lots_near_expiry, "36", W37).empty
    lots = read(tiny, stock.lots_near_expiry, "36", Period(date(2021, 12, 4), date(2021, 12, 10)))
    by_store = lots.groupby(["store_id", "vaccine_code"])["on_hand"].sum().to_dict()
    assert by_store == {
        ("S36", "AZ"): 550,
        ("S36", "PFIZER"): 600,
        ("S359", "AZ"): 200,
        ("SF1", "AZ"): 185,
        ("SF2", "AZ"): 85,
    }
    assert set(lots["days_left"]) == {21}
    assert set(lots["lot_number"]) == {"LOT-AZ-01", "LOT-PFIZER-01"}
    site = read(tiny, stock.lots_near_expiry, "F1", Period(date(2021, 12, 4), date(2021, 12, 10)))
    assert site["on_hand"].tolist() == [185]


def test_empty_warehouse_queries(empty):
    row = read(empty, stock.totals, "36", W37).iloc[0]
    assert int(row["received"]) == 0 and int(row["on_hand"]) == 0
    assert read(empty, stock.by_store, "36", W37).empty
    assert read(empty, stock.gaps, "36", W37).empty
    assert read(empty, stock_flow.flow, "36", W37).empty
    assert read(empty, stock_flow.transfers, "36", W37).empty


# --- queries against METRICS.md computed from the platform tables ----------------------------
def test_queries_equal_the_reference_on_a_simulated_period(demo):
    platform, warehouse = demo
    period = Period(date(2021, 10, 4), date(2021, 10, 17))
    excluded = open_rejects(warehouse)
    ref = reference_dataset(platform, "stock", period.start, period.end, excluded)
    row = read(warehouse, stock.totals, "36", period).iloc[0]
    assert int(ref["received"].sum()) > 0
    for column in ("received", "issued_out", "administered", "wasted", "adjustment"):
        assert int(row[column]) == int(ref[column].sum()), column
    last = ref[ref["date"] == ref["date"].max()]
    assert int(row["on_hand"]) == int(last["on_hand"].sum())
    stores = read(warehouse, stock.by_store, "36", period)
    assert int(stores["on_hand"].sum()) == int(last["on_hand"].sum())
    wasted, used = ref["wasted"].sum(), ref["administered"].sum() + ref["wasted"].sum()
    assert row["wastage_rate"] == pytest.approx(wasted / used)
    doses = reference_dataset(platform, "doses", period.start, period.end, excluded)
    assert int(row["doses"]) == int(doses["doses"].sum())


# --- the page -------------------------------------------------------------------------------
def test_page_shows_the_query_numbers(monkeypatch, demo):
    _, url = demo
    at = open_page(monkeypatch, url)
    assert at.title[0].value == "Vắc xin & tồn kho"
    now = read(url, stock.totals, "36", default_period(url)).iloc[0]
    shown = metrics(at)
    for label, column in (
        ("Số nhập", "received"),
        ("Số xuất", "issued_out"),
        ("Số sử dụng (sổ kho)", "administered"),
        ("Số hủy", "wasted"),
        ("Số tồn (sổ kho)", "on_hand"),
        ("Ngày hết vắc xin", "stockout_days"),
    ):
        assert shown[label].value == fmt.number(int(now[column])), label
    assert shown["Tỷ lệ hủy"].value == fmt.percent(now["wastage_rate"])
    assert shown["Số ngày đủ dùng"].value == fmt.number(now["days_of_stock"], "vi", 1)
    stores = read(url, stock.by_store, "36", default_period(url))
    stores = stores[stores["level"] != "facility"]  # sites show from a district down
    table = table_with(at, "Kho")
    assert len(table) == len(stores)
    # Long tables show numbers as text written the Vietnamese way.
    assert table["Số tồn (sổ kho)"].tolist() == numbers(stores["on_hand"])
    assert not set(table["Tuyến"]) & {"province", "district", "facility"}
    gaps = read(url, stock.gaps, "36", default_period(url))
    if len(gaps):
        shown_gaps = table_with(at, "Chênh lệch sổ kho so với lượt tiêm")
        assert shown_gaps["Điểm tiêm"].tolist() == gaps["name"].tolist()
    lots = read(url, stock.lots_near_expiry, "36", default_period(url))
    if len(lots):
        shown_lots = table_with(at, "Số lô")
        assert shown_lots["Số lô"].tolist() == lots["lot_number"].tolist()
        assert shown_lots["Số tồn (sổ kho)"].tolist() == numbers(lots["on_hand"])
    daily = read(url, stock.daily, "36", default_period(url))
    plan = table_with(at, "Số mũi theo kế hoạch")
    assert plan["Số mũi theo kế hoạch"].tolist() == daily["planned_doses"].tolist()
    pairs = read(url, stock_flow.transfers, "36", default_period(url))
    assert (pairs["kind"] == "transfer").any()
    flow = table_with(at, "Huyện của kho nhận")
    assert flow["Số nhập"].tolist() == numbers(pairs["doses"])
    assert flow["Đến"].tolist() == pairs["to_name"].tolist()
    senders = ["Nhập từ tuyến trên" if k == "receipt" else n for k, n in
               zip(pairs["kind"], pairs["from_name"], strict=True)]  # fmt: skip
    assert flow["Từ"].tolist() == senders
    # The Sankey carries every dose of the table: national -> province -> districts -> sites.
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    sankey = [t for spec in specs for t in spec["data"] if t["type"] == "sankey"]
    assert len(sankey) == 1
    assert sum(sankey[0]["link"]["value"]) == pairs["doses"].sum()
    labels = sankey[0]["node"]["label"]
    assert labels[:2] == ["Nhập từ tuyến trên", "Kho tỉnh"]
    districts = set(pairs.loc[pairs["to_level"] == "district", "to_district_name"])
    assert districts <= set(labels)
    assert any(re.fullmatch(r"\d+ điểm tiêm", label) for label in labels)  # sites by district


def test_single_district(monkeypatch, demo):
    _, url = demo
    at = open_page(monkeypatch, url, district="359")
    now = read(url, stock.totals, "359", default_period(url)).iloc[0]
    assert metrics(at)["Số nhập"].value == fmt.number(int(now["received"]))
    stores = read(url, stock.by_store, "359", default_period(url))
    assert len(table_with(at, "Kho")) == len(stores)
    pairs = read(url, stock_flow.transfers, "359", default_period(url))
    assert table_with(at, "Huyện của kho nhận")["Số nhập"].tolist() == numbers(pairs["doses"])


def test_tiny_flow_table_lists_every_pair(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W37")
    flow = table_with(at, "Huyện của kho nhận")
    assert list(zip(flow["Từ"], flow["Đến"], flow["Số nhập"], strict=True)) == [
        ("Nhập từ tuyến trên", "Kho CDC Nam Định", "600"),
        ("Nhập từ tuyến trên", "Kho CDC Nam Định", "50"),
        ("Kho CDC Nam Định", "Kho TTYT Vụ Bản", "300"),
        ("Kho CDC Nam Định", "Kho TYT Hạ Long", "200"),
        ("Kho TTYT Vụ Bản", "Kho điểm tiêm TTYT Vụ Bản", "100"),
    ]


def test_single_site(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W37", district="356", commune="13633", site="F1")
    assert metrics(at)["Số tồn (sổ kho)"].value == fmt.number(185)
    assert metrics(at)["Ngày hết vắc xin"].value == fmt.number(1)


def test_empty_warehouse_page(monkeypatch, empty):
    at = open_page(monkeypatch, empty)
    assert at.title  # the shell's plain message or the page, never a traceback


def test_english_switch(monkeypatch, demo):
    _, url = demo
    at = open_page(monkeypatch, url, lang="en")
    assert at.title[0].value == "Vaccine and stock"
    assert {"Received", "Wastage rate", "Stock-out days"} <= set(metrics(at))


# --- layout -----------------------------------------------------------------------------------
def test_long_tables_fit_with_short_headers_and_the_full_label_in_help(monkeypatch, tiny):
    # Eleven columns headed "Số sử dụng (sổ kho)", "Số tồn báo cáo"... ran off a 1366-pixel
    # screen: each measure's header is short, its full label and definition in the help.
    at = open_page(monkeypatch, tiny, week="2021-W37")
    stores = next(d for d in at.dataframe if "Tuyến" in d.value.columns and "Số lô" not in
                  d.value.columns)  # fmt: skip
    config = json.loads(stores.proto.columns)
    used = config["Số sử dụng (sổ kho)"]
    assert used["label"] == "Sử dụng"
    assert used["help"].startswith("Số sử dụng (sổ kho): ")
    headers = [config.get(c, {}).get("label", c) for c in stores.value.columns]
    assert all(len(h) <= 12 for h in headers[3:]), headers


def test_plan_achievement_is_doses_over_the_plan(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W37")
    now = read(tiny, stock.totals, "36", W37).iloc[0]
    achieved = fmt.percent(int(now["doses"]) / int(now["planned_doses"]))
    assert any(f"Tỷ lệ hoàn thành kế hoạch: {achieved}" in c.value for c in at.caption)
