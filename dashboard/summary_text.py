"""The weekly summary's sentences, written from `queries.summary` facts by templates
(`dashboard/texts/summary.py`): no Streamlit here, so a briefing deck or an export can call
`sentences` as the overview does. Numbers are formatted as everywhere else (`dashboard.format`:
1.234.567; 91,8 %; dd/mm/yyyy in Vietnamese)."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard import format as fmt
from dashboard.i18n import text
from dashboard.stockout_words import when_out
from queries.summary import Fact


@dataclass(frozen=True)
class Sentence:
    """One sentence of the summary, the fact it says and the queries its numbers come from."""

    key: str
    text: str
    sources: tuple[str, ...]


def _t(key: str, lang: str, **kw) -> str:
    return text(key, lang).format(**kw)


def _n(value, lang: str, digits: int = 0) -> str:
    return fmt.number(value, lang, digits)


def _change(ratio: float | None, lang: str) -> str:
    """A relative change as words: "tăng 12,3 %", "giảm 4,0 %", "bằng"."""
    if ratio is None:
        return _t("summary_from_none", lang)
    shown = fmt.percent(abs(ratio), lang)
    if not any(ch.isdigit() and ch != "0" for ch in shown):
        return _t("summary_same", lang)
    return _t("summary_up" if ratio > 0 else "summary_down", lang, value=shown)


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {_t('summary_and', lang)} {items[-1]}"


def _doses(v: dict, lang: str) -> str:
    plan = (
        _t(
            "summary_plan",
            lang,
            achievement=fmt.percent(v["plan_achievement"], lang),
            planned=_n(v["planned"], lang),
        )
        if v["planned"] > 0
        else _t("summary_no_plan", lang)
    )
    return _t(
        "summary_doses",
        lang,
        start=fmt.day(v["start"]),
        end=fmt.day(v["end"]),
        doses=_n(v["doses"], lang),
        change=_change(v["change"], lang),
        days=_n(v["days"], lang),
        previous=_n(v["previous"], lang),
        plan=plan,
    )


def _coverage(v: dict, lang: str) -> str:
    return _t(
        "summary_coverage",
        lang,
        end=fmt.day(v["end"]),
        people_1plus=_n(v["people_1plus"], lang),
        cov_1plus=fmt.percent(v["coverage_1plus"], lang),
        change_1plus=fmt.points(v["change_1plus"], lang),
        people_full=_n(v["people_full"], lang),
        cov_full=fmt.percent(v["coverage_full"], lang),
        change_full=fmt.points(v["change_full"], lang),
    )


def _areas(v: dict, lang: str) -> str:
    level = _t(f"summary_level_{v['level']}", lang)
    if v["with_plan"] == 0:
        sentence = _t("summary_areas_no_plan", lang, level=level)
        return sentence[0].upper() + sentence[1:]

    def names(pairs: list[tuple[str, float]]) -> str:
        return _join([f"{name} ({fmt.percent(share, lang)})" for name, share in pairs], lang)

    parts = {}
    for side in ("behind", "ahead"):
        count = v[f"{side}_count"]
        parts[side] = (
            _t(
                f"summary_areas_{side}",
                lang,
                count=_n(count, lang),
                level=level,
                names=names(v[side]),
            )  # fmt: skip
            if count
            else _t(f"summary_areas_none_{side}", lang, level=level)
        )
    return _t("summary_areas", lang, **parts)


def _stockouts(v: dict, lang: str) -> str:
    within = _n(v["within"], lang)
    first = v["first"]
    if first is None:
        return _t("summary_stockouts_none", lang, within=within)
    when = when_out(first["days_left"], first["available"], lang, "summary")
    return _t(
        "summary_stockouts",
        lang,
        stocks=_n(v["stocks"], lang),
        sites=_n(v["sites"], lang),
        within=within,
        site=first["site"],
        vaccine=first["vaccine"],
        when=when,
    )


def _expiry(v: dict, lang: str) -> str:
    numbers = {k: _n(x, lang) for k, x in v.items()}
    return _t("summary_expiry", lang, **{**numbers, "expired": numbers["expired_doses"],
                                          "near": numbers["near_doses"]})  # fmt: skip


def _backlog(v: dict, lang: str) -> str:
    return _t(
        "summary_backlog",
        lang,
        backlog=_n(v["backlog"], lang),
        previous=_n(v["previous"], lang),
        areas=_n(v["areas"], lang),
        days=_n(v["days"], lang),
    )


def _aefi(v: dict, lang: str) -> str:
    return _t(
        "summary_aefi", lang, serious=_n(v["serious"], lang), previous=_n(v["previous"], lang)
    )


def _due(v: dict, lang: str) -> str:
    numbers = {k: _n(v[k], lang) for k in ("due", "overdue", "primary", "booster")}
    return _t("summary_due", lang, end=fmt.day(v["end"]), **numbers)


def _decisions(v: dict, lang: str) -> str:
    if v["total"] == 0:
        return _t("summary_decisions_none", lang)
    return _t("summary_decisions", lang, **{k: _n(x, lang) for k, x in v.items()})


WRITERS = {
    "doses": _doses,
    "coverage": _coverage,
    "areas": _areas,
    "stockouts": _stockouts,
    "expiry": _expiry,
    "backlog": _backlog,
    "aefi": _aefi,
    "due": _due,
    "decisions": _decisions,
}


def sentences(facts: list[Fact], lang: str = "vi") -> list[Sentence]:
    """The summary's sentences in `lang` ("vi" or "en"), one per fact, in the facts' order."""
    return [Sentence(f.key, WRITERS[f.key](f.values, lang), f.sources) for f in facts]


def paragraph(facts: list[Fact], lang: str = "vi") -> str:
    """The sentences as one paragraph (to copy into a report)."""
    return " ".join(s.text for s in sentences(facts, lang))
