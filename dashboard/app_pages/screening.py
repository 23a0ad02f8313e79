"""Screening and deferrals ("Khám sàng lọc & hoãn tiêm"): how many screened visits end without a
dose (deferred, contraindicated, referred to hospital), why, where, how it moves week by week,
and the sites with the highest deferral rates."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import downloads, shell, widgets
from dashboard import format as fmt
from dashboard.figures import screening as figures
from queries import screening as screening_q
from queries.periods import WEEK_DEFINITION
from queries.screening import MIN_SCREENED, REASONS, RESULTS, TREND_WEEKS

COUNTS = ("screened", *RESULTS)


def _reason_name(ctx: shell.Context, code: str) -> str:
    if not code:
        return ctx.t("screening_reason_none")
    # A code outside the platform's list is shown as recorded rather than hidden.
    return ctx.t(f"screening_reason_{code}") if code in REASONS else str(code)


def _labels(ctx: shell.Context) -> dict[str, str]:
    """The names of the measures and columns the figures and tables of this page use."""
    return {
        **{m: widgets.label(ctx, m) for m in (*COUNTS, "deferrals", "deferral_rate")},
        "visits": ctx.t("screening_visits"),
        "reason": ctx.t("screening_reason"),
        "result": ctx.t("screening_result"),
        "rate": ctx.t("screening_rate_of_screened"),
        "week": ctx.t("screening_week"),
        "province": ctx.t("screening_province_line"),
        "site": ctx.t("screening_site"),
        "district_name": ctx.t("screening_district"),
        "commune_name": ctx.t("screening_commune"),
        "main_reason": ctx.t("screening_main_reason"),
    }


def _styled(ctx: shell.Context, table: pd.DataFrame, labels: dict[str, str]):
    """Counts and rates of a table of this page in the interface's number formats."""
    numbers = [labels[m] for m in (*COUNTS, "deferrals", "visits")]
    rates = [labels[m] for m in ("deferral_rate", "rate", "province")]
    return widgets.styled(table, ctx.lang, numbers=numbers, percents=rates)


def _kpis(ctx: shell.Context, now: pd.Series, before: pd.Series, weekly: pd.DataFrame) -> None:
    """Two rows, so that every card's label and value fit at 1366 pixels: what was screened
    and the rate, then the three results that make the rate."""
    first = st.columns(2)
    with first[0]:
        widgets.kpi(ctx, "screened", now["screened"], before["screened"], trend=weekly["screened"])
    with first[1]:
        widgets.kpi(
            ctx,
            "deferral_rate",
            now["deferral_rate"],
            before["deferral_rate"],
            kind="percent",
            trend=weekly["deferral_rate"].fillna(0),
            inverse=True,
        )
    for col, metric in zip(st.columns(3), RESULTS, strict=True):
        with col:
            widgets.kpi(
                ctx, metric, now[metric], before[metric], trend=weekly[metric], inverse=True
            )


def _reason_chart(ctx: shell.Context, reasons: pd.DataFrame, labels: dict[str, str]) -> None:
    st.markdown(f"**{ctx.t('screening_by_reason')}**")
    if reasons.empty:
        widgets.no_data(ctx)
        return
    named = reasons.assign(reason=[_reason_name(ctx, c) for c in reasons["deferral_reason"]])
    widgets.chart(
        ctx,
        figures.reason_figure(named, ctx.lang, labels),
        _styled(ctx, figures.reason_table(named, labels), labels),
        title=ctx.t("screening_by_reason"),
        key="screening_reason_chart",
        metrics=RESULTS,
    )


def _trend_chart(
    ctx: shell.Context,
    weekly: pd.DataFrame,
    province: pd.DataFrame | None,
    labels: dict[str, str],
) -> None:
    st.markdown(f"**{ctx.t('screening_trend', n=TREND_WEEKS)}**")
    if int(weekly["screened"].sum()) == 0:
        widgets.no_data(ctx)
        return
    widgets.chart(
        ctx,
        figures.trend_figure(weekly, province, ctx.lang, labels),
        _styled(ctx, figures.trend_table(weekly, province, labels), labels),
        title=ctx.t("screening_trend", n=TREND_WEEKS),
        key="screening_trend_chart",
        metrics=("deferral_rate",),
    )
    st.caption(WEEK_DEFINITION[ctx.lang])


def _area_chart(
    ctx: shell.Context, areas: pd.DataFrame, overall: float | None, labels: dict[str, str]
) -> None:
    level = areas["level"].iloc[0] if len(areas) else "district"
    st.markdown(f"**{ctx.t('screening_by_' + level)}**")
    shown = screening_q.ranked_areas(areas)
    if shown.empty:
        widgets.no_data(ctx)
        return
    labels = {
        **labels,
        "area": ctx.t("screening_site" if level == "facility" else "screening_area"),
        "district": labels["district_name"],
        "overall": ctx.t(
            "screening_scope_rate", name=ctx.scope_name(), rate=fmt.percent(overall, ctx.lang)
        ),
    }
    if level != "facility":
        st.caption(ctx.t("screening_by_area_hint"))
    widgets.drill_chart(
        ctx,
        figures.area_figure(shown, overall, ctx.lang, labels),
        _styled(ctx, figures.area_table(shown, labels), labels),
        title=ctx.t("screening_by_" + level),
        key=f"screening_area_chart_{ctx.scope.code}",
        metrics=("deferral_rate",),
    )


def _top_sites(ctx: shell.Context, labels: dict[str, str]) -> None:
    st.markdown(f"**{ctx.t('screening_top')}**")
    top = ctx.read(screening_q.top_sites, MIN_SCREENED)
    if top.empty:
        st.info(ctx.t("screening_top_none", n=MIN_SCREENED))
        return
    defined = widgets.definitions_line(ctx, ("deferral_rate", "deferrals"))
    st.caption(f"{ctx.t('screening_top_hint', n=MIN_SCREENED)} {defined}")
    # The area one level down the scope says where the site is.
    where = "district_name" if ctx.scope.level == "province" else "commune_name"
    reasons = [_reason_name(ctx, c) for c in top["main_reason"]]
    # Short headers, so that the reason column is not cut at 1366 pixels; the full label and
    # the definition in each header's help.
    short = {
        labels[m]: st.column_config.Column(
            ctx.t(f"screening_short_{m}"), help=f"{labels[m]}: {widgets.definition(ctx, m)}"
        )
        for m in ("screened", "deferral_rate", "deferrals")
    }
    short[labels["main_reason"]] = st.column_config.Column(ctx.t("screening_short_main_reason"))
    shown = _styled(ctx, figures.top_sites_table(top, where, reasons, labels), labels)
    event = st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config=short,
        key=f"screening_top_{ctx.scope.code}",
        on_select="rerun",
        selection_mode="single-row",
    )
    downloads.table_downloads(
        ctx, shown, title=ctx.t("screening_top"), key=f"screening_top_{ctx.scope.code}"
    )
    rows = event.selection.rows if event else []
    target = widgets.drilled(ctx, str(top["facility_id"].iloc[rows[0]])) if rows else None
    if target is not None and target != ctx.state:
        shell.go(target)


def render(ctx: shell.Context) -> None:
    shell.header(ctx, "page_screening")
    now = ctx.read(screening_q.totals).iloc[0]
    before = ctx.read(screening_q.totals, period=ctx.previous).iloc[0]
    weekly = ctx.read(screening_q.weekly, TREND_WEEKS)
    _kpis(ctx, now, before, weekly)
    if int(now["screened"]) == 0:
        widgets.no_data(ctx)
        return
    labels = _labels(ctx)
    left, right = st.columns(2)
    with left:
        _reason_chart(ctx, ctx.read(screening_q.by_reason), labels)
    with right:
        province = None
        if ctx.scope.level != "province" and ctx.allowed.is_province:
            province = ctx.read(screening_q.weekly, TREND_WEEKS, scope=ctx.scope_for(None))
        _trend_chart(ctx, weekly, province, labels)
    if ctx.state.site:  # one site: the figures above are all there is
        widgets.page_link(ctx, "sites", ctx.t("screening_on_map"), icon=":material/map:")
        return
    overall = fmt.value(now["deferral_rate"])
    _area_chart(ctx, ctx.read(screening_q.by_area), overall, labels)
    _top_sites(ctx, labels)


ctx = shell.context()
if ctx is not None:
    render(ctx)
