"""The briefing's coverage map: the choropleth of the coverage page
(`dashboard.figures.coverage_map.map_figure`, shapes from `dashboard.boundaries`) of the areas
the briefing ranks (the province's districts, or the communes of the scope's district), drawn
from the ranking's own rows (`queries.overview.ranking`: its target group, at the end of the
week) for its chart's measure; laid out for a 16:9 picture and drawn once (`picture`) for both
the deck and the PDF.

On paper nothing answers a hover, so the areas carry their figures: each district its short name
and coverage; each commune its rank in the ranking (communes are too small for names), with the
key (rank, name, coverage) beside the map."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import sqlalchemy as sa

from dashboard import boundaries, group_text
from dashboard import format as fmt
from dashboard.briefing.text import nfc, t
from dashboard.exports import images
from dashboard.figures.coverage_map import map_figure, short_name
from queries import coverage as coverage_q
from queries import dimensions, groups, measures
from queries.definitions import METRICS
from queries.scope import Period

MEASURE = "full"  # the ranking chart's measure
GROUP = coverage_q.DEFAULT_GROUP  # the ranking's target group, when it has no row
WIDTH, HEIGHT, SCALE = images.WIDTH, images.HEIGHT, 2  # a 16:9 slide, sharp on a projector
LABEL_SIZE = {"district": 17, "commune": 15}
KEY_SIZE = 16  # px, the commune key's lines
KEY_ROWS = 25  # communes a key column holds, under its title (the plot area is 585 px high)
KEY_COLUMN = 340  # px, one key column
SCALE_BLOCK = 120  # px, the colour bar with its tick labels
GAP = 30  # px between the map, the colour bar and the key
NOTE_SIZE = 15  # px, the boundary and denominator note under the map
BORDER = "#555555"  # the areas' borders
SOURCE_SIZE = 16  # px, the source and data-as-of line at the foot


@dataclass(frozen=True)
class AreaMap:
    title: str
    level: str  # "district" or "commune"
    areas: pd.DataFrame  # the rows drawn: the ranking's, with the above-100 % flags
    figure: go.Figure


def _mercator_aspect(lon: tuple[float, float], lat: tuple[float, float]) -> float:
    """Width / height of a longitude/latitude box on a Mercator map."""

    def y(deg: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(deg) / 2))

    return math.radians(lon[1] - lon[0]) / (y(lat[1]) - y(lat[0]))


def _key_lines(areas: pd.DataFrame, ranks: dict[str, int], lang: str) -> list[str]:
    col = f"coverage_{MEASURE}"
    return [
        f"<b>{ranks[r['area_code']]}</b>  {nfc(r['name'])} · {fmt.percent(r[col], lang)}"
        for r in areas.to_dict("records")
    ]


def _lay_out(fig: go.Figure, key: list[str], key_title: str) -> None:
    """The map, its colour bar and the key side by side, centred in the picture's plot area
    (`images.slide_spec` keeps `images.SIDE`, `TOP` and `BOTTOM` around it)."""
    plot_w = WIDTH - 2 * images.SIDE
    plot_h = HEIGHT - images.TOP - images.BOTTOM
    columns = math.ceil(len(key) / KEY_ROWS) if key else 0
    key_w = columns * KEY_COLUMN + (GAP if columns else 0)
    geo = fig.layout.geo
    room = plot_w - GAP - SCALE_BLOCK - key_w
    map_w = float(room)
    if geo.lonaxis.range and geo.lataxis.range:
        aspect = _mercator_aspect(tuple(geo.lonaxis.range), tuple(geo.lataxis.range))
        map_w = min(room, plot_h * aspect)
    left = (plot_w - (map_w + GAP + SCALE_BLOCK + key_w)) / 2
    fig.update_geos(domain={"x": [left / plot_w, (left + map_w) / plot_w], "y": [0, 1]})
    for trace in fig.data:
        if trace.type == "choropleth" and trace.showscale is not False:  # the coverage layer
            trace.colorbar.update(
                x=(left + map_w + GAP) / plot_w, xanchor="left", thickness=22, len=0.8,
                y=0.5, yanchor="middle", tickfont={"size": 17},
            )  # fmt: skip
            trace.marker.line.update(color=BORDER, width=1.2)  # seen on mid blues too
    for annotation in fig.layout.annotations:  # the builder's note under the map
        annotation.font.size = NOTE_SIZE
    if not key:
        return
    per_column = math.ceil(len(key) / columns)
    x0 = left + map_w + GAP + SCALE_BLOCK + GAP
    for i in range(columns):
        lines = key[i * per_column : (i + 1) * per_column]
        fig.add_annotation(
            text="<br>".join([f"<b>{key_title}</b>" if i == 0 else " ", *lines]),
            xref="paper",
            yref="paper",
            x=(x0 + i * KEY_COLUMN) / plot_w,
            y=1,
            xanchor="left",
            yanchor="top",
            align="left",
            showarrow=False,
            font={"size": KEY_SIZE, "color": "#1a1a1a"},
        )


def gather(
    conn: sa.Connection,
    ranking: pd.DataFrame,
    period: Period,
    lang: str,
    highlight: str | None = None,
) -> AreaMap:
    """The map of the ranking's areas (`queries.overview.ranking`'s rows, best first: a row's
    place is its rank), from the ranking's own numbers; `highlight` (a commune) is outlined."""
    areas = ranking.reset_index(drop=True).copy()
    for m in coverage_q.MEASURES:
        areas[f"above_100_{m}"] = measures.above_100(areas[f"coverage_{m}"])
    level = str(areas["area_level"].iloc[0]) if len(areas) else "district"
    group = str(areas["target_group"].iloc[0]) if len(areas) else GROUP
    shapes = boundaries.load(dimensions.areas(conn))
    col = f"coverage_{MEASURE}"
    ranks = {code: i for i, code in enumerate(areas["area_code"], start=1)}
    if level == "district":
        labels = {
            r["area_code"]: f"{nfc(short_name(r['name']))}<br>{fmt.percent(r[col], lang)}"
            for r in areas.to_dict("records")
        }
        key: list[str] = []
    else:
        labels = {code: str(rank) for code, rank in ranks.items()}
        key = _key_lines(areas, ranks, lang)
    title = t(
        "coverage_map_title",
        lang,
        measure=nfc(METRICS[col].label(lang)),
        level=t(f"coverage_level_{level}", lang),
    )
    origin = coverage_q.population_source(
        groups.population(conn, areas["area_code"], [group], [period.end.year])
    )
    boundary = (
        t("coverage_approx", lang)
        if shapes.is_approximate(level)
        else t("coverage_boundaries_file", lang, file=(shapes.source or "").rsplit("/", 1)[-1])
    )
    texts = {
        "title": title,
        "rate": nfc(METRICS[col].label(lang)),
        "people": nfc(METRICS[f"people_{MEASURE}"].label(lang)),
        "target": t("coverage_col_target", lang),
        "flag_legend": t("coverage_flag_legend", lang),
        "footnote": [
            boundary,
            nfc(group_text.denominator_text(group, origin, lang, short_form=True)),
        ],
    }
    fig = map_figure(
        shapes, areas, MEASURE, level, lang, texts,
        highlight=highlight, labels=labels, label_size=LABEL_SIZE[level],
    )  # fmt: skip
    _lay_out(fig, key, t("briefing_map_key", lang))
    return AreaMap(title, level, areas, fig)


def picture(b) -> bytes:
    """The briefing's map as a PNG (WIDTH x HEIGHT at SCALE) with its title, area, period,
    source and data-as-of; drawn once, then kept on the briefing for the other file. Raises
    `images.BrowserMissing` or `images.RenderFailed`."""
    if "map" not in b.pictures:
        b.pictures["map"] = images.figure_image(
            b.figures["map"],
            fmt="png",
            title=b.area_map.title,
            area=b.area,
            period=b.period_text,
            source=b.source,
            data_as_of=b.data_as_of,
            lang=b.lang,
            width=WIDTH,
            height=HEIGHT,
            scale=SCALE,
            source_font=SOURCE_SIZE,
        )
    return b.pictures["map"]
