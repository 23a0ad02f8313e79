"""Session flow ("Quy trình buổi tiêm"): the funnel reception -> screening -> injection ->
watch -> certificate, time between steps, doses per table-hour by site, sessions below capacity,
and the recording lag (injections entered days later)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import format as fmt
from dashboard import shell, widgets
from dashboard.figures import flow as figures
from queries import flow as flow_q
from queries.flow import BELOW_SHARE, STEPS

TREND_WEEKS = 12
TOP_SITES = 20
NUMBERS = ("visits", "doses", "recorded_late", "tables", "sessions", "below_sessions")
DECIMALS = ("table_hours", "throughput", "threshold", "hours", "recording_lag_days")
PERCENTS = ("share", "recorded_late_share")
# Column -> the metric whose definition shows on hover.
DEFINED = {
    "throughput": "throughput",
    "threshold": "below_capacity",
    "below_sessions": "below_capacity",
    "recorded_late_share": "recorded_late_share",
    "recording_lag_days": "recording_lag",
}


def _labels(ctx: shell.Context) -> dict[str, str]:
    """Column names of this page's tables (short, so that they fit at 1366 pixels)."""
    short = ("sessions", "doses", "table_hours", "throughput", "threshold", "hours", "share")
    return {
        **{c: ctx.t(f"flow_col_{c}") for c in short},
        "below_sessions": ctx.t("flow_col_below"),
        "recorded_late": ctx.t("flow_col_late"),
        "recorded_late_share": ctx.t("flow_col_share"),
        "recording_lag_days": ctx.t("flow_col_lag_days"),
        "tables": ctx.t("flow_tables"),
        "step": ctx.t("flow_step"),
        "visits": ctx.t("flow_visits"),
        "week": ctx.t("week"),
        "date": ctx.t("flow_date"),
        "site": ctx.t("flow_site"),
        "district_name": ctx.t("flow_district"),
        "commune_name": ctx.t("flow_commune"),
    }


def _shown(ctx: shell.Context, table: pd.DataFrame, labels: dict[str, str]):
    """A table of this page in the interface's formats, with definitions on hover."""
    style = widgets.styled(
        table,
        ctx.lang,
        numbers=[labels[c] for c in NUMBERS],
        decimals=[labels[c] for c in DECIMALS],
        percents=[labels[c] for c in PERCENTS],
    )
    config = {
        labels[c]: st.column_config.Column(help=widgets.definition(ctx, m))
        for c, m in DEFINED.items()
        if labels[c] in table.columns
    }
    return style, config


def _area(ctx: shell.Context) -> str:
    """The area column of the site tables: the district for the province, else the commune."""
    return "district_name" if ctx.scope.level == "province" else "commune_name"


def _kpis(ctx: shell.Context, now: pd.Series, before: pd.Series, sites: pd.DataFrame) -> None:
    """Two rows, so that every card's change and its "compared with" line fit at 1366 pixels:
    the waits and late entry (with their change), then the capacity of the period."""
    first = st.columns(3)
    for col, metric in zip(first[:2], ("screen_wait", "inject_wait"), strict=True):
        with col:
            widgets.kpi(
                ctx, metric, now[f"{metric}_minutes"], before[f"{metric}_minutes"],
                inverse=True, title=ctx.t(f"flow_kpi_{metric}"), digits=1,
            )  # fmt: skip
    with first[2]:
        widgets.kpi(
            ctx, "recorded_late_share", now["recorded_late_share"],
            before["recorded_late_share"], kind="percent", inverse=True,
            title=ctx.t("flow_kpi_late"),
        )  # fmt: skip
    capacity = flow_q.capacity(sites)
    second = st.columns(2)
    with second[0]:
        title = ctx.t("flow_kpi_throughput")
        widgets.kpi(ctx, "throughput", capacity["throughput"], title=title, digits=1)
    with second[1]:
        shown = f"{fmt.number(capacity['below_sessions'], ctx.lang)} / " + fmt.number(
            capacity["sessions"], ctx.lang
        )
        title = ctx.t("flow_kpi_below")
        widgets.kpi(ctx, "below_capacity", capacity["below_sessions"], title=title, shown=shown)


def _funnel(ctx: shell.Context, now: pd.Series, labels: dict[str, str]) -> None:
    st.markdown(f"**{ctx.t('flow_funnel')}**")
    funnel = flow_q.funnel(now)
    names = {s: widgets.label(ctx, s) for s in STEPS}
    labels = {**labels, "share": ctx.t("flow_share")}
    table, config = _shown(ctx, figures.funnel_table(funnel, names, labels), labels)
    widgets.chart(
        ctx,
        figures.funnel_figure(funnel, ctx.lang, names),
        table,
        title=ctx.t("flow_funnel"),
        key="flow_funnel_chart",
        metrics=STEPS,
        column_config=config,
    )
    st.caption(ctx.t("flow_cert_note"))


def _site_chart(ctx: shell.Context, sites: pd.DataFrame, labels: dict[str, str]) -> None:
    shown = flow_q.lowest_sites(sites, TOP_SITES)
    st.markdown(f"**{ctx.t('flow_sites', n=len(shown))}**")
    if shown.empty:
        widgets.no_data(ctx)
        return
    table, config = _shown(ctx, figures.site_table(sites, labels, _area(ctx)), labels)
    widgets.drill_chart(
        ctx,
        figures.site_figure(shown, ctx.lang, widgets.label(ctx, "throughput")),
        table,
        title=ctx.t("flow_sites", n=len(shown)),
        key=f"flow_site_chart_{ctx.scope.code}",
        metrics=("throughput",),
        column_config=config,
    )


def _below_table(ctx: shell.Context, sessions: pd.DataFrame, labels: dict[str, str]) -> None:
    st.markdown(f"**{ctx.t('flow_below_title')}**")
    st.caption(ctx.t("flow_below_hint", share=fmt.percent(BELOW_SHARE, ctx.lang, 0)))
    if not sessions["below"].any():
        st.info(ctx.t("flow_below_none"))
        return
    table, config = _shown(ctx, figures.below_table(sessions, labels, _area(ctx)), labels)
    widgets.table(
        table, column_config=config, key="flow_below_table", title=ctx.t("flow_below_title")
    )


def _late_chart(ctx: shell.Context, weekly: pd.DataFrame, labels: dict[str, str]) -> None:
    st.markdown(f"**{ctx.t('flow_lag', n=TREND_WEEKS)}**")
    if int(weekly["doses"].sum()) == 0:
        widgets.no_data(ctx)
        return
    table, config = _shown(ctx, figures.late_table(weekly, labels), labels)
    widgets.chart(
        ctx,
        figures.late_figure(weekly, ctx.lang, widgets.label(ctx, "recorded_late_share")),
        table,
        title=ctx.t("flow_lag", n=TREND_WEEKS),
        key="flow_lag_chart",
        metrics=("recorded_late_share", "recording_lag"),
        column_config=config,
    )
    st.caption(ctx.t("week_definition"))


def render(ctx: shell.Context) -> None:
    shell.header(ctx, "page_flow")
    labels = _labels(ctx)
    now = ctx.read(flow_q.totals).iloc[0]
    before = ctx.read(flow_q.totals, period=ctx.previous).iloc[0]
    weekly = ctx.read(flow_q.weekly, TREND_WEEKS)
    sites = ctx.read(flow_q.by_site)
    _kpis(ctx, now, before, sites)
    if int(now["checked_in"]) == 0:
        widgets.no_data(ctx)
        return
    left, right = st.columns(2)
    with left:
        _funnel(ctx, now, labels)
    with right:
        _late_chart(ctx, weekly, labels)
    _site_chart(ctx, sites, labels)
    _below_table(ctx, ctx.read(flow_q.sessions), labels)


ctx = shell.context()
if ctx is not None:
    render(ctx)
