"""Entry point of the dashboard: `streamlit run dashboard/app.py` from the repository root."""

from __future__ import annotations

import sys
from pathlib import Path

# Streamlit puts only this file's folder on sys.path; the packages live at the repository root.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import navigation, print_style, shell  # noqa: E402
from dashboard.i18n import text  # noqa: E402

FAVICON = Path(__file__).resolve().parent / "static" / "favicon.png"  # served by the app itself

lang = shell.language()
pages = navigation.pages(lang)
navigation.answer_unknown_pages_in_our_language()


def overview_address() -> None:
    """/overview: the overview at "/", with the same query (scope, period, language)."""
    st.switch_page(pages[0], query_params=st.query_params.to_dict())


page = st.navigation([*pages, st.Page(overview_address, url_path="overview", visibility="hidden")])
st.set_page_config(
    page_title=f"{page.title} · {text('app_short', lang)}",
    page_icon=str(FAVICON),
    layout="wide",
)
navigation.leave_unknown_page(pages[0])
print_style.inject()
shell.begin(page=page.url_path)
page.run()
