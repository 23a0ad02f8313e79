"""Weekly overview ("Tổng quan tuần"): the week's headline figures against the week before, the
daily doses by dose, the areas ranked on coverage and on doses, and the alerts."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import format as fmt
from dashboard import (
    navigation,
    overview_decisions,
    overview_summary,
    province_context,
    report_files,
    shell,
    widgets,
)
from dashboard import target_group as tg
from dashboard.figures import overview as figures
from dashboard.figures import overview_alerts as alert_texts
from dashboard.state import to_params
from queries import overview as overview_q
from queries import site_alerts as site_alerts_q
from queries.alerts import AlertsConfigError, Thresholds, config_path, load_thresholds
from queries.definitions import METRICS
from queries.measures import above_100

MEASURES = ("1plus", "full", "boosted")
TOP_ALERTS = 10
# The operations pages behind the headline figures and alerts (same scope and period).
DETAIL_PAGES = ("stock", "certificates", "aefi", "screening", "flow", "quality")
DETAIL_COLUMNS = 3  # two rows of three: every page name fits at 1366 px
ALERT_PAGES = alert_texts.PAGES
KIND_COLUMNS = 4  # the alert kinds' cards, four to a row
ALERT_KINDS = alert_texts.KINDS


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


def _kpi_section(ctx: shell.Context, measure: str, group: str) -> pd.Series:
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
    for start in range(0, len(cards), 4):
        for col, (metric, column, options) in zip(
            st.columns(4), cards[start : start + 4], strict=True
        ):
            with col:
                trend = weeks[column].astype("float64").fillna(0)
                widgets.kpi(ctx, metric, cur[column], prev[column], trend=trend, **options)
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
def _trend_section(ctx: shell.Context) -> None:
    st.subheader(ctx.t("overview_trend"))
    trend = ctx.read(overview_q.daily_trend)
    if trend["total"].sum() == 0 and trend["planned"].sum() == 0:
        widgets.no_data(ctx)
        return
    labels = {g: ctx.t(f"overview_{g}") for g in overview_q.DOSE_GROUPS}
    labels |= {
        "date": ctx.t("overview_date"),
        "total": ctx.t("overview_total"),
        "planned": widgets.label(ctx, "planned_doses"),
        "plan_achievement": widgets.label(ctx, "plan_achievement"),
    }
    table = figures.daily_doses_table(trend, labels)
    widgets.chart(
        ctx,
        figures.daily_doses(trend, ctx.lang, {**labels, "planned": ctx.t("overview_planned_line")}),
        widgets.styled(
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
def _ranking_section(ctx: shell.Context, measure: str, group: str) -> None:
    district = ctx.state.district  # the province ranks its districts, else the district's communes
    if district is None:
        st.subheader(ctx.t("overview_rank_districts"))
    else:
        st.subheader(ctx.t("overview_rank_communes", district=ctx.scope_name(district)))
    df = ctx.read(overview_q.ranking, group, scope=ctx.scope_for(district))
    if df.empty or (df["doses"].sum() == 0 and df[f"people_{measure}"].sum() == 0):
        widgets.no_data(ctx)
        return
    in_view = ctx.state.commune  # a site is shown in its commune
    measure_label = ctx.t(f"overview_measure_{measure}")
    st.caption(ctx.t("overview_rank_hint"))
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
    panels = [
        (
            ctx.t("overview_rank_coverage", measure=measure_label, day=fmt.day(ctx.period.end)),
            figures.coverage_ranking(df, measure, ctx.lang, in_view),
            widgets.styled(
                figures.coverage_ranking_table(df, measure, cov),
                ctx.lang,
                numbers=[cov["population"], cov["people"]],
                percents=[cov["coverage"]],
            ),
            f"overview_rank_cov_{district}_{measure}_{group}_{ctx.period.end}",
            (_coverage_metric(measure),),
        ),
        (
            ctx.t("overview_rank_doses"),
            figures.doses_ranking(df, ctx.lang, in_view, plan),
            widgets.styled(
                figures.doses_ranking_table(df, dos),
                ctx.lang,
                numbers=[dos["doses"], dos["planned"]],
                percents=[dos["plan_achievement"]],
            ),
            f"overview_rank_doses_{district}_{ctx.period.start}_{ctx.period.end}",
            ("doses", "plan_achievement"),
        ),
    ]
    columns = st.columns(2, gap="large")
    for column, (title, fig, table, key, metrics) in zip(columns, panels, strict=True):
        with column:
            st.markdown(f"**{title}**")
            widgets.drill_chart(ctx, fig, table, key=key, title=title, metrics=metrics)
    columns[1].caption(ctx.t("overview_rank_doses_note"))


# --- alerts ----------------------------------------------------------------------------------
def _thresholds() -> tuple[Thresholds, str | None]:
    """The administrator's thresholds, or the defaults and the reason the file was refused."""
    try:
        return load_thresholds(), None
    except AlertsConfigError as exc:
        return Thresholds(), str(exc)


def _alerts_jump(ctx: shell.Context, alerts: pd.DataFrame) -> None:
    """One line under the headline figures: how many alerts, with a link down to the list."""
    if alerts.empty:
        return
    serious = int((alerts["severity"] == "serious").sum())
    line = ctx.t(
        "overview_alerts_jump",
        serious=fmt.number(serious, ctx.lang),
        warning=fmt.number(len(alerts) - serious, ctx.lang),
    )
    st.markdown(f":material/notifications: {line}")


def _place(ctx: shell.Context, row: dict) -> str:
    return f"{ctx.scope_name(row['commune_code'])}, {ctx.scope_name(row['district_code'])}"


def _site_address(ctx: shell.Context, facility_id: str) -> str:
    """The address of the sites page's detail of a site, with this period and language."""
    state = replace(widgets.drilled(ctx, facility_id), options=())
    return f"{navigation.ADDRESSES['sites']}?{urlencode(to_params(state))}"


def _kind_cards(ctx: shell.Context, alerts: pd.DataFrame, t: Thresholds) -> None:
    """The number of alerts of each kind (and how many are serious), with the page behind."""
    columns = [
        c for _ in range(0, len(ALERT_KINDS), KIND_COLUMNS) for c in st.columns(KIND_COLUMNS)
    ]
    for col, kind in zip(columns, ALERT_KINDS, strict=False):
        of_kind = alerts[alerts["kind"] == kind]
        serious = int((of_kind["severity"] == "serious").sum())
        serious_text = ctx.t("overview_severity_serious").lower()
        with col:
            st.metric(
                ctx.t(f"overview_kind_{kind}"),
                fmt.number(len(of_kind), ctx.lang),
                delta=f"{fmt.number(serious, ctx.lang)} {serious_text}" if serious else None,
                delta_color="off",
                delta_arrow="off",
                help=alert_texts.rule(kind, t, ctx.lang),
                border=True,
            )
            widgets.page_link(ctx, ALERT_PAGES[kind], ctx.t(f"page_{ALERT_PAGES[kind]}"))


def _alerts_section(
    ctx: shell.Context, alerts: pd.DataFrame, t: Thresholds, error: str | None
) -> None:
    st.subheader(ctx.t("overview_alerts"), anchor="canh-bao")
    if error:
        st.warning(ctx.t("overview_alerts_config_error", error=error), icon="⚠️")
    where = ctx.t("overview_alerts_config", path=f"`{config_path().name}`")
    rules = f"{alert_texts.rules(t, ctx.lang)} {where}"
    if alerts.empty:
        st.info(ctx.t("overview_alerts_none"), icon=":material/check_circle:")
        st.caption(rules)
        return
    _kind_cards(ctx, alerts, t)
    counts = alerts.groupby("kind").size().to_dict()
    present = [k for k in ALERT_KINDS if counts.get(k)]
    chosen = st.pills(
        ctx.t("overview_alerts_filter"),
        present,
        selection_mode="multi",
        default=present,
        key=f"overview_alert_kinds_{'_'.join(present)}",
        format_func=lambda k: f"{ctx.t(f'overview_kind_{k}')} ({fmt.number(counts[k], ctx.lang)})",
    )
    rows = alerts[alerts["kind"].isin(chosen or present)].to_dict("records")
    _alert_list(ctx, rows, t)
    if len(rows) > TOP_ALERTS:
        _alert_table(ctx, rows, t)
    st.caption(rules)


def _alert_list(ctx: shell.Context, rows: list[dict], t: Thresholds) -> None:
    top = rows[:TOP_ALERTS]
    total = fmt.number(len(rows), ctx.lang)
    st.markdown(f"**{ctx.t('overview_alerts_top', shown=len(top), total=total)}**")
    for row in top:
        with st.container(border=True):
            left, middle, right = st.columns([1.3, 6, 1.6], vertical_alignment="center")
            left.markdown(alert_texts.severity_badge(row["severity"], ctx.lang))
            kind = ctx.t(f"overview_kind_{row['kind']}")
            middle.markdown(
                f"**{row['facility_name']}** · {_place(ctx, row)}  \n"
                f"{kind}: {alert_texts.message(row, t, ctx.lang)}"
            )
            with right:
                state = widgets.drilled(ctx, row["facility_id"])
                widgets.page_link(ctx, "sites", ctx.t("overview_open_site"), state=state)


def _alert_table(ctx: shell.Context, rows: list[dict], t: Thresholds) -> None:
    places = [_place(ctx, r) for r in rows]
    links = [_site_address(ctx, r["facility_id"]) for r in rows]
    table = alert_texts.alerts_table(rows, places, links, t, ctx.lang)
    columns = {  # the message wide, the link narrow: the table fits 1366 px
        ctx.t("overview_detail"): st.column_config.TextColumn(width="large"),
        ctx.t("overview_link"): st.column_config.LinkColumn(
            display_text=ctx.t("overview_open_site"), width="small"
        ),
    }
    with st.expander(ctx.t("overview_alerts_all", total=fmt.number(len(rows), ctx.lang))):
        widgets.table(table, column_config=columns, title=ctx.t("overview_alerts"))


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
    alerts = ctx.read(site_alerts_q.alerts, thresholds)
    _alerts_jump(ctx, alerts)
    overview_summary.render(ctx, thresholds)
    overview_decisions.render(ctx, thresholds)
    _trend_section(ctx)
    _ranking_section(ctx, measure, group)
    _alerts_section(ctx, alerts, thresholds, error)
    report_files.render(ctx)


ctx = shell.context()
if ctx is not None:
    render(ctx)
