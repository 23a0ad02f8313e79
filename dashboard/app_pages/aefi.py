"""Adverse events following immunization ("Phản ứng sau tiêm"): reports by severity and vaccine,
the rate per 100,000 doses of the same vaccine and period, serious cases by outcome, reports by
vaccine lot, with the caveat that reports are unverified."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import shell, widgets
from dashboard.figures import aefi as figures
from queries import aefi as aefi_q
from queries.aefi import CHANNELS, OUTCOMES

TREND_WEEKS = 12
LOTS_CHARTED = 15
COUNTS = ("mild", "serious", "reports", "doses", "sites")
RATES = ("rate", "serious_rate")


def _labels(ctx: shell.Context) -> dict[str, str]:
    """Names of the series and of the table columns of this page."""
    return {
        "mild": ctx.t("aefi_sev_mild"),
        "serious": ctx.t("aefi_sev_serious"),
        "reports": ctx.t("aefi_reports_col"),
        "doses": ctx.t("aefi_doses"),
        "rate": ctx.t("aefi_rate_col"),
        "serious_rate": ctx.t("aefi_serious_rate_col"),
        "sites": ctx.t("aefi_sites_col"),
        "vaccine": ctx.t("aefi_vaccine"),
        "no_vaccine": ctx.t("aefi_no_vaccine"),
        "lot": ctx.t("aefi_lot"),
        "no_lot": ctx.t("aefi_no_lot"),
        "outcome": ctx.t("aefi_outcome_col"),
        "channel": ctx.t("aefi_channel_col"),
        "week": ctx.t("week"),
    }


def _short(ctx: shell.Context, labels: dict[str, str]) -> dict[str, str]:
    """The labels with short column names, for a table in half the page's width."""
    short = {c: ctx.t(f"aefi_col_{c}") for c in ("mild", "serious", "doses", "rate")}
    return {**labels, **short}


def _shown(ctx: shell.Context, table: pd.DataFrame, labels: dict[str, str]):
    return widgets.styled(
        table,
        ctx.lang,
        numbers=[labels[c] for c in COUNTS],
        decimals=[labels[c] for c in RATES],
    )


def _kpis(ctx: shell.Context, now: pd.Series, before: pd.Series, weekly: pd.DataFrame) -> None:
    cols = st.columns(4)
    with cols[0]:
        widgets.kpi(
            ctx, "reports", now["reports"], before["reports"], trend=weekly["reports"], inverse=True
        )
    with cols[1]:
        widgets.kpi(
            ctx, "aefi_serious", now["serious"], before["serious"],
            trend=weekly["serious"], inverse=True,
        )  # fmt: skip
    with cols[2]:
        widgets.kpi(
            ctx, "aefi_rate", now["rate"], before["rate"], trend=weekly["rate"], inverse=True,
            title=ctx.t("aefi_kpi_rate"), digits=1,
        )  # fmt: skip
    with cols[3]:
        widgets.kpi(ctx, "doses", now["doses"], before["doses"], trend=weekly["doses"])


def _vaccine_chart(ctx: shell.Context, vac: pd.DataFrame, labels: dict[str, str]) -> None:
    st.markdown(f"**{ctx.t('aefi_by_vaccine')}**")
    if int(vac["reports"].sum()) == 0:
        widgets.no_data(ctx)
        return
    widgets.chart(
        ctx,
        figures.vaccine_figure(vac, ctx.lang, labels),
        _shown(ctx, figures.vaccine_table(vac, labels), labels),
        title=ctx.t("aefi_by_vaccine"),
        key="aefi_vaccine_chart",
        metrics=("reports", "aefi_rate"),
    )


def _outcome_chart(ctx: shell.Context, out: pd.DataFrame, labels: dict[str, str]) -> None:
    st.markdown(f"**{ctx.t('aefi_outcome')}**")
    outcomes = aefi_q.outcome_totals(out)
    if int(outcomes["reports"].sum()) == 0:
        st.info(ctx.t("aefi_no_serious"))
        return
    names = {o: ctx.t(f"aefi_out_{o}") for o in OUTCOMES}
    widgets.chart(
        ctx,
        figures.outcome_figure(outcomes, ctx.lang, names),
        _shown(ctx, figures.outcome_table(outcomes, names, labels), labels),
        title=ctx.t("aefi_outcome"),
        key="aefi_outcome_chart",
        metrics=("aefi_serious",),
    )


def _trend_chart(ctx: shell.Context, weekly: pd.DataFrame, labels: dict[str, str]) -> None:
    st.markdown(f"**{ctx.t('aefi_trend', n=TREND_WEEKS)}**")
    if int(weekly["doses"].sum()) == 0:
        widgets.no_data(ctx)
        return
    short = _short(ctx, labels)
    widgets.chart(
        ctx,
        figures.rate_figure(weekly, ctx.lang, widgets.label(ctx, "aefi_rate")),
        _shown(ctx, figures.rate_table(weekly, short), short),
        title=ctx.t("aefi_trend", n=TREND_WEEKS),
        key="aefi_trend_chart",
        metrics=("aefi_rate",),
    )
    st.caption(ctx.t("week_definition"))


def _channel_table(ctx: shell.Context, ch: pd.DataFrame, labels: dict[str, str]) -> None:
    st.markdown(f"**{ctx.t('aefi_channel')}**")
    if ch.empty or int(ch["reports"].sum()) == 0:
        widgets.no_data(ctx)
        return
    names = {c: ctx.t(f"aefi_ch_{c}") for c in CHANNELS}
    widgets.table(
        _shown(ctx, figures.channel_table(ch, names, labels), labels),
        title=ctx.t("aefi_channel"),
    )


def _lot_section(ctx: shell.Context, lots: pd.DataFrame, labels: dict[str, str]) -> None:
    st.markdown(f"**{ctx.t('aefi_by_lot')}**")
    st.caption(ctx.t("aefi_lot_note"))
    if lots.empty:
        widgets.no_data(ctx)
        return
    if len(lots) > LOTS_CHARTED:
        st.caption(ctx.t("aefi_lot_top", n=LOTS_CHARTED))
    table = figures.lot_table(lots, labels)
    widgets.chart(
        ctx,
        figures.lot_figure(lots.head(LOTS_CHARTED), ctx.lang, labels),
        None,
        title=ctx.t("aefi_by_lot"),
        key="aefi_lot_chart",
    )
    widgets.table(
        _shown(ctx, table, labels),
        height=min(38 + 35 * len(table), 420),
        key="aefi_lot_table",
        title=ctx.t("aefi_by_lot"),
    )


def render(ctx: shell.Context) -> None:
    shell.header(ctx, "page_aefi")
    st.warning(ctx.t("aefi_caveat"), icon=":material/info:")
    now = ctx.read(aefi_q.totals).iloc[0]
    before = ctx.read(aefi_q.totals, period=ctx.previous).iloc[0]
    weekly = ctx.read(aefi_q.weekly, TREND_WEEKS)
    _kpis(ctx, now, before, weekly)
    if int(now["reports"]) == 0 and int(now["doses"]) == 0:
        widgets.no_data(ctx)
        return
    labels = _labels(ctx)
    # The vaccine table has seven columns: the page's whole width, so that they all show.
    _vaccine_chart(ctx, ctx.read(aefi_q.by_vaccine), labels)
    left, right = st.columns(2)
    with left:
        _trend_chart(ctx, weekly, labels)
    with right:
        _outcome_chart(ctx, ctx.read(aefi_q.serious_by_outcome), labels)
        _channel_table(ctx, ctx.read(aefi_q.by_channel), labels)
    _lot_section(ctx, ctx.read(aefi_q.by_lot), labels)


ctx = shell.context()
if ctx is not None:
    render(ctx)
