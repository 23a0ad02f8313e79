"""The Sites map page's figure builders on small hand-made frames: what each draws."""

from __future__ import annotations

import json
import math

import pandas as pd
import pydeck as pdk
import pytest

from dashboard.boundaries import Boundaries
from dashboard.figures import base
from dashboard.figures import sites as fig

TYPES = {"commune_station": "Trạm Y tế xã", "hospital": "Bệnh viện", "other": "Cơ sở khác"}
LEVELS = {"alert": "Dưới 3 ngày", "warn": "3 đến 7", "ok": "Đủ", "none": "Không có số liệu"}
NAMES = {"types": TYPES, "levels": LEVELS, "days": "{d} ngày", "no_use": "không sử dụng"}


def site_rows() -> pd.DataFrame:
    """Three sites as `queries.sites.site_status` gives them (the columns the map uses)."""
    return pd.DataFrame(
        {
            "facility_id": ["F1", "F2", "F3"],
            "name": ["Trạm Y tế A", None, "Bệnh viện <C>"],
            "facility_type": ["commune_station", "mobile", "hospital"],
            "commune_code": ["13633", "13633", "13636"],
            "commune_name": ["Phường A", "Phường A", None],
            "district_name": ["Thành phố Nam Định"] * 3,
            "address": [None, None, "1 Đường X"],
            "latitude": [20.42, 20.43, None],
            "longitude": [106.17, 106.18, None],
            "coordinate_status": ["ok", "ok", "missing"],
            "tables_count": [2, 1, 4],
            "person_in_charge": ["Nguyễn Văn A", None, "Trần B"],
            "person_in_charge_title": ["Trưởng trạm", None, None],
            "checked_in": [120, 0, 30],
            "screened": [100, 0, 30],
            "doses": [1600, 0, 25],
            "deferrals": [12, 0, 1],
            "deferral_rate": [0.12, math.nan, 1 / 30],
            "on_hand": pd.array([1234.0, None, 50.0], dtype="Float64"),
            "days_of_stock": [2.45, math.nan, math.inf],
            "stock_status": ["alert", "none", "ok"],
            "deferral_status": ["alert", "none", "ok"],
        }
    )


def test_days_text():
    assert fig.days_text(2.45, "vi", "{d} ngày", "không") == "2,5 ngày"
    assert fig.days_text(130.4, "vi", "{d} ngày", "không") == "130 ngày"
    assert fig.days_text(math.inf, "vi", "{d} ngày", "không") == "không"
    assert fig.days_text(math.nan, "vi", "{d} ngày", "không") == "—"
    assert fig.person("Nguyễn Văn A", "Trưởng trạm") == "Nguyễn Văn A (Trưởng trạm)"
    assert fig.person("Nguyễn Văn A", None) == "Nguyễn Văn A"


def test_tooltip_rows_format_escape_colour_and_size_each_point():
    rows = fig.tooltip_rows(site_rows().iloc[:2], "stock", 20, "vi", NAMES).set_index("facility_id")
    one, two = rows.loc["F1"], rows.loc["F2"]
    assert one["t_doses"] == "1.600" and one["t_on_hand"] == "1.234"
    assert one["t_deferrals"] == "12 (12,0 %)"
    assert one["t_days"] == "2,5 ngày" and one["t_level"] == "Dưới 3 ngày"
    assert one["t_person"] == "Nguyễn Văn A (Trưởng trạm)"
    assert one["t_area"] == "Phường A, Thành phố Nam Định"
    assert one["colour"] == fig.rgb(base.STATUS_COLOURS["alert"], 225)
    assert two["colour"] == fig.rgb(base.STATUS_COLOURS["none"], 225)
    assert two["t_name"] == "F2"  # no name: the id
    assert two["t_type"] == "Cơ sở khác"  # a type without a name of its own
    assert two["t_deferrals"] == "—" and two["t_on_hand"] == "—" and two["t_person"] == "—"
    assert one["radius"] == 20 and two["radius"] == 3  # area by doses, the largest at 20 px
    assert list(rows.index) == ["F1", "F2"]  # large points first, small ones on top
    escaped = fig.tooltip_rows(site_rows().iloc[[2]].fillna({"latitude": 20.0}), "deferral", 11,
                               "en", NAMES)  # fmt: skip
    assert escaped["t_name"].iloc[0] == "Bệnh viện &lt;C&gt;"
    assert escaped["t_days"].iloc[0] == "không sử dụng"


def test_tooltip_template_names_every_field():
    labels = {name: f"<{name}>" for name in fig.TOOLTIP_FIELDS}
    template = fig.tooltip_html(labels)
    for name in fig.TOOLTIP_FIELDS:
        assert f"&lt;{name}&gt;: " in template and f"{{t_{name}}}" in template
    assert "<b>{t_doses}</b>" in template and "<b>{t_type}</b>" not in template


def small_areas() -> tuple[pd.DataFrame, Boundaries]:
    areas = pd.DataFrame(
        {
            "area_code": ["356", "13633", "13636", "359"],
            "area_level": ["district", "commune", "commune", "district"],
            "district_code": ["356", "356", "356", "359"],
            "name": ["Thành phố Nam Định", "Phường A", "Phường B", "Huyện Vụ Bản"],
        }
    )

    def square(code, name, x, y):
        ring = [[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]
        geometry = {"type": "Polygon", "coordinates": [ring]}
        return {"type": "Feature", "id": code, "properties": {"name": name}, "geometry": geometry}

    communes = [square("13633", "Phường A", 106.1, 20.4), square("13636", "Phường B", 106.2, 20.4)]
    districts = [square("356", "Thành phố Nam Định", 106.1, 20.4),
                 square("359", "Huyện Vụ Bản", 106.0, 20.3)]  # fmt: skip
    shapes = Boundaries(
        districts={"type": "FeatureCollection", "features": districts},
        communes={"type": "FeatureCollection", "features": communes},
        approximate_levels=frozenset({"district", "commune"}),
        points={"13633": (106.15, 20.45), "13636": (106.25, 20.45), "356": (106.15, 20.45)},
        extents={"13633": (106.1, 20.4, 106.2, 20.5), "13636": (106.2, 20.4, 106.3, 20.5)},
    )
    return areas, shapes


def test_base_areas_are_the_communes_of_the_district_the_chosen_one_stronger():
    areas, shapes = small_areas()
    level, collection, labels = fig.base_areas(areas, shapes, "13633")
    assert level == "commune"
    tints = {f["id"]: f["properties"]["tint"] for f in collection["features"]}
    assert set(tints) == {"13633", "13636"}
    assert tints["13633"] == fig.tint(base.PALETTE[4], 0.35)
    assert sorted(labels["name"]) == ["Phường A", "Phường B"]
    level, collection, _ = fig.base_areas(areas, shapes, fig.PROVINCE_CODE)
    assert level == "district" and {f["id"] for f in collection["features"]} == {"356", "359"}


def test_site_map_layers_points_and_the_chosen_ring():
    areas, shapes = small_areas()
    points = fig.tooltip_rows(site_rows().iloc[:2], "stock", 20, "vi", NAMES)
    deck = fig.site_map(points, areas, shapes, "356", "F1", "<b>{t_name}</b>")
    spec = json.loads(deck.to_json())
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert list(layers) == ["areas", "labels", "sites", "chosen"]
    assert sorted(p["facility_id"] for p in layers["sites"]["data"]) == ["F1", "F2"]
    assert len(layers["chosen"]["data"]) == 1
    assert "ờ" in layers["labels"]["characterSet"]  # Vietnamese letters in the font atlas
    assert not spec.get("mapProvider")  # no basemap, no tile server
    assert 20.4 <= spec["initialViewState"]["latitude"] <= 20.5  # fits the communes' extent
    no_choice = json.loads(fig.site_map(points, areas, shapes, "356", None, "").to_json())
    assert [layer["id"] for layer in no_choice["layers"]] == ["areas", "labels", "sites"]


def test_a_site_map_writes_its_json_once_as_a_plain_deck_would():
    areas, shapes = small_areas()
    points = fig.tooltip_rows(site_rows().iloc[:2], "stock", 20, "vi", NAMES)
    deck = fig.site_map(points, areas, shapes, "356", "F1", "<b>{t_name}</b>")
    first = deck.to_json()
    assert deck.to_json() is first  # kept: every run showing the view sends the same JSON
    plain = pdk.Deck(
        layers=deck.layers,
        initial_view_state=deck.initial_view_state,
        map_provider=None,
        tooltip=deck._tooltip,
    )
    assert json.loads(first) == json.loads(plain.to_json())


def test_view_fits_the_points():
    assert fig.view([], []).zoom == 9
    wide = fig.view([105.9, 106.6], [19.9, 20.6])
    narrow = fig.view([106.1, 106.12], [20.4, 20.42])
    assert narrow.zoom > wide.zoom
    assert wide.latitude == pytest.approx(20.25)


def test_legend_counts_the_sites_at_each_level():
    chips = fig.legend_html(pd.Series(["alert", "alert", "ok"]), LEVELS, "vi")
    assert "Dưới 3 ngày (<b>2</b>)" in chips and "Đủ (<b>1</b>)" in chips
    assert "3 đến 7 (<b>0</b>)" in chips
    assert chips.index(base.STATUS_COLOURS["alert"]) < chips.index(base.STATUS_COLOURS["ok"])


def test_tables_behind_the_map():
    columns = {k: k.upper() for k in (
        "name", "commune", "district", "reason", "coordinates", "checked_in", "screened", "doses",
        "deferral_rate", "on_hand", "days_of_stock")}  # fmt: skip
    table = fig.site_table(site_rows(), columns)
    assert list(table.columns) == ["NAME", *(m.upper() for m in fig.TABLE_MEASURES)]
    assert table["DOSES"].tolist() == [1600, 0, 25]
    assert table["ON_HAND"].iloc[0] == 1234.0 and math.isnan(table["ON_HAND"].iloc[1])
    off = fig.off_map_table(
        site_rows().iloc[[2, 1]], columns, "commune", {"missing": "Thiếu tọa độ"}, "vi"
    )
    assert list(off.columns) == ["NAME", "COMMUNE", "REASON", "COORDINATES", "DOSES",
                                 "DEFERRAL_RATE"]  # fmt: skip
    assert off["REASON"].tolist() == ["Thiếu tọa độ", "Thiếu tọa độ"]  # ok yet no point: missing
    assert off["COORDINATES"].tolist() == ["—", "20,4300; 106,1800"]


def daily_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.date_range("2021-09-13", periods=7),
            "checked_in": [3, 4, 0, 0, 0, 2, 1],
            "screened": [3, 4, 0, 0, 0, 2, 0],
            "doses": [0, 1, 2, 0, 0, 1, 0],
        }
    )


def test_daily_chart_one_bar_trace_per_measure():
    names = {"checked_in": "Tiếp đón", "screened": "Khám", "doses": "Tiêm"}
    chart = fig.daily_chart(daily_rows(), "vi", names)
    assert [t.name for t in chart.data] == ["Tiếp đón", "Khám", "Tiêm"]
    assert list(chart.data[2].y) == [0, 1, 2, 0, 0, 1, 0]
    assert [t.marker.color for t in chart.data] == base.PALETTE[:3]
    assert chart.layout.barmode == "group" and chart.layout.xaxis.tickformat == "%d/%m"
    table = fig.daily_table(daily_rows(), "Ngày", names)
    assert table["Ngày"].iloc[0] == "13/09/2021" and table["Tiêm"].sum() == 4


def test_funnel_counts_and_shares():
    funnel = pd.DataFrame(
        {"step": ["checked_in", "screened", "doses", "observed"], "count": [8, 6, 4, 2],
         "share": [1.0, 0.75, 0.5, 0.25]}
    )  # fmt: skip
    steps = {"checked_in": "Tiếp đón", "screened": "Khám", "doses": "Tiêm", "observed": "Theo dõi"}
    chart = fig.funnel_chart(funnel, "vi", steps)
    assert list(chart.data[0].y) == ["Tiếp đón", "Khám", "Tiêm", "Theo dõi"]
    assert list(chart.data[0].text) == ["8 (100,0 %)", "6 (75,0 %)", "4 (50,0 %)", "2 (25,0 %)"]
    table = fig.funnel_table(funnel, "en", steps, ["Step", "Count", "Share"])
    assert table["Share"].tolist() == ["100.0%", "75.0%", "50.0%", "25.0%"]
    assert table["Count"].tolist() == [8, 6, 4, 2]


def test_cell_text():
    assert fig.cell_text(None) == "" and fig.cell_text(math.nan) == "" and fig.cell_text(3) == "3"
    assert fig.literal("it's") == "'its'"
