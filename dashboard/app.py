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
page = st.navigation(
    [
        st.Page(
            "app_pages/overview.py",
            title=text("page_overview", lang),
            icon=":material/dashboard:",
            url_path="overview",
            default=True,
        ),
    ]
)
shell.begin()
page.run()
