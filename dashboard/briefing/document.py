"""The weekly briefing as a PDF (fpdf2, A4 landscape) with the deck's content page for page: the
key figures, the decisions needed, the alerts, the trend and ranking charts (drawn by the chart
renderer of `dashboard.exports.images`), deferrals, stock, certificates and adverse events. Text
is set in DejaVu Sans (Debian's fonts-dejavu-core), which covers Vietnamese."""

from __future__ import annotations

import logging
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from dashboard import format as fmt
from dashboard.briefing import area_map
from dashboard.briefing.content import KPIS, Briefing, Table, nfc, shown
from dashboard.exports import images

log = logging.getLogger(__name__)
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/local/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
)
FONT = "DejaVu"
BLUE, GREY = (31, 78, 121), (89, 89, 89)
CHART_W, CHART_H = 1600, 900  # the chart images, drawn at this size


class FontMissing(RuntimeError):
    """No DejaVu Sans on this machine (the fonts-dejavu-core package)."""


def font_files() -> tuple[Path, Path]:
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            return regular, bold
    raise FontMissing(
        "no DejaVu Sans font for the PDF: install Debian's fonts-dejavu-core (`make fonts`)"
    )


class _Pdf(FPDF):
    def __init__(self, b: Briefing) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.briefing = b
        regular, bold = font_files()
        self.add_font(FONT, "", str(regular))
        self.add_font(FONT, "B", str(bold))
        self.set_auto_page_break(True, margin=16)
        self.set_margins(14, 12, 14)
        self.set_title(nfc(f"{b.title} · {b.area} · {b.period_text}"))
        self.set_creator(nfc(b.source))

    def header(self) -> None:
        if self.page_no() == 1:
            return
        b = self.briefing
        self.set_font(FONT, "", 9)
        self.set_text_color(*GREY)
        self.cell(0, 5, nfc(f"{b.title} · {b.area} · {b.period_text}"),
                  new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
        self.ln(2)

    def footer(self) -> None:
        b = self.briefing
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*GREY)
        line = b.t("briefing_source", source=b.source, data_as_of=b.data_as_of)
        self.cell(0, 5, nfc(line), new_x=XPos.RIGHT, new_y=YPos.TOP)
        self.set_x(-40)
        self.cell(26, 5, b.t("briefing_page", n=self.page_no()), align="R")

    def heading(self, text: str) -> None:
        self.set_font(FONT, "B", 17)
        self.set_text_color(*BLUE)
        self.multi_cell(0, 9, nfc(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.ln(2)

    def paragraph(self, text: str, size: float = 11) -> None:
        self.set_font(FONT, "", size)
        self.multi_cell(0, size * 0.5, nfc(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)

    def grid(self, table: Table, widths=None, size: float = 10) -> None:
        if table.note:
            self.paragraph(table.note)
        if not table.rows:
            self.paragraph("—")
            return
        self.set_font(FONT, "", size)
        with self.table(
            col_widths=widths,
            line_height=size * 0.55,
            headings_style=_heading_style(),
            text_align="LEFT",
            padding=1.2,
        ) as grid:
            for values in [table.columns, *table.rows]:
                row = grid.row()
                for value in values:
                    row.cell(nfc(value))
        self.ln(3)

    def chart(self, b: Briefing, key: str, title: str) -> None:
        fig = b.figures.get(key)
        try:
            if key == "map":
                png = area_map.picture(b)  # drawn once for the deck and the PDF
            else:
                png = images.figure_image(
                    fig,
                    fmt="png",
                    title=title,
                    area=b.area,
                    period=b.period_text,
                    source=b.source,
                    data_as_of=b.data_as_of,
                    lang=b.lang,
                    scale=1,
                )
        except (images.BrowserMissing, images.RenderFailed) as exc:
            log.warning("briefing chart %s not drawn: %s", key, exc)
            self.paragraph(exc.message(b.lang))
            return
        width = self.epw
        height = width * CHART_H / CHART_W
        if height > self.eph - 20:
            height = self.eph - 20
            width = height * CHART_W / CHART_H
        self.image(png, x=self.l_margin + (self.epw - width) / 2, w=width, h=height)


def _heading_style():
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD", fill_color=(221, 231, 240))


def document(b: Briefing) -> bytes:
    """The briefing as PDF bytes."""
    pdf = _Pdf(b)
    pdf.add_page()
    pdf.ln(45)
    pdf.set_font(FONT, "B", 26)
    pdf.set_text_color(*BLUE)
    pdf.multi_cell(0, 12, nfc(b.title), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    pdf.set_font(FONT, "", 15)
    pdf.set_text_color(*GREY)
    for line in (b.area, b.period_text):
        pdf.cell(0, 9, nfc(line), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)

    pdf.add_page()
    pdf.heading(b.t("briefing_kpis"))
    kinds = {column: kind for column, _, kind, _ in KPIS}
    rows = [[k.label, k.shown, shown(k.previous, kinds[k.key], b.lang), k.change] for k in b.kpis]
    cols = [b.t("briefing_metric"), b.t("briefing_this_week"), b.t("briefing_last_week"),
            f"{b.t('briefing_change')} ({b.compared})"]  # fmt: skip
    pdf.grid(Table("", cols, rows), widths=(5, 2, 2, 3), size=11)

    pdf.add_page()
    pdf.heading(b.t("briefing_decisions"))
    for line in b.decisions or [b.t("briefing_no_decisions")]:
        pdf.paragraph(f"• {line}")
    pdf.ln(2)
    pdf.heading(b.alerts.title)
    pdf.grid(Table("", b.alerts.columns, b.alerts.rows), widths=(2, 2.5, 4, 9), size=9)
    if b.alerts.note:
        pdf.paragraph(b.alerts.note, 9)

    pdf.add_page()
    pdf.heading(b.trend_title)
    pdf.chart(b, "trend", b.trend_title)
    done = int(b.trend["total"].tail(7).sum())
    planned = int(b.trend["planned"].tail(7).sum())
    pdf.paragraph(
        f"{b.trend_labels['total']}: {fmt.number(done, b.lang)} · "
        f"{b.trend_labels['planned']}: {fmt.number(planned, b.lang)}"
    )

    pdf.add_page()
    pdf.heading(b.ranking_title)
    pdf.chart(b, "ranking", f"{b.ranking_title}: {b.ranking.columns[4]}")
    pdf.add_page()
    pdf.heading(b.ranking_title)
    pdf.grid(b.ranking, widths=(1, 5, 3, 3, 3, 3), size=10)
    pdf.add_page()
    pdf.heading(b.area_map.title)
    pdf.chart(b, "map", b.area_map.title)

    for section in b.sections:
        pdf.add_page()
        pdf.heading(section.title)
        pdf.grid(section)
    return bytes(pdf.output())
