"""Page building blocks: KPI cards with definitions, charts with their table behind them."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import format as fmt
from dashboard.shell import Context
from queries.definitions import METRICS


def definition(ctx: Context, metric: str) -> str:
    """The metric's definition in the interface language (for `help=` tooltips)."""
    m = METRICS.get(metric)
    return m.definition(ctx.lang) if m else ""


def label(ctx: Context, metric: str) -> str:
    m = METRICS.get(metric)
    return m.label(ctx.lang) if m else metric


def kpi(
    ctx: Context,
    metric: str,
    value: float | None,
    previous: float | None = None,
    *,
    kind: str = "number",
    trend: pd.Series | None = None,
    inverse: bool = False,
    title: str | None = None,
) -> None:
    """A KPI card: value, change against the previous period, sparkline, definition on hover.

    kind: "number" or "percent" (value is a ratio). `inverse` marks measures where a rise is bad
    (deferrals, backlog); the arrow keeps its direction, the colour follows the meaning.
    """
    show = fmt.percent if kind == "percent" else fmt.number
    delta = None
    if value is not None and previous is not None and not pd.isna(previous):
        change = value - previous
        if kind == "percent":
            delta = f"{'+' if change > 0 else ''}{fmt.number(change * 100, ctx.lang, 1)} đ.p."
            if ctx.lang == "en":
                delta = delta.replace("đ.p.", "pp")
        else:
            delta = fmt.signed(change, ctx.lang)
    st.metric(
        title or label(ctx, metric),
        show(value, ctx.lang),
        delta=delta,
        delta_color="inverse" if inverse else "normal",
        delta_description=ctx.t("compared_last_week") if delta else None,
        help=definition(ctx, metric),
        chart_data=None if trend is None else trend.tolist(),
        chart_type="line",
        border=True,
    )


def chart(
    ctx: Context,
    fig: go.Figure,
    table: pd.DataFrame,
    *,
    key: str,
    metrics: tuple[str, ...] = (),
    on_select: str = "ignore",
    column_config: dict | None = None,
):
    """A plotly chart with the definitions of its measures and, on request, its table."""
    event = st.plotly_chart(
        fig,
        key=key,
        on_select=on_select,
        config={
            "displaylogo": False,
            "toImageButtonOptions": {"format": "png", "scale": 2, "filename": key},
        },
    )
    if metrics:
        st.caption(" · ".join(f"**{label(ctx, m)}**: {definition(ctx, m)}" for m in metrics))
    with st.expander(ctx.t("show_table")):
        st.dataframe(table, hide_index=True, width="stretch", column_config=column_config)
    return event


def no_data(ctx: Context) -> None:
    st.info(ctx.t("no_data_period"))
