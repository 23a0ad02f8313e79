"""Figures of the Vaccine and stock page: plans against doses by day, wastage by reason and the
flow of doses down the store hierarchy (a Sankey), with the tables behind them. Pure functions
of the query frames and the labels the page passes in."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.figures import base
from queries.stock_flow import FLOW_RANK, drawn_links

NODE_COLOURS = {
    "national": base.PALETTE[7],
    "unknown": "#999999",
    "province": base.PALETTE[0],
    "district": base.PALETTE[1],
}
SITE_COLOUR = base.PALETTE[2]
LINK_COLOUR = "rgba(0,114,178,0.25)"
HOVER = "%{y:,}<extra>%{fullData.name}</extra>"


STORE_PREFIX = "Kho vắc xin "  # every store's name starts so; the column is titled "Kho"


def short_store(name) -> str:
    """A store's name without the prefix every store's name has, so that the tables fit."""
    name = str(name)
    return name[len(STORE_PREFIX) :] if name.startswith(STORE_PREFIX) else name


def short_vaccine(name) -> str:
    """A vaccine's trade name without the product names in brackets: "AstraZeneca" for
    "AstraZeneca (Vaxzevria / COVISHIELD)"."""
    return str(name).split(" (", 1)[0]


# --- plans against doses -------------------------------------------------------------------
def plan_figure(daily: pd.DataFrame, lang: str, labels: Mapping[str, str]) -> go.Figure:
    """Planned doses as bars, doses from visits and the ledger's administered doses as lines,
    by day. `daily`: rows of `queries.stock.daily`. `labels`: "plan", "visits", "ledger"."""
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=daily["date"],
            y=daily["planned_doses"],
            name=labels["plan"],
            marker_color=base.PALETTE[4],
            hovertemplate=HOVER,
        )
    )
    for column, name, line, marker in (
        ("doses", labels["visits"], {"color": base.PALETTE[0], "width": 3}, None),
        ("administered", labels["ledger"], {"color": base.PALETTE[1], "width": 2,
                                            "dash": "dash"}, {"symbol": "diamond"}),
    ):  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=daily["date"],
                y=daily[column],
                name=name,
                mode="lines+markers",
                line=line,
                marker=marker,
                hovertemplate=HOVER,
            )
        )
    fig.update_layout(hovermode="x unified")
    fig.update_yaxes(tickformat=",d", rangemode="tozero")
    base.date_axis(fig)
    fig.update_xaxes(tickformat="%d/%m")
    return base.style(fig, lang, height=360)


def plan_table(daily: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """The table behind `plan_figure`. `labels`: "day", "planned_doses", "doses",
    "administered"."""
    return pd.DataFrame(
        {
            labels["day"]: [fmt.day(d) for d in daily["date"]],
            **{labels[c]: daily[c] for c in ("planned_doses", "doses", "administered")},
        }
    )


# --- wastage -------------------------------------------------------------------------------
def waste_figure(waste: pd.DataFrame, lang: str, labels: Mapping[str, str]) -> go.Figure:
    """Doses wasted by reason (most first) as horizontal bars stacked by vaccine.

    `waste`: reason, vaccine (their names), doses. `labels`: "doses_axis" (the axis title)."""
    order = waste.groupby("reason")["doses"].sum().sort_values(ascending=False).index.tolist()
    fig = go.Figure()
    for i, (vaccine, part) in enumerate(waste.groupby("vaccine", sort=True)):
        doses = part.groupby("reason")["doses"].sum().reindex(order)
        fig.add_trace(
            go.Bar(
                y=order,
                x=doses.fillna(0),
                orientation="h",
                name=vaccine,
                marker_color=base.PALETTE[i % len(base.PALETTE)],
                hovertemplate="%{y}: %{x:,}<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(tickformat=",d", title=labels["doses_axis"])
    return base.style(fig, lang, height=max(300, 40 * len(order) + 140))


def waste_table(waste: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """The table behind `waste_figure`. `labels`: "reason", "vaccine", "wasted"."""
    return pd.DataFrame(
        {
            labels["reason"]: waste["reason"],
            labels["vaccine"]: waste["vaccine"],
            labels["wasted"]: waste["doses"],
        }
    )


# --- the flow of doses -----------------------------------------------------------------------
def node_labels(drawn: pd.DataFrame, pairs: pd.DataFrame, labels: Mapping[str, str]) -> dict:
    """Short node labels, so that the columns do not run into each other: the national level,
    an unrecorded sender and the province store as such, a district store by its district, a
    district's site stores by their number, a single site store by its short name (every full
    name is in the table).

    `drawn`: links of `queries.stock_flow.drawn_links`; `pairs`: `queries.stock_flow.transfers`.
    `labels`: "outside", "unknown", "province", "sites_n" (a format with `{n}`)."""
    sides = []
    for side in ("from", "to"):
        columns = [f"{side}_{c}" for c in ("store_id", "level", "district_code", "district_name")]
        sides.append(pairs[columns].set_axis(["store", "level", "code", "district"], axis=1))
    ends = pd.concat(sides).drop_duplicates("store")
    district_of = dict(zip(ends["store"], ends["district"], strict=True))
    sites = ends[ends["level"] == "facility"].groupby("code")["store"].nunique()
    fixed = {"national": labels["outside"], "unknown": labels["unknown"]}
    fixed["province"] = labels["province"]
    found: dict[str, str] = {}
    for side in ("source", "target"):
        for node, name, level in zip(
            drawn[side], drawn[f"{side}_name"], drawn[f"{side}_level"], strict=True
        ):
            if node in found:
                continue
            if level in fixed:
                found[node] = fixed[level]
            elif level == "district":
                district = district_of.get(node[2:])
                found[node] = district if isinstance(district, str) else name
            elif level == "sites":
                found[node] = labels["sites_n"].format(n=int(sites.get(node[2:], 0)))
            else:
                found[node] = short_store(name or node[2:])
    return found


def flow_figure(
    flow: pd.DataFrame, pairs: pd.DataFrame, lang: str, labels: Mapping[str, str]
) -> go.Figure:
    """A Sankey of the links going down the hierarchy: one column per level, spread over the
    width and named above it. `flow`: `queries.stock_flow.flow`; `pairs`:
    `queries.stock_flow.transfers`.
    `labels`: those of `node_labels`, plus the column headers "column_0" (national level),
    "column_1" (province), "column_2" (districts) and "column_3" (sites)."""
    drawn = drawn_links(flow)
    names = node_labels(drawn, pairs, labels)
    nodes = list(names)
    levels = dict(zip(drawn["source"], drawn["source_level"], strict=True))
    levels.update(zip(drawn["target"], drawn["target_level"], strict=True))
    index = {code: i for i, code in enumerate(nodes)}
    columns = sorted({FLOW_RANK[levels[c]] for c in nodes})
    place = {r: i / max(len(columns) - 1, 1) for i, r in enumerate(columns)}
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            valueformat=",d",
            textfont={"color": "#1a1a1a", "size": 13, "shadow": "none"},
            node={
                "label": [names[c] for c in nodes],
                "color": [NODE_COLOURS.get(levels[c], SITE_COLOUR) for c in nodes],
                "x": [min(max(place[FLOW_RANK[levels[c]]], 0.001), 0.999) for c in nodes],
                "y": [None] * len(nodes),
                "pad": 8,
                "thickness": 16,
                "line": {"width": 0},
                "hovertemplate": "%{label}: %{value:,}<extra></extra>",
            },
            link={
                "source": [index[s] for s in drawn["source"]],
                "target": [index[t] for t in drawn["target"]],
                "value": drawn["doses"].tolist(),
                "color": LINK_COLOUR,
                "hovertemplate": "%{source.label} → %{target.label}: %{value:,}<extra></extra>",
            },
        )
    )
    # A plain int: Streamlit takes the figure's height only from a Python number.
    per_column = int(pd.Series([levels[c] for c in nodes]).value_counts().max()) if nodes else 0
    base.style(fig, lang, height=max(360, 28 * per_column + 110))
    fig.update_layout(margin={"t": 36})
    for rank, x in place.items():
        fig.add_annotation(
            text=f"<b>{labels[f'column_{rank}']}</b>",
            x=x,
            y=1.0,
            xref="paper",
            yref="paper",
            xanchor="left" if x < 0.5 else ("right" if x > 0.5 else "center"),
            yanchor="bottom",
            showarrow=False,
            font={"size": 13, "color": "#555555"},
        )
    return fig


def flow_table(
    pairs: pd.DataFrame, vaccines: Mapping[str, str], labels: Mapping[str, str]
) -> pd.DataFrame:
    """Every sender -> receiver pair of `queries.stock_flow.transfers` with its vaccine's name.
    `labels`: "outside", "unknown", "from", "to", "to_district", "vaccine", "received"."""
    senders = [
        labels["outside"]
        if kind == "receipt"
        else (name if isinstance(name, str) else (store or labels["unknown"]))
        for kind, name, store in zip(
            pairs["kind"], pairs["from_name"], pairs["from_store_id"], strict=True
        )
    ]
    return pd.DataFrame(
        {
            labels["from"]: senders,
            labels["to"]: pairs["to_name"].fillna(pairs["to_store_id"]),
            labels["to_district"]: pairs["to_district_name"].fillna(fmt.MISSING),
            labels["vaccine"]: [vaccines.get(c, c) for c in pairs["vaccine_code"]],
            labels["received"]: pairs["doses"],
        }
    )


# --- long tables as text -------------------------------------------------------------------
def as_text(table: pd.DataFrame, lang: str, formats: Mapping[str, str]) -> pd.DataFrame:
    """The table with the columns of `formats` written as the interface writes them ("number",
    "decimal", "signed" or "percent"; a dash for a blank cell). The long tables of the page
    are drawn this way: plain text costs milliseconds where a styled table of hundreds of rows
    costs a tenth of a second on every rerun (a click on such a header sorts it as text)."""
    show = {
        "number": fmt.number,
        "decimal": lambda v, lang: fmt.number(v, lang, 1),
        "signed": fmt.signed,
        "percent": fmt.percent,
    }
    out = table.copy()
    for column, kind in formats.items():
        out[column] = [show[kind](v, lang) for v in out[column]]
    # What the downloads read back as numbers (`exports.tables.from_shown`).
    out.attrs["shown_as_text"] = {"lang": lang, "kinds": dict(formats)}
    return out


def store_table(stores: pd.DataFrame, lang: str, labels: Mapping[str, str]) -> pd.DataFrame:
    """Flows, on hand, declared stock, days of stock and wastage per store and vaccine
    (`queries.stock.by_store`), as text, with short store and vaccine names. `labels`:
    "store", "level", "vaccine", each level's name ("level_province", ...) and each measure's
    label."""
    flows = ("received", "issued_out", "administered", "wasted", "on_hand", "declared_remaining")
    table = pd.DataFrame(
        {
            labels["store"]: stores["name"].fillna(stores["store_id"]).map(short_store),
            labels["level"]: [labels[f"level_{v}"] for v in stores["level"]],
            labels["vaccine"]: stores["vaccine_name"]
            .fillna(stores["vaccine_code"])
            .map(short_vaccine),
            **{labels[m]: stores[m] for m in (*flows, "days_of_stock", "wastage_rate")},
        }
    )
    formats = {labels[m]: "number" for m in flows}
    formats.update({labels["days_of_stock"]: "decimal", labels["wastage_rate"]: "percent"})
    return as_text(table, lang, formats)


def gaps_table(gaps: pd.DataFrame, lang: str, labels: Mapping[str, str]) -> pd.DataFrame:
    """Sites whose declared stock or ledger use disagree (`queries.stock.gaps`), as text.
    `labels`: "site", "district" and each measure's label."""
    measures = ("declared_remaining", "on_hand", "stock_discrepancy", "administered", "doses")
    table = pd.DataFrame(
        {
            labels["site"]: gaps["name"].fillna(gaps["facility_id"]),
            labels["district"]: gaps["district_name"],
            **{labels[m]: gaps[m] for m in (*measures, "administered_gap")},
        }
    )
    formats = {labels[m]: "number" for m in measures}
    formats.update({labels["stock_discrepancy"]: "signed", labels["administered_gap"]: "signed"})
    return as_text(table, lang, formats)


def lots_table(
    lots: pd.DataFrame, vaccines: Mapping[str, str], lang: str, labels: Mapping[str, str]
) -> pd.DataFrame:
    """Lots on hand near expiry (`queries.stock.lots_near_expiry`), as text, with short store
    and vaccine names. `labels`: "store",
    "level", each level's name, "vaccine", "lot", "expiry", "days_left", "on_hand"."""
    table = pd.DataFrame(
        {
            labels["store"]: lots["store_name"].fillna(lots["store_id"]).map(short_store),
            labels["level"]: [labels[f"level_{v}"] for v in lots["level"]],
            labels["vaccine"]: [short_vaccine(vaccines.get(c, c)) for c in lots["vaccine_code"]],
            labels["lot"]: lots["lot_number"].fillna(fmt.MISSING),
            labels["expiry"]: [fmt.day(d) for d in lots["expiry_date"]],
            labels["days_left"]: lots["days_left"],
            labels["on_hand"]: lots["on_hand"],
        }
    )
    return as_text(table, lang, {labels["days_left"]: "number", labels["on_hand"]: "number"})
