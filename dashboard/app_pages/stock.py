"""Vaccine and stock ("Vắc xin & tồn kho"): the ledger flows of the stores serving the scope,
on hand, days of stock, stock-out days and wastage by reason; the flow of doses down the store
hierarchy; the gaps between the ledger, the sites' declarations and the visits; plans against
doses administered."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import pandas as pd
import streamlit as st

from dashboard import format as fmt
from dashboard import i18n, shell, widgets
from dashboard.app_pages import stock_outlook
from dashboard.figures import stock as figures
from dashboard.figures.base import shared
from queries import measures
from queries import stock as stock_q
from queries import stock_flow as flow_q

FLOWS = ("received", "issued_out", "administered", "wasted")
MEASURES = (
    *FLOWS, "on_hand", "declared_remaining", "days_of_stock", "wastage_rate", "planned_doses",
    "doses", "stock_discrepancy", "administered_gap",
)  # fmt: skip
TEXTS = (
    "outside", "unknown_sender", "province_store", "sites_n", "from", "to", "to_district",
    "vaccine", "store", "level", "site", "district", "reason", "day", "lot", "expiry",
    "days_left", "plan_line", "visits_line", "ledger_line", "level_province", "level_district",
    "level_facility",
)  # fmt: skip
COLUMNS = ("column_national", "level_province", "column_districts", "column_sites")


def _labels(ctx: shell.Context) -> dict[str, str]:
    """The names of the measures, columns and nodes the figures and tables of this page use."""
    labels = {m: widgets.label(ctx, m) for m in MEASURES}
    labels.update({k: ctx.t(f"stock_{k}") for k in TEXTS})
    labels.update({f"column_{i}": ctx.t(f"stock_{k}") for i, k in enumerate(COLUMNS)})
    labels.update(
        unknown=labels["unknown_sender"],
        province=labels["province_store"],
        plan=labels["plan_line"],
        visits=labels["visits_line"],
        ledger=labels["ledger_line"],
        doses_axis=ctx.t("stock_doses"),  # "doses" is the measure (from visits)
    )
    return labels


def _reason(ctx: shell.Context, code: str) -> str:
    if not code:
        return ctx.t("stock_reason_none")
    key = f"stock_reason_{code}"
    # A reason outside the known list is shown as recorded rather than hidden.
    return ctx.t(key) if key in i18n.TEXTS else str(code)


def _text_table(ctx: shell.Context, table: pd.DataFrame, key: str, left: int, title: str) -> None:
    """A long table of text, every column after the first `left` ones right-aligned; a
    measure's header short enough for the table to fit a 1366-pixel screen, its full label
    and definition in the header's help."""
    metric_of = {widgets.label(ctx, m): m for m in MEASURES}
    config = {}
    for column in table.columns[left:]:
        metric = metric_of.get(column)
        short = f"stock_short_{metric}"
        config[column] = st.column_config.TextColumn(
            ctx.t(short) if short in i18n.TEXTS else column,
            help=f"{column}: {widgets.definition(ctx, metric)}" if metric else None,
            alignment="right",
        )
    widgets.table(
        table,
        height=min(420, 36 * len(table) + 40),
        key=key,
        column_config=config,
        title=title,
    )


def _kpis(ctx: shell.Context, now: pd.Series, before: pd.Series) -> None:
    for col, metric in zip(st.columns(4), FLOWS, strict=True):
        with col:
            widgets.kpi(ctx, metric, now[metric], before[metric], inverse=metric == "wasted")
    cols = st.columns(4)
    with cols[0]:
        widgets.kpi(
            ctx,
            "wastage_rate",
            now["wastage_rate"],
            before["wastage_rate"],
            kind="percent",
            inverse=True,
        )
    with cols[1]:
        widgets.kpi(ctx, "on_hand", now["on_hand"], before["on_hand"])
    with cols[2]:
        days = fmt.number(now["days_of_stock"], ctx.lang, 1)
        widgets.kpi(ctx, "days_of_stock", now["days_of_stock"], shown=days)
    with cols[3]:
        widgets.kpi(
            ctx, "stockout_days", now["stockout_days"], before["stockout_days"], inverse=True
        )


@dataclass(frozen=True)
class _Base:
    """What every section starts from: the period's totals and the period before's, the
    stores, the daily series, the vaccines' names and the page's labels."""

    now: pd.Series
    before: pd.Series
    stores: pd.DataFrame
    daily: pd.DataFrame
    vaccines: dict[str, str]
    labels: dict[str, str]

    @property
    def empty(self) -> bool:
        moved = int(self.now[list(FLOWS)].abs().sum())
        return self.stores.empty and moved == 0 and int(self.daily["doses"].sum()) == 0


def _base(ctx: shell.Context) -> _Base:
    stores = ctx.read(stock_q.by_store)
    vaccines = dict(zip(stores["vaccine_code"], stores["vaccine_name"].fillna(""), strict=True))
    return _Base(
        now=ctx.read(stock_q.totals).iloc[0],
        before=ctx.read(stock_q.totals, period=ctx.previous).iloc[0],
        stores=stores,
        daily=ctx.read(stock_q.daily),
        vaccines={k: v or k for k, v in vaccines.items()},
        labels=_labels(ctx),
    )


def _plan_parts(ctx: shell.Context, base: _Base):
    """The caption, figure and table of the plan chart; None without plan or doses."""
    daily, now, labels = base.daily, base.now, base.labels
    if int(daily[["planned_doses", "doses", "administered"]].to_numpy().sum()) == 0:
        return None
    achieved = measures.plan_achievement(now["doses"], now["planned_doses"])
    caption = (
        f"{labels['planned_doses']}: {fmt.number(now['planned_doses'], ctx.lang)} · "
        f"{labels['doses']}: {fmt.number(now['doses'], ctx.lang)} · "
        f"{widgets.label(ctx, 'plan_achievement')}: {fmt.percent(achieved, ctx.lang)}"
    )
    fig = shared(figures.plan_figure(daily, ctx.lang, labels))
    return caption, fig, figures.plan_table(daily, labels)


def _plan_chart(ctx: shell.Context, base: _Base) -> None:
    st.markdown(f"**{ctx.t('stock_plan_chart')}**")
    parts = ctx.built("stock_plan", lambda: _plan_parts(ctx, base))
    if parts is None:
        widgets.no_data(ctx)
        return
    caption, fig, table = parts
    st.caption(caption)
    widgets.chart(
        ctx,
        fig,
        partial(widgets.styled, table, ctx.lang, numbers=list(table.columns[1:])),
        title=ctx.t("stock_plan_chart"),
        key="stock_plan_chart",
        metrics=("planned_doses", "plan_achievement"),
    )


def _waste_parts(ctx: shell.Context, base: _Base):
    """The wastage figure and table; None without wastage."""
    waste = ctx.read(stock_q.waste_by_reason)
    if waste.empty:
        return None
    named = waste.assign(
        reason=[_reason(ctx, c) for c in waste["waste_reason"]],
        vaccine=[base.vaccines.get(c, c) for c in waste["vaccine_code"]],
    )
    labels = base.labels
    fig = shared(figures.waste_figure(named, ctx.lang, labels))
    return fig, figures.waste_table(named, labels)


def _waste_chart(ctx: shell.Context, base: _Base) -> None:
    st.markdown(f"**{ctx.t('stock_waste_chart')}**")
    parts = ctx.built("stock_waste", lambda: _waste_parts(ctx, base))
    if parts is None:
        widgets.no_data(ctx)
        return
    fig, table = parts
    widgets.chart(
        ctx,
        fig,
        partial(widgets.styled, table, ctx.lang, numbers=[base.labels["wasted"]]),
        title=ctx.t("stock_waste_chart"),
        key="stock_waste_chart",
        metrics=("wasted", "wastage_rate"),
    )


def _flow_parts(ctx: shell.Context, base: _Base):
    """The notes, figure and table of the flow of doses; None without transfers."""
    flow, pairs = ctx.read(flow_q.flow), ctx.read(flow_q.transfers)
    if flow.empty:
        return None
    labels = base.labels
    notes = [ctx.t("stock_flow_note")]
    if (flow["target_level"] == "sites").any():
        notes.append(ctx.t("stock_flow_grouped"))
    if len(flow_q.drawn_links(flow)) < len(flow):
        notes.append(ctx.t("stock_flow_not_drawn"))
    table = figures.flow_table(pairs, base.vaccines, labels)
    table = figures.as_text(table, ctx.lang, {labels["received"]: "number"})
    fig = shared(figures.flow_figure(flow, pairs, ctx.lang, labels))
    return " ".join(notes), fig, table


def _flow_chart(ctx: shell.Context, base: _Base) -> None:
    st.markdown(f"**{ctx.t('stock_flow_chart')}**")
    parts = ctx.built("stock_flow", lambda: _flow_parts(ctx, base))
    if parts is None:
        widgets.no_data(ctx)
        return
    notes, fig, table = parts
    st.caption(notes)
    right = st.column_config.TextColumn(alignment="right")
    widgets.chart(
        ctx,
        fig,
        table,
        title=ctx.t("stock_flow_chart"),
        key="stock_flow_chart",
        metrics=("dose_flow",),
        column_config={base.labels["received"]: right},
    )


def _store_parts(ctx: shell.Context, base: _Base):
    """The table by store and whether site stores were left out of it; None without stores."""
    stores = base.stores
    if stores.empty:
        return None
    # Hundreds of site stores would bury the province and district stores: sites show
    # from a district down, and their gaps are listed below.
    hidden = ctx.state.district is None and bool((stores["level"] == "facility").any())
    if hidden:
        stores = stores[stores["level"] != "facility"]
    return figures.store_table(stores, ctx.lang, base.labels), hidden


def _store_table(ctx: shell.Context, base: _Base) -> None:
    st.markdown(f"**{ctx.t('stock_by_store')}**")
    parts = ctx.built("stock_stores", lambda: _store_parts(ctx, base))
    if parts is None:
        widgets.no_data(ctx)
        return
    table, hidden = parts
    if hidden:
        st.caption(ctx.t("stock_sites_hint"))
    st.caption(widgets.definitions_line(ctx, ("on_hand", "days_of_stock")))
    _text_table(ctx, table, "stock_by_store_table", 3, ctx.t("stock_by_store"))


def _gaps_table(ctx: shell.Context, base: _Base) -> None:
    st.markdown(f"**{ctx.t('stock_gaps')}**")
    st.caption(widgets.definitions_line(ctx, ("stock_discrepancy", "administered_gap")))
    table = ctx.built("stock_gaps", lambda: _gaps(ctx, base))
    if table is None:
        st.info(ctx.t("stock_gaps_none"))
        return
    _text_table(ctx, table, "stock_gaps_table", 2, ctx.t("stock_gaps"))


def _gaps(ctx: shell.Context, base: _Base) -> pd.DataFrame | None:
    gaps = ctx.read(stock_q.gaps)
    return None if gaps.empty else figures.gaps_table(gaps, ctx.lang, base.labels)


def _lots_table(ctx: shell.Context, base: _Base) -> None:
    st.markdown(f"**{ctx.t('stock_lots')}**")
    st.caption(widgets.definitions_line(ctx, ("lots_near_expiry",)))
    table = ctx.built("stock_lots", lambda: _lots(ctx, base))
    if table is None:
        st.info(ctx.t("stock_lots_none"))
        return
    _text_table(ctx, table, "stock_lots_table", 5, ctx.t("stock_lots"))


def _lots(ctx: shell.Context, base: _Base) -> pd.DataFrame | None:
    lots = ctx.read(stock_q.lots_near_expiry)
    if lots.empty:
        return None
    return figures.lots_table(lots, base.vaccines, ctx.lang, base.labels)


def render(ctx: shell.Context) -> None:
    shell.header(ctx, "page_stock")
    base = ctx.built("stock_base", lambda: _base(ctx))
    _kpis(ctx, base.now, base.before)
    if base.empty:
        widgets.no_data(ctx)
        return
    left, right = st.columns(2)
    with left:
        _plan_chart(ctx, base)
    with right:
        _waste_chart(ctx, base)
    if not ctx.state.site:
        _flow_chart(ctx, base)
    _store_table(ctx, base)
    stock_outlook.render(ctx, base.vaccines)
    _gaps_table(ctx, base)
    _lots_table(ctx, base)


ctx = shell.context()
if ctx is not None:
    render(ctx)
