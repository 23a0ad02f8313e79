"""The overview's report files, made when asked for (with their progress shown), then offered:
the Ministry of Health's daily report for a day and the area in view
(dashboard/exports/moh_report.py) and the weekly briefing deck and PDF for the area and week in
view (dashboard/briefing/)."""

from __future__ import annotations

import logging

import streamlit as st

from dashboard import auth, cached, downloads, print_style, shell
from dashboard.access import can_export
from dashboard.briefing import files as briefing_files
from dashboard.exports import moh_report, names
from queries.alerts import AlertsConfigError, load_thresholds

log = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


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
                        found = moh_report.gather(
                            conn, ctx.scope, day, unit, downloads.data_as_of(ctx), ctx.allowed
                        )
                        data = moh_report.workbook(found)
                except Exception:
                    log.exception("daily report failed")
                    st.error(ctx.t("reports_failed"), icon=":material/error:")
                    return
            st.session_state[made] = (stamp, data)
            auth.record_export(ctx.user, f"daily report {day}", ctx.scope.code)
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


def _briefing(ctx: shell.Context) -> None:
    st.markdown(f"**{ctx.t('briefing_button')}**", help=ctx.t("briefing_button_help"))
    week = None if ctx.state.is_custom_range else ctx.state.week
    if not week:
        st.caption(ctx.t("briefing_week_only"))
        return
    stamp = (ctx.version, ctx.scope.code, week, ctx.lang)
    made = "_reports_briefing_files"
    if st.button(ctx.t("briefing_make"), key="briefing_make", icon=":material/slideshow:"):
        with st.status(ctx.t("briefing_making"), expanded=True) as status:
            try:
                thresholds = load_thresholds()
                with cached.engine(ctx.url).connect() as conn:
                    files = briefing_files.make(
                        conn,
                        ctx.scope,
                        week,
                        ctx.lang,
                        thresholds,
                        progress=lambda step: st.write(ctx.t(f"briefing_step_{step}")),
                        allowed=ctx.allowed,
                    )
            except AlertsConfigError as exc:
                status.update(state="error")
                st.error(str(exc), icon=":material/error:")
                return
            except Exception:
                log.exception("briefing failed")
                status.update(state="error")
                st.error(ctx.t("reports_failed"), icon=":material/error:")
                return
            status.update(label=ctx.t("briefing_done"), state="complete", expanded=False)
        st.session_state[made] = (stamp, files.stem, files.pptx, files.pdf)
        auth.record_export(ctx.user, f"briefing {week} ({ctx.lang})", ctx.scope.code)
    got = st.session_state.get(made)
    if got and got[0] == stamp:
        _, stem, pptx, pdf = got
        left, right, _ = st.columns([1, 1, 3])
        left.download_button(
            ctx.t("briefing_save_pptx"),
            pptx,
            file_name=f"{stem}.pptx",
            mime=PPTX,
            key="briefing_save_pptx",
            on_click="ignore",
            icon=":material/download:",
            type="primary",
        )
        right.download_button(
            ctx.t("briefing_save_pdf"),
            pdf,
            file_name=f"{stem}.pdf",
            mime="application/pdf",
            key="briefing_save_pdf",
            on_click="ignore",
            icon=":material/download:",
            type="primary",
        )


def render(ctx: shell.Context) -> None:
    """The section, for users who may export (not a viewer); on screen only (its buttons make
    files: a printed page leaves it out, see `print_style.SCREEN_ONLY`)."""
    if not can_export(ctx.user):
        return
    with st.container(key=f"{print_style.SCREEN_ONLY}reports"):
        st.subheader(ctx.t("reports_title"))
        _briefing(ctx)
        _moh_report(ctx)
