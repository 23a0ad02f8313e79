"""The weekly briefing (dashboard/briefing/) on the small simulated province: the deck read back
with python-pptx and the PDF's text extracted with pypdf hold the key figures of
`queries.overview.kpis` for the same scope and week, in both languages; the trend is a native
chart holding `queries.overview.daily_trend`'s doses; the coverage map is a picture on its own
slide and a page of the PDF, of the ranked areas only; the command line writes both files and
refuses bad input with one line."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from io import BytesIO

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from dashboard import format as fmt
from dashboard.briefing import __main__ as cli
from dashboard.briefing import area_map, content, files
from queries import coverage as coverage_q
from queries import overview
from queries.definitions import METRICS
from queries.scope import Period, resolve_scope

WEEK = "2021-W42"
PERIOD = Period(date(2021, 10, 18), date(2021, 10, 24))
TREND = Period(PERIOD.end - timedelta(days=7 * 8 - 1), PERIOD.end)  # 8 weeks to the week's end


@pytest.fixture(scope="module")
def made(small_province) -> dict:
    url = small_province[1]
    out = {}
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            for lang, code in (("vi", "36"), ("en", "356")):
                scope = resolve_scope(conn, code)
                kpis = overview.kpis(conn, scope, PERIOD).set_index("window")
                trend = overview.daily_trend(conn, scope, TREND)
                out[lang] = (files.make(conn, scope, WEEK, lang), kpis, trend, code)
    finally:
        engine.dispose()
    return out


def deck_text(data: bytes) -> tuple[list[str], list]:
    prs = Presentation(BytesIO(data))
    texts, charts = [], []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                for row in shape.table.rows:
                    texts.append(" | ".join(cell.text for cell in row.cells))
            if shape.has_chart:
                charts.append(shape.chart)
    return texts, charts


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def kpi_lines(kpis, lang: str) -> list[str]:
    """The key-figure rows as the files must write them: the label, this week and last week,
    from the query (independently formatted here)."""
    cur, prev = kpis.loc["current"], kpis.loc["previous"]
    lines = []
    for column, metric, kind, _ in content.KPIS:

        def show(v, kind=kind):
            if kind == "percent":
                return fmt.percent(v, lang)
            return fmt.number(v, lang, 1 if kind == "decimal" else 0)

        lines.append((METRICS[metric].label(lang), show(cur[column]), show(prev[column])))
    return lines


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_deck_holds_the_weeks_key_figures(made, lang):
    result, kpis, _, _ = made[lang]
    texts, charts = deck_text(result.pptx)
    assert all(unicodedata.is_normalized("NFC", t) for t in texts)
    rows = [t.split(" | ") for t in texts if " | " in t]
    for label, this_week, last_week in kpi_lines(kpis, lang):
        found = [r for r in rows if r[0] == label]
        assert found, label
        assert found[0][1:3] == [this_week, last_week], label
    assert kpis.loc["current", "doses"] > 0  # the week is not empty: the check means something


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_pdf_holds_the_same_key_figures(made, lang):
    result, kpis, _, _ = made[lang]
    text = pdf_text(result.pdf)
    lines = [unicodedata.normalize("NFC", line) for line in text.splitlines()]
    for label, this_week, last_week in kpi_lines(kpis, lang):
        assert any(
            line.startswith(label) and f"{this_week} {last_week}" in line for line in lines
        ), (label, this_week, last_week)
    assert result.briefing.area in text
    assert (result.briefing.title in text) or (result.briefing.title.split(":")[0] in text)


def test_the_trend_is_a_native_chart_of_the_querys_doses(made):
    result, _, trend, _ = made["vi"]
    b = result.briefing
    _, charts = deck_text(result.pptx)
    native = next(c for c in charts if len(list(c.plots[0].categories)) == len(trend))
    assert list(native.plots[0].categories)[-1] == "24/10"
    series = {s.name: list(s.values) for s in native.plots[0].series}
    for group in overview.DOSE_GROUPS:
        assert series[b.trend_labels[group]] == [float(v) for v in trend[group]]
    assert sum(series[b.trend_labels["dose1"]]) > 0


def test_the_scope_and_language_are_the_ones_asked_for(made):
    result, _, _, code = made["en"]
    assert code == "356" and result.briefing.area == "Thành phố Nam Định"
    assert result.stem == "weekly-briefing_thanh-pho-nam-dinh_2021-W42"
    assert "Week 42" in pdf_text(result.pdf)
    assert made["vi"][0].stem == "giao-ban-tuan_tinh-nam-dinh_2021-W42"


def test_command_line_writes_both_files(small_province, tmp_path, capsys):
    code = cli.main(["--week", WEEK, "--scope", "356", "--out", str(tmp_path),
                     "--warehouse-url", small_province[1]])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out.split()
    assert [p.rsplit("/", 1)[1] for p in printed] == [
        "giao-ban-tuan_thanh-pho-nam-dinh_2021-W42.pptx",
        "giao-ban-tuan_thanh-pho-nam-dinh_2021-W42.pdf",
    ]
    assert PdfReader(printed[1]).pages and Presentation(printed[0]).slides


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (["--week", "2021-42"], "usage:"),
        (["--week", WEEK, "--scope", "999"], "error: unknown scope '999'"),
    ],
)
def test_command_line_refuses_bad_input(small_province, tmp_path, capsys, args, start):
    argv = [*args, "--out", str(tmp_path), "--warehouse-url", small_province[1]]
    try:
        code = cli.main(argv)
    except SystemExit as exc:  # argparse
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert start in err and "Traceback" not in err
    assert not list(tmp_path.glob("*.p*"))


# --- the coverage map ------------------------------------------------------------------------
def map_slide(data: bytes):
    """The slide holding a picture, and the slide before it."""
    slides = list(Presentation(BytesIO(data)).slides)
    for i, slide in enumerate(slides):
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        if pictures:
            return slide, pictures, slides[i - 1]
    raise AssertionError("no slide with a picture")


def assert_drawn(picture) -> None:
    """A map was drawn: many colours, and a good part of the picture in the scale's blues (the
    areas' fills), not just white with a colour bar."""
    rgb = picture.convert("RGB")
    pixels = np.asarray(rgb.resize((rgb.width // 4, rgb.height // 4))).reshape(-1, 3).astype(int)
    assert len({tuple(p) for p in pixels}) >= 10
    blue = pixels[:, 2] - pixels[:, 0] >= 6  # white and greys have none
    assert blue.mean() > 0.05, blue.mean()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_deck_has_a_slide_with_the_coverage_map_picture(made, lang):
    from PIL import Image

    result = made[lang][0]
    b = result.briefing
    prs = Presentation(BytesIO(result.pptx))
    slide, pictures, before = map_slide(result.pptx)
    assert len(pictures) == 1
    shape = pictures[0]
    assert (shape.width, shape.height) == (prs.slide_width, prs.slide_height)  # the whole slide
    image = Image.open(BytesIO(shape.image.blob))
    assert image.size == (area_map.WIDTH * area_map.SCALE, area_map.HEIGHT * area_map.SCALE)
    assert_drawn(image)
    # Right after the ranking it maps.
    assert b.ranking_title in [s.text_frame.text for s in before.shapes if s.has_text_frame]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_pdf_has_a_page_with_the_coverage_map(made, lang):
    result = made[lang][0]
    b = result.briefing
    pages = [
        p for p in PdfReader(BytesIO(result.pdf)).pages if b.area_map.title in p.extract_text()
    ]
    assert len(pages) == 1
    images = pages[0].images
    assert len(images) == 1
    picture = images[0].image
    assert picture.size == (area_map.WIDTH * area_map.SCALE, area_map.HEIGHT * area_map.SCALE)
    assert_drawn(picture)


def _codes_in(text: str, code: str) -> bool:
    """`code` as a whole token (not inside a longer number or a coordinate's decimals)."""
    return re.search(rf"(?<![\d.]){code}(?![\d.])", text) is not None


def test_a_district_briefing_maps_its_own_communes_and_nothing_else(made, small_province):
    result = made["en"][0]
    b = result.briefing
    engine = sa.create_engine(small_province[1])
    try:
        with engine.connect() as conn:
            areas = pd.read_sql_query(
                sa.text("SELECT area_code, area_level, name, parent_code FROM area"), conn
            )
            # The coverage page's own reading of the district's communes.
            page = coverage_q.coverage_by_area(conn, resolve_scope(conn, "356"), PERIOD)
    finally:
        engine.dispose()
    own = set(areas.loc[areas["parent_code"] == "356", "area_code"])
    assert len(own) > 5
    fig = b.figures["map"]
    shapes = [t for t in fig.data if t.type == "choropleth"]
    assert len(shapes) == 1  # no grey districts behind
    assert set(shapes[0].locations) == own and len(shapes[0].locations) == len(own)
    assert {f["id"] for f in shapes[0].geojson["features"]} == own
    labels = next(t for t in fig.data if t.type == "scattergeo" and t.mode == "text")
    assert len(labels.text) == len(own)
    # The coverage page's figures for the same measure, target group and week, area by area.
    expected = dict(zip(page["area_code"], page["coverage_full"] * 100, strict=True))
    drawn = dict(zip(shapes[0].locations, shapes[0].z, strict=True))
    assert drawn == pytest.approx(expected)
    # The key names every commune of the district, and nothing of another district.
    shown = fig.to_json()
    key = " ".join(a.text for a in fig.layout.annotations)
    for name in areas.loc[areas["area_code"].isin(own), "name"]:
        assert name in key, name
    others = areas[~areas["area_code"].isin(own | {"356", "36"})]
    assert len(others) > 100
    for row in others.itertuples():
        assert not _codes_in(shown, row.area_code), row.area_code
        assert row.name not in shown and row.name not in key, row.name


def test_a_province_briefing_maps_the_districts(made):
    result = made["vi"][0]
    b = result.briefing
    shapes = [t for t in b.figures["map"].data if t.type == "choropleth"]
    ranked = b.ranking_chart
    assert len(shapes) == 1 and b.area_map.level == "district"
    assert set(shapes[0].locations) == set(ranked["area_code"]) and len(ranked) == 10
    drawn = dict(zip(shapes[0].locations, shapes[0].z, strict=True))
    expected = dict(zip(ranked["area_code"], ranked["coverage_full"] * 100, strict=True))
    assert drawn == pytest.approx(expected)


def test_a_communes_briefing_ranks_and_maps_its_districts_communes_with_it_outlined(
    small_province,
):
    engine = sa.create_engine(small_province[1])
    try:
        with engine.connect() as conn:
            b = content.gather(conn, resolve_scope(conn, "13633"), WEEK, "vi")
            own = set(
                conn.execute(
                    sa.text("SELECT area_code FROM area WHERE parent_code = '356'")
                ).scalars()
            )
    finally:
        engine.dispose()
    assert "13633" in own
    assert set(b.ranking_chart["area_code"]) == own  # no other district's row
    shapes, outline = (t for t in b.figures["map"].data if t.type == "choropleth")
    assert set(shapes.locations) == own
    assert list(outline.locations) == ["13633"] and outline.marker.line.width == 3
