"""Entry point of the dashboard: `streamlit run dashboard/app.py` from the repository root."""

from __future__ import annotations

import sys
from pathlib import Path

# Streamlit puts only this file's folder on sys.path; the packages live at the repository root.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import shell  # noqa: E402
from dashboard.i18n import text  # noqa: E402

st.set_page_config(
    page_title="Ban Chỉ đạo tiêm chủng COVID-19 — Nam Định",
    page_icon=":material/vaccines:",
    layout="wide",
)

lang = shell.language()
PAGES = [
    ("overview", ":material/dashboard:"),
    ("coverage", ":material/map:"),
    ("sites", ":material/location_on:"),
    ("screening", ":material/stethoscope:"),
    ("stock", ":material/inventory_2:"),
    ("certificates", ":material/verified:"),
    ("aefi", ":material/emergency:"),
    ("flow", ":material/conveyor_belt:"),
    ("quality", ":material/fact_check:"),
]
pages = [
    st.Page(
        f"app_pages/{name}.py",
        title=text(f"page_{name}", lang),
        icon=icon,
        # The overview is served at "/"; its own path is only reserved, so it takes a name
        # nobody types, and "/overview" (a natural bookmark) is a hidden page leading there.
        url_path="home" if name == "overview" else name,
        default=(name == "overview"),
    )
    for name, icon in PAGES
]


def overview_address() -> None:
    """/overview: the overview at "/", with the same query (scope, period, language)."""
    st.switch_page(pages[0], query_params=st.query_params.to_dict())


page = st.navigation([*pages, st.Page(overview_address, url_path="overview", visibility="hidden")])
shell.begin()
page.run()
