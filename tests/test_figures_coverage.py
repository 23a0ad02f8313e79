"""The coverage page's figures and tables (dashboard/figures/coverage.py and coverage_map.py),
drawn from small hand-made frames: what each one draws, in which colours, with which labels,
and that every shape or bar a click can land on names its area."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import boundaries
from dashboard.figures import base
from dashboard.figures import coverage as figures
from dashboard.figures.coverage_map import map_figure, short_name
from queries.coverage import MEASURES

TEXTS = {
    "title": "Tiêu đề",
    "footnote": ["Nguồn", "Dữ liệu đến"],
    "rate": "Tỷ lệ",
    "people": "Số người",
    "target": "Dân số mục tiêu",
    "flag_legend": "Vượt 100 %: mẫu số có thể sai",
    "hundred": "100 %",
    "first_above": "vượt 100 % từ {day}",
    "highest": "cao nhất",
    "lowest": "thấp nhất",
}
LABELS = {
    "area": "Địa bàn",
    "date": "Ngày",
    "target": "Dân số mục tiêu",
    **{f"coverage_{m}": f"Tỷ lệ {m}" for m in MEASURES},
    **{f"people_{m}": f"Số người {m}" for m in MEASURES},
}


def coverage_rows(rows: list[tuple], **extra) -> pd.DataFrame:
    """Rows of (code, name, people 1plus, full, boosted, population) with the coverage and
    flag columns `queries.coverage` adds."""
    df = pd.DataFrame(
        rows,
        columns=[
            "area_code",
            "name",
            "people_1plus",
            "people_full",
            "people_boosted",
            "population",
        ],
    )
    for m in MEASURES:
        df[f"coverage_{m}"] = df[f"people_{m}"] / df["population"].astype("float64")
        df[f"above_100_{m}"] = df[f"coverage_{m}"] > 1.0
    for key, value in extra.items():
        df[key] = value
    return df


AREAS = coverage_rows(
    [
        ("356", "Thành phố Nam Định", 60, 50, 10, 100),
        ("359", "Huyện Vụ Bản", 150, 120, 30, 100),  # 150 %: flagged
        ("366", "Huyện Hải Hậu", 20, 10, 0, 100),
    ],
    area_level="district",
    is_scope=False,
)


def square(lon: float, lat: float) -> dict:
    ring = [[lon, lat], [lon + 0.1, lat], [lon + 0.1, lat + 0.1], [lon, lat + 0.1], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def collection(corners: dict[str, tuple[float, float]]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": c, "properties": {"name": c}, "geometry": square(*xy)}
            for c, xy in corners.items()
        ],
    }


DISTRICTS = {"356": (106.0, 20.0), "359": (106.1, 20.0), "366": (106.2, 20.0)}
COMMUNES = {"13633": (106.0, 20.0), "13771": (106.1, 20.0)}
SHAPES = boundaries.Boundaries(
    districts=collection(DISTRICTS),
    communes=collection(COMMUNES),
    approximate_levels=frozenset({"district", "commune"}),
    points={c: (x + 0.05, y + 0.05) for c, (x, y) in {**DISTRICTS, **COMMUNES}.items()},
    extents={c: (x, y, x + 0.1, y + 0.1) for c, (x, y) in {**DISTRICTS, **COMMUNES}.items()},
)


def clicked(trace, i: int = 0) -> str | None:
    """The code a click on point `i` of a trace would drill into (`widgets.clicked_code`)."""
    data = trace.customdata[i] if trace.customdata is not None else None
    return str(data[0] if isinstance(data, list | tuple) else data) if data is not None else None


# --- the ranking ---------------------------------------------------------------------------------
def test_ranking_puts_the_highest_on_top_and_flags_above_100_percent_in_orange():
    fig = figures.ranked_figure(AREAS, "1plus", "vi", TEXTS)
    plain, flagged = fig.data
    assert plain.name == "Tỷ lệ" and plain.marker.color == figures.BAR_COLOUR
    assert list(plain.x) == [60.0, 20.0] and list(plain.text) == ["60,0 %", "20,0 %"]
    assert flagged.name == TEXTS["flag_legend"] and flagged.marker.color == figures.FLAG_COLOUR
    assert flagged.marker.pattern.shape == "/"
    assert list(flagged.x) == [150.0] and list(flagged.text) == ["150,0 % ⚠"]  # not clipped
    # Highest at the top: plotly lists categories from the bottom.
    assert list(fig.layout.yaxis.categoryarray) == [
        "Huyện Hải Hậu",
        "Thành phố Nam Định",
        "Huyện Vụ Bản",
    ]
    assert fig.layout.xaxis.range[1] >= 150 * 1.32 and fig.layout.xaxis.ticksuffix == " %"
    assert fig.layout.shapes[0].x0 == 100  # the 100 % line
    assert fig.layout.title.text == "Tiêu đề"
    assert "Nguồn<br>Dữ liệu đến" in [a.text for a in fig.layout.annotations]
    # A click on a bar drills into its area.
    assert [clicked(plain, i) for i in range(2)] == ["356", "366"]
    assert clicked(flagged) == "359"


def test_ranking_without_flags_has_no_legend_and_outlines_the_scope_in_english():
    areas = AREAS[AREAS["area_code"] != "359"]
    fig = figures.ranked_figure(areas, "full", "en", TEXTS, highlight="366")
    assert len(fig.data) == 1 and fig.layout.showlegend is False
    assert list(fig.data[0].y) == ["Thành phố Nam Định", "<b>Huyện Hải Hậu</b>"]
    assert list(fig.data[0].marker.line.width) == [0, 3]
    assert list(fig.data[0].text) == ["50.0%", "10.0%"]
    assert fig.layout.xaxis.ticksuffix == "%"


# --- the map -------------------------------------------------------------------------------------
def test_the_map_draws_offline_colours_coverage_and_flags_above_100_percent():
    fig = map_figure(SHAPES, AREAS, "1plus", "district", "vi", TEXTS)
    first = fig.data[0]
    # plotly.js fetches a world map from its CDN when the first trace of a geo subplot has a
    # `locationmode` (every GeoJSON choropleth has one): the first trace must not.
    assert first.type == "scattergeo" and first.locationmode is None
    assert list(first.text) == ["Nam Định", "Vụ Bản", "Hải Hậu"]
    assert fig.layout.geo.visible is False
    shapes = next(t for t in fig.data if t.type == "choropleth")
    assert list(shapes.locations) == ["356", "359", "366"]
    assert list(shapes.z) == [60.0, 150.0, 20.0]
    assert (shapes.zmin, shapes.zmax) == (0, 150)  # up to the highest, rounded to ten points
    assert shapes.colorbar.ticksuffix == " %"
    assert list(shapes.customdata[1]) == ["359", "Huyện Vụ Bản", "150,0 %", "150", "100"]
    flags = [t for t in fig.data if t.type == "scattergeo" and t.showlegend]
    assert len(flags) == 1 and flags[0].name == TEXTS["flag_legend"]
    assert flags[0].marker.color == figures.FLAG_COLOUR and flags[0].marker.symbol == "triangle-up"
    assert clicked(flags[0]) == "359"
    assert [clicked(shapes, i) for i in range(3)] == ["356", "359", "366"]


def test_late_in_the_campaign_the_colour_scale_starts_below_the_lowest_area():
    # 94 %, 96 % and 98 %: on a scale from 0 they would all be the darkest blue.
    late = coverage_rows(
        [("356", "A", 94, 90, 50, 100), ("359", "B", 96, 90, 50, 100),
         ("366", "C", 98, 90, 50, 100)],
        area_level="district",
        is_scope=False,
    )  # fmt: skip
    shapes = next(t for t in map_figure(SHAPES, late, "1plus", "district", "vi", TEXTS).data
                  if t.type == "choropleth")  # fmt: skip
    assert (shapes.zmin, shapes.zmax) == (80, 100)  # 94 rounded down to 90, less ten


def test_a_commune_map_draws_the_districts_behind_and_each_shape_drills_into_its_area():
    communes = coverage_rows(
        [("13633", "Phường A", 5, 4, 1, 100), ("13771", "Xã B", 2, 1, 0, 100)],
        area_level="commune",
        is_scope=False,
    )
    fig = map_figure(
        SHAPES, communes, "full", "commune", "vi", TEXTS, highlight="13771", context_districts=True
    )
    assert fig.data[0].type == "scattergeo" and fig.data[0].mode == "markers"
    context, shapes, outline = (t for t in fig.data if t.type == "choropleth")
    # A click on a grey district of a commune map goes to that district (it had no code).
    assert [clicked(context, i) for i in range(3)] == ["356", "359", "366"]
    assert list(shapes.z) == [4.0, 1.0] and shapes.zmax == 10
    assert list(outline.locations) == ["13771"] and outline.marker.line.width == 3
    assert not [t for t in fig.data if t.type == "scattergeo" and t.showlegend]


def test_labels_given_for_paper_name_every_commune_in_the_size_asked():
    communes = coverage_rows(
        [("13633", "Phường A", 5, 4, 1, 100), ("13771", "Xã B", 2, 1, 0, 100)],
        area_level="commune",
        is_scope=False,
    )
    plain = map_figure(SHAPES, communes, "full", "commune", "vi", TEXTS)
    assert plain.data[0].mode == "markers" and plain.data[0].text is None  # hover names them
    fig = map_figure(SHAPES, communes, "full", "commune", "vi", TEXTS,
                     labels={"13633": "1", "13771": "2"}, label_size=15)  # fmt: skip
    assert fig.data[0].mode == "text" and list(fig.data[0].text) == ["1", "2"]
    assert fig.data[0].textfont.size == 15
    districts = map_figure(SHAPES, AREAS, "1plus", "district", "vi", TEXTS, labels={"356": "X"})
    assert list(districts.data[0].text) == ["X", "", ""]


def test_short_names_drop_the_unit_word():
    assert short_name("Huyện Ý Yên") == "Ý Yên"
    assert short_name("Thành phố Nam Định") == "Nam Định"
    assert short_name("Xã Yên Bình") == "Xã Yên Bình"


# --- coverage over time -----------------------------------------------------------------------
def trend_rows(children: int = 3, days: int = 15) -> pd.DataFrame:
    """Daily rows from Wednesday 01/09/2021: the scope, its parent and `children` children
    (child i reaching 50 % + 10 i %; the scope passing 100 % on day 10)."""
    dates = pd.date_range("2021-09-01", periods=days, freq="D")
    frames = []

    def add(code, name, role, share):
        people = [round(share * 100 * (d + 1) / days) for d in range(days)]
        frames.append(
            coverage_rows(
                [(code, name, p, p, 0, 100) for p in people], date=dates, role=role
            ).assign(date=dates)
        )

    add("36", "Tỉnh", "parent", 0.8)
    add("359", "Huyện Vụ Bản", "scope", 1.2)
    for i in range(children):
        add(f"1377{i}", f"Xã {i}", "child", 0.5 + 0.1 * i)
    return pd.concat(frames, ignore_index=True)


def test_trend_draws_the_scope_bold_the_parent_dashed_and_few_children_at_week_ends():
    trend = trend_rows()
    fig = figures.trend_figure(trend, "1plus", "vi", TEXTS)
    by_name = {t.name: t for t in fig.data}
    scope, parent = by_name["Huyện Vụ Bản"], by_name["Tỉnh"]
    assert scope.line.color == "#000000" and scope.line.width == 3.2 and len(scope.x) == 15
    assert parent.line.dash == "dash"
    assert by_name["Xã 2 (cao nhất)"].line.color == base.PALETTE[0]
    assert by_name["Xã 0 (thấp nhất)"].line.color == base.PALETTE[5]
    grey = by_name["Xã 1"]
    assert grey.line.color == "#c4c4c4" and grey.showlegend is False
    # Children at the first day, each Sunday and the last day.
    shown = [pd.Timestamp(x).strftime("%a %d") for x in grey.x]
    assert shown == ["Wed 01", "Sun 05", "Sun 12", "Wed 15"]
    flag = by_name[TEXTS["flag_legend"]]
    assert list(flag.text) == ["Huyện Vụ Bản: vượt 100 % từ 13/09/2021"]
    assert fig.layout.yaxis.range[1] >= 120 and fig.layout.yaxis.ticksuffix == " %"
    assert fig.layout.xaxis.tickformat == "%d/%m/%Y"
    assert figures.shows_children(trend)


def test_trend_leaves_out_the_children_when_there_are_many():
    trend = trend_rows(children=figures.MAX_CHILD_LINES + 1)
    fig = figures.trend_figure(trend, "1plus", "en", TEXTS)
    assert {t.name for t in fig.data} == {"Huyện Vụ Bản", "Tỉnh", TEXTS["flag_legend"]}
    assert not figures.shows_children(trend)
    assert fig.layout.yaxis.ticksuffix == "%"


# --- tables --------------------------------------------------------------------------------------
def test_chart_table_lists_the_chosen_measure_highest_first():
    table = figures.chart_table(AREAS, "boosted", LABELS)
    assert list(table.columns) == [
        "Địa bàn",
        "Tỷ lệ boosted",
        "Số người boosted",
        "Dân số mục tiêu",
    ]
    assert list(table["Địa bàn"]) == ["Huyện Vụ Bản", "Thành phố Nam Định", "Huyện Hải Hậu"]
    assert list(table["Tỷ lệ boosted"]) == pytest.approx([0.3, 0.1, 0.0])


def test_residence_table_adds_the_total_and_marks_cells_above_100_percent():
    people = {f"people_{m}": int(AREAS[f"people_{m}"].sum()) for m in MEASURES}
    total = pd.Series(
        {
            "name": "Cộng",
            "population": 300,
            **people,
            **{f"coverage_{m}": people[f"people_{m}"] / 300 for m in MEASURES},
            **{f"above_100_{m}": people[f"people_{m}"] > 300 for m in MEASURES},
        },
        dtype=object,
    )
    target = "Dân số mục tiêu (Tổng dân số)"
    table = figures.residence_table(AREAS, total, LABELS, target)
    assert list(table["Địa bàn"]) == [*AREAS["name"], "Cộng"]
    assert table.loc[3, "Số người 1plus"] == 230 and table.loc[3, target] == 300
    percents = figures.percent_columns(LABELS)
    assert figures.any_flagged(table, percents)
    assert not figures.any_flagged(table.drop(index=1), percents)
    style = figures.flag_cells(table.style, table, percents, "vi")
    html = style.to_html()
    assert "150,0 % ⚠" in html and "60,0 % ⚠" not in html
    tinted = html.split(f"background-color: {figures.FLAG_TINT}")[0]  # the cells' selectors
    assert tinted.count("_row") == 2  # Vụ Bản: 1plus and full
    assert "_row1_col1" in tinted and "_row1_col2" in tinted


def test_trend_table_has_the_week_ends_and_the_last_day():
    trend = trend_rows(children=1)
    table = figures.trend_table(trend, "full", LABELS, "vi")
    assert list(table.columns) == ["Ngày", "Địa bàn", "Số người full", "Tỷ lệ full"]
    assert sorted(set(table["Ngày"])) == ["05/09/2021", "12/09/2021", "15/09/2021"]
    assert len(table) == 3 * 3  # the scope, its parent and the child on each of those days
    scope = table[table["Địa bàn"] == "Huyện Vụ Bản"]
    assert list(scope["Tỷ lệ full"]) == ["40,0 %", "96,0 %", "120,0 % ⚠"]
    assert list(scope["Số người full"]) == ["40", "96", "120"]
