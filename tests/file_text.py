"""The files a page offers for download, as AppTest's runs serve them, and their content as text
for the leak check of tests/access_support.py.

AppTest gives every run a new media file manager (the store behind the download buttons) and
drops it after the run; `MediaFiles` keeps the last one, so that a button's file is read as the
browser would get it: the bytes stored for a button made with bytes, and for a button made with
a callable (the tables, made in the download request) the result of calling it through the
manager, as the server does on a click."""

from __future__ import annotations

import csv
import io
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime

import openpyxl
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import app_test


@dataclass(frozen=True)
class File:
    label: str
    name: str  # the file name the browser saves it under
    mime: str
    data: bytes

    @property
    def kind(self) -> str:
        return self.name.rsplit(".", 1)[-1]


class MediaFiles:
    """Keeps the media file manager of AppTest's latest run (patched in for the test)."""

    def __init__(self, monkeypatch) -> None:
        self.manager: MediaFileManager | None = None
        self.storage = None
        outer = self

        class Kept(MediaFileManager):
            def __init__(self, storage) -> None:
                super().__init__(storage)
                outer.manager, outer.storage = self, storage

        monkeypatch.setattr(app_test, "MediaFileManager", Kept)

    def downloads(self, at) -> list[File]:
        """Every download button of the latest run, with the file a click on it gets."""
        out = []
        for button in at.get("download_button"):
            proto = button.proto
            if proto.deferred_file_id:
                url = self.manager.execute_deferred(proto.deferred_file_id)
            else:
                url = proto.url
            stored = self.storage.get_file(url.rsplit("/", 1)[-1])
            out.append(File(proto.label, stored.filename, stored.mimetype, stored.content))
        return out


# --- content as text -------------------------------------------------------------------------
def _is_number(text: str) -> bool:
    try:
        float(text.replace(".", "").replace(",", "."))
    except ValueError:
        return False
    return True


def piece(value) -> str:
    """One value as the leak check reads it: a number bare (a count of 359 is no district
    code), any other text quoted, as a text value is in a page's protos."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool | int | float):
        return str(value)
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text if not text or _is_number(text) else f'"{text}"'


def xlsx_text(data: bytes) -> str:
    """Every cell of every sheet; text cells quoted even when they hold digits (a workbook
    keeps numbers as numbers, so text of digits is a code)."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    parts = []
    for sheet in book.worksheets:
        parts.append(f'"{sheet.title}"')
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    parts.append(f'"{unicodedata.normalize("NFC", value)}"')
                elif value is not None:
                    parts.append(piece(value))
    return "\n".join(parts)


def csv_text(data: bytes) -> str:
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    return "\n".join(piece(cell) for row in rows for cell in row)


def svg_text(data: bytes) -> str:
    """The text drawn in the picture (titles, labels, legend, source line)."""
    root = ET.fromstring(data)
    return "\n".join(piece(t) for t in root.itertext() if t.strip())


def svg_size(data: bytes) -> tuple[int, int]:
    root = ET.fromstring(data)
    return int(float(root.get("width"))), int(float(root.get("height")))


def _shapes(shapes):
    for shape in shapes:
        if shape.shape_type == 6:  # a group
            yield from _shapes(shape.shapes)
        else:
            yield shape


def pptx_parts(data: bytes) -> tuple[str, str]:
    """(the text of every shape, table cell and note; the charts' titles, categories, series
    names and values)."""
    from pptx import Presentation

    texts, charts = [], []
    deck = Presentation(io.BytesIO(data))
    for slide in deck.slides:
        for shape in _shapes(slide.shapes):
            if shape.has_text_frame:
                texts.extend(piece(p.text) for p in shape.text_frame.paragraphs)
            if shape.has_table:
                texts.extend(piece(c.text) for row in shape.table.rows for c in row.cells)
            if shape.has_chart:
                chart = shape.chart
                if chart.has_title:
                    charts.append(piece(chart.chart_title.text_frame.text))
                for plot in chart.plots:
                    charts.extend(piece(c) for c in plot.categories)
                    for series in plot.series:
                        charts.append(piece(series.name))
                        charts.extend(piece(v) for v in series.values)
        if slide.has_notes_slide:
            texts.append(piece(slide.notes_slide.notes_text_frame.text))
    return "\n".join(texts), "\n".join(charts)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    lines = []
    for page in PdfReader(io.BytesIO(data)).pages:
        lines.extend(piece(line) for line in page.extract_text().splitlines())
    return "\n".join(lines)


def text_of(file: File) -> str:
    """The file's content as the leak check reads it ("" for a PNG: see `svg_size`)."""
    if file.kind == "xlsx":
        return xlsx_text(file.data)
    if file.kind == "csv":
        return csv_text(file.data)
    if file.kind == "svg":
        return svg_text(file.data)
    if file.kind == "pptx":
        return "\n".join(pptx_parts(file.data))
    if file.kind == "pdf":
        return pdf_text(file.data)
    if file.kind == "png":
        return ""
    raise AssertionError(f"a download of an unexpected kind: {file.name}")
