"""The new sections through Streamlit's AppTest, in both languages: who is due on the
coverage page, days until stock-out on the stock page."""

from __future__ import annotations

from page_support import metrics, open_page, table_with
from platform_builder import _visit

COVERAGE = "app_pages/coverage.py"
STOCK = "app_pages/stock.py"
WEEK = "2021-W37"  # 2021-09-13 .. 2021-09-19


def _people_due(rows: dict) -> None:
    """C14 (commune 13633, district 356): AZ dose 1 on 2021-07-01, due 2021-08-26: due on
    09-19 (day 80 of 56 + 28). C15 (13771, district 359): Pfizer dose 1 on 2021-07-25, due
    08-15: overdue on 09-19 (day 56 > 21 + 28)."""
    rows["visit"] += [
        _visit("V80", "C14", "F1", "2021-07-01", "2021-07-01 01:00",
               injected="2021-07-01 01:20", vaccine="AZ", dose=1, kind="primary"),
        _visit("V81", "C15", "F2", "2021-07-25", "2021-07-25 01:00",
               injected="2021-07-25 01:20", vaccine="PFIZER", dose=1, kind="primary"),
    ]  # fmt: skip


def _tiny(warehouses) -> str:
    return warehouses.tiny("due", _people_due)


def test_who_is_due_on_the_coverage_page_in_vietnamese(monkeypatch, warehouses):
    at = open_page(COVERAGE, monkeypatch, _tiny(warehouses), week=WEEK)
    assert any("Người đến hạn tiêm mũi tiếp theo (cuối ngày 19/09/2021)" in s.value
               for s in at.subheader)  # fmt: skip
    cards = metrics(at)
    assert cards["Mũi cơ bản đến hạn"].value == "1"
    assert cards["Mũi cơ bản quá hạn"].value == "1"
    assert cards["Mũi nhắc lại đến hạn"].value == "0"
    by_area = table_with(at, "Mũi cơ bản quá hạn")
    assert by_area.set_index("Địa bàn")["Mũi cơ bản quá hạn"].to_dict()["Huyện Vụ Bản"] == 1
    by_vaccine = table_with(at, "Khoảng cách (ngày)")
    assert "Mũi cơ bản tiếp theo" in set(by_vaccine["Mũi chờ tiêm"])
    sources = table_with(at, "Nguồn")
    assert sources["Nguồn"].str.contains("10722/BYT-DP").any()


def test_who_is_due_in_english_for_a_district(monkeypatch, warehouses):
    at = open_page(COVERAGE, monkeypatch, _tiny(warehouses), week=WEEK, district="359",
                   lang="en")  # fmt: skip
    assert any("People due for their next dose (end of 19/09/2021)" in s.value
               for s in at.subheader)  # fmt: skip
    cards = metrics(at)
    assert (cards["Primary dose due"].value, cards["Primary dose overdue"].value) == ("0", "1")
    by_area = table_with(at, "Primary dose overdue")
    assert list(by_area["Area"]) == ["Xã Minh Tân"]  # the communes of Vụ Bản with anyone


def test_a_broken_interval_file_hides_the_section_with_a_reason(monkeypatch, warehouses, tmp_path):
    bad = tmp_path / "intervals.toml"
    bad.write_text("grace_days = -3\n", encoding="utf-8")
    monkeypatch.setenv("VAX_DOSE_INTERVALS_CONFIG", str(bad))
    at = open_page(COVERAGE, monkeypatch, _tiny(warehouses), week=WEEK)
    warning = " ".join(w.value for w in at.warning)
    assert "grace_days must be a whole number of days >= 0" in warning
    assert "Mũi cơ bản đến hạn" not in metrics(at)


def test_days_until_stockout_on_the_stock_page_in_both_languages(monkeypatch, warehouses):
    url = warehouses.tiny()
    at = open_page(STOCK, monkeypatch, url, week=WEEK)
    captions = " ".join(c.value for c in at.caption)
    assert "Số ngày = (tồn kho + đang vận chuyển đến kho) ÷ mức dùng mỗi ngày" in captions
    table = table_with(at, "Số ngày còn đủ")
    # SF1 at the end of 09-19: 185 on hand, 12 used in 14 days -> 215 days (by hand).
    row = table[(table["Kho"] == "Kho TYT Hạ Long")].iloc[0]
    assert (row["Tồn kho"], row["Số ngày còn đủ"], row["Dự kiến hết"]) == (
        "185", "215", "22/04/2022",
    )  # fmt: skip
    at = open_page(STOCK, monkeypatch, url, week=WEEK, lang="en")
    table = table_with(at, "Days left")
    assert "no use" in set(table["Days left"])  # Pfizer at the province store
