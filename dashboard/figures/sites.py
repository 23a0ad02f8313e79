"""The Sites map page's figures: the pydeck map (areas, their names, the sites as points sized
by doses and coloured by a status level, the chosen site ringed) with its tooltip rows, the
legend, one site's daily bars and four-step funnel, and the tables behind them.

Pure functions of data frames, the language and labels: no Streamlit, no database."""

from __future__ import annotations

import html
import math
import weakref
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk

from dashboard import format as fmt
from dashboard.boundaries import Boundaries
from dashboard.figures import base
from queries.scope import Scope

STATUS_ORDER = ("alert", "warn", "ok", "none")
MAP_HEIGHT = 560
MAP_WIDTH_GUESS = 820  # the map column's width on a laptop, for the initial zoom
DAILY_MEASURES = ("checked_in", "screened", "doses")
PROVINCE_CODE = Scope.province().code


def literal(text: str) -> str:
    """A string pydeck passes on as a value: unquoted strings become accessors ("@@=...")."""
    return "'" + text.replace("'", "") + "'"


PIXELS = literal("pixels")


def rgb(hex_colour: str, alpha: int = 255) -> list[int]:
    h = hex_colour.lstrip("#")
    return [int(h[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def tint(hex_colour: str, strength: float = 0.16) -> list[int]:
    """A light tint of a palette colour, for the areas under the points."""
    r, g, b, _ = rgb(hex_colour)
    return [round(255 - (255 - c) * strength) for c in (r, g, b)] + [255]


def cell_text(value) -> str:
    """A text cell as a string: '' for None and NaN."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def person(name, title) -> str:
    """ "Name (title)", or the name alone."""
    return f"{cell_text(name)} ({cell_text(title)})" if cell_text(title) else cell_text(name)


def days_text(days, lang: str, template: str, no_use: str) -> str:
    """Days of stock as shown: "—" without stock data, `no_use` for stock never used, else the
    `template` ("{d} ngày") with one decimal under ten days."""
    v = fmt.value(days)
    if v is None:
        return fmt.MISSING
    if math.isinf(v):
        return no_use
    return template.format(d=fmt.number(v, lang, 1 if v < 10 else 0))


# --- the map ----------------------------------------------------------------------------------
def tooltip_rows(
    df: pd.DataFrame, status: str, max_radius: float, lang: str, names: Mapping
) -> pd.DataFrame:
    """One point per site of `df` (sites.site_status rows that can be placed): position,
    colour of its `status` level, radius (area proportional to doses, the largest `max_radius`
    pixels) and the tooltip's values, pre-formatted and escaped.

    `names`: "types" {facility type: name} (with "other"), "levels" {level: name}, "days"
    (template with {d}), "no_use"."""
    types, levels = names["types"], names["levels"]
    out = pd.DataFrame(
        {
            "facility_id": df["facility_id"],
            "latitude": df["latitude"].astype(float),
            "longitude": df["longitude"].astype(float),
        }
    )
    out["t_name"] = [
        html.escape(cell_text(n) or f) for n, f in zip(df["name"], df["facility_id"], strict=True)
    ]
    out["t_type"] = [html.escape(types.get(t, types["other"])) for t in df["facility_type"]]
    out["t_area"] = [
        html.escape(", ".join(x for x in (cell_text(c), cell_text(d)) if x))
        for c, d in zip(df["commune_name"], df["district_name"], strict=True)
    ]
    out["t_tables"] = [fmt.number(v, lang) for v in df["tables_count"]]
    out["t_person"] = [
        html.escape(person(p, t)) if cell_text(p) else fmt.MISSING
        for p, t in zip(df["person_in_charge"], df["person_in_charge_title"], strict=True)
    ]
    out["t_doses"] = [fmt.number(v, lang) for v in df["doses"]]
    out["t_deferrals"] = [
        f"{fmt.number(n, lang)} ({fmt.percent(r, lang)})" if s else fmt.MISSING
        for n, r, s in zip(df["deferrals"], df["deferral_rate"], df["screened"], strict=True)
    ]
    out["t_on_hand"] = [fmt.number(v, lang) for v in df["on_hand"].astype(float)]
    out["t_days"] = [
        days_text(d, lang, names["days"], names["no_use"]) for d in df["days_of_stock"]
    ]
    level = df[f"{status}_status"]
    out["t_level"] = [html.escape(levels[s]) for s in level]
    out["colour"] = [rgb(base.STATUS_COLOURS[s], 225) for s in level]
    top = max(int(df["doses"].max()), 1) if len(df) else 1
    out["radius"] = [round(3 + (max_radius - 3) * math.sqrt(d / top), 1) for d in df["doses"]]
    return out.sort_values("radius", ascending=False)  # small points drawn last, on top


TOOLTIP_FIELDS = ("type", "area", "tables", "person", "doses", "deferrals", "on_hand", "days",
                  "level")  # fmt: skip
_BOLD = frozenset({"doses", "deferrals", "on_hand", "days", "level"})


def tooltip_html(labels: Mapping[str, str]) -> str:
    """The tooltip template: a label per field of TOOLTIP_FIELDS, values from the point rows."""
    lines = ["<b style='font-size:15px'>{t_name}</b>"]
    for name in TOOLTIP_FIELDS:
        value = f"{{t_{name}}}"
        lines.append(
            f"{html.escape(labels[name])}: {f'<b>{value}</b>' if name in _BOLD else value}"
        )
    return "<br/>".join(lines)


def view(lons: Sequence[float], lats: Sequence[float]) -> pdk.ViewState:
    """Centre and zoom that fit the given points."""
    if not lats:
        return pdk.ViewState(latitude=20.25, longitude=106.2, zoom=9)
    lat0, lat1, lon0, lon1 = min(lats), max(lats), min(lons), max(lons)
    lon_span = max(lon1 - lon0, 0.02)
    merc = math.log(math.tan(math.pi / 4 + math.radians(lat1) / 2)) - math.log(
        math.tan(math.pi / 4 + math.radians(lat0) / 2)
    )
    y_span = max(merc, 0.02 * math.pi / 180)
    zoom_x = math.log2(0.9 * MAP_WIDTH_GUESS * 360 / (512 * lon_span))
    zoom_y = math.log2(0.9 * MAP_HEIGHT * 2 * math.pi / (512 * y_span))
    zoom = max(7.5, min(13.5, zoom_x, zoom_y))
    return pdk.ViewState(
        latitude=(lat0 + lat1) / 2, longitude=(lon0 + lon1) / 2, zoom=zoom, pitch=0
    )


def base_areas(
    areas: pd.DataFrame, shapes: Boundaries, map_code: str
) -> tuple[str, dict, pd.DataFrame]:
    """The areas under the points: the districts for the province, else the communes of the
    district (or of the commune's district; the commune itself stronger), tinted; with their
    label points. Returns (level, FeatureCollection, labels frame name/longitude/latitude)."""
    if map_code == PROVINCE_CODE:
        level, codes = "district", areas.loc[areas["area_level"] == "district", "area_code"]
    else:
        found = areas.loc[areas["area_code"] == map_code, "district_code"]
        district = map_code if len(map_code) == 3 else (str(found.iloc[0]) if len(found) else "")
        level = "commune"
        codes = areas.loc[
            (areas["area_level"] == "commune") & (areas["district_code"] == district),
            "area_code",
        ]
    features = []
    for i, feature in enumerate(shapes.subset(level, codes)["features"]):
        chosen = len(map_code) == 5 and feature["id"] == map_code
        colour = base.PALETTE[4] if chosen else base.PALETTE[i % (len(base.PALETTE) - 1)]
        shade = tint(colour, 0.35 if chosen else 0.13 if level == "district" else 0.07)
        features.append({**feature, "properties": {**feature["properties"], "tint": shade}})
    labels = pd.DataFrame(
        [
            {"name": f["properties"]["name"], "longitude": p[0], "latitude": p[1]}
            for f in features
            if (p := shapes.points.get(f["id"])) is not None
        ],
        columns=["name", "longitude", "latitude"],
    )
    return level, {"type": "FeatureCollection", "features": features}, labels


_TOOLTIP_STYLE = {
    "backgroundColor": "white",
    "color": "#1f1f1f",
    "fontSize": "13px",
    "fontFamily": base.FONT,
    "border": "1px solid #c8c8c8",
    "borderRadius": "4px",
    "padding": "8px",
    "maxWidth": "320px",
}


def site_map(
    points: pd.DataFrame,
    areas: pd.DataFrame,
    shapes: Boundaries,
    map_code: str,
    chosen_site: str | None,
    tooltip: str,
) -> pdk.Deck:
    """The map: tinted areas with their names, the sites (`tooltip_rows`), the chosen site
    ringed in black; no basemap (no tile server, no token)."""
    level, collection, labels = base_areas(areas, shapes, map_code)
    layers = [
        pdk.Layer(
            "GeoJsonLayer",
            id="areas",
            data=collection,
            filled=True,
            stroked=True,
            get_fill_color="properties.tint",
            get_line_color=[255, 255, 255, 255] if level == "district" else [190, 190, 200, 255],
            line_width_min_pixels=2 if level == "district" else 1,
            pickable=False,
        ),
        pdk.Layer(
            "TextLayer",
            id="labels",
            data=labels.to_dict("records"),
            get_position=["longitude", "latitude"],
            get_text="name",
            get_size=13 if map_code == PROVINCE_CODE else 11,
            get_color=[60, 60, 70, 255],
            get_pixel_offset=[0, -10],
            # The default atlas is ASCII only; Vietnamese names need their own letters.
            character_set=literal("".join(sorted(set("".join(labels["name"].astype(str)))))),
            font_family=literal(base.FONT),
            font_settings={"sdf": True},
            outline_width=3,
            outline_color=[255, 255, 255, 230],
            pickable=False,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id="sites",
            data=points.to_dict("records"),
            get_position=["longitude", "latitude"],
            get_radius="radius",
            radius_units=PIXELS,
            get_fill_color="colour",
            stroked=True,
            get_line_color=[255, 255, 255, 255],
            line_width_min_pixels=1,
            pickable=True,
            auto_highlight=True,
            highlight_color=[0, 0, 0, 90],
        ),
    ]
    chosen = points[points["facility_id"] == (chosen_site or "")]
    if len(chosen):
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                id="chosen",
                data=chosen[["latitude", "longitude", "radius"]].to_dict("records"),
                get_position=["longitude", "latitude"],
                get_radius="radius",
                radius_units=PIXELS,
                filled=False,
                stroked=True,
                get_line_color=[0, 0, 0, 255],
                line_width_min_pixels=3,
                pickable=False,
            )
        )
    box = shapes.extent(f["id"] for f in collection["features"])
    if box is not None:
        initial = view([box[0], box[2]], [box[1], box[3]])
    else:
        initial = view(points["longitude"].tolist(), points["latitude"].tolist())
    # map_provider=None with the default map_style: no basemap at all; map_style=None would
    # make Streamlit fetch its themed Carto style.
    return SiteMap(
        layers=layers,
        initial_view_state=initial,
        map_provider=None,
        tooltip={"html": tooltip, "style": _TOOLTIP_STYLE},
    )


_SPECS: weakref.WeakKeyDictionary[pdk.Deck, str] = weakref.WeakKeyDictionary()


class SiteMap(pdk.Deck):
    """The sites' map, a deck that every run showing its view shows unchanged (the page builds
    it once per view): its JSON, what a chart sends of it, is written on the first `to_json`
    and kept. Nothing may change a deck once it has been shown."""

    def to_json(self) -> str:
        spec = _SPECS.get(self)
        if spec is None:
            spec = _SPECS[self] = super().to_json()
        return spec


def legend_html(levels: pd.Series, names: Mapping[str, str], lang: str) -> str:
    """The colour chips of the legend, with the number of sites at each level of `levels`."""
    counts = levels.value_counts()
    chips = []
    for level in STATUS_ORDER:
        chips.append(
            "<div style='display:flex;align-items:center;gap:8px;margin:4px 0'>"
            f"<span style='display:inline-block;width:14px;height:14px;border-radius:50%;"
            f"background:{base.STATUS_COLOURS[level]};flex:none'></span>"
            f"<span>{html.escape(names[level])} "
            f"(<b>{fmt.number(int(counts.get(level, 0)), lang)}</b>)</span></div>"
        )
    return "".join(chips)


# --- tables -----------------------------------------------------------------------------------
TABLE_MEASURES = ("screened", "doses", "deferral_rate", "on_hand", "days_of_stock")


def site_table(df: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """The table behind the map: a site per row with TABLE_MEASURES, values kept (the size and
    the two colourings with what they are made of: a laptop's width holds these columns; the
    area, type, staff and person in charge are in the tooltip and the site's detail).
    `columns`: headers by key."""
    c = columns
    return pd.DataFrame(
        {
            c["name"]: df["name"],
            **{c[m]: df[m].astype("float64") if m == "on_hand" else df[m] for m in TABLE_MEASURES},
        }
    )


def off_map_table(
    df: pd.DataFrame, columns: Mapping[str, str], area: str, reasons: Mapping[str, str], lang: str
) -> pd.DataFrame:
    """Sites not on the map, their area (`area` as in `site_table`), why (`reasons` by
    coordinate status; "missing" also for a site marked ok yet without a point), the
    coordinates they declared, doses and deferral rate."""
    c = columns

    def coords(lat, lon) -> str:
        if pd.isna(lat) or pd.isna(lon):
            return fmt.MISSING
        return f"{fmt.number(lat, lang, 4)}; {fmt.number(lon, lang, 4)}"

    return pd.DataFrame(
        {
            c["name"]: df["name"],
            c[area]: df[f"{area}_name"],
            c["reason"]: [
                reasons.get("missing" if s == "ok" else s, cell_text(s))
                for s in df["coordinate_status"]
            ],
            c["coordinates"]: [
                coords(a, b) for a, b in zip(df["latitude"], df["longitude"], strict=True)
            ],
            c["doses"]: df["doses"],
            c["deferral_rate"]: df["deferral_rate"],
        }
    )


# --- one site ---------------------------------------------------------------------------------
def daily_chart(daily: pd.DataFrame, lang: str, names: Mapping[str, str]) -> go.Figure:
    """Grouped bars per day: checked in, screened, doses (`names` by measure)."""
    fig = go.Figure()
    for i, measure in enumerate(DAILY_MEASURES):
        fig.add_trace(
            go.Bar(
                x=daily["date"],
                y=daily[measure],
                name=names[measure],
                marker_color=base.PALETTE[i],
                hovertemplate="%{y:,}",
            )
        )
    fig.update_layout(hovermode="x unified", barmode="group", bargap=0.25)
    fig.update_yaxes(rangemode="tozero", tickformat=",d")
    base.date_axis(base.style(fig, lang, height=340))
    if len(daily) <= 16:  # a week or two: every day, without the year
        fig.update_xaxes(dtick=86400000.0, tickformat="%d/%m")
    return fig


def daily_table(daily: pd.DataFrame, day_label: str, names: Mapping[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            day_label: [fmt.day(d) for d in daily["date"]],
            **{names[m]: daily[m] for m in DAILY_MEASURES},
        }
    )


def funnel_chart(funnel: pd.DataFrame, lang: str, steps: Mapping[str, str]) -> go.Figure:
    """The four steps as a funnel, each with its count and share of reception."""
    text = [
        f"{fmt.number(c, lang)} ({fmt.percent(s, lang)})"
        for c, s in zip(funnel["count"], funnel["share"], strict=True)
    ]
    fig = go.Figure(
        go.Funnel(
            y=[steps[s] for s in funnel["step"]],
            x=funnel["count"],
            text=text,
            textinfo="text",
            textposition="inside",
            textfont={"color": ["white", "#1f1f1f", "white", "#1f1f1f"], "size": 15},
            marker={"color": base.PALETTE[:4]},
            hoverinfo="skip",
            connector={"fillcolor": "#eef0f4"},
        )
    )
    base.style(fig, lang, height=340)
    fig.update_layout(showlegend=False)
    return fig


def funnel_table(
    funnel: pd.DataFrame, lang: str, steps: Mapping[str, str], columns: Sequence[str]
) -> pd.DataFrame:
    """Step, count, share of reception (`columns`: their three headers)."""
    step, count, share = columns
    return pd.DataFrame(
        {
            step: [steps[s] for s in funnel["step"]],
            count: funnel["count"],
            share: [fmt.percent(s, lang) for s in funnel["share"]],
        }
    )
