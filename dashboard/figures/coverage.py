"""Figures and tables of the coverage page: the ranked bars of the compared areas, coverage
over time, and the tables behind them and by residence (the map is in `coverage_map`). Pure
functions of the frames of `queries.coverage` and the labels the page passes in.

Coverage is never clipped: an area above 100 % (its `above_100_<measure>` flag) is drawn in
orange with a hatch and a flag in its label, and the 100 % line is drawn.

`texts` (the figures' labels): title, footnote (a list of lines), rate, people, target,
flag_legend, hundred, first_above (with `{day}`), highest, lowest.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.figures import base
from queries.coverage import MEASURES
from queries.measures import above_100
from queries.periods import week_ends

FLAG_COLOUR = base.STATUS_COLOURS["warn"]  # orange: visible to every colour vision
FLAG_TINT = "#fbe3bd"  # the same orange, light: table cells above 100 %
BAR_COLOUR = base.PALETTE[0]
# Children lines in the trend chart only when there are this few of them.
MAX_CHILD_LINES = 12


def suffix(lang: str) -> str:
    """The percent sign of axis ticks: "12 %" in Vietnamese, "12%" in English."""
    return " %" if lang == "vi" else "%"


def footnote(
    fig: go.Figure, lines: list[str], *, below_axis: bool = True, right: bool = False
) -> None:
    """Source and data-as-of at the foot of the figure itself, so a downloaded PNG carries
    them; the title goes to the top edge so titles line up across figures."""
    fig.add_annotation(
        text="<br>".join(lines),
        xref="paper",
        yref="paper",
        x=1 if right else 0,
        y=0,
        yshift=-26 if below_axis else -4,
        xanchor="right" if right else "left",
        yanchor="top",
        showarrow=False,
        font={"size": 11, "color": "#555555"},
        align="right" if right else "left",
    )
    fig.update_layout(title={"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 10}})


def ranked(areas: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The compared areas by coverage of `measure`, highest first (unknown last)."""
    col = f"coverage_{measure}"
    return areas.sort_values([col, "area_code"], ascending=[False, True], na_position="last")


def _bold_if(name: str, bold: bool) -> str:
    return f"<b>{name}</b>" if bold else name


# --- the ranking ------------------------------------------------------------------------------
def ranked_figure(
    areas: pd.DataFrame,
    measure: str,
    lang: str,
    texts: Mapping,
    *,
    highlight: str | None = None,
) -> go.Figure:
    """Horizontal bars of coverage, highest at the top; bars above 100 % in orange with a
    hatch and a flag in the label, never clipped; the 100 % line drawn. Each bar carries its
    area code as `customdata` (a click drills into it)."""
    col = f"coverage_{measure}"
    df = ranked(areas, measure)
    values = df[col].astype("float64") * 100
    flagged = df[f"above_100_{measure}"].astype(bool)
    n = len(df)
    small = n > 16
    fig = go.Figure()
    for is_flag, name, colour in (
        (False, texts["rate"], BAR_COLOUR),
        (True, texts["flag_legend"], FLAG_COLOUR),
    ):
        part = df[flagged == is_flag]
        if part.empty:
            continue
        # The flag is in the text too, not in the colour alone.
        labels = [fmt.percent(v, lang) + (" ⚠" if is_flag else "") for v in part[col]]
        line_width = [3 if c == highlight else 0 for c in part["area_code"]]
        fig.add_trace(
            go.Bar(
                x=(part[col].astype("float64") * 100).tolist(),
                y=[
                    _bold_if(n, c == highlight)
                    for n, c in zip(part["name"], part["area_code"], strict=True)
                ],
                orientation="h",
                name=name,
                marker={
                    "color": colour,
                    "pattern": {
                        "shape": "/" if is_flag else "",
                        "fgcolor": "#ffffff",
                        "solidity": 0.25,
                        "size": 9,
                        "fillmode": "overlay",
                    },
                    "line": {"color": "#000000", "width": line_width},
                },
                text=labels,
                textposition="outside",
                constraintext="none",
                textfont={"size": 11 if small else 13, "color": "#1a1a1a"},
                cliponaxis=False,
                customdata=part["area_code"].tolist(),
                hovertemplate="<b>%{y}</b><br>" + texts["rate"] + ": %{text}<extra></extra>",
                showlegend=bool(flagged.any()),
            )
        )
    top = float(values.max()) if values.notna().any() else 100.0
    fig.add_vline(x=100, line_dash="dash", line_color="#333333", line_width=1, layer="below")
    fig.add_annotation(
        x=100,
        y=1,
        yref="paper",
        yanchor="bottom",
        text=texts["hundred"],
        showarrow=False,
        font={"size": 11, "color": "#333333"},
    )
    height = max(300, (20 if small else 30) * n + 110)
    base.style(fig, lang, height=height, title=texts["title"])
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=[
            _bold_if(n, c == highlight) for n, c in zip(df["name"], df["area_code"], strict=True)
        ][::-1],
        tickfont={"size": 11 if small else 13},
        title=None,
    )
    fig.update_xaxes(
        range=[0, max(125.0, top * 1.32)],  # room for the labels beyond the longest bar
        ticksuffix=suffix(lang),
        title=None,
        showgrid=True,
        gridcolor="#eeeeee",
    )
    fig.update_layout(
        barmode="overlay",
        bargap=0.25,
        margin={"l": 10, "r": 20, "t": 90, "b": 64},
        clickmode="event+select",
        dragmode=False,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1 + 24 / (height - 140), "x": 0},
    )
    if not flagged.any():
        fig.update_layout(showlegend=False)
    footnote(fig, texts["footnote"], right=True)
    return fig


# --- coverage over time -------------------------------------------------------------------------
def _line(g: pd.DataFrame, col: str, name: str, line: dict, hover: str, **kw) -> go.Scatter:
    return go.Scatter(
        x=g["date"].to_numpy(),
        y=(g[col] * 100).to_numpy(),
        mode="lines",
        name=name,
        line=line,
        hovertemplate=hover,
        **kw,
    )


def highlighted_children(children: pd.DataFrame, measure: str) -> dict[str, str]:
    """{area code: "highest" | "lowest"}: the children with the highest and lowest coverage
    on the last day (none when fewer than two have a value)."""
    col = f"coverage_{measure}"
    last = children[children["date"] == children["date"].max()].dropna(subset=[col])
    if len(last) < 2:
        return {}
    ranked_last = last.sort_values(col)
    return {
        ranked_last["area_code"].iloc[-1]: "highest",
        ranked_last["area_code"].iloc[0]: "lowest",
    }


def shows_children(trend: pd.DataFrame) -> bool:
    """Whether the trend chart draws the children's lines (only when there are few)."""
    children = trend[trend["role"] == "child"]
    return not children.empty and children["area_code"].nunique() <= MAX_CHILD_LINES


def trend_figure(trend: pd.DataFrame, measure: str, lang: str, texts: Mapping) -> go.Figure:
    """Daily coverage of the scope (bold), its parent (dashed) and its children (light, at
    the ends of ISO weeks; the highest and lowest on the last day highlighted); the 100 % line
    and the first day each named line passes it."""
    col = f"coverage_{measure}"
    fig = go.Figure()
    hover = "%{fullData.name}<br>%{x|%d/%m/%Y}: %{y:.1f}" + suffix(lang) + "<extra></extra>"
    highlighted: dict[str, str] = {}
    if shows_children(trend):
        children = trend[trend["role"] == "child"]
        # Children at week ends (and the first and last day): a lighter figure, the same shape.
        children = children[week_ends(children["date"], first=True)]
        highlighted = highlighted_children(children, measure)
        for code, g in children.groupby("area_code", sort=True):
            if code not in highlighted:
                grey = {"color": "#c4c4c4", "width": 1.2}
                fig.add_trace(_line(g, col, g["name"].iloc[0], grey, hover, showlegend=False))
        colours = {"highest": base.PALETTE[0], "lowest": base.PALETTE[5]}
        for code, tag in highlighted.items():
            g = children[children["area_code"] == code]
            name = f"{g['name'].iloc[0]} ({texts[tag]})"
            fig.add_trace(_line(g, col, name, {"color": colours[tag], "width": 2.2}, hover))
    parent = trend[trend["role"] == "parent"]
    if not parent.empty:
        dashed = {"color": "#555555", "width": 1.8, "dash": "dash"}
        fig.add_trace(_line(parent, col, parent["name"].iloc[0], dashed, hover))
    scope = trend[trend["role"] == "scope"]
    name = scope["name"].iloc[0] if len(scope) else ""
    fig.add_trace(_line(scope, col, name, {"color": "#000000", "width": 3.2}, hover))
    # The first day a drawn, named line passes 100 %: a flag marker, never a clipped line.
    named = {*highlighted, *scope["area_code"].unique(), *parent["area_code"].unique()}
    firsts = trend[trend["area_code"].isin(named) & trend[f"above_100_{measure}"].astype(bool)]
    if not firsts.empty:
        firsts = firsts.sort_values("date").groupby("area_code", as_index=False).first()
        fig.add_trace(
            go.Scatter(
                x=firsts["date"],
                y=firsts[col] * 100,
                mode="markers",
                name=texts["flag_legend"],
                marker={
                    "symbol": "triangle-up",
                    "size": 13,
                    "color": FLAG_COLOUR,
                    "line": {"color": "#000000", "width": 1},
                },
                text=[
                    f"{n}: {texts['first_above'].format(day=fmt.day(d))}"
                    for n, d in zip(firsts["name"], firsts["date"], strict=True)
                ],
                hovertemplate="%{text}<extra></extra>",
            )
        )
    top = float((trend[col] * 100).max()) if trend[col].notna().any() else 100.0
    fig.add_hline(
        y=100,
        line_dash="dot",
        line_color="#333333",
        line_width=1,
        annotation_text=texts["hundred"],
        annotation_position="top left",
        annotation_font={"size": 11},
    )
    base.style(fig, lang, height=400, title=texts["title"])
    base.date_axis(fig)
    fig.update_yaxes(range=[0, max(105.0, top * 1.06)], ticksuffix=suffix(lang), title=None)
    fig.update_layout(
        hovermode="closest",
        margin={"l": 10, "r": 10, "t": 70, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
    )
    footnote(fig, texts["footnote"])
    return fig


# --- tables -------------------------------------------------------------------------------------
# `labels`: area, date, target, and for each measure m: f"coverage_{m}" (its coverage column),
# f"people_{m}" (its people column). The page shows the frames with `widgets.styled` and
# `flag_cells`: the values stay numbers (the table sorts by them), formatted for display, and a
# coverage above 100 % is marked in its own cell.
def number_columns(labels: Mapping, target: str | None = None) -> list[str]:
    return [*(labels[f"people_{m}"] for m in MEASURES), target or labels["target"]]


def percent_columns(labels: Mapping) -> list[str]:
    return [labels[f"coverage_{m}"] for m in MEASURES]


def chart_table(areas: pd.DataFrame, measure: str, labels: Mapping) -> pd.DataFrame:
    """The table behind the map and the bars: the chosen measure only, highest first."""
    df = ranked(areas, measure)
    return pd.DataFrame(
        {
            labels["area"]: df["name"].to_numpy(),
            labels[f"coverage_{measure}"]: df[f"coverage_{measure}"].astype("float64").to_numpy(),
            labels[f"people_{measure}"]: df[f"people_{measure}"].astype("float64").to_numpy(),
            labels["target"]: df["population"].astype("float64").to_numpy(),
        }
    )


def residence_table(
    areas: pd.DataFrame, total: pd.Series | None, labels: Mapping, target: str
) -> pd.DataFrame:
    """The table by residence area (and the scope's total row last, when given): coverage of
    each measure, people and the target population (its column named `target`)."""
    rows = areas.copy()
    if total is not None:
        rows = pd.concat([rows, total.to_frame().T], ignore_index=True)
    out = pd.DataFrame({labels["area"]: rows["name"].to_numpy()})
    for m in MEASURES:
        out[labels[f"coverage_{m}"]] = rows[f"coverage_{m}"].astype("float64").to_numpy()
    for m in MEASURES:
        out[labels[f"people_{m}"]] = rows[f"people_{m}"].astype("float64").to_numpy()
    out[target] = pd.to_numeric(rows["population"]).astype("float64").to_numpy()
    return out


def any_flagged(table: pd.DataFrame, columns: list[str]) -> bool:
    """Whether a coverage cell of the table is above 100 %."""
    return any(above_100(table[c]).any() for c in columns if c in table.columns)


def trend_table(trend: pd.DataFrame, measure: str, labels: Mapping, lang: str) -> pd.DataFrame:
    """The trend's table: one row per area at the end of each ISO week and on the last day
    (the chart's daily values). Hundreds of rows: formatted here as text, since a Styler of
    that size costs about 0.1 s on every run of the page."""
    df = trend[week_ends(trend["date"])].sort_values(["date", "role", "area_code"])
    flags = above_100(df[f"coverage_{measure}"])
    return pd.DataFrame(
        {
            labels["date"]: [fmt.day(d) for d in df["date"]],
            labels["area"]: df["name"].to_numpy(),
            labels[f"people_{measure}"]: [fmt.number(v, lang) for v in df[f"people_{measure}"]],
            labels[f"coverage_{measure}"]: [
                fmt.percent(v, lang) + (" ⚠" if flag else "")
                for v, flag in zip(df[f"coverage_{measure}"], flags, strict=True)
            ],
        }
    )


def flag_cells(style, table: pd.DataFrame, columns: list[str], lang: str):
    """A table's Styler with its coverage cells above 100 % marked: " ⚠" after the value (the
    flag in the text, not in the colour alone) and an orange tint."""
    present = [c for c in columns if c in table.columns and above_100(table[c]).any()]
    if not present:
        return style

    def shown(v) -> str:
        return f"{fmt.percent(v, lang)} ⚠" if above_100(v) else fmt.percent(v, lang)

    style = style.format(shown, subset=present, na_rep=fmt.MISSING)
    css = f"background-color: {FLAG_TINT}"
    return style.apply(lambda col: above_100(col).map({True: css, False: ""}), subset=present)
