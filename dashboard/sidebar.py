"""The sidebar's filters: language, period (an ISO week or a range) and area (district,
commune, site). Widgets hold the view between reruns; the shell loads them from the URL when
the URL changed outside them (a link, Back or Forward) and reads the view back from them."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from dashboard import format as fmt
from dashboard.i18n import text
from dashboard.state import ViewState
from queries import periods

KEYS = {
    "lang": "f_lang",
    "mode": "f_mode",
    "week": "f_week",
    "range": "f_range",
    "district": "f_district",
    "commune": "f_commune",
    "site": "f_site",
}


def week_caption(label: str, lang: str) -> str:
    """ "Tuần 25/2022 (20/06–26/06/2022)": the ISO week with its days."""
    monday = periods.week_start(label)
    if monday is None:
        return label
    week = int(label.split("-W")[1])
    span = f"{fmt.day(monday)[:5]}–{fmt.day(monday + timedelta(days=6))}"
    return f"{text('week', lang)} {week}: {span}"


def loaded(state: ViewState, first: date, last: date) -> None:
    """Set the widgets to a (checked) view."""
    ss = st.session_state
    ss[KEYS["lang"]] = state.lang
    ss[KEYS["mode"]] = "range" if state.is_custom_range else "week"
    ss[KEYS["week"]] = state.week or periods.last_complete_week(last)
    start, end = state.period(last)
    # The date picker refuses values outside the data: keep the range inside it.
    start, end = max(start, first), min(end, last)
    ss[KEYS["range"]] = (min(start, end), max(start, end))
    ss[KEYS["district"]] = state.district or ""
    ss[KEYS["commune"]] = state.commune or ""
    ss[KEYS["site"]] = state.site or ""


@functools.lru_cache(maxsize=16)
def _weeks(first: date, last: date, lang: str) -> tuple[list[str], dict[str, str]]:
    """The complete weeks of the data, latest first, and their captions (made once per data
    span and language: the week list is drawn on every run). Shared: never changed."""
    weeks = periods.complete_weeks(first, last)
    return weeks, {w: week_caption(w, lang) for w in weeks}


def _period(state: ViewState, lang: str, first: date, last: date):
    sb = st.sidebar
    sb.markdown(f"**{text('period', lang)}**")
    mode = sb.radio(
        text("period", lang),
        ["week", "range"],
        key=KEYS["mode"],
        horizontal=True,
        label_visibility="collapsed",
        format_func=lambda m: text(f"period_{m}", lang),
    )
    weeks, captions = _weeks(first, last, lang)
    if st.session_state.get(KEYS["week"]) not in captions:
        st.session_state[KEYS["week"]] = weeks[0]
    if mode == "week":
        week = sb.selectbox(
            text("week", lang),
            weeks,
            key=KEYS["week"],
            format_func=lambda w: captions.get(w) or week_caption(w, lang),
            help=text("week_definition", lang),
        )
        return week, None, None
    picked = sb.date_input(
        text("date_range", lang),
        key=KEYS["range"],
        min_value=first,
        max_value=last,
        format="DD/MM/YYYY",
    )
    if isinstance(picked, tuple | list) and len(picked) == 2:
        return None, picked[0], picked[1]
    start, end = state.period(last)  # only the first day is picked so far
    return None, start, end


@dataclass(frozen=True)
class AreaChoices:
    """The area filter's choices, from the reference frames (made once per data version and
    allowed area; shared, never changed): the name of every area code, the districts by name,
    each district's communes by name, and the sites of each district and of each commune, by
    name ({facility id: name})."""

    names: Mapping[str, str]
    districts: list[str]
    communes: Mapping[str, list[str]]
    district_sites: Mapping[str, dict[str, str]]
    commune_sites: Mapping[str, dict[str, str]]


def _sites_by_name(fac: pd.DataFrame, column: str) -> dict[str, dict[str, str]]:
    found = {}
    for code, group in fac.groupby(column, sort=False):
        names = dict(zip(group["facility_id"], group["name"], strict=True))
        found[str(code)] = {f: names[f] for f in sorted(names, key=names.get)}
    return found


def area_choices(areas: pd.DataFrame, fac: pd.DataFrame) -> AreaChoices:
    districts = areas[areas["area_level"] == "district"].sort_values("name")
    communes = areas[areas["area_level"] == "commune"]
    return AreaChoices(
        names=dict(zip(areas["area_code"], areas["name"], strict=True)),
        districts=list(districts["area_code"]),
        communes={
            str(code): list(group.sort_values("name")["area_code"])
            for code, group in communes.groupby("parent_code", sort=False)
        },
        district_sites=_sites_by_name(fac, "district_code"),
        commune_sites=_sites_by_name(fac, "commune_code"),
    )


def _area(lang: str, choices: AreaChoices, fixed_district: str | None) -> tuple[str, str, str]:
    sb = st.sidebar
    sb.markdown(f"**{text('scope', lang)}**")
    names = choices.names
    # A district user has their district only: no "whole province" choice.
    options = [fixed_district] if fixed_district else ["", *choices.districts]
    if st.session_state.get(KEYS["district"]) not in options:
        st.session_state[KEYS["district"]] = options[0]
    district = sb.selectbox(
        text("district", lang),
        options,
        key=KEYS["district"],
        format_func=lambda c: names.get(c, text("whole_province", lang)),
    )
    if not district:
        st.session_state[KEYS["commune"]] = ""
        st.session_state[KEYS["site"]] = ""
        return "", "", ""
    options = ["", *choices.communes.get(district, [])]
    if st.session_state.get(KEYS["commune"]) not in options:
        st.session_state[KEYS["commune"]] = ""
    commune = sb.selectbox(
        text("commune", lang),
        options,
        key=KEYS["commune"],
        format_func=lambda c: names.get(c, text("all_communes", lang)),
    )
    if commune:
        site_names = choices.commune_sites.get(commune, {})
    else:
        site_names = choices.district_sites.get(district, {})
    options = ["", *site_names]
    if st.session_state.get(KEYS["site"]) not in options:
        st.session_state[KEYS["site"]] = ""
    site = sb.selectbox(
        text("site", lang),
        options,
        key=KEYS["site"],
        format_func=lambda f: site_names.get(f, text("all_sites", lang)),
    )
    return district, commune, site


def render(
    state: ViewState,
    first: date,
    last: date,
    choices: AreaChoices,
    fixed_district: str | None = None,
) -> ViewState:
    """Draw the filters and return the view they hold (page options kept from `state`); a
    district user's district is fixed."""
    st.sidebar.radio(
        text("language_label", state.lang),
        ["vi", "en"],
        horizontal=True,
        key=KEYS["lang"],
        format_func={"vi": "Tiếng Việt", "en": "English"}.__getitem__,
    )
    lang = st.session_state[KEYS["lang"]]
    week, start, end = _period(state, lang, first, last)
    district, commune, site = _area(lang, choices, fixed_district)
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
