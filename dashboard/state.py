"""The view every page shares (language, period, area scope, page options) and its URL form.

Pure functions, no Streamlit: the URL is the source of truth, so a copied link opens the same
view and the browser's back and forward buttons move between views. A hand-edited link is
never an error: each parameter that cannot be used is replaced by the nearest valid value and
reported as a `Notice` the shell shows in one line.

URL parameters:
    lang      vi | en
    week      ISO week, e.g. 2021-W37 (the default period: the last complete week of data)
    from, to  a custom range, YYYY-MM-DD (replaces `week`)
    district  GSO district code; commune  GSO commune code; site  facility id
    any other key is a page option (e.g. `denominator=18plus`) kept as text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from queries import periods
from queries.periods import last_complete_week, week_start

LANGS = ("vi", "en")
CORE_KEYS = ("lang", "week", "from", "to", "district", "commune", "site")


@dataclass(frozen=True)
class Notice:
    """A parameter of the link that could not be used: the text key that says so (in the
    catalogue, `notice_<kind>`) and the values it names."""

    kind: str
    values: tuple[tuple[str, str], ...] = ()

    def get(self, name: str) -> str:
        return dict(self.values).get(name, "")


@dataclass(frozen=True)
class Known:
    """What a link's values are checked against: the data's days and the reference areas."""

    first: date
    last: date
    districts: frozenset[str]
    district_of_commune: Mapping[str, str]
    commune_of_site: Mapping[str, str]


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@dataclass(frozen=True)
class ViewState:
    lang: str = "vi"
    week: str | None = None
    start: date | None = None
    end: date | None = None
    district: str | None = None
    commune: str | None = None
    site: str | None = None
    options: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    # --- period -------------------------------------------------------------------------
    @property
    def is_custom_range(self) -> bool:
        return self.start is not None and self.end is not None

    def period(self, as_of: date) -> tuple[date, date]:
        """The chosen days: a custom range, else the chosen week, else the last complete
        week of data as of `as_of`."""
        if self.is_custom_range:
            return self.start, self.end
        monday = week_start(self.week) or week_start(last_complete_week(as_of))
        return monday, monday + timedelta(days=6)

    def previous_period(self, as_of: date) -> tuple[date, date]:
        """The period of the same length just before (for "compared with last week")."""
        return periods.previous(*self.period(as_of))

    # --- scope ---------------------------------------------------------------------------
    @property
    def scope_code(self) -> str:
        return self.site or self.commune or self.district or "36"

    @property
    def scope_level(self) -> str:
        if self.site:
            return "facility"
        if self.commune:
            return "commune"
        return "district" if self.district else "province"

    def option(self, key: str, default: str | None = None) -> str | None:
        return dict(self.options).get(key, default)

    def with_option(self, key: str, value: str | None) -> ViewState:
        opts = {k: v for k, v in self.options if k != key}
        if value is not None:
            opts[key] = value
        return replace(self, options=tuple(sorted(opts.items())))


def _value(params: Mapping[str, object], key: str) -> str | None:
    value = params.get(key)
    if isinstance(value, list):
        value = value[-1] if value else None
    return str(value).strip() if value not in (None, "") else None


def parse(params: Mapping[str, object]) -> tuple[ViewState, list[Notice]]:
    """The view a URL describes, read as text only (codes are checked by `checked`), and
    what could not be read."""
    notices: list[Notice] = []
    lang = _value(params, "lang")
    if lang is not None and lang not in LANGS:
        notices.append(Notice("lang", (("value", lang),)))
    lang = lang if lang in LANGS else "vi"
    week = _value(params, "week")
    if week is not None and week_start(week) is None:
        notices.append(Notice("week_malformed", (("value", week),)))
        week = None
    raw_from, raw_to = _value(params, "from"), _value(params, "to")
    start, end = _day(raw_from), _day(raw_to)
    if (raw_from or raw_to) and not (start and end):
        notices.append(Notice("range_malformed", (("from", raw_from or ""), ("to", raw_to or ""))))
        start = end = None
    elif start and end and start > end:
        notices.append(Notice("range_reversed", (("from", raw_from), ("to", raw_to))))
        start, end = end, start
    options = tuple(
        sorted(
            (k, _value(params, k))
            for k in params
            if k not in CORE_KEYS and _value(params, k) is not None
        )
    )
    state = ViewState(
        lang,
        week,
        start,
        end,
        _value(params, "district"),
        _value(params, "commune"),
        _value(params, "site"),
        options,
    )
    return state, notices


def _checked_period(state: ViewState, known: Known) -> tuple[ViewState, list[Notice]]:
    first, last = known.first, known.last
    bounds = (("first", first.isoformat()), ("last", last.isoformat()))
    if state.is_custom_range:
        start, end = max(state.start, first), min(state.end, last)
        if (start, end) == (state.start, state.end):
            return state, []
        if start > end:  # wholly outside the data: the nearest complete week
            near = first if state.end < first else last
            week = periods.week_label(near)
            if week not in periods.complete_weeks(first, last):
                week = periods.complete_weeks(first, last)[-1 if near == first else 0]
            note = Notice(
                "range_outside",
                (("from", state.start.isoformat()), ("to", state.end.isoformat()), *bounds),
            )
            return replace(state, start=None, end=None, week=week), [note]
        note = Notice(
            "range_clipped",
            (("from", state.start.isoformat()), ("to", state.end.isoformat()), *bounds),
        )
        return replace(state, start=start, end=end), [note]
    if state.week is None:
        return state, []
    weeks = periods.complete_weeks(first, last)
    if state.week in weeks:
        return state, []
    nearest = weeks[-1] if week_start(state.week) < week_start(weeks[-1]) else weeks[0]
    note = Notice("week_outside", (("value", state.week), ("nearest", nearest), *bounds))
    return replace(state, week=nearest), [note]


def _checked_scope(state: ViewState, known: Known) -> tuple[ViewState, list[Notice]]:
    notices: list[Notice] = []
    district, commune, site = state.district, state.commune, state.site
    if site is not None:
        if site in known.commune_of_site:
            commune = known.commune_of_site[site]
            district = known.district_of_commune.get(commune, district)
        else:
            notices.append(Notice("site", (("value", site),)))
            site = None
    if commune is not None and site is None:
        if commune in known.district_of_commune:
            district = known.district_of_commune[commune]
        else:
            notices.append(Notice("commune", (("value", commune),)))
            commune = None
    if district is not None and district not in known.districts:
        notices.append(Notice("district", (("value", district),)))
        district = commune = site = None
    return replace(state, district=district, commune=commune, site=site), notices


def checked(state: ViewState, known: Known) -> tuple[ViewState, list[Notice]]:
    """The nearest valid view: a period inside the data, areas and a site that exist (parents
    made consistent with the most precise one given), and what was changed."""
    state, period_notes = _checked_period(state, known)
    state, scope_notes = _checked_scope(state, known)
    return state, period_notes + scope_notes


def from_params(params: Mapping[str, object]) -> ViewState:
    """The view a URL describes, malformed values ignored (the defaults apply)."""
    return parse(params)[0]


def to_params(state: ViewState) -> dict[str, str]:
    """The URL parameters of a view (defaults left out, so links stay short)."""
    out: dict[str, str] = {"lang": state.lang}
    if state.is_custom_range:
        out["from"], out["to"] = state.start.isoformat(), state.end.isoformat()
    elif state.week:
        out["week"] = state.week
    for key in ("district", "commune", "site"):
        value = getattr(state, key)
        if value:
            out[key] = value
    out.update(dict(state.options))
    return out


def drill_down(
    state: ViewState,
    code: str,
    *,
    district_of: Mapping[str, str] | None = None,
    commune_of_site: Mapping[str, str] | None = None,
) -> ViewState:
    """Narrow the scope to a district (3 digits), a commune (5 digits) or a site (other ids),
    keeping the parents consistent."""
    if re.fullmatch(r"\d{3}", code):
        return replace(state, district=code, commune=None, site=None)
    if re.fullmatch(r"\d{5}", code):
        district = (district_of or {}).get(code, state.district)
        return replace(state, district=district, commune=code, site=None)
    commune = (commune_of_site or {}).get(code, state.commune)
    district = (district_of or {}).get(commune or "", state.district)
    return replace(state, district=district, commune=commune, site=code)


def drill_up(state: ViewState) -> ViewState:
    """One level up: site -> commune -> district -> province."""
    if state.site:
        return replace(state, site=None)
    if state.commune:
        return replace(state, commune=None)
    return replace(state, district=None)
