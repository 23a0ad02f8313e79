"""The common look of every figure: colour-blind-safe palette, Vietnamese formats, the chart
toolbar in the interface language, and the builders several subjects share."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from dashboard import format as fmt
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


class SharedFigure(go.Figure):
    """A figure that many runs show unchanged (a page builds it once per view and shares it):
    its plain form (`to_dict`, what a chart sends, made by deep-copying the figure and writing
    its arrays as bytes) is made on the first call and that same dict is returned by every
    call. Nothing may change the figure once shared, nor the dict (copy it to change it)."""

    def to_dict(self) -> dict:
        plain = self.__dict__.get("_plain")
        if plain is None:
            plain = self._plain = super().to_dict()
        return plain


def shared(fig: go.Figure) -> go.Figure:
    """`fig` as a `SharedFigure`: for a figure built once and shown by many runs."""
    fig.__class__ = SharedFigure
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


# --- the chart toolbar, in the interface language ---------------------------------------------
_TOOLBAR_VI = {
    "Download plot as a png": "Tải biểu đồ (PNG)",
    "Download plot as a PNG": "Tải biểu đồ (PNG)",
    "Download plot as an SVG": "Tải biểu đồ (SVG)",
    "Download plot": "Tải biểu đồ",
    "Zoom": "Phóng to vùng chọn",
    "Pan": "Kéo biểu đồ",
    "Zoom in": "Phóng to",
    "Zoom out": "Thu nhỏ",
    "Autoscale": "Tự căn tỉ lệ",
    "Reset axes": "Đặt lại trục",
    "Reset view": "Đặt lại khung nhìn",
    "Box Select": "Chọn theo khung",
    "Lasso Select": "Chọn tự do",
    "Double-click to zoom back out": "Bấm đúp để thu nhỏ lại",
    "Click to enter Colorscale title": "Bấm để nhập tiêu đề thang màu",
    "Produced with Plotly.js": "Vẽ bằng Plotly.js",
}
_TOOLBAR_REMOVED = [
    "select2d", "lasso2d", "toggleSpikelines", "hoverClosestCartesian", "hoverCompareCartesian",
]  # fmt: skip


def plotly_config(lang: str, filename: str) -> dict:
    """The config of a plotly chart: a small toolbar in the interface language, PNG download at
    twice the screen's resolution named after the chart."""
    config = {
        "displaylogo": False,
        "modeBarButtonsToRemove": _TOOLBAR_REMOVED,
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename},
    }
    if lang == "vi":
        config["locale"] = "vi"
        config["locales"] = {
            "vi": {
                "dictionary": _TOOLBAR_VI,
                "format": {
                    "days": ["Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu",
                             "Thứ Bảy"],
                    "shortDays": ["CN", "T2", "T3", "T4", "T5", "T6", "T7"],
                    "months": [f"Tháng {m}" for m in range(1, 13)],
                    "shortMonths": [f"Th{m}" for m in range(1, 13)],
                    "date": "%d/%m/%Y",
                    "decimal": ",",
                    "thousands": ".",
                },
            }
        }  # fmt: skip
    return config


# --- weekly series ----------------------------------------------------------------------------
def weekly_series(
    weeks: pd.Series,
    values: pd.Series,
    lang: str,
    *,
    name: str,
    kind: str = "line",
    percent: bool = False,
    colour: str = PALETTE[0],
    height: int = 300,
) -> go.Figure:
    """One measure by ISO week (x: the weeks' Mondays), as a line or bars."""
    hover = "%{y:.1%}<extra></extra>" if percent else "%{y:,.1f}<extra></extra>"
    if kind == "bar":
        trace = go.Bar(x=weeks, y=values, marker_color=colour, name=name, hovertemplate=hover)
    else:
        trace = go.Scatter(
            x=weeks,
            y=values,
            mode="lines+markers",
            name=name,
            line={"color": colour, "width": 2},
            hovertemplate=hover,
        )
    fig = go.Figure(trace)
    fig.update_yaxes(rangemode="tozero", tickformat=".1~%" if percent else ",.0f")
    fig.update_xaxes(tickformat="%d/%m", hoverformat="%d/%m/%Y")
    style(fig, lang, height=height)
    fig.update_layout(showlegend=False)
    return fig


def week_spans(starts: pd.Series, ends: pd.Series) -> list[str]:
    """ "20/06/2022 – 26/06/2022" for each week of a weekly table."""
    return [f"{fmt.day(a)} – {fmt.day(b)}" for a, b in zip(starts, ends, strict=True)]


def week_table(weekly: pd.DataFrame, week_label: str, columns: dict[str, str]) -> pd.DataFrame:
    """The table behind a weekly chart: the span of each week, then the `columns` of `weekly`
    (column -> label), values kept as numbers for `widgets.styled`."""
    table = weekly[list(columns)].rename(columns=columns).reset_index(drop=True)
    table.insert(0, week_label, week_spans(weekly["week_start"], weekly["week_end"]))
    return table


def coded_axis(fig: go.Figure, codes: list[str], names: list[str]) -> go.Figure:
    """Horizontal bars placed by code (y) and labelled by name, first at the top: two areas or
    sites of the same name keep their own bars."""
    fig.update_yaxes(
        type="category",  # numeric codes (GSO) are names of places, not positions on a scale
        autorange="reversed",
        title=None,
        tickmode="array",
        tickvals=codes,
        ticktext=names,
    )
    return fig
