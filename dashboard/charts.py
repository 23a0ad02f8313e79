"""Figure builders shared by pages, reports and exports: colour-blind-safe, Vietnamese formats.

Pure functions of DataFrames (no Streamlit), so a report can reuse them.
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from dashboard.format import plotly_separators

# Okabe-Ito: distinguishable with the common colour-vision deficiencies; never red/green alone.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SEQUENTIAL = "Blues"  # coverage and other "more is more" maps
DIVERGING = "PuOr"  # above/below a reference
STATUS_COLOURS = {"ok": "#0072B2", "warn": "#E69F00", "alert": "#D55E00", "none": "#999999"}
FONT = "Segoe UI, Roboto, Helvetica, Arial, sans-serif"


def style(fig: go.Figure, lang: str, *, height: int = 360, title: str | None = None) -> go.Figure:
    """The common look: palette, Vietnamese separators and dates, readable on a projector."""
    fig.update_layout(
        colorway=PALETTE,
        separators=plotly_separators(lang),
        font={"family": FONT, "size": 14},
        height=height,
        margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"font_size": 14},
        plot_bgcolor="white",
        title={"text": title} if title else None,
    )
    fig.update_xaxes(showgrid=False)
    fig.update_yaxes(gridcolor="#e6e6e6")
    return fig


def date_axis(fig: go.Figure) -> go.Figure:
    fig.update_xaxes(tickformat="%d/%m/%Y", hoverformat="%d/%m/%Y")
    return fig


def sparkline(values: pd.Series, colour: str = PALETTE[0]) -> go.Figure:
    """A small line with no axes, for KPI cards."""
    fig = go.Figure(
        go.Scatter(
            x=list(range(len(values))),
            y=values.tolist(),
            mode="lines",
            line={"color": colour, "width": 2},
            hoverinfo="skip",
        )
    )
    fig.update_layout(
        height=50,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        showlegend=False,
        xaxis={"visible": False},
        yaxis={"visible": False},
        plot_bgcolor="white",
    )
    return fig


def bar_ranked(
    df: pd.DataFrame,
    x: str,
    y: str,
    lang: str,
    *,
    text: str | None = None,
    colour: str | None = None,
) -> go.Figure:
    """Horizontal bars, best at the top."""
    fig = px.bar(
        df, x=x, y=y, orientation="h", text=text, color=colour, color_discrete_sequence=PALETTE
    )
    fig.update_yaxes(autorange="reversed", title=None)
    return style(fig, lang, height=max(280, 28 * len(df) + 60))
