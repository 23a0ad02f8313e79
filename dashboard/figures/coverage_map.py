"""The coverage map: a choropleth of the compared areas on their boundaries (a file or the
approximate shapes of `dashboard.boundaries`), drawn with no tile server and no internet.
A pure function of the coverage frame, the shapes and the labels (see `figures.coverage`)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from dashboard import boundaries
from dashboard import format as fmt
from dashboard.figures import base
from dashboard.figures.coverage import FLAG_COLOUR, footnote, suffix

MAP_HEIGHT = 520
_UNIT_WORDS = ("Thành phố ", "Huyện ", "Thị xã ", "Quận ")


def short_name(name: str) -> str:
    """District names without the unit word, for map labels ("Huyện Ý Yên" -> "Ý Yên")."""
    for prefix in _UNIT_WORDS:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _outline(geojson: dict, codes: list[str], colour: str, line: dict, **kw) -> go.Choropleth:
    """Shapes in one flat colour, each carrying its code as `customdata` (a click names it)."""
    return go.Choropleth(
        geojson=geojson,
        locations=codes,
        z=[0] * len(codes),
        featureidkey="id",
        colorscale=[[0, colour], [1, colour]],
        showscale=False,
        marker={"line": line},
        customdata=[[c] for c in codes],
        **kw,
    )


def map_figure(
    shapes: boundaries.Boundaries,
    areas: pd.DataFrame,
    measure: str,
    level: str,
    lang: str,
    texts: Mapping,
    *,
    highlight: str | None = None,
    context_districts: bool = False,
    height: int = MAP_HEIGHT,
    labels: Mapping[str, str] | None = None,
    label_size: int = 12,
) -> go.Figure:
    """A choropleth of coverage (`coverage_<measure>`) for `areas` at `level`, drawn on the
    shapes. Areas above 100 % get a marker; `highlight` is outlined; with `context_districts`
    the districts are drawn in grey behind (a commune map). Every shape and marker carries its
    area code as the first item of its `customdata`, so a click can drill into it.

    Each district is labelled with its short name; `labels` (area code -> text) replaces the
    labels and labels communes too (on paper, where no hover names them), in `label_size` px.

    The first trace is a longitude/latitude scattergeo on purpose: plotly.js fetches its world
    topojson from the internet only when the first trace of a geo subplot has a
    `locationmode`, and a choropleth of a GeoJSON has one; with this first trace the map draws
    offline, with the boundaries as its only base layer.
    """
    col = f"coverage_{measure}"
    df = areas[areas["area_code"].isin(shapes.codes(level))].copy()
    values = df[col].astype("float64") * 100
    # The colour scale ends at the highest value rounded up to ten points, so early-campaign
    # differences show; values above 100 % stay on the scale (never clipped). It starts at 0,
    # or, once every area is at 50 % or more, ten points below the lowest value rounded down
    # to ten, so that areas a few points apart late in the campaign get different colours.
    top = float(values.max()) if values.notna().any() else 0.0
    low = float(values.min()) if values.notna().any() else 0.0
    zmax = max(10.0, math.ceil(top / 10) * 10)
    zmin = math.floor(low / 10) * 10 - 10.0 if low >= 50 else 0.0
    points = [shapes.points.get(c) for c in df["area_code"]]
    fig = go.Figure()
    labelled = level == "district" or labels is not None
    if labels is not None:
        label_text = [labels.get(c, "") for c in df["area_code"]]
    else:
        label_text = [short_name(n) for n in df["name"]]
    fig.add_trace(
        go.Scattergeo(
            lon=[p[0] if p else None for p in points],
            lat=[p[1] if p else None for p in points],
            text=label_text if labelled else None,
            mode="text" if labelled else "markers",
            marker={"size": 1, "opacity": 0},
            textfont={
                "size": label_size,
                "color": [
                    "#ffffff" if (v - zmin) / (zmax - zmin) > 0.55 else "#1a1a1a"
                    for v in values.fillna(zmin)
                ],
            },
            hoverinfo="skip",
            showlegend=False,
        )
    )
    if context_districts:
        districts = shapes.features("district")
        fig.add_trace(
            _outline(
                districts,
                shapes.codes("district"),
                "#f2f2f2",
                {"color": "#9a9a9a", "width": 1},
                text=[f["properties"]["name"] for f in districts["features"]],
                hovertemplate="%{text}<extra></extra>",
            )
        )
    hover = (
        f"<b>%{{customdata[1]}}</b><br>{texts['rate']}: %{{customdata[2]}}<br>"
        f"{texts['people']}: %{{customdata[3]}}<br>"
        f"{texts['target']}: %{{customdata[4]}}<extra></extra>"
    )
    custom = list(
        zip(
            df["area_code"],
            df["name"],
            [fmt.percent(v, lang) for v in df[col]],
            [fmt.number(v, lang) for v in df[f"people_{measure}"]],
            [fmt.number(v, lang) for v in df["population"]],
            strict=True,
        )
    )
    fig.add_trace(
        go.Choropleth(
            geojson=shapes.subset(level, df["area_code"]),
            locations=df["area_code"].tolist(),
            z=values.tolist(),
            featureidkey="id",
            zmin=zmin,
            zmax=zmax,
            colorscale=base.SEQUENTIAL,
            marker={"line": {"color": "#7f7f7f", "width": 0.7}},
            customdata=custom,
            hovertemplate=hover,
            colorbar={"ticksuffix": suffix(lang), "thickness": 14, "len": 0.75, "x": 1.0},
            name=texts["rate"],
        )
    )
    if highlight and highlight in set(shapes.codes(level)):
        fig.add_trace(
            _outline(
                shapes.subset(level, [highlight]),
                [highlight],
                "rgba(0,0,0,0)",
                {"color": "#000000", "width": 3},
                hoverinfo="skip",
            )
        )
    over = df[f"above_100_{measure}"].astype(bool)
    if over.any():
        pts = [shapes.points.get(c) for c in df.loc[over, "area_code"]]
        fig.add_trace(
            go.Scattergeo(
                lon=[p[0] if p else None for p in pts],
                lat=[p[1] - (0.012 if labelled else 0) if p else None for p in pts],
                mode="markers",
                marker={
                    "symbol": "triangle-up",
                    "size": 13 if labelled else 10,
                    "color": FLAG_COLOUR,
                    "line": {"color": "#000000", "width": 1},
                },
                name=texts["flag_legend"],
                customdata=[row for row, flag in zip(custom, over, strict=True) if flag],
                hovertemplate=hover.replace("<extra>", "<br>⚠ " + texts["flag_legend"] + "<extra>"),
                showlegend=True,
            )
        )
    box = shapes.extent(df["area_code"]) or shapes.extent(shapes.codes(level))
    geo = {"visible": False, "projection": {"type": "mercator"}, "bgcolor": "white"}
    if box:
        pad_x, pad_y = (box[2] - box[0]) * 0.04, (box[3] - box[1]) * 0.04
        geo["lonaxis"] = {"range": [box[0] - pad_x, box[2] + pad_x]}
        geo["lataxis"] = {"range": [box[1] - pad_y, box[3] + pad_y]}
        geo["center"] = {"lon": (box[0] + box[2]) / 2, "lat": (box[1] + box[3]) / 2}
    fig.update_geos(**geo)
    base.style(fig, lang, height=height, title=texts["title"])
    fig.update_layout(
        margin={"l": 0, "r": 0, "t": 40, "b": 60},
        hoverdistance=8,  # the flag markers must not steal the hover from the shapes
        legend={"orientation": "h", "yanchor": "bottom", "y": 0.0, "x": 0},
        clickmode="event+select",
        dragmode=False,  # no pan and no scroll zoom: the page scrolls past the map
    )
    footnote(fig, texts["footnote"], below_axis=False)
    return fig
