"""Figures and tables of the weekly overview: the daily doses by dose against the plan, and the
areas ranked on coverage and on doses. Pure functions of the query frames (`queries.overview`)
and the labels the page passes in."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.figures import base
from queries.measures import above_100
from queries.overview import DOSE_GROUPS

SELECTED_COLOUR = base.PALETTE[1]  # orange: the area in view
FLAG_COLOUR = base.PALETTE[5]  # vermilion: coverage above 100 %
COVERAGE_COLOUR = base.PALETTE[0]
DOSES_COLOUR = base.PALETTE[4]
PLAN_COLOUR = base.PALETTE[7]
# Plotly deep-copies the default template for every figure (~30 ms each); the empty one is
# enough since base.style sets the look and Streamlit applies its theme.
LIGHT_TEMPLATE = "none"


# --- daily doses -------------------------------------------------------------------------------
def daily_doses(trend: pd.DataFrame, lang: str, labels: Mapping[str, str]) -> go.Figure:
    """Stacked bars of the doses of each day by dose group, with the planned doses as a dotted
    line when there is a plan.

    `trend`: `queries.overview.daily_trend` (date, dose1, dose2, dose3plus, planned).
    `labels`: each dose group's name and "planned"."""
    fig = go.Figure(layout={"template": LIGHT_TEMPLATE})
    for i, group in enumerate(DOSE_GROUPS):
        fig.add_bar(
            x=trend["date"],
            y=trend[group],
            name=labels[group],
            marker_color=base.PALETTE[i],
            hovertemplate="%{y:,.0f}",
        )
    if trend["planned"].sum() > 0:
        fig.add_scatter(
            x=trend["date"],
            y=trend["planned"],
            name=labels["planned"],
            mode="lines+markers",
            line={"color": PLAN_COLOUR, "dash": "dot", "width": 2},
            marker={"symbol": "diamond", "size": 8},
            hovertemplate="%{y:,.0f}",
        )
    base.style(fig, lang, height=340)
    base.date_axis(fig)
    fig.update_layout(
        barmode="stack", hovermode="x unified", bargap=0.25, legend_traceorder="normal"
    )
    if len(trend) <= 31:
        fig.update_xaxes(tickformat="%d/%m", dtick=86_400_000)
    fig.update_yaxes(tickformat=",.0f", rangemode="tozero")
    return fig


def daily_doses_table(trend: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """The table behind `daily_doses`: the day (dd/mm/yyyy), each dose group, the total, the
    planned doses and the plan achievement. `labels`: "date", each group, "total", "planned",
    "plan_achievement"."""
    columns = ["date", *DOSE_GROUPS, "total", "planned", "plan_achievement"]
    table = trend[columns].copy()
    table["date"] = [fmt.day(d) for d in table["date"]]
    return table.rename(columns={c: labels[c] for c in columns})


# --- areas ranked -------------------------------------------------------------------------------
def _area_names(df: pd.DataFrame, in_view: str | None) -> list[str]:
    """Area names, the one in view in bold with an arrow."""
    return [
        f"<b>▶ {name}</b>" if code == in_view else name
        for code, name in zip(df["area_code"], df["name"], strict=True)
    ]


def ranked_bars(
    df: pd.DataFrame,
    value: str,
    text: list[str],
    colours: list[str],
    lang: str,
    *,
    percent: bool,
    in_view: str | None,
) -> go.Figure:
    """Horizontal bars of `df[value]` by area in the order of `df` (top first), with `text`
    outside the bars; each bar's customdata is its area code (a click drills into it)."""
    x = df[value] * 100 if percent else df[value]
    fig = go.Figure(
        go.Bar(
            x=x,
            y=_area_names(df, in_view),
            orientation="h",
            text=text,
            textposition="outside",
            cliponaxis=False,
            marker_color=colours,
            customdata=df[["area_code"]],
            hovertemplate="%{y}: %{text}<extra></extra>",
        ),
        layout={"template": LIGHT_TEMPLATE},
    )
    base.style(fig, lang, height=max(280, 30 * len(df) + 60))
    top = float(x.max()) if len(df) and x.notna().any() else 0.0
    fig.update_xaxes(
        # Room on the right for the text outside the bars.
        range=[0, max(top, 100.0) * 1.35] if percent else [0, max(top, 1.0) * 1.8],
        tickformat=",.0f",
        ticksuffix=(" %" if lang == "vi" else "%") if percent else "",
        showgrid=True,
        gridcolor="#e6e6e6",
    )
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_layout(showlegend=False, margin={"l": 10, "r": 30, "t": 10, "b": 10})
    return fig


def by_coverage(ranking: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The areas by coverage of `measure`, highest first (unknown last, then by name)."""
    return ranking.sort_values(
        [f"coverage_{measure}", "name"], ascending=[False, True], na_position="last"
    )


def by_doses(ranking: pd.DataFrame) -> pd.DataFrame:
    """The areas by doses in the period, most first (then by name)."""
    return ranking.sort_values(["doses", "name"], ascending=[False, True])


def coverage_ranking(
    ranking: pd.DataFrame, measure: str, lang: str, in_view: str | None
) -> go.Figure:
    """The areas' coverage of `measure` (`queries.overview.ranking`), highest first; the area in
    view in orange, coverage above 100 % in vermilion and marked ⚠."""
    df = by_coverage(ranking, measure)
    coverage = df[f"coverage_{measure}"]
    flagged = above_100(coverage)
    text = [
        ("⚠ " if flag else "") + fmt.percent(v, lang)
        for v, flag in zip(coverage, flagged, strict=True)
    ]
    colours = [
        SELECTED_COLOUR if code == in_view else FLAG_COLOUR if flag else COVERAGE_COLOUR
        for code, flag in zip(df["area_code"], flagged, strict=True)
    ]
    return ranked_bars(
        df, f"coverage_{measure}", text, colours, lang, percent=True, in_view=in_view
    )


def coverage_ranking_table(
    ranking: pd.DataFrame, measure: str, labels: Mapping[str, str]
) -> pd.DataFrame:
    """The table behind `coverage_ranking`, same order. `labels`: "area", "population",
    "people", "coverage"."""
    df = by_coverage(ranking, measure)
    return pd.DataFrame(
        {
            labels["area"]: df["name"].tolist(),
            labels["population"]: df["population"].tolist(),
            labels["people"]: df[f"people_{measure}"].tolist(),
            labels["coverage"]: df[f"coverage_{measure}"].tolist(),
        }
    )


def doses_ranking(
    ranking: pd.DataFrame, lang: str, in_view: str | None, labels: Mapping[str, str]
) -> go.Figure:
    """The areas' doses in the period, most first, each with its plan achievement. `labels`:
    "of_plan" (after the achievement) and "no_plan"."""
    df = by_doses(ranking)
    text = [
        f"{fmt.number(d, lang)} · "
        + (
            f"{fmt.percent(a, lang, 0)} {labels['of_plan']}"
            if fmt.value(a) is not None
            else labels["no_plan"]
        )
        for d, a in zip(df["doses"], df["plan_achievement"], strict=True)
    ]
    colours = [SELECTED_COLOUR if code == in_view else DOSES_COLOUR for code in df["area_code"]]
    return ranked_bars(df, "doses", text, colours, lang, percent=False, in_view=in_view)


def doses_ranking_table(ranking: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """The table behind `doses_ranking`, same order. `labels`: "area", "doses", "planned",
    "plan_achievement"."""
    df = by_doses(ranking)
    columns = ["name", "doses", "planned", "plan_achievement"]
    names = {"name": labels["area"], **{c: labels[c] for c in columns[1:]}}
    return df[columns].rename(columns=names).reset_index(drop=True)
