"""Certificates ("Chứng nhận tiêm"): certificates issued against doses administered, the backlog
by area and site and how it moved week to week, and the lag from injection to certificate."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import format as fmt
from dashboard import shell, widgets
from dashboard.figures import certificates as figures
from queries import certificates as certificates_q
from queries.certificates import TREND_WEEKS
from queries.measures import ratio

# Table column -> (short column name, metric whose definition shows on hover).
COLUMNS = {
    "backlog": ("certificates_col_backlog", "backlog"),
    "backlog_before": ("certificates_col_start", "backlog"),
    "backlog_change": ("certificates_col_change", "backlog_change"),
    "doses": ("certificates_col_doses", "doses"),
    "issued": ("certificates_col_issued", "issued"),
    "lag_hours": ("certificates_col_lag", "certificate_lag"),
}


def _labels(ctx: shell.Context) -> dict[str, str]:
    """Column names of the tables and names of the chart series."""
    return {
        **{column: ctx.t(key) for column, (key, _) in COLUMNS.items()},
        "week": ctx.t("week"),
        "district": ctx.t("certificates_district"),
        "area": ctx.t("certificates_area"),
        "start": ctx.t("certificates_backlog_start"),
    }


def _series(ctx: shell.Context) -> dict[str, str]:
    """The full names of the charted measures (legends and hovers)."""
    return {m: widgets.label(ctx, m) for m in ("doses", "issued", "backlog")}


def _shown(ctx: shell.Context, table: pd.DataFrame, labels: dict[str, str]):
    """A table of this page in the interface's number formats, with the definitions of its
    columns on hover."""
    numbers = [labels[c] for c in ("backlog", "backlog_before", "doses", "issued")]
    style = widgets.styled(table, ctx.lang, numbers=numbers, decimals=[labels["lag_hours"]])
    change = labels["backlog_change"]
    if change in table.columns:
        style = style.format(lambda v: fmt.signed(v, ctx.lang), subset=[change], na_rep="—")
    config = {
        ctx.t(key): st.column_config.Column(help=widgets.definition(ctx, metric))
        for key, metric in COLUMNS.values()
        if ctx.t(key) in table.columns
    }
    return style, config


def _kpis(ctx: shell.Context, now: pd.Series, before: pd.Series, weekly: pd.DataFrame) -> None:
    cols = st.columns(4)
    with cols[0]:
        widgets.kpi(ctx, "issued", now["issued"], before["issued"], trend=weekly["issued"])
    with cols[1]:
        widgets.kpi(ctx, "doses", now["doses"], before["doses"], trend=weekly["doses"])
    with cols[2]:
        title = ctx.t("certificates_kpi_backlog")
        widgets.kpi(
            ctx, "backlog", now["backlog"], now["backlog_before"], trend=weekly["backlog"],
            inverse=True, title=title,
        )  # fmt: skip
    with cols[3]:
        hours = ctx.t("certificates_hours_card")
        widgets.kpi(
            ctx, "certificate_lag", now["lag_hours"], before["lag_hours"],
            trend=weekly["lag_hours"], inverse=True, title=ctx.t("certificates_kpi_lag"),
            digits=1, unit=hours,
        )  # fmt: skip
    share = ratio(now["issued"], now["doses"])
    if share is not None:
        st.caption(ctx.t("certificates_issued_share", rate=fmt.percent(share, ctx.lang)))


def _trend_chart(ctx: shell.Context, weekly: pd.DataFrame, labels: dict[str, str]) -> None:
    st.markdown(f"**{ctx.t('certificates_trend', n=TREND_WEEKS)}**")
    table, config = _shown(ctx, figures.trend_table(weekly, labels), labels)
    widgets.chart(
        ctx,
        figures.trend_figure(weekly, ctx.lang, _series(ctx)),
        table,
        title=ctx.t("certificates_trend", n=TREND_WEEKS),
        key="certificates_trend_chart",
        metrics=("issued", "backlog"),
        column_config=config,
    )
    st.caption(ctx.t("week_definition"))


def _lag_chart(ctx: shell.Context, weekly: pd.DataFrame, labels: dict[str, str]) -> None:
    st.markdown(f"**{ctx.t('certificates_lag_trend')}**")
    if weekly["lag_hours"].notna().sum() == 0:
        widgets.no_data(ctx)
        return
    name = widgets.label(ctx, "certificate_lag")
    table, config = _shown(ctx, figures.lag_table(weekly, labels), labels)
    widgets.chart(
        ctx,
        figures.lag_figure(weekly, ctx.lang, name, ctx.t("certificates_hours")),
        table,
        title=ctx.t("certificates_lag_trend"),
        key="certificates_lag_chart",
        metrics=("certificate_lag",),
        column_config=config,
    )


def _area_chart(ctx: shell.Context, areas: pd.DataFrame, labels: dict[str, str]) -> None:
    level = areas["level"].iloc[0] if len(areas) else "district"
    st.markdown(f"**{ctx.t('certificates_by_' + level)}**")
    if areas.empty:
        widgets.no_data(ctx)
        return
    st.caption(ctx.t("certificates_by_area_hint"))
    area = "certificates_site" if level == "facility" else "certificates_area"
    labels = {**labels, "area": ctx.t(area)}
    table, config = _shown(ctx, figures.area_table(areas, labels), labels)
    widgets.drill_chart(
        ctx,
        figures.area_figure(areas.head(30), ctx.lang, {**_series(ctx), "start": labels["start"]}),
        table,
        title=ctx.t("certificates_by_" + level),
        key=f"certificates_area_chart_{ctx.scope.code}",
        metrics=("backlog", "backlog_change", "certificate_lag"),
        column_config=config,
    )


def _top_sites(ctx: shell.Context, labels: dict[str, str]) -> None:
    st.markdown(f"**{ctx.t('certificates_top')}**")
    top = ctx.read(certificates_q.top_sites)
    if top.empty:
        st.info(ctx.t("certificates_top_none"))
        return
    labels = {**labels, "area": ctx.t("certificates_site")}
    table, config = _shown(ctx, figures.area_table(top, labels), labels)
    widgets.table(
        table,
        column_config=config,
        key=f"certificates_top_{ctx.scope.code}",
        title=ctx.t("certificates_top"),
    )


def render(ctx: shell.Context) -> None:
    shell.header(ctx, "page_certificates")
    now = ctx.read(certificates_q.totals).iloc[0]
    before = ctx.read(certificates_q.totals, period=ctx.previous).iloc[0]
    weekly = ctx.read(certificates_q.weekly, TREND_WEEKS)
    _kpis(ctx, now, before, weekly)
    if int(weekly[["issued", "doses", "backlog"]].to_numpy().sum()) == 0:
        widgets.no_data(ctx)
        return
    labels = _labels(ctx)
    # The trend's table has five columns: the wider side, so that they all show at 1366 px.
    left, right = st.columns([3, 2])
    with left:
        _trend_chart(ctx, weekly, labels)
    with right:
        _lag_chart(ctx, weekly, labels)
    if not ctx.state.site:
        _area_chart(ctx, ctx.read(certificates_q.by_area), labels)
        _top_sites(ctx, labels)


ctx = shell.context()
if ctx is not None:
    render(ctx)
