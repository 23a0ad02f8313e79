"""Figures and tables of the Session flow page: the funnel of the session's steps, doses per
table-hour by site, late data entry by week, and the sessions below capacity. Pure functions of
the query frames and the labels to show."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.figures import base
from queries.measures import shown_under

STEP_COLOURS = [base.PALETTE[i] for i in (0, 1, 2, 4, 5)]


def funnel_figure(funnel: pd.DataFrame, lang: str, names: dict[str, str]) -> go.Figure:
    """The steps of `flow.funnel` from check-in down, each with its count; `names` maps a step
    to its label."""
    visits = funnel["visits"].tolist()
    fig = go.Figure(
        go.Funnel(
            y=[names[s] for s in funnel["step"]],
            x=visits,
            text=[fmt.number(v, lang) for v in visits],
            textinfo="text",
            marker={"color": STEP_COLOURS[: len(visits)]},
            connector={"fillcolor": "#eeeeee", "line": {"color": "#dddddd", "width": 1}},
            hovertemplate="%{y}: %{x:,}<extra></extra>",
        )
    )
    base.style(fig, lang, height=330)
    fig.update_layout(showlegend=False)
    return fig


def site_figure(sites: pd.DataFrame, lang: str, name: str) -> go.Figure:
    """Doses per table-hour of each site, lowest at the top. Each bar carries the facility id as
    customdata[0] (a click opens the site), then doses and table-hours for the hover; the axis
    lists names by id so that two sites of the same name keep their own bars."""
    ids = sites["facility_id"].astype(str).tolist()
    fig = go.Figure(
        go.Bar(
            y=ids,
            x=sites["throughput"],
            orientation="h",
            marker_color=base.PALETTE[0],
            name=name,
            customdata=sites[["facility_id", "doses", "table_hours", "name"]].to_numpy(),
            hovertemplate="%{customdata[3]}: %{x:,.1f} (%{customdata[1]:,} / "
            "%{customdata[2]:,.1f})<extra></extra>",
        )
    )
    base.coded_axis(fig, ids, sites["name"].astype(str).tolist())
    fig.update_xaxes(title=name, tickformat=",.0f")
    base.style(fig, lang, height=max(300, 24 * len(sites) + 100))
    fig.update_layout(showlegend=False)
    return fig


def late_figure(weekly: pd.DataFrame, lang: str, name: str) -> go.Figure:
    """The share of doses entered after the session day, by ISO week, as bars."""
    return base.weekly_series(
        weekly["week_start"],
        weekly["recorded_late_share"],
        lang,
        name=name,
        kind="bar",
        percent=True,
        colour=base.PALETTE[4],
    )


# --- the tables behind them -------------------------------------------------------------------
def funnel_table(funnel: pd.DataFrame, names: dict[str, str], labels: dict[str, str]):
    table = funnel[["visits", "share"]].rename(columns=labels).reset_index(drop=True)
    table.insert(0, labels["step"], [names[s] for s in funnel["step"]])
    return table


def late_table(weekly: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    columns = ("doses", "recorded_late", "recorded_late_share", "recording_lag_days")
    return base.week_table(weekly, labels["week"], {c: labels[c] for c in columns})


def _named(
    df: pd.DataFrame, first: dict[str, str], labels: dict[str, str], columns
) -> pd.DataFrame:
    """`first` (column -> label) then `columns` named by `labels`."""
    names = {**first, **{c: labels[c] for c in columns}}
    return df[list(names)].rename(columns=names).reset_index(drop=True)


def site_table(sites: pd.DataFrame, labels: dict[str, str], area: str) -> pd.DataFrame:
    """One row a site: its name and `area` (district_name or commune_name), tables, sessions,
    doses, table-hours, doses per table-hour, the below-capacity threshold and the sessions
    under it."""
    columns = ("tables", "sessions", "doses", "table_hours", "throughput", "threshold")
    first = {"name": labels["site"], area: labels[area]}
    return _named(sites, first, labels, (*columns, "below_sessions"))


def below_table(sessions: pd.DataFrame, labels: dict[str, str], area: str) -> pd.DataFrame:
    """The sessions below capacity: day, site, `area`, doses, tables, hours, doses per
    table-hour and the site's threshold."""
    below = sessions[sessions["below"]]
    first = {"date": labels["date"], "name": labels["site"], area: labels[area]}
    table = _named(below, first, labels, ("doses", "tables", "hours", "throughput", "threshold"))
    table[labels["date"]] = [fmt.day(d) for d in below["date"]]
    # Rounded so that a session under its threshold never reads as equal to it (5,86 < 5,94).
    table[labels["throughput"]] = [
        shown_under(v, t, 1) for v, t in zip(below["throughput"], below["threshold"], strict=True)
    ]
    return table
