"""Numbers and dates as Vietnamese officials write them (1.234.567; 12,3 %; 27/11/2021)."""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd


def number(value, lang: str = "vi", digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—"
    text = f"{value:,.{digits}f}"
    if lang == "vi":
        text = text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
    return text


def percent(ratio, lang: str = "vi", digits: int = 1) -> str:
    """A ratio (0.123) as a percentage ("12,3 %" in Vietnamese, "12.3%" in English)."""
    if ratio is None or (isinstance(ratio, float) and (math.isnan(ratio) or math.isinf(ratio))):
        return "—"
    text = number(ratio * 100, lang, digits)
    return f"{text} %" if lang == "vi" else f"{text}%"


def signed(value, lang: str = "vi", digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return ("+" if value > 0 else "") + number(value, lang, digits)


def day(value: date | datetime | None) -> str:
    if value is None or value is pd.NaT:
        return "—"
    return pd.Timestamp(value).strftime("%d/%m/%Y")


def moment(value: datetime | None) -> str:
    """A UTC timestamp shown in Vietnam time (UTC+7)."""
    if value is None:
        return "—"
    ts = pd.Timestamp(value)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts
    return (ts + pd.Timedelta(hours=7)).strftime("%H:%M %d/%m/%Y")


def plotly_separators(lang: str) -> str:
    """Plotly's `separators` (decimal, thousands) for the language."""
    return ",." if lang == "vi" else ".,"
