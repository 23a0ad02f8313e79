"""The target group's words without Streamlit: its names and the sentence saying what the
denominator is (source, year, method), for the pages (through `dashboard.target_group`) and the
files made outside a page run (the weekly briefing)."""

from __future__ import annotations

from dashboard.i18n import text

GSO_SOURCE = "GSO Population and Housing Census 2019"
# Text keys cannot hold "+" or "-": each group's key suffix.
KEY = {"all": "all", "18+": "18plus", "12-17": "12_17", "5-11": "5_11", "50+": "50plus",
       "65+": "65plus"}  # fmt: skip


def name(group: str, lang: str) -> str:
    return text(f"group_{KEY[group]}", lang)


def short(group: str, lang: str) -> str:
    return text(f"group_short_{KEY[group]}", lang)


def _source(source: str | None, lang: str, short_form: bool) -> str:
    if not source:
        return "—"
    if source == GSO_SOURCE:
        return text("group_source_gso_short" if short_form else "group_source_gso", lang)
    return source


def denominator_text(
    group: str, origin: dict | None, lang: str, *, short_form: bool = False
) -> str:
    """What the denominator is: the census total, or an estimate for the group in a year
    (`origin`: queries.coverage.population_source)."""
    origin = origin or {}
    source = _source(origin.get("source"), lang, short_form)
    census = origin.get("method") == "census" or group == "all"
    key = "group_denominator_" + ("short_" if short_form else "")
    key += "census" if census else "estimate"
    return text(key, lang).format(
        group=short(group, lang), year=origin.get("year") or "—", source=source
    )
