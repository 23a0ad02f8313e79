"""Figures and tables of the Adverse events page: reports by severity for each vaccine and lot,
serious events by outcome, the rate per 100,000 doses by week. Pure functions of the query
frames and the labels to show."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.figures import base

SEVERITIES = ("mild", "serious")
SEV_COLOURS = {"mild": base.PALETTE[4], "serious": base.PALETTE[5]}
OUTCOME_COLOURS = {
    "recovered": base.PALETTE[2],
    "hospitalised": base.PALETTE[4],
    "death": base.PALETTE[7],
    "unknown": base.PALETTE[0],
}


def vaccine_names(df: pd.DataFrame, no_vaccine: str) -> list[str]:
    """The vaccine of each row; `no_vaccine` for reports on visits without an injection."""
    return [
        str(n) if c else no_vaccine
        for c, n in zip(df["vaccine_code"], df["vaccine_name"], strict=True)
    ]


def lot_names(df: pd.DataFrame, no_lot: str) -> list[str]:
    return [str(lot) if lot else no_lot for lot in df["lot_number"]]


def severity_bars(names: list[str], counts: pd.DataFrame, lang: str, labels: dict[str, str]):
    """Horizontal bars, one per name (first at the top), mild and serious reports stacked.
    Labels: mild, serious, reports (the axis)."""
    fig = go.Figure()
    for sev in SEVERITIES:
        fig.add_trace(
            go.Bar(
                y=names,
                x=counts[sev],
                orientation="h",
                name=labels[sev],
                marker_color=SEV_COLOURS[sev],
                hovertemplate="%{y}: %{x:,}<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(tickformat=",d", title=labels["reports"])
    fig.update_yaxes(autorange="reversed", title=None, automargin=True)
    return fig


def vaccine_figure(vac: pd.DataFrame, lang: str, labels: dict[str, str]) -> go.Figure:
    """Reports by severity for each vaccine with a report; the rate per 100,000 doses under the
    vaccine's name, so that it is never cut at the chart's edge. Labels: as `severity_bars`,
    and no_vaccine."""
    shown = vac[vac["reports"] > 0]
    per = fmt.number(100_000, lang)
    names = [
        name if pd.isna(rate) else f"{name}<br><b>{fmt.number(rate, lang, 1)}</b> / {per}"
        for name, rate in zip(
            vaccine_names(shown, labels["no_vaccine"]), shown["rate"], strict=True
        )
    ]
    fig = severity_bars(names, shown, lang, labels)
    return base.style(fig, lang, height=max(280, 56 * len(shown) + 110))


def lot_figure(lots: pd.DataFrame, lang: str, labels: dict[str, str]) -> go.Figure:
    """Reports by severity for each lot of `lots` ("lot · vaccine"). Labels: as
    `severity_bars`, and no_lot, no_vaccine."""
    names = [
        f"{lot} · {vaccine}"
        for lot, vaccine in zip(
            lot_names(lots, labels["no_lot"]),
            vaccine_names(lots, labels["no_vaccine"]),
            strict=True,
        )
    ]
    fig = severity_bars(names, lots, lang, labels)
    return base.style(fig, lang, height=max(260, 30 * len(lots) + 110))


def outcome_figure(outcomes: pd.DataFrame, lang: str, names: dict[str, str]) -> go.Figure:
    """Serious events by outcome (`aefi.outcome_totals`), one bar per outcome with its count;
    `names` maps each outcome to its label."""
    counts = outcomes["reports"]
    fig = go.Figure(
        go.Bar(
            x=[names[o] for o in outcomes["outcome"]],
            y=counts,
            marker_color=[OUTCOME_COLOURS.get(o, base.PALETTE[0]) for o in outcomes["outcome"]],
            text=[fmt.number(v, lang) for v in counts],
            textposition="outside",
            hovertemplate="%{x}: %{y:,}<extra></extra>",
        )
    )
    top = max(int(counts.max()), 1)
    fig.update_yaxes(
        tickformat=",d", rangemode="tozero", range=[0, top * 1.25], dtick=1 if top < 5 else None
    )
    base.style(fig, lang, height=300)
    fig.update_layout(showlegend=False)
    return fig


def rate_figure(weekly: pd.DataFrame, lang: str, name: str) -> go.Figure:
    """The AEFI rate per 100,000 doses by ISO week, as a line."""
    return base.weekly_series(weekly["week_start"], weekly["rate"], lang, name=name)


# --- the tables behind them -------------------------------------------------------------------
def vaccine_table(vac: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Every vaccine with a report or a dose: reports by severity, doses and both rates."""
    columns = ("mild", "serious", "reports", "doses", "rate", "serious_rate")
    table = vac[list(columns)].rename(columns={c: labels[c] for c in columns})
    table.insert(0, labels["vaccine"], vaccine_names(vac, labels["no_vaccine"]))
    return table.reset_index(drop=True)


def rate_table(weekly: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    columns = ("mild", "serious", "doses", "rate")
    return base.week_table(weekly, labels["week"], {c: labels[c] for c in columns})


def outcome_table(outcomes: pd.DataFrame, names: dict[str, str], labels: dict[str, str]):
    return pd.DataFrame(
        {
            labels["outcome"]: [names[o] for o in outcomes["outcome"]],
            labels["reports"]: outcomes["reports"].to_numpy(),
        }
    )


def channel_table(ch: pd.DataFrame, names: dict[str, str], labels: dict[str, str]):
    """Reports by channel; a channel outside `names` is shown as recorded."""
    table = ch[["mild", "serious", "reports"]].rename(columns=labels).reset_index(drop=True)
    table.insert(0, labels["channel"], [names.get(c, str(c)) for c in ch["channel"]])
    return table


def lot_table(lots: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Every lot with a report, the counts first so that they show without scrolling."""
    columns = ("reports", "serious", "mild", "sites")
    table = lots[list(columns)].rename(columns={c: labels[c] for c in columns})
    table.insert(0, labels["vaccine"], vaccine_names(lots, labels["no_vaccine"]))
    table.insert(0, labels["lot"], lot_names(lots, labels["no_lot"]))
    return table.reset_index(drop=True)
