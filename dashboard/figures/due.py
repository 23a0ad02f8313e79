"""Figures and tables of who is due (coverage page) and days until stock-out (stock page):
pure functions of data frames and labels."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.base import PALETTE, style

# (kind, status) -> colour: primary in blues, boosters in oranges, the overdue darker.
SERIES = {
    ("primary", "due"): "#56B4E9",
    ("primary", "overdue"): PALETTE[0],
    ("booster", "due"): "#F0C060",
    ("booster", "overdue"): "#D55E00",
}


def by_area(counts: pd.DataFrame, area_column: str, names: Mapping[str, str]) -> pd.DataFrame:
    """Due and overdue people per area (`area_column`: district_code or commune_code) and dose
    awaited, wide: area_code, name, primary_due, primary_overdue, booster_due,
    booster_overdue, due_soon, waiting; the most people due or overdue first."""
    grouped = counts.groupby([area_column, "next_kind"])[["due", "overdue", "due_soon",
                                                          "waiting"]].sum()  # fmt: skip
    wide = grouped[["due", "overdue"]].unstack("next_kind", fill_value=0)
    out = pd.DataFrame(index=grouped.index.get_level_values(0).unique())
    for kind in ("primary", "booster"):
        for status in ("due", "overdue"):
            column = (status, kind)
            out[f"{kind}_{status}"] = wide[column] if column in wide.columns else 0
    out["due_soon"] = grouped["due_soon"].groupby(level=0).sum()
    out["waiting"] = grouped["waiting"].groupby(level=0).sum()
    out = out.fillna(0).astype("int64")
    out.index.name = "area_code"
    out = out.reset_index()
    out.insert(1, "name", [names.get(c, c) for c in out["area_code"]])
    total = out[[f"{k}_{s}" for k, s in SERIES]].sum(axis=1)
    return (
        out.assign(_t=total)
        .sort_values(["_t", "name"], ascending=[False, True])
        .drop(columns="_t")
        .reset_index(drop=True)
    )


def area_figure(areas: pd.DataFrame, lang: str, labels: Mapping[str, str]) -> go.Figure:
    """Stacked horizontal bars: per area, people due and overdue for a primary dose and a
    booster (labels: primary_due, primary_overdue, booster_due, booster_overdue, people)."""
    fig = go.Figure()
    for kind, status in SERIES:
        column = f"{kind}_{status}"
        fig.add_bar(
            y=areas["name"],
            x=areas[column],
            name=labels[column],
            orientation="h",
            marker_color=SERIES[(kind, status)],
            hovertemplate="%{y}: %{x:,.0f}<extra>" + labels[column] + "</extra>",
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(title=labels["people"], tickformat=",.0f")
    return style(fig, lang, height=max(300, 26 * len(areas) + 90))


def area_table(areas: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    columns = ["name", "primary_due", "primary_overdue", "booster_due", "booster_overdue",
               "due_soon", "waiting"]  # fmt: skip
    return areas[columns].rename(columns={c: labels[c] for c in columns})


def vaccine_table(
    counts: pd.DataFrame, vaccines: Mapping[str, str], labels: Mapping[str, str]
) -> pd.DataFrame:
    """Per vaccine of the last dose and dose awaited: the interval applied and the people
    waiting, due soon, due and overdue."""
    keys = ["vaccine_code", "next_kind"]
    grouped = counts.groupby(keys, as_index=False).agg(
        interval_days=("interval_days", "first"),
        waiting=("waiting", "sum"),
        due_soon=("due_soon", "sum"),
        due=("due", "sum"),
        overdue=("overdue", "sum"),
    )
    grouped = grouped.sort_values(["next_kind", "vaccine_code"], ascending=[False, True])
    return pd.DataFrame(
        {
            labels["vaccine"]: [vaccines.get(c, c) for c in grouped["vaccine_code"]],
            labels["kind"]: [labels[f"kind_{k}"] for k in grouped["next_kind"]],
            labels["interval"]: grouped["interval_days"].astype("Int64").to_numpy(),
            labels["waiting"]: grouped["waiting"].to_numpy(),
            labels["due_soon"]: grouped["due_soon"].to_numpy(),
            labels["due"]: grouped["due"].to_numpy(),
            labels["overdue"]: grouped["overdue"].to_numpy(),
        }
    )


def stockout_figure(soonest: pd.DataFrame, lang: str, labels: Mapping[str, str]) -> go.Figure:
    """Horizontal bars of days left for the stores that run out first (rows: store label,
    days_left), the soonest at the top."""
    fig = go.Figure(
        go.Bar(
            y=soonest["label"],
            x=soonest["days_left"].astype("float64"),
            orientation="h",
            marker_color=[
                "#D55E00" if d <= 3 else ("#E69F00" if d <= 7 else PALETTE[0])
                for d in soonest["days_left"]
            ],
            text=[f"{int(d)}" for d in soonest["days_left"]],
            textposition="outside",
            hovertemplate="%{y}: %{x:.0f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(title=labels["days"])
    return style(fig, lang, height=max(260, 26 * len(soonest) + 80))
