"""The weekly briefing as a PowerPoint deck (python-pptx, 16:9): a title slide, the key figures,
the decisions needed, the alerts, the daily trend and the ranking as native charts (editable in
PowerPoint, their data inside the file), then deferrals, stock, certificates and adverse events
as tables; every slide carries the area, the week and the source line."""

from __future__ import annotations

import io

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.util import Emu, Inches, Pt

from dashboard import format as fmt
from dashboard.briefing import area_map
from dashboard.briefing.content import KPIS, Briefing, Table, nfc, shown
from dashboard.exports import images

WIDE, HIGH = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
BODY_TOP = Inches(1.25)
BLUE = RGBColor(0x1F, 0x4E, 0x79)
GREY = RGBColor(0x59, 0x59, 0x59)
GOOD, BAD = RGBColor(0x1B, 0x7F, 0x3B), RGBColor(0xB0, 0x2A, 0x2A)
FONT = "Arial"
DOSE_COLOURS = ("9ECAE1", "4292C6", "08519C")
LINES_PER_SLIDE = 8  # decisions a slide holds (each may take two lines at 14 pt)


def _text(slide, left, top, width, height, lines, size=14, bold=False, color=None):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate([lines] if isinstance(lines, str) else lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = nfc(line)
        run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT
        if color is not None:
            run.font.color.rgb = color
    return box


def _slide(prs, b: Briefing, title: str, number: int):
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    _text(slide, MARGIN, Inches(0.3), WIDE - 2 * MARGIN, Inches(0.6), title, 26, True, BLUE)
    _text(slide, MARGIN, Inches(0.82), WIDE - 2 * MARGIN, Inches(0.35),
          f"{b.area} · {b.period_text}", 13, color=GREY)  # fmt: skip
    footer = f"{b.t('briefing_source', source=b.source, data_as_of=b.data_as_of)}"
    _text(slide, MARGIN, HIGH - Inches(0.45), WIDE - 2.5 * MARGIN, Inches(0.3), footer, 9,
          color=GREY)  # fmt: skip
    _text(slide, WIDE - Inches(1.3), HIGH - Inches(0.45), Inches(0.9), Inches(0.3),
          str(number), 9, color=GREY)  # fmt: skip
    return slide


def _table(slide, table: Table, top=BODY_TOP, left=MARGIN, width=None, size=12, widths=None):
    width = width or WIDE - 2 * MARGIN
    if table.note:
        _text(slide, left, top, width, Inches(0.5), table.note, 13)
        top += Inches(0.55)
    if not table.rows:
        _text(slide, left, top, width, Inches(0.4), "—", 14)
        return
    rows = len(table.rows) + 1
    height = Emu(int(Inches(0.36) * rows))
    shape = slide.shapes.add_table(rows, len(table.columns), left, top, width, height)
    grid = shape.table
    if widths:
        total = sum(widths)
        for j, w in enumerate(widths):
            grid.columns[j].width = Emu(int(width * w / total))
    for i, row in enumerate([table.columns, *table.rows]):
        for j, value in enumerate(row):
            cell = grid.cell(i, j)
            cell.text = nfc(value)
            for para in cell.text_frame.paragraphs:
                for run in para.runs:
                    run.font.size, run.font.name, run.font.bold = Pt(size), FONT, i == 0


def _kpi_slide(prs, b: Briefing, n: int) -> None:
    slide = _slide(prs, b, b.t("briefing_kpis"), n)
    cols = [b.t("briefing_metric"), b.t("briefing_this_week"), b.t("briefing_last_week"),
            f"{b.t('briefing_change')} ({b.compared})"]  # fmt: skip
    kinds = {column: kind for column, _, kind, _ in KPIS}
    rows = [
        [k.label, k.shown, _previous(k.previous, kinds[k.key], b.lang), k.change] for k in b.kpis
    ]
    _table(slide, Table("", cols, rows), size=13, widths=[5, 2, 2, 3])


def _previous(value, kind: str, lang: str) -> str:
    return shown(value, kind, lang)


def _list_slides(prs, b: Briefing, title: str, lines: list[str], empty: str, n: int) -> int:
    """The lines as bullets, LINES_PER_SLIDE to a slide; the number of the last slide."""
    items = [f"• {line}" for line in lines] or [empty]
    for start in range(0, len(items), LINES_PER_SLIDE):
        shown = title if start == 0 else f"{title} ({start // LINES_PER_SLIDE + 1})"
        slide = _slide(prs, b, shown, n)
        _text(slide, MARGIN, BODY_TOP, WIDE - 2 * MARGIN, HIGH - BODY_TOP - Inches(0.6),
              items[start : start + LINES_PER_SLIDE], 14)  # fmt: skip
        n += 1
    return n - 1


def _trend_slide(prs, b: Briefing, n: int) -> None:
    slide = _slide(prs, b, b.trend_title, n)
    trend = b.trend
    data = CategoryChartData()
    data.categories = [pd.Timestamp(d).strftime("%d/%m") for d in trend["date"]]
    for group in ("dose1", "dose2", "dose3plus"):
        data.add_series(b.trend_labels[group], [int(v) for v in trend[group]])
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_STACKED,
        MARGIN,
        BODY_TOP,
        WIDE - 2 * MARGIN,
        HIGH - BODY_TOP - Inches(1.0),
        data,
    )
    chart = frame.chart
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(12)
    chart.plots[0].gap_width = 30
    for series, colour in zip(chart.series, DOSE_COLOURS, strict=True):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = RGBColor.from_string(colour)
    axis = chart.value_axis
    axis.tick_labels.number_format = "#,##0"
    axis.tick_labels.number_format_is_linked = False
    axis.tick_labels.font.size = Pt(11)
    chart.category_axis.tick_labels.font.size = Pt(10)
    planned = int(trend["planned"].tail(7).sum())
    done = int(trend["total"].tail(7).sum())
    line = (
        f"{b.trend_labels['total']}: {fmt.number(done, b.lang)} · "
        f"{b.trend_labels['planned']}: {fmt.number(planned, b.lang)}"
    )
    _text(slide, MARGIN, HIGH - Inches(1.0), WIDE - 2 * MARGIN, Inches(0.4), line, 12, color=GREY)


def _ranking_slide(prs, b: Briefing, n: int) -> None:
    slide = _slide(prs, b, b.ranking_title, n)
    df = b.ranking_chart.dropna(subset=["coverage_full"]).sort_values("coverage_full")
    half = (WIDE - 2 * MARGIN) / 2
    if len(df):
        data = CategoryChartData(number_format="0.0%")
        data.categories = [nfc(name) for name in df["name"]]
        label = b.ranking.columns[4]
        data.add_series(label, [float(v) for v in df["coverage_full"]])
        chart = slide.shapes.add_chart(
            XL_CHART_TYPE.BAR_CLUSTERED,
            MARGIN,
            BODY_TOP,
            Emu(int(half)),
            HIGH - BODY_TOP - Inches(0.7),
            data,
        ).chart
        chart.has_legend = False
        chart.has_title = True
        chart.chart_title.text_frame.text = nfc(label)
        chart.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(13)
        chart.plots[0].has_data_labels = True
        chart.plots[0].data_labels.number_format = "0.0%"
        chart.plots[0].data_labels.number_format_is_linked = False
        chart.plots[0].data_labels.font.size = Pt(9)
        chart.category_axis.tick_labels.font.size = Pt(9)
        chart.value_axis.minimum_scale = 0  # bars from zero, not from the lowest value
        chart.value_axis.tick_labels.number_format = "0%"
        chart.value_axis.tick_labels.number_format_is_linked = False
        chart.value_axis.tick_labels.font.size = Pt(9)
    table = Table("", b.ranking.columns, b.ranking.rows[:12])
    _table(slide, table, left=MARGIN + Emu(int(half)) + Inches(0.2),
           width=Emu(int(half)) - Inches(0.2), size=10, widths=[1.6, 5, 3, 3, 3, 3])  # fmt: skip


def _map_slide(prs, b: Briefing, n: int) -> None:
    """The coverage map as a picture filling the slide (it carries its own title, area, period,
    colour scale, source and data-as-of), or the reason it could not be drawn."""
    try:
        png = area_map.picture(b)
    except (images.BrowserMissing, images.RenderFailed) as exc:
        slide = _slide(prs, b, b.area_map.title, n)
        _text(slide, MARGIN, BODY_TOP, WIDE - 2 * MARGIN, Inches(0.5), exc.message(b.lang), 14)
        return
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    slide.shapes.add_picture(io.BytesIO(png), 0, 0, WIDE, HIGH)
    _text(slide, WIDE - Inches(1.3), HIGH - Inches(0.45), Inches(0.9), Inches(0.3),
          str(n), 9, color=GREY)  # fmt: skip


def deck(b: Briefing) -> bytes:
    """The briefing as .pptx bytes."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDE, HIGH
    first = prs.slides.add_slide(prs.slide_layouts[6])
    _text(first, MARGIN, Inches(2.2), WIDE - 2 * MARGIN, Inches(1.2), b.title, 34, True, BLUE)
    _text(first, MARGIN, Inches(3.6), WIDE - 2 * MARGIN, Inches(1.6),
          [b.area, b.period_text, b.t("briefing_source", source=b.source,
                                      data_as_of=b.data_as_of)], 18, color=GREY)  # fmt: skip
    n = 2
    _kpi_slide(prs, b, n)
    n += 1
    none = b.t("briefing_no_decisions")
    n = _list_slides(prs, b, b.t("briefing_decisions"), b.decisions, none, n)
    n += 1
    slide = _slide(prs, b, b.alerts.title, n)
    alerts = Table("", b.alerts.columns, b.alerts.rows, "")
    _table(slide, alerts, size=11, widths=[2, 2.5, 4, 9])
    if b.alerts.note:
        _text(slide, MARGIN, HIGH - Inches(0.9), WIDE, Inches(0.3), b.alerts.note, 11, color=GREY)
    n += 1
    _trend_slide(prs, b, n)
    n += 1
    _ranking_slide(prs, b, n)
    n += 1
    _map_slide(prs, b, n)
    for section in b.sections:
        n += 1
        slide = _slide(prs, b, section.title, n)
        _table(slide, section, size=12)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
