"""Weekly overview ("Tổng quan tuần")."""

from __future__ import annotations

import streamlit as st

from dashboard import shell

ctx = shell.context()
if ctx is not None:
    shell.header(ctx, "page_overview")
    st.info(ctx.t("under_construction"))
