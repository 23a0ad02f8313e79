"""The view every page shares (language, period, area scope, page options) and its URL form.

Pure functions, no Streamlit: the URL is the source of truth, so a copied link opens the same
view and the browser's back and forward buttons move between views.

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

LANGS = ("vi", "en")
CORE_KEYS = ("lang", "week", "from", "to", "district", "commune", "site")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def week_start(label: str) -> date | None:
    """Monday of an ISO week label such as `2021-W37`; None when malformed."""
    m = _WEEK.match(label or "")
    if not m:
        return None
    try:
        return date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    except ValueError:
        return None


def week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def last_complete_week(as_of: date) -> str:
    """The latest ISO week whose Sunday is on or before `as_of`."""
    sunday = as_of - timedelta(days=(as_of.isoweekday() % 7))
    return week_label(sunday)


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
        monday = week_start(self.week or "") or week_start(last_complete_week(as_of))
        return monday, monday + timedelta(days=6)

    def previous_period(self, as_of: date) -> tuple[date, date]:
        """The period of the same length just before (for "compared with last week")."""
        start, end = self.period(as_of)
        length = (end - start).days + 1
        return start - timedelta(days=length), start - timedelta(days=1)

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


def from_params(params: Mapping[str, object]) -> ViewState:
    """The view a URL describes; malformed values are ignored (the defaults apply)."""

    def get(key: str) -> str | None:
        value = params.get(key)
        if isinstance(value, list):
            value = value[-1] if value else None
        return str(value).strip() if value not in (None, "") else None

    lang = get("lang") if get("lang") in LANGS else "vi"
    start, end = _day(get("from")), _day(get("to"))
    if not (start and end and start <= end):
        start = end = None
    week = get("week") if week_start(get("week") or "") else None
    district = get("district") if re.fullmatch(r"\d{3}", get("district") or "") else None
    commune = get("commune") if re.fullmatch(r"\d{5}", get("commune") or "") else None
    site = get("site")
    options = tuple(
        sorted((k, get(k)) for k in params if k not in CORE_KEYS and get(k) is not None)
    )
    return ViewState(lang, week, start, end, district, commune, site, options)


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
