"""Numbers and dates as Vietnamese officials write them (1.234.567; 12,3 %; 27/11/2021).

Every formatter takes any missing value (None, NaN, pd.NA, NaT) and shows "—"; `value` turns a
cell into a float or None for the KPI cards. Pages use these, not formatters of their own.
"""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd

MISSING = "—"


def value(cell) -> float | None:
    """A cell as a float (infinity kept), None when it is missing or not a number."""
    if cell is None or cell is pd.NA or cell is pd.NaT:
        return None
    try:
        number = float(cell)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def number(cell, lang: str = "vi", digits: int = 0) -> str:
    v = value(cell)
    if v is None or math.isinf(v):
        return MISSING
    text = f"{v:,.{digits}f}"
    if lang == "vi":
        text = text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
    return text


def percent(ratio, lang: str = "vi", digits: int = 1) -> str:
    """A ratio (0.123) as a percentage ("12,3 %" in Vietnamese, "12.3%" in English)."""
    v = value(ratio)
    if v is None or math.isinf(v):
        return MISSING
    text = number(v * 100, lang, digits)
    return f"{text} %" if lang == "vi" else f"{text}%"


def _signed_text(v: float, lang: str, digits: int) -> str:
    """`v` with its sign, as it rounds: a change that rounds to zero is "0" (never "+0,0" or
    "-0,0")."""
    text = number(abs(v), lang, digits)
    if not any(ch.isdigit() and ch != "0" for ch in text):
        return text
    return ("+" if v > 0 else "-") + text


def signed(cell, lang: str = "vi", digits: int = 0) -> str:
    v = value(cell)
    if v is None or math.isinf(v):
        return MISSING
    return _signed_text(v, lang, digits)


def points(change, lang: str = "vi", digits: int = 1) -> str:
    """A change of a ratio in percentage points ("+1,2 đ.p." / "+1.2 pp")."""
    v = value(change)
    if v is None or math.isinf(v):
        return MISSING
    unit = "đ.p." if lang == "vi" else "pp"
    return f"{_signed_text(v * 100, lang, digits)} {unit}"


def day(cell: date | datetime | None) -> str:
    if cell is None or cell is pd.NaT or (isinstance(cell, float) and math.isnan(cell)):
        return MISSING
    return pd.Timestamp(cell).strftime("%d/%m/%Y")


def moment(cell: datetime | None) -> str:
    """A UTC timestamp shown in Vietnam time (UTC+7)."""
    if cell is None or cell is pd.NaT:
        return MISSING
    ts = pd.Timestamp(cell)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts
    return (ts + pd.Timedelta(hours=7)).strftime("%H:%M %d/%m/%Y")


def plotly_separators(lang: str) -> str:
    """Plotly's `separators` (decimal, thousands) for the language."""
    return ",." if lang == "vi" else ".,"
