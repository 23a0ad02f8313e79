"""The table behind a chart or a section as a file: an Excel workbook to work in (numbers kept
as numbers with display formats, dates as dates, a header block saying what the table is) and a
CSV for other programs (UTF-8 with a byte-order mark so Excel reads the Vietnamese letters, raw
numbers, text that a spreadsheet would take for a formula made harmless)."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dashboard.i18n import text

# Display formats, written in the file's own (locale-free) notation: Excel shows them with the
# reader's separators, so a Vietnamese Windows shows 1.234.567 and 91,8 %.
NUMBER_FORMATS = {
    "number": "#,##0",
    "decimal": "#,##0.0",
    "percent": "0.0%",
    "date": "dd/mm/yyyy",
    "datetime": "dd/mm/yyyy hh:mm",
}
KINDS = (*NUMBER_FORMATS, "text")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHOWN_DAY = re.compile(r"^\d{2}/\d{2}/\d{4}$")  # a day as the interface writes it
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
MAX_WIDTH = 60


@dataclass(frozen=True)
class TableInfo:
    """What a table is, for the header block of its workbook."""

    title: str
    area: str
    period: str
    data_as_of: str
    source: str = ""
    definitions: Sequence[str] = field(default_factory=tuple)
    lang: str = "vi"


def kinds_of(df: pd.DataFrame, given: Mapping[str, str] | None = None) -> dict[str, str]:
    """The kind of every column: the given ones, else from its values (whole numbers, other
    numbers, dates, date-times, text)."""
    given = dict(given or {})
    kinds: dict[str, str] = {}
    for col in df.columns:
        if col in given:
            kinds[col] = given[col]
            continue
        s = df[col]
        if pd.api.types.is_bool_dtype(s):
            kinds[col] = "text"
        elif pd.api.types.is_integer_dtype(s):
            kinds[col] = "number"
        elif pd.api.types.is_float_dtype(s):
            whole = s.dropna()
            whole = whole[whole.map(math.isfinite)]
            kinds[col] = "number" if len(whole) and (whole % 1 == 0).all() else "decimal"
        elif pd.api.types.is_datetime64_any_dtype(s):
            stamps = s.dropna()
            midnight = (stamps == stamps.dt.normalize()).all() if len(stamps) else True
            kinds[col] = "date" if midnight else "datetime"
        else:
            sample = s.dropna()
            if len(sample) and sample.map(lambda v: isinstance(v, date)).all():
                is_dt = sample.map(lambda v: isinstance(v, datetime)).any()
                kinds[col] = "datetime" if is_dt else "date"
            elif len(sample) and sample.map(lambda v: bool(SHOWN_DAY.match(str(v)))).all():
                kinds[col] = "date"  # "27/11/2021" as the page shows it: a date in Excel
            else:
                kinds[col] = "text"
    return kinds


def _cell(value, kind: str):
    """A value as openpyxl should store it: numbers as numbers, dates as dates, gaps empty."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if kind in ("number", "decimal", "percent"):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return neutralised(str(value))
        if math.isnan(number) or math.isinf(number):
            return None
        return int(number) if kind == "number" and number.is_integer() else number
    if kind in ("date", "datetime"):
        if isinstance(value, str) and SHOWN_DAY.match(value):
            return datetime.strptime(value, "%d/%m/%Y").date()
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:
            stamp = (stamp.tz_convert("UTC") + pd.Timedelta(hours=7)).tz_localize(None)
        return stamp.date() if kind == "date" else stamp.to_pydatetime()
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    return neutralised(value) if isinstance(value, str) else value


_KIND_OF_SHOWN = {
    "number": "number",
    "decimal": "decimal",
    "signed": "number",
    "percent": "percent",
}


def shown_number(shown, kind: str, lang: str) -> float | None:
    """A number as the interface wrote it ("1.234", "+0,5", "91,8 %", "—") back as a
    number (a percentage as its ratio); None for a dash or anything else."""
    if not isinstance(shown, str):
        return None if shown is None or pd.isna(shown) else float(shown)
    raw = shown.strip().replace("\u00a0", "").replace(" ", "")
    percent = raw.endswith("%")
    raw = raw.rstrip("%")
    raw = raw.replace(".", "").replace(",", ".") if lang == "vi" else raw.replace(",", "")
    try:
        number = float(raw)
    except ValueError:
        return None
    return number / 100 if percent or kind == "percent" else number


def from_shown(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """A table whose numbers were written as text for the screen (`figures.stock.as_text`
    marks it) with those columns back as numbers, and their kinds."""
    mark = df.attrs.get("shown_as_text")
    if not mark:
        return df, {}
    out = df.copy()
    out.attrs = {}
    kinds = {}
    for column, kind in mark["kinds"].items():
        if column in out.columns:
            out[column] = [shown_number(v, kind, mark["lang"]) for v in out[column]]
            out[column] = out[column].astype("float64")
            kinds[column] = _KIND_OF_SHOWN.get(kind, "decimal")
    return out, kinds


def neutralised(value):
    """Text a spreadsheet would run as a formula (= + - @, tab, carriage return first), with
    an apostrophe before it; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _header_block(info: TableInfo) -> list[tuple[str, str]]:
    lang = info.lang
    rows = [
        (text("export_area", lang), info.area),
        (text("export_period", lang), info.period),
        (text("export_data_as_of", lang), info.data_as_of),
    ]
    if info.source:
        rows.append((text("export_source_label", lang), info.source))
    for i, line in enumerate(info.definitions):
        rows.append((text("export_definitions", lang) if i == 0 else "", line))
    return rows


def table_xlsx(df: pd.DataFrame, info: TableInfo, kinds: Mapping[str, str] | None = None) -> bytes:
    """An .xlsx of `df` under a header block (title, area, period, data as of, source,
    definitions); the column header row is frozen and filterable."""
    kinds = kinds_of(df, kinds)
    wb = Workbook()
    ws = wb.active
    ws.title = "Bang" if info.lang == "vi" else "Table"
    ws.cell(row=1, column=1, value=neutralised(info.title)).font = Font(bold=True, size=14)
    row = 2
    for name, value in _header_block(info):
        ws.cell(row=row, column=1, value=neutralised(name)).font = Font(bold=True)
        cell = ws.cell(row=row, column=2, value=neutralised(value))
        cell.alignment = Alignment(wrap_text=False)
        row += 1
    header = row + 1  # one empty row between the block and the table
    columns = list(df.columns)
    for j, col in enumerate(columns, start=1):
        cell = ws.cell(row=header, column=j, value=neutralised(str(col)))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [len(str(c)) for c in columns] or [0]
    widths[0] = max(widths[0], *(len(name) for name, _ in _header_block(info)))
    for i, values in enumerate(df.itertuples(index=False, name=None), start=header + 1):
        for j, (col, value) in enumerate(zip(columns, values, strict=True), start=1):
            kind = kinds[col]
            cell = ws.cell(row=i, column=j, value=_cell(value, kind))
            if kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[kind]
            widths[j - 1] = max(widths[j - 1], len(str(cell.value or "")) + 2)
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(MAX_WIDTH, max(10, width + 2))
    ws.freeze_panes = ws.cell(row=header + 1, column=1)
    if columns:
        last = get_column_letter(len(columns))
        ws.auto_filter.ref = f"A{header}:{last}{header + max(len(df), 1)}"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def table_csv(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark: a header row, raw numbers (a point as the decimal
    mark), dates as YYYY-MM-DD, formula-like text neutralised."""
    kinds = kinds_of(df)
    out = df.copy()
    for col in df.columns:
        s = out[col]
        if kinds[col] == "date" and not pd.api.types.is_datetime64_any_dtype(s):
            out[col] = [_cell(v, "date") for v in s]  # "27/11/2021" -> 2021-11-27
        elif pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s):
            out[col] = s.map(lambda v: neutralised(v) if isinstance(v, str) else v)
    out.columns = [neutralised(str(c)) for c in out.columns]
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
