"""Weekly overview ("Tổng quan"): placeholder until the dashboard pages are built."""

from __future__ import annotations

import streamlit as st

from dashboard.i18n import current_language, text
from dashboard.settings import warehouse_exists, warehouse_url

lang = current_language()

st.title(text("app_title", lang))
st.header(text("page_overview", lang))

if warehouse_exists(warehouse_url()):
    st.info(text("under_construction", lang))
else:
    st.warning(text("no_warehouse", lang))
