"""The overview's report files (dashboard/report_files.py) through AppTest on the small simulated
province, in both languages: the daily report is made on a click and offered for saving, and the
workbook made holds the query's numbers for the day and area in view."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import openpyxl
import pytest
import sqlalchemy as sa
from page_support import open_page

from dashboard.exports import moh_report as report
from queries import moh_report
from queries.scope import resolve_scope

PAGE = "app_pages/overview.py"
LABELS = {
    "vi": ("Báo cáo và tài liệu họp", "Tạo báo cáo ngày", "Lưu báo cáo (XLSX)"),
    "en": ("Reports and meeting files", "Make the daily report", "Save the report (XLSX)"),
}


def query_rows(url: str, code: str, day: date):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return moh_report.facility_rows(conn, resolve_scope(conn, code), day)
    finally:
        engine.dispose()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_daily_report_is_made_on_a_click(monkeypatch, small_province, lang):
    url = small_province[1]
    title, make, save = LABELS[lang]
    at = open_page(PAGE, monkeypatch, url, lang=lang, week="2021-W42", district="356")
    assert title in [s.value for s in at.subheader]
    assert save not in [b.proto.label for b in at.get("download_button")]
    at.date_input(key="reports_moh_day").set_value(date(2021, 10, 20)).run()
    next(b for b in at.button if b.label == make).click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert save in [b.proto.label for b in at.get("download_button")]
    stamp, data = at.session_state["_reports_moh_file"]
    assert stamp[1:] == ("356", date(2021, 10, 20))
    ws = openpyxl.load_workbook(BytesIO(data)).active
    expected = query_rows(url, "356", date(2021, 10, 20))
    assert len(expected) > 0
    first = report.FIRST_HEADER_ROW + 2
    fields = [field for _, _, field in report.TEMPLATE]
    total = dict(zip(fields, next(ws.iter_rows(min_row=first, values_only=True)), strict=True))
    for column in ("checked_in", "deferred", "primary_1", "primary_2", "booster", "used"):
        assert total[column] == int(expected[column].sum()), column
    assert total["label"].endswith("Thành phố Nam Định")


BRIEFING = {
    "vi": ("Tạo báo cáo giao ban", "Lưu PPTX", "Lưu PDF", "Đã tạo xong"),
    "en": ("Make the briefing", "Save PPTX", "Save PDF", "Done"),
}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_briefing_is_made_on_a_click(monkeypatch, small_province, lang):
    from pptx import Presentation

    make, save_pptx, save_pdf, done = BRIEFING[lang]
    at = open_page(PAGE, monkeypatch, small_province[1], lang=lang, week="2021-W42")
    next(b for b in at.button if b.label == make).click().run()
    assert not at.exception, [e.message for e in at.exception]
    labels = [b.proto.label for b in at.get("download_button")]
    assert save_pptx in labels and save_pdf in labels
    assert done in [s.label for s in at.status]
    stamp, stem, pptx, pdf = at.session_state["_reports_briefing_files"]
    assert stamp[1:] == ("36", "2021-W42", lang)
    assert stem.endswith("_tinh-nam-dinh_2021-W42") and pdf.startswith(b"%PDF")
    assert len(Presentation(BytesIO(pptx)).slides) >= 8


def test_a_custom_range_has_no_briefing(monkeypatch, small_province):
    at = open_page(
        PAGE, monkeypatch, small_province[1], **{"from": "2021-10-18", "to": "2021-10-27"}
    )
    assert "Tạo báo cáo giao ban" not in [b.label for b in at.button]
    assert any("chọn một tuần" in c.value for c in at.caption)
