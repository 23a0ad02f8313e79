"""When a stock runs out, in words: the one choice between "in N days", "within the day" (doses
left, but less than one day's use) and "already out" that every page, summary and briefing
makes (queries.decisions.stockouts gives days_left and available)."""

from __future__ import annotations

from dashboard import format as fmt
from dashboard.i18n import text


def when_out(days_left: float, available: float, lang: str, style: str = "decisions") -> str:
    """`style` picks the wording: "decisions" for a line of its own ("hết sau 3 ngày"),
    "summary" inside a sentence ("còn 3 ngày")."""
    if days_left > 0:
        return text(f"{style}_out_in", lang).format(days=fmt.number(days_left, lang, 0))
    return text(f"{style}_out_now" if available <= 0 else f"{style}_out_today", lang)
