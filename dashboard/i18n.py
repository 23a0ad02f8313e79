"""Interface texts in Vietnamese (default) and English, and the language switch."""

from __future__ import annotations

import streamlit as st

LANGUAGES: dict[str, str] = {"vi": "Tiếng Việt", "en": "English"}
DEFAULT_LANGUAGE = "vi"
# Name of the URL query parameter that keeps the language (?lang=en).
LANGUAGE_PARAM = "lang"
# Session-state key of the switch widget.
SWITCH_KEY = "language_switch"

TEXTS: dict[str, dict[str, str]] = {
    "app_title": {
        "vi": "Ban Chỉ đạo tiêm chủng COVID-19 — Nam Định",
        "en": "COVID-19 Vaccination Steering Committee — Nam Định",
    },
    "language_label": {
        "vi": "Ngôn ngữ / Language",
        "en": "Ngôn ngữ / Language",
    },
    "page_overview": {
        "vi": "Tổng quan",
        "en": "Weekly overview",
    },
    "under_construction": {
        "vi": "Kho dữ liệu báo cáo đã sẵn sàng. Các trang của bảng điều khiển đang được xây dựng.",
        "en": "The reporting warehouse is ready. The dashboard pages are under construction.",
    },
    "no_warehouse": {
        "vi": "Chưa tìm thấy kho dữ liệu báo cáo. Hãy chạy `make run` để tạo dữ liệu mẫu.",
        "en": "No reporting warehouse was found. Run `make run` to build the demo data.",
    },
}


def text(key: str, lang: str) -> str:
    """The interface text ``key`` in ``lang``, falling back to Vietnamese."""
    entry = TEXTS[key]
    return entry.get(lang, entry[DEFAULT_LANGUAGE])


def _valid(lang: object) -> str | None:
    return lang if isinstance(lang, str) and lang in LANGUAGES else None


def _write_url() -> None:
    st.query_params[LANGUAGE_PARAM] = st.session_state[SWITCH_KEY]


def language_switch() -> str:
    """Render the language switch in the sidebar and return the chosen language code.

    The URL is the source of truth: ``?lang=en`` opens the dashboard in English and the switch
    rewrites the parameter, so a shared link keeps its language. When the URL has no valid value
    (first visit, a page change that dropped it, a mistyped value), the session's last choice or
    Vietnamese is used and written back to the URL.
    """
    lang = (
        _valid(st.query_params.get(LANGUAGE_PARAM))
        or _valid(st.session_state.get(SWITCH_KEY))
        or DEFAULT_LANGUAGE
    )
    if st.query_params.get(LANGUAGE_PARAM) != lang:
        st.query_params[LANGUAGE_PARAM] = lang
    st.session_state[SWITCH_KEY] = lang
    st.sidebar.radio(
        text("language_label", lang),
        options=list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        horizontal=True,
        key=SWITCH_KEY,
        on_change=_write_url,
    )
    return lang


def current_language() -> str:
    """The language of this run, for pages (the switch is rendered before any page runs)."""
    return _valid(st.session_state.get(SWITCH_KEY)) or DEFAULT_LANGUAGE
