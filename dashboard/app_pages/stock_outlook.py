"""The days-until-stock-out section of the stock page (not a page of its own): per store and
vaccine at the end of the period, on hand and in transit against the larger of the recent and
the planned daily use (the formula of `queries/stockout.py`, stated on the page)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import format as fmt
from dashboard import shell, widgets
from dashboard.figures import base
from dashboard.figures import due as figures
from dashboard.figures.stock import short_store, short_vaccine
from queries import stockout as stockout_q

SOONEST = 15  # bars in the chart
WITHIN_DAYS = 7  # the count of site stores that run out soon


def _labels(ctx: shell.Context) -> dict[str, str]:
    keys = ("store", "district", "vaccine", "on_hand", "in_transit", "recent", "planned",
            "days", "date")  # fmt: skip
    return {k: ctx.t(f"stockout_{k}") for k in keys}


def render(ctx: shell.Context, vaccines: dict[str, str]) -> None:
    """The section for the context's scope, as of the period's last day."""
    st.markdown(f"**{ctx.t('stockout_title', day=fmt.day(ctx.period.end))}**")
    st.caption(ctx.t("stockout_formula"))
    parts = ctx.built("stockout", lambda: _parts(ctx, vaccines))
    if parts is None:
        st.info(ctx.t("stockout_none"))
        return
    within, table, fig = parts
    st.caption(within)
    if fig is None:
        widgets.table(table, key="stockout_table")
        return
    st.markdown(f"*{ctx.t('stockout_chart')}*")
    widgets.chart(ctx, fig, table, key="stockout_chart")


def _parts(ctx: shell.Context, vaccines: dict[str, str]):
    """The count of site stores that run out soon, the table of every store and vaccine, and
    the chart of the soonest site stores (None when no site store has a count); None when no
    store has a count."""
    outlook = ctx.read(stockout_q.outlook_for_period)
    counted = outlook[outlook["days_left"].notna()]
    if counted.empty:
        return None
    soon = counted[(counted["level"] == "facility") & (counted["days_left"] <= WITHIN_DAYS)]
    within = ctx.t("stockout_within", n=fmt.number(len(soon), ctx.lang), days=WITHIN_DAYS)
    labels = _labels(ctx)
    names = outlook["name"].fillna(outlook["store_id"]).map(short_store)
    named = outlook.assign(
        label=[
            f"{n} · {short_vaccine(vaccines.get(v, v))}"
            for n, v in zip(names, outlook["vaccine_code"], strict=True)
        ]
    )
    table = _table(ctx, named, vaccines, labels)
    # Site stores, where doses are given: province and district stores pass their doses on
    # and often hold none between deliveries (they are in the table).
    sites = named[(named["level"] == "facility") & named["days_left"].notna()]
    fig = None
    if not sites.empty:
        fig = base.shared(figures.stockout_figure(sites.head(SOONEST), ctx.lang, labels))
    return within, table, fig


def _table(ctx: shell.Context, df: pd.DataFrame, vaccines: dict, labels: dict) -> pd.DataFrame:
    """Every store and vaccine, soonest first, numbers as Vietnamese text."""
    never = ctx.t("stockout_never")
    return pd.DataFrame(
        {
            labels["store"]: df["name"].fillna(df["store_id"]).map(short_store),
            labels["district"]: df["district_name"].fillna(""),
            labels["vaccine"]: [short_vaccine(vaccines.get(v, v)) for v in df["vaccine_code"]],
            labels["on_hand"]: [fmt.number(v, ctx.lang) for v in df["on_hand"]],
            labels["in_transit"]: [fmt.number(v, ctx.lang) for v in df["in_transit"]],
            labels["recent"]: [fmt.number(v, ctx.lang, 1) for v in df["recent_daily_use"]],
            labels["planned"]: [fmt.number(v, ctx.lang, 1) for v in df["planned_daily_use"]],
            labels["days"]: [
                never if pd.isna(d) else fmt.number(int(d), ctx.lang) for d in df["days_left"]
            ],
            labels["date"]: [fmt.day(d) if d is not None else "" for d in df["stockout_date"]],
        }
    )
