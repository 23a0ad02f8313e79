"""Placeholder until the page is built."""

from __future__ import annotations

import streamlit as st

from dashboard import shell

ctx = shell.context()
if ctx is not None:
    shell.header(ctx, "page_stock")
    st.info(ctx.t("under_construction"))
