"""Area shapes for the maps (dashboard/boundaries.py): a user's GeoJSON matched to GSO codes by
code or by messy names, the problems reported, and approximate shapes from the commune points
when there is no usable file. The fixtures in tests/data/ are small hand-made rectangles."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, shape

from dashboard import area_names, boundaries
from warehouse import reference

DATA = Path(__file__).resolve().parent / "data"
DISTRICTS = ["356", "358", "359", "360", "361", "362", "363", "364", "365", "366"]


@pytest.fixture(scope="module")
def areas() -> pd.DataFrame:
    """The `area` table as the ETL loads it (province, 10 districts, 226 communes)."""
    return pd.DataFrame(reference.area_rows())


def shapes_of(collection: dict) -> dict[str, object]:
    return {f["id"]: shape(f["geometry"]) for f in collection["features"]}


def kinds(result: boundaries.Boundaries, kind: str) -> list[str]:
    return sorted(i.detail for i in result.issues if i.kind == kind)


# --- names ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("messy", "clean"),
    [
        (unicodedata.normalize("NFD", "Huyện Ý Yên"), "Huyện Ý Yên"),
        ("ý Yên", "Huyện Ý Yên"),
        ("Ý  YÊN", "Ý Yên"),
        ("NamĐịnh", "Thành phố Nam Định"),
        ("Nam \u00d0ịnh", "Nam Định"),  # Ð (U+00D0, Icelandic eth) for Đ (U+0110)
        ("TP. Nam Định", "Thành phố Nam Định"),
        ("Thành phố Nam Định", "Nam Định"),
        ("Giao Thuỷ", "Huyện Giao Thủy"),  # old and new tone placement
        ("Lộc Hoà", "Phường Lộc Hòa"),
        ("Thị trấn Liễu Đề", "TT Liễu Đề"),
    ],
)
def test_names_normalise_to_the_same_key(messy, clean):
    assert area_names.normalise_name(messy) == area_names.normalise_name(clean)


def test_different_places_keep_different_keys():
    assert area_names.normalise_name("Xã Yên Lợi") != area_names.normalise_name("Xã Yên Lộc")
    assert area_names.normalise_name("Quý Yên") != area_names.normalise_name("Qủy Yên")
    assert area_names.split_prefix("Huyện Vụ Bản") == ("district", "vụbản")
    assert area_names.split_prefix("Phường Hạ Long")[0] == "commune"
    assert area_names.split_prefix("Tỉnh Nam Định")[0] == "province"
    assert area_names.split_prefix("Xuân Trường") == (None, "xuântrường")


# --- a file keyed by codes --------------------------------------------------------------------
def test_a_file_keyed_by_codes_is_matched_and_its_gaps_reported(areas):
    result = boundaries.load(areas, DATA / "boundaries_codes.geojson")
    assert result.source.endswith("boundaries_codes.geojson")
    drawn = shapes_of(result.districts)
    # Codes as the feature id, as numbers, under several property names and letter cases.
    assert sorted(drawn) == ["356", "358", "359", "360", "361", "362", "363", "365"]
    assert drawn["358"].bounds == pytest.approx((106.1, 20.0, 106.2, 20.2))
    assert drawn["365"].geom_type == "MultiPolygon"
    assert kinds(result, "bad_geometry") == ["364"]  # a feature without geometry
    assert kinds(result, "unmatched_feature") == ["Huyện Không Có"]  # code 999
    assert kinds(result, "missing_area") == ["364", "366"]
    # No commune in the file: communes are approximate, districts are not.
    assert not result.is_approximate("district") and result.is_approximate("commune")
    assert len(result.codes("commune")) == 226
    assert result.districts["features"][0]["properties"]["name"] == "Thành phố Nam Định"


# --- a file with names only, in messy forms ---------------------------------------------------
def test_a_file_with_messy_names_is_matched_to_codes(areas):
    result = boundaries.load(areas, DATA / "boundaries_names.geojson")
    drawn = shapes_of(result.districts)
    assert sorted(drawn) == DISTRICTS[:-1]  # every district but Hải Hậu
    # Each name landed on the district whose rectangle it came with (columns left to right).
    for i, code in enumerate(DISTRICTS[:-1]):
        x0 = 106.0 + 0.1 * (i % 5)
        assert drawn[code].bounds[0] == pytest.approx(x0), code
    assert kinds(result, "unmatched_feature") == ["Hải Hà"]
    assert kinds(result, "missing_area") == ["366"]
    # The province's own outline is not taken for Thành phố Nam Định.
    assert drawn["356"].area == pytest.approx(0.02)


def test_commune_names_use_prefixes_and_district_names_to_tell_places_apart(areas):
    result = boundaries.load(areas, DATA / "boundaries_communes.geojson")
    drawn = shapes_of(result.communes)
    assert drawn["13768"].bounds[0] == pytest.approx(106.15)  # Xã Quang Trung, Vụ Bản
    assert drawn["13645"].bounds[0] == pytest.approx(106.17)  # Phường Quang Trung, Nam Định
    assert drawn["13669"].bounds[0] == pytest.approx(106.23)  # Trần Ðăng Ninh (U+00D0)
    assert drawn["13693"].bounds[0] == pytest.approx(106.25)  # Lộc Hoà / Lộc Hòa
    assert drawn["13879"].bounds[0] == pytest.approx(106.27)  # NAME_3 / NAME_2
    assert drawn["13891"].bounds[0] == pytest.approx(106.29)  # ThịtrấnLiễuĐề
    assert len(drawn) == 6
    assert kinds(result, "duplicate_feature") == ["13768"]
    assert kinds(result, "ambiguous_feature") == ["Quang Trung"]
    assert kinds(result, "unmatched_feature") == ["Phường Không Tồn Tại"]
    missing = [i for i in result.issues if i.kind == "missing_area"]
    assert sum(i.level == "commune" for i in missing) == 226 - 6
    assert sorted(i.detail for i in missing if i.level == "district") == [
        "358", "362", "363", "364", "365", "366",
    ]  # fmt: skip
    # Districts come from the file's communes (exact), not from approximate shapes.
    assert not result.is_approximate("district")
    assert sorted(result.codes("district")) == ["356", "359", "360", "361"]
    assert shapes_of(result.districts)["359"].equals(drawn["13768"])


# --- bad files: a clear message, approximate shapes, never a crash -----------------------------
@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("boundaries_truncated.geojson", "unreadable"),
        ("boundaries_topology.json", "not_geojson"),
        ("boundaries_projected.geojson", "not_lonlat"),
        ("no-such-file.geojson", "unreadable"),
    ],
)
def test_a_bad_file_falls_back_to_approximate_shapes_with_the_reason(areas, name, kind):
    result = boundaries.load(areas, DATA / name)
    assert [i.kind for i in result.issues] == [kind]
    assert result.is_approximate("district") and result.is_approximate("commune")
    assert result.source is None
    assert len(result.codes("district")) == 10 and len(result.codes("commune")) == 226


def test_a_file_matching_nothing_falls_back_too(areas, tmp_path):
    path = tmp_path / "elsewhere.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        '{"name": "Quận Ba Đình"}, "geometry": {"type": "Polygon", "coordinates": '
        "[[[106.0, 20.0], [106.1, 20.0], [106.1, 20.1], [106.0, 20.0]]]}}]}",
        encoding="utf-8",
    )
    result = boundaries.load(areas, path)
    assert {i.kind for i in result.issues} == {"unmatched_feature", "no_match"}
    assert result.is_approximate("district")


def test_the_environment_variable_names_the_file_and_a_changed_file_is_read_again(
    areas, tmp_path, monkeypatch
):
    path = tmp_path / "b.geojson"
    path.write_text((DATA / "boundaries_codes.geojson").read_text(encoding="utf-8"), "utf-8")
    monkeypatch.setenv(boundaries.ENV_VAR, str(path))
    assert not boundaries.load(areas).is_approximate("district")
    path.write_text("not json", encoding="utf-8")
    again = boundaries.load(areas)
    assert again.is_approximate("district") and again.issues[0].kind == "unreadable"
    monkeypatch.delenv(boundaries.ENV_VAR)
    assert boundaries.load(areas).issues == ()


# --- approximate shapes -------------------------------------------------------------------------
def test_approximate_shapes_tile_the_province_from_the_commune_points(areas):
    result = boundaries.load(areas, path=None)
    assert result.is_approximate("district") and result.is_approximate("commune")
    assert result.source is None and result.issues == ()
    communes = shapes_of(result.communes)
    districts = shapes_of(result.districts)
    assert len(communes) == 226 and sorted(districts) == DISTRICTS
    points = areas[areas["area_level"] == "commune"].set_index("area_code")
    for code, cell in communes.items():
        point = Point(points.at[code, "longitude"], points.at[code, "latitude"])
        assert cell.buffer(1e-4).contains(point), code  # each commune's own point is inside
    # Cells do not overlap, and districts are exactly their communes.
    union = shapely.union_all(list(communes.values()))
    assert sum(c.area for c in communes.values()) == pytest.approx(union.area, rel=1e-3)
    parents = points["parent_code"]
    for code, district in districts.items():
        members = [communes[c] for c in communes if parents[c] == code]
        assert shapely.union_all(members).symmetric_difference(district).area < 1e-6
    # Every province point is covered, with a margin around the outermost ones.
    assert union.contains(Point(points["longitude"].mean(), points["latitude"].mean()))
    assert result.extent(DISTRICTS)[0] < points["longitude"].min()


def test_approximate_shapes_skip_communes_without_a_point(areas):
    holes = areas.copy()
    holes.loc[holes["area_code"] == "13633", ["latitude", "longitude"]] = None
    result = boundaries.load(holes, path=None)
    assert kinds(result, "no_point") == ["13633"]
    assert "13633" not in result.codes("commune") and len(result.codes("commune")) == 225


def test_shapes_are_wound_the_way_plotly_geo_fills_them(areas):
    """d3-geo (plotly's geo maps) fills the outside of a counter-clockwise exterior ring."""
    result = boundaries.load(areas, DATA / "boundaries_codes.geojson")
    for collection in (result.districts, result.communes):
        for feature in collection["features"]:
            geom = shape(feature["geometry"])
            for polygon in getattr(geom, "geoms", [geom]):
                assert not polygon.exterior.is_ccw, feature["id"]


def test_districts_under_a_commune_property_are_matched_and_the_level_said(areas, tmp_path):
    # An older district-level layout: NAME_1 the province, NAME_2 empty, NAME_3 the district.
    import json

    districts = areas[areas["area_level"] == "district"].sort_values("area_code")
    features = [
        {
            "type": "Feature",
            "properties": {"NAME_1": "Nam Định", "NAME_2": "", "NAME_3": name},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [106.0 + 0.1 * i, 20.0],
                        [106.1 + 0.1 * i, 20.0],
                        [106.1 + 0.1 * i, 20.2],
                        [106.0 + 0.1 * i, 20.2],
                        [106.0 + 0.1 * i, 20.0],
                    ]
                ],
            },
        }  # fmt: skip
        for i, name in enumerate(districts["name"])
    ]
    path = tmp_path / "old_layout.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    result = boundaries.load(areas, path)
    drawn = shapes_of(result.districts)
    assert sorted(drawn) == DISTRICTS
    for i, code in enumerate(districts["area_code"]):
        assert drawn[code].bounds[0] == pytest.approx(106.0 + 0.1 * i), code
    assert [i.kind for i in result.issues if i.kind.startswith("holds_")] == ["holds_districts"]
    assert kinds(result, "unmatched_feature") == []
    assert not result.is_approximate("district")
