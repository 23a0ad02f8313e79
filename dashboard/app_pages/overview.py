"""Weekly overview ("Tổng quan tuần"): the week's headline figures against the week before, the
daily doses by dose, the areas ranked on coverage and on doses, and the alerts
(`dashboard/overview_alerts.py`)."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from dashboard import format as fmt
from dashboard import (
    overview_alerts,
    overview_decisions,
    overview_summary,
    province_context,
    report_files,
    shell,
    widgets,
)
from dashboard import target_group as tg
from dashboard.figures import base
from dashboard.figures import overview as figures
from queries import overview as overview_q
from queries.alerts import AlertsConfigError, Thresholds, load_thresholds
from queries.definitions import METRICS
from queries.measures import above_100

MEASURES = ("1plus", "full", "boosted")
# The operations pages behind the headline figures and alerts (same scope and period).
DETAIL_PAGES = ("stock", "certificates", "aefi", "screening", "flow", "quality")
DETAIL_COLUMNS = 3  # two rows of three: every page name fits at 1366 px


def _coverage_metric(measure: str) -> str:
    """The measure's own definition when the catalogue has one, else the generic one."""
    return f"coverage_{measure}" if f"coverage_{measure}" in METRICS else "coverage"


# --- headline figures ------------------------------------------------------------------------
def _controls(ctx: shell.Context) -> tuple[str, str]:
    """The coverage measure and target group (page options in the URL)."""
    top = st.columns([2, 3, 2], vertical_alignment="bottom")
    top[0].subheader(ctx.t("overview_cards"))
    with top[1]:
        measure = widgets.url_option(
            ctx,
            "measure",
            MEASURES,
            "1plus",
            ctx.t("overview_measure"),
            lambda m: ctx.t(f"overview_measure_{m}"),
            kind="segmented",
        )
    with top[2]:
        group = tg.selector(ctx)
    return measure, group


def _kpi_cards(ctx: shell.Context, measure: str, group: str) -> tuple[list, pd.Series]:
    """Each card's metric, value, value the period before, weekly trend and options; and the
    current period's row."""
    table = ctx.read(overview_q.kpis, group).set_index("window")
    cur, prev = table.loc["current"], table.loc["previous"]
    weeks = table.loc[[f"week_{k}" for k in range(1, overview_q.SPARK_WEEKS + 1)]]
    cover = ctx.t(
        "overview_coverage_card",
        measure=ctx.t(f"overview_card_measure_{measure}"),
        denominator=tg.short(ctx, group),
    )

    def people(title: str) -> str:
        return f"{title} ({tg.short(ctx, group)})"

    cards = [
        ("doses", "doses", {}),
        ("plan_achievement", "plan_achievement", {"kind": "percent"}),
        ("people_1plus", "people_1plus", {"title": people(ctx.t("overview_card_people_1plus"))}),
        ("people_full", "people_full", {"title": people(ctx.t("overview_card_people_full"))}),
        (_coverage_metric(measure), f"coverage_{measure}", {"kind": "percent", "title": cover}),
        ("deferrals", "deferrals", {"inverse": True}),
        ("deferral_rate", "deferral_rate", {"kind": "percent", "inverse": True}),
        ("aefi_serious", "aefi_serious", {"inverse": True}),
        ("issued", "issued", {}),
        ("backlog", "backlog", {"inverse": True, "title": ctx.t("overview_card_backlog")}),
        ("on_hand", "on_hand", {}),
        ("days_of_stock", "days_of_stock", {"digits": 1, "unit": ctx.t("overview_days_unit")}),
    ]
    shown = [
        (metric, cur[column], prev[column], weeks[column].astype("float64").fillna(0), options)
        for metric, column, options in cards
    ]
    return shown, cur


def _kpi_section(ctx: shell.Context, measure: str, group: str) -> pd.Series:
    cards, cur = ctx.built("overview_kpis", lambda: _kpi_cards(ctx, measure, group), measure, group)
    for start in range(0, len(cards), 4):
        for col, (metric, value, previous, trend, options) in zip(
            st.columns(4), cards[start : start + 4], strict=True
        ):
            with col:
                widgets.kpi(ctx, metric, value, previous, trend=trend, **options)
    return cur


def _coverage_notes(ctx: shell.Context, cur: pd.Series, measure: str, group: str) -> None:
    origin = {
        "source": tg.GSO_SOURCE,
        "year": ctx.period.end.year,
        "method": "census" if group == "all" else "aged_estimate",
    }
    notes = [
        ctx.t(
            "overview_coverage_note",
            measure=ctx.t(f"overview_measure_{measure}"),
            day=fmt.day(ctx.period.end),
            group=tg.name(ctx, group).lower(),
        ),
        tg.denominator_text(ctx, group, origin),
    ]
    unknown = int(cur.get("unknown_birth_year", 0) or 0)
    if group != "all" and unknown > 0:
        notes.append(ctx.t("group_unknown_birth_year", n=fmt.number(unknown, ctx.lang)))
    if ctx.state.site:
        notes.append(ctx.t("overview_site_commune_note"))
    notes.append(ctx.t("overview_aefi_caveat"))
    st.caption(" ".join(notes))
    value = fmt.value(cur[f"coverage_{measure}"])
    if above_100(value):
        st.warning(ctx.t("overview_over_100", value=fmt.percent(value, ctx.lang)), icon="⚠️")


def _detail_links(ctx: shell.Context) -> None:
    """Links from the headline figures to the pages that explain them, keeping the view."""
    st.markdown(f"**{ctx.t('overview_details')}**")
    cols = st.columns(DETAIL_COLUMNS)
    for i, name in enumerate(DETAIL_PAGES):
        with cols[i % DETAIL_COLUMNS]:
            widgets.page_link(ctx, name, ctx.t(f"page_{name}"))


# --- daily trend -----------------------------------------------------------------------------
def _trend_parts(ctx: shell.Context):
    """The daily doses' figure, its table and the table's labels; None without doses or plan."""
    trend = ctx.read(overview_q.daily_trend)
    if trend["total"].sum() == 0 and trend["planned"].sum() == 0:
        return None
    labels = {g: ctx.t(f"overview_{g}") for g in overview_q.DOSE_GROUPS}
    labels |= {
        "date": ctx.t("overview_date"),
        "total": ctx.t("overview_total"),
        "planned": widgets.label(ctx, "planned_doses"),
        "plan_achievement": widgets.label(ctx, "plan_achievement"),
    }
    fig = figures.daily_doses(
        trend, ctx.lang, {**labels, "planned": ctx.t("overview_planned_line")}
    )
    base.shared(fig)
    return fig, figures.daily_doses_table(trend, labels), labels


def _trend_section(ctx: shell.Context) -> None:
    st.subheader(ctx.t("overview_trend"))
    parts = ctx.built("overview_trend", lambda: _trend_parts(ctx))
    if parts is None:
        widgets.no_data(ctx)
        return
    fig, table, labels = parts
    widgets.chart(
        ctx,
        fig,
        partial(
            widgets.styled,
            table,
            ctx.lang,
            numbers=[labels[c] for c in (*overview_q.DOSE_GROUPS, "total", "planned")],
            percents=[labels["plan_achievement"]],
        ),
        title=ctx.t("overview_trend"),
        key=f"overview_trend_{ctx.scope.code}_{ctx.period.start}_{ctx.period.end}",
        metrics=("doses", "planned_doses", "plan_achievement"),
    )
    st.caption(ctx.t("overview_dose3plus_note"))


# --- ranking ---------------------------------------------------------------------------------
def _ranking_panels(ctx: shell.Context, measure: str, group: str):
    """The two rankings' title, figure, table with its number and percent columns, and
    measures; None when no area has doses or people."""
    district = ctx.state.district
    df = ctx.read(overview_q.ranking, group, scope=ctx.scope_for(district))
    if df.empty or (df["doses"].sum() == 0 and df[f"people_{measure}"].sum() == 0):
        return None
    in_view = ctx.state.commune  # a site is shown in its commune
    measure_label = ctx.t(f"overview_measure_{measure}")
    cov = {
        "area": ctx.t("overview_area"),
        "population": f"{widgets.label(ctx, 'population')} ({tg.short(ctx, group)})",
        "people": f"{ctx.t('overview_people')} ({measure_label})",
        "coverage": widgets.label(ctx, "coverage"),
    }
    dos = {
        "area": ctx.t("overview_area"),
        **{m: widgets.label(ctx, m) for m in ("doses", "plan_achievement")},
        "planned": widgets.label(ctx, "planned_doses"),
    }
    plan = {"of_plan": ctx.t("overview_of_plan"), "no_plan": ctx.t("overview_no_plan")}
    return [
        (
            ctx.t("overview_rank_coverage", measure=measure_label, day=fmt.day(ctx.period.end)),
            base.shared(figures.coverage_ranking(df, measure, ctx.lang, in_view)),
            figures.coverage_ranking_table(df, measure, cov),
            ([cov["population"], cov["people"]], [cov["coverage"]]),
            (_coverage_metric(measure),),
        ),
        (
            ctx.t("overview_rank_doses"),
            base.shared(figures.doses_ranking(df, ctx.lang, in_view, plan)),
            figures.doses_ranking_table(df, dos),
            ([dos["doses"], dos["planned"]], [dos["plan_achievement"]]),
            ("doses", "plan_achievement"),
        ),
    ]


def _ranking_section(ctx: shell.Context, measure: str, group: str) -> None:
    district = ctx.state.district  # the province ranks its districts, else the district's communes
    if district is None:
        st.subheader(ctx.t("overview_rank_districts"))
    else:
        st.subheader(ctx.t("overview_rank_communes", district=ctx.scope_name(district)))
    panels = ctx.built(
        "overview_ranking", lambda: _ranking_panels(ctx, measure, group), measure, group
    )
    if panels is None:
        widgets.no_data(ctx)
        return
    st.caption(ctx.t("overview_rank_hint"))
    keys = (
        f"overview_rank_cov_{district}_{measure}_{group}_{ctx.period.end}",
        f"overview_rank_doses_{district}_{ctx.period.start}_{ctx.period.end}",
    )
    columns = st.columns(2, gap="large")
    for column, key, (title, fig, table, (numbers, percents), metrics) in zip(
        columns, keys, panels, strict=True
    ):
        with column:
            st.markdown(f"**{title}**")
            shown = partial(widgets.styled, table, ctx.lang, numbers=numbers, percents=percents)
            widgets.drill_chart(ctx, fig, shown, key=key, title=title, metrics=metrics)
    columns[1].caption(ctx.t("overview_rank_doses_note"))


# --- alerts ----------------------------------------------------------------------------------
def _thresholds() -> tuple[Thresholds, str | None]:
    """The administrator's thresholds, or the defaults and the reason the file was refused."""
    try:
        return load_thresholds(), None
    except AlertsConfigError as exc:
        return Thresholds(), str(exc)


# --- the page --------------------------------------------------------------------------------
def render(ctx: shell.Context) -> None:
    shell.header(ctx, "page_overview")
    measure, group = _controls(ctx)
    cur = _kpi_section(ctx, measure, group)
    if cur["screened"] == 0 and cur["doses"] == 0:
        st.info(ctx.t("overview_no_activity"))
    _coverage_notes(ctx, cur, measure, group)
    province_context.render(ctx, measure, group)
    _detail_links(ctx)
    thresholds, error = _thresholds()
    alerts = overview_alerts.counted(ctx, thresholds)
    overview_alerts.jump_line(ctx, alerts)
    overview_summary.render(ctx, thresholds)
    overview_decisions.render(ctx, thresholds)
    _trend_section(ctx)
    _ranking_section(ctx, measure, group)
    overview_alerts.render(ctx, alerts, thresholds, error)
    report_files.render(ctx)


ctx = shell.context()
if ctx is not None:
    render(ctx)
