"""The briefing's texts: the catalogue's entries NFC-normalised (without the screen's bold
marks), and a table as both files draw it."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from dashboard.i18n import TEXTS, text

__all__ = ["TEXTS", "Table", "nfc", "t"]


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", str(value))


@dataclass(frozen=True)
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]]
    note: str = ""


def t(key: str, lang: str, **kw) -> str:
    value = text(key, lang)
    return nfc(value.format(**kw) if kw else value).replace("**", "")
