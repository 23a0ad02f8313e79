"""Figures and tables of the Screening and deferrals page: deferrals by reason, the weekly
deferral rate, the rate by area (one level below the scope) and the sites with the highest
rates. Pure functions of the query frames and the labels the page passes in."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.figures import base
from queries.screening import RESULTS, result_rates

RESULT_COLOURS = {
    "deferred": base.PALETTE[0],
    "contraindicated": base.PALETTE[1],
    "referred": base.PALETTE[3],
}
REFERENCE_COLOUR = base.PALETTE[7]  # the scope's or the province's own rate, dashed


def reason_order(reasons: pd.DataFrame) -> list[str]:
    """The reasons (column `reason`, names) by visits, most first."""
    visits = reasons.groupby("reason")["visits"].sum()
    return visits.sort_values(ascending=False).index.tolist()


def reason_figure(reasons: pd.DataFrame, lang: str, labels: Mapping[str, str]) -> go.Figure:
    """Stacked horizontal bars: visits by reason (most first), one colour per screening result.

    `reasons`: screening_result, reason (its name), visits, rate. `labels`: each result's name
    and "visits" (the axis title)."""
    order = reason_order(reasons)
    fig = go.Figure()
    for result in RESULTS:
        part = reasons[reasons["screening_result"] == result]
        part = part.groupby("reason")[["visits", "rate"]].sum().reindex(order)
        fig.add_trace(
            go.Bar(
                y=order,
                x=part["visits"].fillna(0),
                orientation="h",
                name=labels[result],
                marker_color=RESULT_COLOURS[result],
                customdata=[fmt.percent(r, lang) for r in part["rate"]],
                hovertemplate="%{y}: %{x:,} (%{customdata})<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(tickformat=",d", title=labels["visits"])
    return base.style(fig, lang, height=max(300, 34 * len(order) + 90))


def reason_table(reasons: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """The table behind `reason_figure`. `labels`: each result's name, "reason", "result",
    "visits", "rate"."""
    return pd.DataFrame(
        {
            labels["reason"]: reasons["reason"],
            labels["result"]: [labels[r] for r in reasons["screening_result"]],
            labels["visits"]: reasons["visits"],
            labels["rate"]: reasons["rate"],
        }
    )


def trend_figure(
    weekly: pd.DataFrame,
    province: pd.DataFrame | None,
    lang: str,
    labels: Mapping[str, str],
) -> go.Figure:
    """The weekly deferral rate as stacked bars by result, each week's total rate written above
    it, and the province's rate as a dashed line when the scope is smaller.

    `weekly` and `province`: rows of `queries.screening.weekly`. `labels`: each result's name,
    "province" (the line's name) and "deferral_rate"."""
    x = weekly["week_start"]
    fig = go.Figure()
    for result, rate in result_rates(weekly).items():
        fig.add_trace(
            go.Bar(
                x=x,
                y=rate,
                name=labels[result],
                marker_color=RESULT_COLOURS[result],
                hovertemplate="%{y:.1%}<extra>%{fullData.name}</extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=weekly["deferral_rate"],
            name=labels["deferral_rate"],
            mode="text",
            text=[fmt.percent(r, lang) for r in weekly["deferral_rate"]],
            textposition="top center",
            textfont={"size": 11, "color": "#444"},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    top = weekly["deferral_rate"].max()
    if province is not None:
        fig.add_trace(
            go.Scatter(
                x=x,
                y=province["deferral_rate"],
                name=labels["province"],
                mode="lines+markers",
                line={"color": REFERENCE_COLOUR, "dash": "dash", "width": 2},
                hovertemplate="%{y:.1%}<extra>%{fullData.name}</extra>",
            )
        )
        top = max(top, province["deferral_rate"].max())
    fig.update_layout(barmode="stack", hovermode="x unified", legend_traceorder="normal")
    top = fmt.value(top) or 0.01  # no screening at all: a small empty axis
    fig.update_yaxes(tickformat=".1~%", rangemode="tozero", range=[0, top * 1.2])
    fig.update_xaxes(tickformat="%d/%m", hoverformat="%d/%m/%Y", dtick=7 * 86400000 * 2)
    return base.style(fig, lang, height=380)


def trend_table(
    weekly: pd.DataFrame, province: pd.DataFrame | None, labels: Mapping[str, str]
) -> pd.DataFrame:
    """The table behind `trend_figure`. `labels`: as there, plus "week" and "screened"."""
    table = pd.DataFrame(
        {
            labels["week"]: base.week_spans(weekly["week_start"], weekly["week_end"]),
            labels["screened"]: weekly["screened"],
            **{labels[r]: weekly[r] for r in RESULTS},
            labels["deferral_rate"]: weekly["deferral_rate"],
        }
    )
    if province is not None:
        table[labels["province"]] = province["deferral_rate"].to_numpy()
    return table


def area_figure(
    areas: pd.DataFrame, overall: float | None, lang: str, labels: Mapping[str, str]
) -> go.Figure:
    """Stacked horizontal bars: the deferral rate of each area by result, in the order given,
    each bar carrying its area code (first item of its customdata) for a click to drill down;
    the scope's own rate as a dashed vertical line named in the legend.

    `areas`: rows of `queries.screening.ranked_areas`. `labels`: each result's name,
    "deferral_rate" (the axis title) and "overall" (the line's name)."""
    names = areas["name"].fillna(areas["area_code"]).tolist()
    fig = go.Figure()
    for result, rate in result_rates(areas).items():
        fig.add_trace(
            go.Bar(
                y=names,
                x=rate.to_numpy(),
                orientation="h",
                name=labels[result],
                marker_color=RESULT_COLOURS[result],
                customdata=areas[["area_code", result]].to_numpy(),
                hovertemplate="%{y}: %{x:.1%} (%{customdata[1]:,})<extra>%{fullData.name}</extra>",
            )
        )
    if overall is not None:
        fig.add_vline(x=overall, line_dash="dash", line_color=REFERENCE_COLOUR, line_width=2)
        fig.add_trace(  # the line's entry in the legend
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                line={"color": REFERENCE_COLOUR, "dash": "dash", "width": 2},
                name=labels["overall"],
            )
        )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(tickformat=".1~%", title=labels["deferral_rate"])
    return base.style(fig, lang, height=max(300, 30 * len(areas) + 110))


def area_table(areas: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """The table behind `area_figure`; the district column unless the areas are districts.
    `labels`: each result's name, "area", "district", "screened", "deferral_rate"."""
    with_district = len(areas) > 0 and areas["level"].iloc[0] != "district"
    return pd.DataFrame(
        {
            labels["area"]: areas["name"],
            **({labels["district"]: areas["district_name"]} if with_district else {}),
            labels["screened"]: areas["screened"],
            **{labels[r]: areas[r] for r in RESULTS},
            labels["deferral_rate"]: areas["deferral_rate"],
        }
    )


def top_sites_table(
    top: pd.DataFrame, where: str, reasons: list[str], labels: Mapping[str, str]
) -> pd.DataFrame:
    """The sites with the highest deferral rates: the site, where it is (`where`: the column of
    `top` naming the area one level down the scope, "district_name" or "commune_name"), the
    rate, the screened visits, the deferrals and the most frequent reason (`reasons`: its name
    per row); six columns, so that none is cut on a 1366-pixel screen (a click on a row shows
    the site's own split by result). `labels`: "site", `where`, "deferral_rate", "screened",
    "deferrals", "main_reason"."""
    return pd.DataFrame(
        {
            labels["site"]: top["name"],
            labels[where]: top[where],
            labels["deferral_rate"]: top["deferral_rate"],
            labels["screened"]: top["screened"],
            labels["deferrals"]: top["deferrals"],
            labels["main_reason"]: reasons,
        }
    )
