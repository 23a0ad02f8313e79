"""The overview's report files: the Ministry of Health's daily report for a day and the area in
view (dashboard/exports/moh_report.py), made when asked for, with a spinner, then offered."""

from __future__ import annotations

import logging

import streamlit as st

from dashboard import cached, downloads, shell
from dashboard.exports import moh_report, names

log = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _moh_report(ctx: shell.Context) -> None:
    st.markdown(f"**{ctx.t('reports_moh')}**", help=ctx.t("reports_moh_help"))
    left, right, _ = st.columns([1.2, 1.4, 2], vertical_alignment="bottom")
    day = left.date_input(
        ctx.t("reports_moh_day"),
        value=ctx.period.end,
        format="DD/MM/YYYY",
        key="reports_moh_day",
    )
    unit = ctx.scope_name()
    stamp = (ctx.version, ctx.scope.code, day)
    made = "_reports_moh_file"
    with right:
        clicked = st.button(
            ctx.t("reports_make_moh"), key="reports_make_moh", icon=":material/summarize:"
        )
        if clicked:
            with st.spinner(ctx.t("reports_making_moh")):
                try:
                    with cached.engine(ctx.url).connect() as conn:
                        data = moh_report.workbook(
                            moh_report.gather(conn, ctx.scope, day, unit, downloads.data_as_of(ctx))
                        )
                except Exception:
                    log.exception("daily report failed")
                    st.error(ctx.t("reports_failed"), icon=":material/error:")
                    return
            st.session_state[made] = (stamp, data)
    got = st.session_state.get(made)
    if got and got[0] == stamp:
        st.download_button(
            ctx.t("reports_save_moh"),
            got[1],
            file_name=moh_report.file_name(names.slug(unit), day),
            mime=XLSX,
            key="reports_save_moh",
            on_click="ignore",
            icon=":material/download:",
            type="primary",
        )


def render(ctx: shell.Context) -> None:
    st.subheader(ctx.t("reports_title"))
    _moh_report(ctx)
