"""What every page shares: the language, the period and area filters (kept in the URL), the
data-freshness line, and the page header. `app.py` calls `begin()` once per run; pages read the
result with `context()`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import streamlit as st

from dashboard import cached
from dashboard import format as fmt
from dashboard.i18n import text
from dashboard.state import ViewState, from_params, last_complete_week, to_params, week_start
from queries.freshness import Freshness
from warehouse import engine as wh_engine

STALE_AFTER_HOURS = 36  # a daily load that missed a day
_SYNCED = "_synced_params"
_CTX = "_page_context"
_KEYS = {
    "lang": "f_lang",
    "mode": "f_mode",
    "week": "f_week",
    "range": "f_range",
    "district": "f_district",
    "commune": "f_commune",
    "site": "f_site",
}


@dataclass(frozen=True)
class Context:
    url: str
    version: str
    lang: str
    state: ViewState
    start: date
    end: date
    prev_start: date
    prev_end: date
    fresh: Freshness
    areas: pd.DataFrame
    facilities: pd.DataFrame

    def t(self, key: str, **kw) -> str:
        value = text(key, self.lang)
        return value.format(**kw) if kw else value

    @property
    def scope_code(self) -> str:
        return self.state.scope_code

    def scope_name(self) -> str:
        code = self.state.scope_code
        if self.state.site:
            row = self.facilities[self.facilities["facility_id"] == code]
            return row["name"].iloc[0] if len(row) else code
        row = self.areas[self.areas["area_code"] == code]
        return row["name"].iloc[0] if len(row) else code

    def params(self, state: ViewState | None = None) -> dict[str, str]:
        return to_params(state or self.state)

    def read(
        self,
        name: str,
        *extra,
        start: date | None = None,
        end: date | None = None,
        scope: str | None = None,
    ):
        """A cached `queries.<name>(conn, scope, period, *extra)` for this view (or for the
        given period or scope code)."""
        return cached.read(
            self.url,
            self.version,
            name,
            scope or self.scope_code,
            start or self.start,
            end or self.end,
            *extra,
        )

    def read_plain(self, name: str, *args):
        """A cached `queries.<name>(conn, *args)`."""
        return cached.read_plain(self.url, self.version, name, *args)


def language() -> str:
    """The language of this run (from the URL or the session), before the filters render."""
    lang = st.query_params.get("lang") or st.session_state.get(_KEYS["lang"]) or "vi"
    return lang if lang in ("vi", "en") else "vi"


def context() -> Context | None:
    return st.session_state.get(_CTX)


def _url_state() -> ViewState:
    params = st.query_params.to_dict()
    synced = st.session_state.get(_SYNCED)
    has_core = any(k in params for k in ("week", "from", "district", "commune", "site"))
    if synced and not has_core:
        # Streamlit clears the URL when the user changes page: keep the session's view.
        merged = {**synced, **params}
        return from_params(merged)
    return from_params(params)


def _load_widgets(state: ViewState, first: date, as_of: date) -> None:
    ss = st.session_state
    ss[_KEYS["lang"]] = state.lang
    ss[_KEYS["mode"]] = "range" if state.is_custom_range else "week"
    ss[_KEYS["week"]] = state.week or last_complete_week(as_of)
    start, end = state.period(as_of)
    # The date picker refuses values outside the data: keep the range inside it.
    start, end = max(start, first), min(end, as_of)
    ss[_KEYS["range"]] = (min(start, end), end)
    ss[_KEYS["district"]] = state.district or ""
    ss[_KEYS["commune"]] = state.commune or ""
    ss[_KEYS["site"]] = state.site or ""


def _weeks(first: date, last: date) -> list[str]:
    monday = first - timedelta(days=first.isoweekday() - 1)
    weeks = []
    while monday + timedelta(days=6) <= last:
        weeks.append(f"{monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}")
        monday += timedelta(days=7)
    return list(reversed(weeks)) or [last_complete_week(last)]


def _week_caption(label: str, lang: str) -> str:
    monday = week_start(label)
    if monday is None:
        return label
    year, week = label.split("-W")
    span = f"{fmt.day(monday)[:5]}–{fmt.day(monday + timedelta(days=6))}"
    return f"{text('week', lang)} {int(week)}/{year} ({span})"


def _sidebar(
    state: ViewState, fresh: Freshness, areas: pd.DataFrame, fac: pd.DataFrame
) -> ViewState:
    lang = state.lang
    sb = st.sidebar
    sb.radio(
        text("language_label", lang),
        ["vi", "en"],
        horizontal=True,
        key=_KEYS["lang"],
        format_func={"vi": "Tiếng Việt", "en": "English"}.__getitem__,
    )
    lang = st.session_state[_KEYS["lang"]]
    sb.markdown(f"**{text('period', lang)}**")
    mode = sb.radio(
        text("period", lang),
        ["week", "range"],
        key=_KEYS["mode"],
        horizontal=True,
        label_visibility="collapsed",
        format_func=lambda m: text(f"period_{m}", lang),
    )
    weeks = _weeks(fresh.first_day, fresh.last_day)
    if st.session_state.get(_KEYS["week"]) not in weeks:
        st.session_state[_KEYS["week"]] = weeks[0]
    week = start = end = None
    if mode == "week":
        week = sb.selectbox(
            text("week", lang),
            weeks,
            key=_KEYS["week"],
            format_func=lambda w: _week_caption(w, lang),
        )
    else:
        picked = sb.date_input(
            text("date_range", lang),
            key=_KEYS["range"],
            min_value=fresh.first_day,
            max_value=fresh.last_day,
            format="DD/MM/YYYY",
        )
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            start, end = picked
        else:  # the user has picked only the first day so far
            start, end = state.period(fresh.last_day)
    sb.markdown(f"**{text('scope', lang)}**")
    districts = areas[areas["area_level"] == "district"].sort_values("name")
    names = dict(zip(areas["area_code"], areas["name"], strict=True))
    district = sb.selectbox(
        text("district", lang),
        ["", *districts["area_code"]],
        key=_KEYS["district"],
        format_func=lambda c: names.get(c, text("whole_province", lang)),
    )
    commune = site = ""
    if district:
        communes = areas[(areas["area_level"] == "commune") & (areas["parent_code"] == district)]
        options = ["", *communes.sort_values("name")["area_code"]]
        if st.session_state.get(_KEYS["commune"]) not in options:
            st.session_state[_KEYS["commune"]] = ""
        commune = sb.selectbox(
            text("commune", lang),
            options,
            key=_KEYS["commune"],
            format_func=lambda c: names.get(c, text("all_communes", lang)),
        )
        sites = (
            fac[fac["commune_code"] == commune]
            if commune
            else fac[fac["district_code"] == district]
        )
        site_names = dict(zip(sites["facility_id"], sites["name"], strict=True))
        options = ["", *sorted(site_names, key=site_names.get)]
        if st.session_state.get(_KEYS["site"]) not in options:
            st.session_state[_KEYS["site"]] = ""
        site = sb.selectbox(
            text("site", lang),
            options,
            key=_KEYS["site"],
            format_func=lambda f: site_names.get(f, text("all_sites", lang)),
        )
    else:
        st.session_state[_KEYS["commune"]] = ""
        st.session_state[_KEYS["site"]] = ""
    return replace(
        state,
        lang=lang,
        week=week,
        start=start,
        end=end,
        district=district or None,
        commune=commune or None,
        site=site or None,
    )


def _sync_url(state: ViewState) -> None:
    params = to_params(state)
    current = st.query_params.to_dict()
    if current != params:
        st.query_params.from_dict(params)
    st.session_state[_SYNCED] = params


def begin(url: str | None = None) -> Context | None:
    """Render the shared filters and header; None (with a message shown) when there is no
    data to show."""
    url = url or wh_engine.warehouse_url()
    lang = language()
    st.session_state.pop(_CTX, None)
    problem = cached.warehouse_problem(url)
    if problem is not None:
        st.title(text("app_title", lang))
        if problem == "missing":
            st.warning(text("no_warehouse", lang))
        else:
            st.warning(f"{text('other_schema', lang)}\n\n`{problem}`")
        return None
    version = cached.data_version(url)
    fresh = cached.freshness_info(url, version)
    if fresh.first_day is None:
        st.title(text("app_title", lang))
        st.info(text("empty_warehouse", lang))
        return None
    areas = cached.areas(url, version)
    fac = cached.facilities(url, version)
    state = _url_state()
    if st.session_state.get(_SYNCED) != to_params(state) or _KEYS["mode"] not in st.session_state:
        _load_widgets(state, fresh.first_day, fresh.last_day)
    state = _sidebar(state, fresh, areas, fac)
    _sync_url(state)
    start, end = state.period(fresh.last_day)
    prev_start, prev_end = state.previous_period(fresh.last_day)
    ctx = Context(
        url, version, state.lang, state, start, end, prev_start, prev_end, fresh, areas, fac
    )
    st.session_state[_CTX] = ctx
    return ctx


def header(ctx: Context, title_key: str) -> None:
    """Page title, scope and period, and how fresh the data is (with a stale warning)."""
    st.title(ctx.t(title_key))
    period = f"{fmt.day(ctx.start)} – {fmt.day(ctx.end)}"
    st.caption(f"{ctx.scope_name()} · {period}")
    fresh = ctx.fresh
    as_of = ctx.t(
        "data_as_of", high_water=fmt.moment(fresh.high_water), loaded=fmt.moment(fresh.loaded_at)
    )
    if fresh.is_stale(datetime.now(UTC), STALE_AFTER_HOURS):
        st.warning(f"{as_of} — {ctx.t('stale_data', hours=STALE_AFTER_HOURS)}", icon="⏰")
    else:
        st.caption(as_of)
