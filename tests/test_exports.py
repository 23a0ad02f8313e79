"""Files made for leaders (dashboard/exports/): the table of a chart as Excel and CSV, read back
and compared with the query behind it on both warehouse dialects; CSV byte-order mark and
formula neutralisation; chart images of the requested size that are not blank, SVG with its
title; file names; and the download controls on every page."""

from __future__ import annotations

import csv
import io
import os
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from conftest import DIALECTS, DatabaseFactory
from openpyxl import load_workbook
from page_support import etl, open_page, read
from PIL import Image
from platform_builder import create_platform, tiny_platform_rows

import settings
from dashboard import downloads, widgets
from dashboard.exports import images, names, tables
from dashboard.figures import overview as overview_fig
from queries import overview as overview_q
from queries.scope import Period

WEEK = Period(date(2021, 9, 13), date(2021, 9, 19))  # ISO week 2021-W37 of the tiny platform
LABELS = {
    "date": "Ngày",
    "dose1": "Mũi 1",
    "dose2": "Mũi 2",
    "dose3plus": "Mũi 3 trở lên",
    "total": "Tổng số mũi",
    "planned": "Kế hoạch",
    "plan_achievement": "Tỷ lệ hoàn thành kế hoạch",
}
INFO = tables.TableInfo(
    title="Số mũi tiêm theo ngày",
    area="Tỉnh Nam Định",
    period="Tuần 37: 13/09–19/09/2021",
    data_as_of="23:59 19/09/2021",
    source="Kho dữ liệu báo cáo",
    definitions=("Số mũi đã tiêm: số lượt tiêm hợp lệ",),
)


@pytest.fixture(scope="module", params=DIALECTS)
def warehouse(request, tmp_path_factory, pg_available):
    """The tiny platform's warehouse, on SQLite and on PostgreSQL."""
    if request.param == "postgresql" and not pg_available:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not reachable")
        pytest.skip("PostgreSQL is not reachable")
    factory = DatabaseFactory(request.param, tmp_path_factory.mktemp("exports"))
    try:
        platform = factory.new_url("platform")
        create_platform(platform, tiny_platform_rows())
        yield etl(platform, factory.new_url("warehouse"))
    finally:
        factory.drop_all()


def daily_table(trend: pd.DataFrame):
    """The overview's daily table as the page hands it to the table widget."""
    numbers = [LABELS[c] for c in (*overview_q.DOSE_GROUPS, "total", "planned")]
    table = overview_fig.daily_doses_table(trend, LABELS)
    return widgets.styled(table, "vi", numbers=numbers, percents=[LABELS["plan_achievement"]])


def sheet_rows(data: bytes):
    ws = load_workbook(io.BytesIO(data)).active
    return ws, [[c.value for c in row] for row in ws.iter_rows()]


# --- Excel -----------------------------------------------------------------------------------
def test_the_workbook_holds_the_querys_numbers_dates_and_header_block(warehouse):
    trend = read(warehouse, overview_q.daily_trend, "36", WEEK)
    assert trend["total"].sum() > 0  # the tiny platform vaccinates in this week
    df, kinds = downloads.frame_of(daily_table(trend))
    ws, rows = sheet_rows(tables.table_xlsx(df, INFO, kinds))

    assert rows[0][0] == INFO.title
    block = {r[0]: r[1] for r in rows[1:6]}
    assert block["Địa bàn"] == "Tỉnh Nam Định"
    assert block["Thời gian"] == INFO.period
    assert block["Dữ liệu cập nhật đến"] == INFO.data_as_of
    assert block["Định nghĩa"] == INFO.definitions[0]
    header = next(i for i, r in enumerate(rows) if r[0] == LABELS["date"])
    assert rows[header] == list(LABELS.values())
    assert ws.freeze_panes == f"A{header + 2}"  # the header row stays in view

    body = rows[header + 1 :]
    assert len(body) == len(trend) == 7
    for got, (_, want) in zip(body, trend.iterrows(), strict=True):
        assert isinstance(got[0], datetime) and got[0].date() == pd.Timestamp(want["date"]).date()
        for i, column in enumerate(("dose1", "dose2", "dose3plus", "total", "planned"), start=1):
            assert isinstance(got[i], int | float) and got[i] == want[column]
        if pd.isna(want["plan_achievement"]):
            assert got[6] is None
        else:
            assert got[6] == pytest.approx(float(want["plan_achievement"]))
    first = header + 2  # openpyxl rows count from 1
    assert ws.cell(first, 1).number_format == "dd/mm/yyyy"
    assert ws.cell(first, 2).number_format == "#,##0"
    assert ws.cell(first, 7).number_format == "0.0%"


def test_numbers_written_as_text_for_the_screen_go_out_as_numbers():
    from dashboard.figures.stock import as_text

    raw = pd.DataFrame({"Kho": ["Kho tỉnh", "Kho huyện"], "Tồn": [1234567.0, np.nan]})
    raw["Tỷ lệ"] = [0.918, 0.05]
    shown = as_text(raw, "vi", {"Tồn": "number", "Tỷ lệ": "percent"})
    assert shown["Tồn"].tolist() == ["1.234.567", "—"]
    df, kinds = downloads.frame_of(shown)
    assert df["Tồn"].iloc[0] == 1234567 and pd.isna(df["Tồn"].iloc[1])
    assert df["Tỷ lệ"].tolist() == pytest.approx([0.918, 0.05])
    assert kinds == {"Tồn": "number", "Tỷ lệ": "percent"}


# --- CSV -------------------------------------------------------------------------------------
def test_csv_has_a_bom_raw_numbers_iso_dates_and_neutralised_formulas():
    df = pd.DataFrame(
        {
            "Ngày": ["20/06/2022", "21/06/2022"],
            "Điểm tiêm": ['=HYPERLINK("http://x")', "@SUM(A1)"],
            "Ghi chú": ["+84 912", "-1"],
            "Số mũi": [1118, -3],
            "Tỷ lệ": [0.918, 0.5],
        }
    )
    data = tables.table_csv(df)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(df.columns)
    assert rows[1] == ["2022-06-20", '\'=HYPERLINK("http://x")', "'+84 912", "1118", "0.918"]
    assert rows[2] == ["2022-06-21", "'@SUM(A1)", "'-1", "-3", "0.5"]


def test_the_workbook_neutralises_formulas_too():
    df = pd.DataFrame({"Tên": ["=1+1", "Nam Định"], "Số": [1, 2]})
    _, rows = sheet_rows(tables.table_xlsx(df, INFO))
    body = rows[-2:]
    assert body == [["'=1+1", 1], ["Nam Định", 2]]


# --- names -----------------------------------------------------------------------------------
def test_file_names_say_title_area_and_period_in_ascii():
    assert names.slug("Huyện Hải Hậu") == "huyen-hai-hau"
    assert names.slug("Độ bao phủ: ≥ 1 mũi (18+)") == "do-bao-phu-1-mui-18"
    name = names.file_name("Bao phủ", "Huyện Hải Hậu", "2022-W25", "png")
    assert name == "bao-phu_huyen-hai-hau_2022-W25.png"
    span = names.period_part(date(2022, 6, 1), date(2022, 6, 30))
    assert names.file_name("Số mũi", "Tỉnh Nam Định", span, "xlsx") == (
        "so-mui_tinh-nam-dinh_2022-06-01_2022-06-30.xlsx"
    )


# --- images ----------------------------------------------------------------------------------
def chromium_or_skip() -> None:
    if not Path(settings.chromium_path()).exists():
        reason = f"{settings.chromium_path()} is missing (Debian's chromium package)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


def sample_figure() -> go.Figure:
    fig = go.Figure(go.Bar(x=["Hải Hậu", "Giao Thủy", "Ý Yên"], y=[1118, 950, 700], name="Mũi 1"))
    fig.add_trace(go.Scatter(x=["Hải Hậu", "Giao Thủy", "Ý Yên"], y=[1000, 900, 800], name="KH"))
    return fig


def image(fmt: str, **kw) -> bytes:
    return images.figure_image(
        sample_figure(),
        fmt=fmt,
        title="Số mũi tiêm theo huyện",
        area="Tỉnh Nam Định",
        period="Tuần 25: 20/06–26/06/2022",
        source="Kho dữ liệu báo cáo",
        data_as_of="23:59 26/06/2022",
        **kw,
    )


@pytest.mark.slow
def test_a_png_has_the_requested_size_and_is_not_blank():
    chromium_or_skip()
    data = image("png", width=1600, height=900, scale=2)
    picture = Image.open(io.BytesIO(data))
    assert picture.format == "PNG" and picture.size == (3200, 1800)
    pixels = np.asarray(picture.convert("L"), dtype=float)
    assert pixels.std() > 10  # bars, text and a white ground, not one colour
    assert (pixels < 128).mean() > 0.01  # dark ink: bars and text were drawn
    # The title band at the top and the source line at the foot are not empty.
    assert pixels[:200].std() > 5 and pixels[-100:].std() > 5


@pytest.mark.slow
def test_an_svg_carries_the_title_area_period_and_source():
    chromium_or_skip()
    svg = image("svg").decode("utf-8")
    assert svg.lstrip().startswith("<svg")
    for words in ("Số mũi tiêm theo huyện", "Tỉnh Nam Định", "Tuần 25", "Kho dữ liệu báo cáo"):
        assert words in svg
    assert 'width="1600"' in svg and 'height="900"' in svg


def test_a_missing_browser_is_said_in_the_users_language(monkeypatch, tmp_path):
    monkeypatch.setenv("VAX_CHROMIUM_PATH", str(tmp_path / "no-chromium"))
    with pytest.raises(images.BrowserMissing) as raised:
        image("png")
    assert "Chromium" in raised.value.message("vi") and "máy chủ" in raised.value.message("vi")
    assert "no Chromium" in raised.value.message("en")


# --- every page ------------------------------------------------------------------------------
PAGES = ("overview", "coverage", "screening", "stock", "certificates", "aefi", "flow", "quality")


@pytest.mark.parametrize("page", PAGES)
def test_every_chart_and_table_has_its_downloads(monkeypatch, small_province, page):
    at = open_page(f"app_pages/{page}.py", monkeypatch, small_province[1], week="2021-W42")
    charts = at.get("plotly_chart")
    popovers = at.get("popover")
    buttons = at.get("download_button")
    labels = [b.proto.label for b in buttons]
    assert charts and len(popovers) >= len(charts)
    assert labels.count("Excel (XLSX)") == labels.count("CSV") >= len(at.dataframe)


def test_a_sites_detail_has_its_chart_downloads(monkeypatch, small_province):
    from queries import sites as sites_q

    week = Period(date(2021, 10, 18), date(2021, 10, 24))
    status = read(small_province[1], sites_q.site_status, "36", week)
    busiest = str(status.sort_values("checked_in").iloc[-1]["facility_id"])
    at = open_page(
        "app_pages/sites.py", monkeypatch, small_province[1], week="2021-W42", site=busiest
    )
    assert len(at.get("plotly_chart")) == 2  # daily doses and the funnel (the map is pydeck)
    assert len(at.get("popover")) >= 2


def test_the_slide_layout_makes_room_for_labels_and_keeps_a_figures_wider_margins():
    fig = sample_figure().update_layout(margin={"l": 10, "r": 120}, height=1200)
    fig.update_yaxes(automargin=False)
    laid = images.annotated(
        fig, title="T", area="A", period="P", source="S", data_as_of="D", lang="en"
    )
    assert laid.layout.yaxis.automargin is True and laid.layout.xaxis.automargin is True
    assert laid.layout.margin.l == images.SIDE and laid.layout.margin.r == 120
    assert laid.layout.height > images.HEIGHT  # a tall ranking keeps its bars readable
    assert laid.layout.title.subtitle.text == "A · P"
    assert laid.layout.annotations[-1].text == "Source: S · Data as of D"
