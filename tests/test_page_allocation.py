"""The allocation proposal's inputs (queries/allocation_inputs.py) on the tiny hand-made
platform, on SQLite and PostgreSQL, with the numbers worked out by hand from
tests/platform_builder.py; and the page (dashboard/app_pages/allocation.py) through AppTest in
both languages. The day is 19/09/2021 (the week 2021-W37)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from page_support import open_page, param
from test_queries_overview import population, warehouse  # noqa: F401 - the fixture

from dashboard import allocation_text
from queries import allocation
from queries import allocation_inputs as inputs_q
from queries.scope import resolve_scope
from warehouse import engine as wh_engine

DAY = date(2021, 9, 19)


def read_sites(url: str, vaccine: str, days: int = 14):
    engine = wh_engine.make_engine(url, create_dir=False, must_exist=True)
    try:
        with engine.connect() as conn:
            scope = resolve_scope(conn, "36")
            return (
                inputs_q.sites(conn, scope, DAY, vaccine, "18+", 8, days),
                inputs_q.province_lots(conn, vaccine, DAY),
            )
    finally:
        engine.dispose()


def test_the_inputs_are_counted_as_by_hand(warehouse):  # noqa: F811
    sites, lots = read_sites(warehouse, "AZ")
    got = sites.set_index("facility_id")
    # Sites with their own store: F1 (SF1) and F2 (SF2); F3 has none.
    assert list(got.index) == ["F1", "F2"]
    # Sessions of 23/08-19/09 with a throughput: F1 on 15/09 (V03 01:20 to V07 16:50 UTC:
    # 15.5 h, 2 doses on 2 tables); F2 on 17/09 (V12 01:20 to V13 02:20: 1 h, 2 doses, 3
    # tables); the days with one injection have none.
    assert got.loc["F1", "per_table_hour"] == pytest.approx(2 / 31)
    assert got.loc["F2", "per_table_hour"] == pytest.approx(2 / 3)
    # capacity = per table-hour × tables × 8 h × 14 days, rounded down
    assert got["capacity"].tolist() == [14, 224]  # 14.45 and 224
    # AZ on hand at the end of 19/09: SF1 185, SF2 85; nothing in transit.
    assert got["stock"].tolist() == [185, 85]
    # Not vaccinated: the commune's 18+ population less its people with >= 1 dose (13633: C03,
    # C12, C13; 13771: P1, C10, C11); nobody is due yet under the shipped intervals.
    assert got.loc["F1", "unvaccinated"] == population(warehouse, "13633") - 3
    assert got.loc["F2", "unvaccinated"] == population(warehouse, "13771") - 3
    assert got["due"].tolist() == [0, 0]
    assert got["need"].tolist() == got["commune_need"].tolist()  # one site per commune
    # The province store: S36's AZ lot, 1000 + 50 - 300 - 200 = 550, expiring 31/12/2021.
    assert lots.to_dict("records") == [
        {"lot_number": "LOT-AZ-01", "expiry_date": date(2021, 12, 31), "on_hand": 550}
    ]
    # 550 doses: F1's stock covers its capacity (room 0); F2 gets its room 224 - 85 = 139.
    p = allocation.allocate(sites, 550)
    assert dict(zip(p.sites["facility_id"], p.sites["proposed"], strict=True)) == {
        "F1": 0, "F2": 139,
    }  # fmt: skip
    assert (p.left, p.sites["reason"].tolist()) == (411, ["stock_covers", "full"])


def test_the_first_lots_expiry_shortens_the_window():
    assert inputs_q.window_days(DAY, 14, date(2021, 9, 25)) == 6
    assert inputs_q.window_days(DAY, 14, date(2021, 12, 31)) == 14
    assert inputs_q.window_days(DAY, 14, None) == 14


@pytest.fixture(scope="module")
def tiny(warehouses) -> str:
    return warehouses.tiny()


def page(monkeypatch, url: str, lang: str):
    return open_page("app_pages/allocation.py", monkeypatch, url, lang=lang, week="2021-W37")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_page_proposes_the_province_stock_by_the_rule(monkeypatch, tiny, lang):
    at = page(monkeypatch, tiny, lang)
    title = "Phân bổ vắc xin" if lang == "vi" else "Vaccine allocation"
    assert at.title[0].value == title
    # The province store holds more PFIZER (600) than AZ (550): PFIZER by default, all of it.
    assert at.selectbox(key="opt_vaccine").value == "PFIZER"
    assert at.number_input(key="alloc_quantity_PFIZER").value == 600
    # No site holds PFIZER: rooms are the capacities 14 (F1) and 224 (F2), 238 < 600.
    lines = [m.value for m in at.markdown]
    expected = (
        "Đề xuất 238 liều cho 2 điểm tiêm; tổng phần thiếu 238 liều; còn lại ở kho tỉnh 362 liều."
        if lang == "vi"
        else "Proposed 238 doses to 2 sites; total shortfall 238 doses; 362 doses stay at the "
        "province store."
    )
    assert expected in lines
    lab = allocation_text.labels(lang)
    sites = next(d.value for d in at.dataframe if lab["reason"] in d.value.columns)
    got = dict(zip(sites[lab["site"]], sites[lab["proposed"]], strict=True))
    # Numbers shown the way of the language (read only); the editable column holds numbers.
    assert got == {"Trạm Y tế Phường Hạ Long": "14", "Trung tâm Y tế huyện Vụ Bản": "224"}
    assert sorted(sites[lab["edited"]].tolist()) == [14, 224]
    whole = "nhận đủ phần thiếu" if lang == "vi" else "gets its whole shortfall"
    assert all(whole in r for r in sites[lab["reason"]])
    districts = next(d.value for d in at.dataframe if lab["sites"] in d.value.columns)
    assert districts[lab["edited"]].sum() == 238
    assert at.success, "the edited total is checked"


def test_another_vaccine_and_quantity_and_the_edited_total(monkeypatch, tiny):
    at = page(monkeypatch, tiny, "vi")
    at.selectbox(key="opt_vaccine").set_value("AZ").run()
    assert param(at, "vaccine") == "AZ"
    at.number_input(key="alloc_quantity_AZ").set_value(100).run()
    assert not at.exception
    lab = allocation_text.labels("vi")
    sites = next(d.value for d in at.dataframe if lab["reason"] in d.value.columns)
    rows = sites.set_index(lab["site"])
    # F1's 185 AZ cover its capacity 14; F2's room 139 > 100: all 100 to F2.
    assert rows.loc["Trạm Y tế Phường Hạ Long", lab["proposed"]] == "0"
    assert "tồn kho đủ, không phân bổ" in rows.loc["Trạm Y tế Phường Hạ Long", lab["reason"]]
    assert rows.loc["Trung tâm Y tế huyện Vụ Bản", lab["proposed"]] == "100"
    assert "nhận 71,9 % phần thiếu" in rows.loc["Trung tâm Y tế huyện Vụ Bản", lab["reason"]]
    # The "use the province stock" button puts back what the store holds.
    at.button[0].click().run()
    assert at.number_input(key="alloc_quantity_AZ").value == 550


def test_the_totals_check_after_editing():
    sites = pd.DataFrame(
        {"facility_id": ["A", "B"], "district_code": ["D", "D"], "need": [50, 50],
         "capacity": [100, 100], "stock": [0, 0]}
    )  # fmt: skip
    p = allocation.allocate(sites, 60)
    ok = allocation_text.totals_line(60, p, "vi")
    assert ok == ("ok", "Tổng sau khi sửa: 60 liều, bằng đề xuất.")
    state, line = allocation_text.totals_line(55, p, "vi")
    assert state == "off" and "-5 so với đề xuất (60 liều)" in line
    state, line = allocation_text.totals_line(1200, p, "en")
    assert state == "over" and "1,200 doses" in line


def test_an_unreadable_intervals_file_gets_one_line(monkeypatch, tiny, tmp_path):
    bad = tmp_path / "intervals.toml"
    bad.write_text("grace_days = -1\n", encoding="utf-8")
    monkeypatch.setenv("VAX_DOSE_INTERVALS_CONFIG", str(bad))
    at = page(monkeypatch, tiny, "vi")
    assert len(at.warning) == 1 and "grace_days" in at.warning[0].value
    assert not any("Traceback" in m.value for m in at.markdown)
