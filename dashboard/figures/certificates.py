"""Figures and tables of the Certificates page: certificates and backlog by week, the lag by
week, the backlog by area. Pure functions of the query frames and the labels to show."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.figures import base

DOSES, ISSUED, BACKLOG, START = (base.PALETTE[4], base.PALETTE[0], base.PALETTE[5], base.PALETTE[4])
COUNT_HOVER = "%{y:,}<extra>%{fullData.name}</extra>"


def trend_figure(weekly: pd.DataFrame, lang: str, labels: dict[str, str]) -> go.Figure:
    """Doses and certificates issued by week as bars, the backlog at each week's end as a line
    on its own axis (an order of magnitude below the weekly counts). Labels: doses, issued,
    backlog."""
    x = pd.to_datetime(weekly["week_start"])
    fig = go.Figure()
    for column, colour in (("doses", DOSES), ("issued", ISSUED)):
        fig.add_trace(
            go.Bar(
                x=x,
                y=weekly[column],
                name=labels[column],
                marker_color=colour,
                hovertemplate=COUNT_HOVER,
            )
        )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=weekly["backlog"],
            name=labels["backlog"],
            mode="lines+markers",
            line={"color": BACKLOG, "width": 3},
            marker={"symbol": "diamond", "size": 8},
            yaxis="y2",
            hovertemplate=COUNT_HOVER,
        )
    )
    fig.update_layout(
        barmode="group",
        hovermode="x unified",
        yaxis={"tickformat": ",d", "rangemode": "tozero"},
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "tickformat": ",d",
            "rangemode": "tozero",
            "showgrid": False,
            "title": {"text": labels["backlog"], "font": {"size": 12}},
            "tickfont": {"color": BACKLOG},
        },
    )
    fig.update_xaxes(tickformat="%d/%m", hoverformat="%d/%m/%Y", dtick=14 * 86_400_000)
    return base.style(fig, lang, height=380)


def lag_figure(weekly: pd.DataFrame, lang: str, name: str, unit: str) -> go.Figure:
    """The mean certificate lag by week as bars with their value on top; `unit` titles the
    axis (hours)."""
    lag = weekly["lag_hours"]
    fig = base.weekly_series(
        weekly["week_start"], lag, lang, name=name, kind="bar", colour=base.PALETTE[1], height=380
    )
    fig.update_traces(
        text=[fmt.number(v, lang, 0) for v in lag],
        textposition="outside",
    )
    top = fmt.value(lag.max()) or 1.0
    fig.update_yaxes(title=unit, range=[0, top * 1.2])
    fig.update_xaxes(dtick=14 * 86_400_000)
    return fig


def area_figure(areas: pd.DataFrame, lang: str, labels: dict[str, str]) -> go.Figure:
    """The backlog at the start and at the end of the period by area (or site), largest first.
    Each bar carries its area code as customdata[0] (a click drills down); the axis lists
    names by code so that two sites of the same name keep their own bars. Labels: start,
    backlog."""
    codes = areas["area_code"].astype(str).tolist()
    data = areas[["area_code", "name"]].astype(str).to_numpy()
    fig = go.Figure()
    for column, colour in (("backlog_before", START), ("backlog", BACKLOG)):
        fig.add_trace(
            go.Bar(
                y=codes,
                x=areas[column],
                orientation="h",
                name=labels["start" if column == "backlog_before" else "backlog"],
                marker_color=colour,
                customdata=data,
                hovertemplate="%{customdata[1]}: %{x:,}<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(barmode="group", legend_traceorder="normal")
    base.coded_axis(fig, codes, areas["name"].astype(str).tolist())
    fig.update_xaxes(tickformat=",d")
    return base.style(fig, lang, height=max(320, 44 * len(areas) + 100))


# --- the tables behind them -------------------------------------------------------------------
COUNTS = ("doses", "issued", "backlog", "backlog_before")


def trend_table(weekly: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Week, doses, certificates issued, backlog at the week's end and its change."""
    columns = ("doses", "issued", "backlog", "backlog_change")
    return base.week_table(weekly, labels["week"], {c: labels[c] for c in columns})


def lag_table(weekly: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Week and mean lag in hours."""
    return base.week_table(weekly, labels["week"], {"lag_hours": labels["lag_hours"]})


def area_table(df: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """One row an area or site: name (and district below the district level), the backlog at
    the end and at the start, its change, doses, certificates issued and the mean lag."""
    columns = {"name": labels["area"]}
    if len(df) and df["level"].iloc[0] != "district":
        columns["district_name"] = labels["district"]
    for column in ("backlog", "backlog_before", "backlog_change", "doses", "issued", "lag_hours"):
        columns[column] = labels[column]
    return df[list(columns)].rename(columns=columns).reset_index(drop=True)
