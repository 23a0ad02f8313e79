"""The figure builders of the Vaccine and stock page on small hand-made frames: what each draws
(values, names, colours, the Sankey's nodes and links) and the tables behind them."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.figures import stock as figures
from queries import stock_flow

LABELS = {
    "plan": "Kế hoạch",
    "visits": "Mũi tiêm (lượt tiêm)",
    "ledger": "Sử dụng (sổ kho)",
    "day": "Ngày",
    "planned_doses": "Số mũi theo kế hoạch",
    "doses": "Số mũi tiêm",
    "doses_axis": "Số liều",
    "administered": "Số sử dụng (sổ kho)",
    "reason": "Lý do",
    "vaccine": "Vắc xin",
    "wasted": "Số hủy",
    "outside": "Nhập từ tuyến trên",
    "unknown": "Không rõ kho gửi",
    "province": "Kho tỉnh",
    "sites_n": "{n} điểm tiêm",
    "column_0": "Tuyến trên",
    "column_1": "Tỉnh",
    "column_2": "Huyện",
    "column_3": "Điểm tiêm",
    "from": "Từ",
    "to": "Đến",
    "to_district": "Huyện của kho nhận",
    "received": "Số nhập",
    "store": "Kho",
    "level": "Tuyến",
    "level_province": "Tỉnh",
    "level_district": "Huyện",
    "level_facility": "Điểm tiêm",
    "issued_out": "Số xuất",
    "on_hand": "Số tồn (sổ kho)",
    "declared_remaining": "Số tồn báo cáo",
    "days_of_stock": "Số ngày đủ dùng",
    "wastage_rate": "Tỷ lệ hủy",
    "site": "Điểm tiêm",
    "district": "Huyện, Thành phố",
    "stock_discrepancy": "Chênh lệch tồn kho",
    "administered_gap": "Chênh lệch sử dụng",
    "lot": "Số lô",
    "expiry": "Hạn dùng",
    "days_left": "Còn (ngày)",
}


def pairs() -> pd.DataFrame:
    """A national receipt of the province store, its transfer to a district store, the district
    store's transfers to two sites, and a return from a site to its district store."""
    rows = [
        ("receipt", "", None, "national", None, None, "S36", "Kho vắc xin CDC", "province",
         None, None, "AZ", 650),
        ("transfer", "S36", "Kho vắc xin CDC", "province", None, None, "S359",
         "Kho vắc xin TTYT Vụ Bản", "district", "359", "Huyện Vụ Bản", "AZ", 300),
        ("transfer", "S359", "Kho vắc xin TTYT Vụ Bản", "district", "359", "Huyện Vụ Bản",
         "SF2", "Kho TYT Minh Tân", "facility", "359", "Huyện Vụ Bản", "AZ", 100),
        ("transfer", "S359", "Kho vắc xin TTYT Vụ Bản", "district", "359", "Huyện Vụ Bản",
         "SF4", "Kho vắc xin Trạm Y tế Liên Bảo", "facility", "359", "Huyện Vụ Bản", "PFIZER", 50),
        ("transfer", "SF2", "Kho TYT Minh Tân", "facility", "359", "Huyện Vụ Bản", "S359",
         "Kho vắc xin TTYT Vụ Bản", "district", "359", "Huyện Vụ Bản", "AZ", 10),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=stock_flow.TRANSFER_COLUMNS)


def test_plan_figure_bars_for_the_plan_and_lines_for_the_doses():
    daily = pd.DataFrame(
        {
            "date": pd.to_datetime(["2021-09-13", "2021-09-14"]),
            "planned_doses": [100, 60],
            "doses": [90, 70],
            "administered": [80, 75],
        }
    )
    fig = figures.plan_figure(daily, "vi", LABELS)
    assert [(t.type, t.name) for t in fig.data] == [
        ("bar", "Kế hoạch"),
        ("scatter", "Mũi tiêm (lượt tiêm)"),
        ("scatter", "Sử dụng (sổ kho)"),
    ]
    assert list(fig.data[0].y) == [100, 60] and list(fig.data[2].y) == [80, 75]
    assert fig.data[2].line.dash == "dash"
    assert fig.layout.separators == ",."  # Vietnamese thousands and decimals
    table = figures.plan_table(daily, LABELS)
    assert table["Ngày"].tolist() == ["13/09/2021", "14/09/2021"]
    assert table["Số mũi theo kế hoạch"].tolist() == [100, 60]


def test_waste_figure_stacks_vaccines_by_reason_most_first():
    waste = pd.DataFrame(
        {
            "reason": ["Vỡ, hỏng", "Hết hạn sử dụng", "Hết hạn sử dụng"],
            "vaccine": ["AstraZeneca", "AstraZeneca", "Comirnaty"],
            "doses": [5, 3, 4],
        }
    )
    fig = figures.waste_figure(waste, "vi", LABELS)
    assert [t.name for t in fig.data] == ["AstraZeneca", "Comirnaty"]
    assert list(fig.data[0].y) == ["Hết hạn sử dụng", "Vỡ, hỏng"]  # 7 doses, then 5
    assert list(fig.data[0].x) == [3, 5] and list(fig.data[1].x) == [4, 0]
    assert fig.layout.barmode == "stack" and fig.layout.xaxis.title.text == "Số liều"
    assert figures.waste_table(waste, LABELS)["Số hủy"].tolist() == [5, 3, 4]


def test_flow_figure_draws_the_links_going_down_the_hierarchy():
    links = stock_flow.flow_links(pairs())
    fig = figures.flow_figure(links, pairs(), "vi", LABELS)
    (sankey,) = fig.data
    labels = list(sankey.node.label)
    assert labels[:2] == ["Nhập từ tuyến trên", "Kho tỉnh"]
    assert "Huyện Vụ Bản" in labels  # a district store by its district
    assert "Trạm Y tế Liên Bảo" in labels  # a site store by its short name
    ends = zip(sankey.link.source, sankey.link.target, sankey.link.value, strict=True)
    drawn = {(labels[s], labels[t]): v for s, t, v in ends}
    assert drawn[("Nhập từ tuyến trên", "Kho tỉnh")] == 650
    assert drawn[("Kho tỉnh", "Huyện Vụ Bản")] == 300
    assert sum(sankey.link.value) == 650 + 300 + 100 + 50  # the return up is not drawn
    colours = dict(zip(labels, sankey.node.color, strict=True))
    assert colours["Kho tỉnh"] == figures.NODE_COLOURS["province"]
    headers = [a.text for a in fig.layout.annotations]
    assert headers == ["<b>Tuyến trên</b>", "<b>Tỉnh</b>", "<b>Huyện</b>", "<b>Điểm tiêm</b>"]


def test_site_stores_grouped_by_district_are_labelled_by_their_number():
    links = stock_flow.flow_links(pairs(), site_nodes=1)
    names = figures.node_labels(stock_flow.drawn_links(links), pairs(), LABELS)
    assert names["f:359"] == "2 điểm tiêm"


def test_flow_table_names_the_sender_of_each_pair():
    table = figures.flow_table(pairs(), {"AZ": "AstraZeneca"}, LABELS)
    assert table["Từ"].tolist()[:2] == ["Nhập từ tuyến trên", "Kho vắc xin CDC"]
    assert table["Vắc xin"].tolist()[-2:] == ["PFIZER", "AstraZeneca"]  # a code without a name
    assert table["Huyện của kho nhận"].iloc[0] == "—"


def test_store_table_is_text_with_short_names():
    stores = pd.DataFrame(
        {
            "store_id": ["S36"],
            "level": ["province"],
            "name": ["Kho vắc xin Trung tâm Kiểm soát bệnh tật tỉnh Nam Định"],
            "district_name": [None],
            "vaccine_code": ["AZ"],
            "vaccine_name": ["AstraZeneca (Vaxzevria / COVISHIELD)"],
            "received": [1250],
            "issued_out": [600],
            "administered": [30],
            "wasted": [2],
            "adjustment": [2],
            "on_hand": [1620],
            "declared_remaining": pd.array([None], dtype="Int64"),
            "wastage_rate": [2 / 32],
            "days_of_stock": [1620 / (30 / 7)],
        }
    )
    row = figures.store_table(stores, "vi", LABELS).iloc[0]
    assert row["Kho"] == "Trung tâm Kiểm soát bệnh tật tỉnh Nam Định"
    assert (row["Tuyến"], row["Vắc xin"]) == ("Tỉnh", "AstraZeneca")
    assert (row["Số nhập"], row["Số tồn (sổ kho)"], row["Số tồn báo cáo"]) == (
        "1.250",
        "1.620",
        "—",
    )
    assert (row["Số ngày đủ dùng"], row["Tỷ lệ hủy"]) == (
        "378,0",
        "6,2 %",
    )  # 6.25 % rounded half to even


def test_gaps_and_lots_tables():
    gaps = pd.DataFrame(
        {
            "facility_id": ["F2"], "name": ["Trạm Y tế Xã Minh Tân"],
            "district_name": ["Huyện Vụ Bản"], "declared_remaining": [80], "on_hand": [85],
            "stock_discrepancy": [-5], "administered": [20], "doses": [3],
            "administered_gap": [17], "largest_gap": [17],
        }
    )  # fmt: skip
    row = figures.gaps_table(gaps, "vi", LABELS).iloc[0]
    assert (row["Chênh lệch tồn kho"], row["Chênh lệch sử dụng"]) == ("-5", "+17")
    lots = pd.DataFrame(
        {
            "store_id": ["SF1"], "store_name": ["Kho vắc xin Trạm Y tế Hạ Long"],
            "level": ["facility"], "district_name": ["Thành phố Nam Định"],
            "vaccine_code": ["AZ"], "lot_number": [None], "expiry_date": [date(2021, 12, 31)],
            "on_hand": [1185], "days_left": [21],
        }
    )  # fmt: skip
    table = figures.lots_table(lots, {"AZ": "AstraZeneca (Vaxzevria)"}, "vi", LABELS)
    assert table.iloc[0].tolist() == [
        "Trạm Y tế Hạ Long", "Điểm tiêm", "AstraZeneca", "—", "31/12/2021", "21", "1.185",
    ]  # fmt: skip
