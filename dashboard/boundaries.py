"""Area shapes for the maps: a GeoJSON file the user points to, or approximate shapes.

`VAX_BOUNDARIES_PATH` names a GeoJSON FeatureCollection of districts and/or communes, in
longitude/latitude (WGS 84). Each feature is matched to an area of the `area` table:
1. by GSO code: the feature `id` or a code property (`code`, `area_code`, `gso_code`, `ma`,
   `ma_huyen`, `ma_xa`, `district_code`, `commune_code`, ...), 3 digits for a district, 5 for a
   commune;
2. else by name (`name`, `ten`, `district_name`/`ten_huyen`/`NAME_2`, `commune_name`/`ten_xa`/
   `NAME_3`, ...), normalised: Unicode NFC, look-alike letters (Ð U+00D0 for Đ), letter case,
   old and new tone placement (Thuỷ/Thủy), spaces and punctuation, and the unit prefixes
   ("Huyện", "Thành phố", "Xã", "Phường", "Thị trấn", ...); a name without diacritics matches
   only when that is unambiguous.
Features that match nothing, and areas left without a shape, are reported in `issues`.

Without a file, or when the file cannot be used, the shapes are approximate: Voronoi cells of
the commune points (`area.latitude/longitude`) clipped to a buffered hull of the province and
dissolved into districts. `Boundaries.approximate` says so, and the maps must say it too.

API: `load(areas, path=None)` (cached per file version and area list), `approximate_shapes`,
and the `Boundaries` it returns; reading and matching a file is in `boundary_file`, names in
`area_names`. No Streamlit here.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import shapely
from shapely.geometry import MultiPoint, MultiPolygon, mapping
from shapely.geometry.polygon import orient

import settings
from dashboard.boundary_file import LEVELS, Issue, match_features, polygons, read_features

ENV_VAR = "VAX_BOUNDARIES_PATH"
_DIGITS = 5  # coordinate decimals kept (about 1 m)
_HULL_BUFFER = 0.03  # degrees (about 3 km) around the commune points for the approximate outline
_HULL_RATIO = 0.25  # shapely.concave_hull ratio: follows the coast and the rivers' mouths loosely


@dataclass(frozen=True)
class Boundaries:
    """Shapes by level, as GeoJSON FeatureCollections whose feature `id` is the GSO code."""

    districts: Mapping
    communes: Mapping
    approximate_levels: frozenset[str]  # levels drawn from commune points, not from a file
    source: str | None = None  # the file used, if any
    issues: tuple[Issue, ...] = ()
    points: Mapping[str, tuple[float, float]] = field(default_factory=dict)  # code -> lon, lat
    extents: Mapping[str, tuple[float, float, float, float]] = field(default_factory=dict)

    def features(self, level: str) -> Mapping:
        """The FeatureCollection of a level ("district" or "commune")."""
        return self.districts if level == "district" else self.communes

    def is_approximate(self, level: str) -> bool:
        return level in self.approximate_levels

    def codes(self, level: str) -> list[str]:
        return [f["id"] for f in self.features(level)["features"]]

    def subset(self, level: str, codes: Iterable[str]) -> dict:
        """A FeatureCollection of the given areas of a level (those that have a shape)."""
        wanted = set(codes)
        feats = [f for f in self.features(level)["features"] if f["id"] in wanted]
        return {"type": "FeatureCollection", "features": feats}

    def extent(self, codes: Iterable[str]) -> tuple[float, float, float, float] | None:
        """(lon_min, lat_min, lon_max, lat_max) around the given areas' shapes."""
        boxes = [self.extents[c] for c in codes if c in self.extents]
        if not boxes:
            return None
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )

    def problems(self, *kinds: str) -> list[Issue]:
        return [i for i in self.issues if not kinds or i.kind in kinds]


# --- approximate shapes -----------------------------------------------------------------------
def _rounded(geom):
    return shapely.set_precision(geom, 10**-_DIGITS) if not geom.is_empty else geom


def _d3_winding(geom):
    """Exterior rings clockwise, holes counter-clockwise: the order d3-geo (and so plotly's
    geo maps) reads as "inside"; the other order fills the rest of the globe instead."""
    oriented = [orient(p, sign=-1.0) for p in polygons(geom)]
    return oriented[0] if len(oriented) == 1 else MultiPolygon(oriented)


def _collection(geoms: Mapping[str, object], names: Mapping[str, str], level: str) -> dict:
    features = []
    for code in sorted(geoms):
        geom = geoms[code]
        if geom is None or geom.is_empty:
            continue
        geom = _d3_winding(geom)
        if geom.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"code": code, "name": names.get(code, code), "level": level},
                "geometry": mapping(geom),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _label_points(geoms: Mapping[str, object]) -> dict[str, tuple[float, float]]:
    out = {}
    for code, geom in geoms.items():
        if geom is not None and not geom.is_empty:
            p = geom.representative_point()
            out[code] = (round(p.x, _DIGITS), round(p.y, _DIGITS))
    return out


def _extents(geoms: Mapping[str, object]) -> dict[str, tuple[float, float, float, float]]:
    return {
        code: tuple(round(v, _DIGITS) for v in geom.bounds)
        for code, geom in geoms.items()
        if geom is not None and not geom.is_empty
    }


def _commune_points(areas: pd.DataFrame) -> pd.DataFrame:
    communes = areas[areas["area_level"] == "commune"]
    return communes.dropna(subset=["latitude", "longitude"]).sort_values("area_code")


def approximate_shapes(areas: pd.DataFrame) -> tuple[dict, dict, list[Issue]]:
    """Commune and district shapes from the commune points: Voronoi cells clipped to a
    buffered concave hull of the points, communes dissolved into districts.

    Returns (commune geometries, district geometries, issues), geometries keyed by GSO code.
    """
    issues = [
        Issue("no_point", code, "commune")
        for code in areas.loc[
            (areas["area_level"] == "commune")
            & (areas["latitude"].isna() | areas["longitude"].isna()),
            "area_code",
        ]
    ]
    pts = _commune_points(areas)
    if len(pts) < 3:
        return {}, {}, issues
    # Work in a frame where a degree of longitude and of latitude are the same length.
    k = math.cos(math.radians(float(pts["latitude"].mean())))
    xy = list(zip(pts["longitude"] * k, pts["latitude"], strict=True))
    cloud = MultiPoint(xy)
    hull = shapely.concave_hull(cloud, ratio=_HULL_RATIO).buffer(_HULL_BUFFER, quad_segs=4)
    cells = shapely.voronoi_polygons(cloud, extend_to=hull, ordered=True)
    communes = {}
    for code, cell in zip(pts["area_code"], cells.geoms, strict=True):
        clipped = cell.intersection(hull)
        communes[code] = shapely.transform(clipped, lambda c: c / [k, 1.0])
    districts = {}
    for district, group in pts.groupby("district_code", sort=True):
        merged = shapely.union_all([communes[c] for c in group["area_code"]])
        districts[district] = merged.buffer(0)
    communes = {c: _rounded(g) for c, g in communes.items()}
    districts = {c: _rounded(g) for c, g in districts.items()}
    return communes, districts, issues


def _names(areas: pd.DataFrame) -> dict[str, str]:
    return dict(zip(areas["area_code"], areas["name"], strict=True))


def _build(
    areas: pd.DataFrame,
    communes: Mapping[str, object],
    districts: Mapping[str, object],
    approximate: frozenset[str],
    source: str | None,
    issues: list[Issue],
) -> Boundaries:
    names = _names(areas)
    both = {**districts, **communes}
    return Boundaries(
        districts=_collection(districts, names, "district"),
        communes=_collection(communes, names, "commune"),
        approximate_levels=approximate,
        source=source,
        issues=tuple(issues),
        points=_label_points(both),
        extents=_extents(both),
    )


def _plausible(geoms: Mapping[str, object], areas: pd.DataFrame) -> bool:
    """Most shapes lie near the commune points (so the file is in lon/lat degrees, x first)."""
    pts = _commune_points(areas)
    if pts.empty or not geoms:
        return True
    box = shapely.box(
        pts["longitude"].min(), pts["latitude"].min(), pts["longitude"].max(), pts["latitude"].max()
    ).buffer(0.25)
    inside = sum(box.contains(g.representative_point()) for g in geoms.values())
    return inside >= 0.5 * len(geoms)


def _from_file(path: Path, areas: pd.DataFrame) -> Boundaries:
    approx_communes, approx_districts, approx_issues = approximate_shapes(areas)
    features, issues = read_features(path)
    found: dict[str, dict[str, object]] = {"district": {}, "commune": {}}
    if features:
        found, issues = match_features(features, areas)
        if not _plausible({**found["district"], **found["commune"]}, areas):
            issues = [Issue("not_lonlat", str(path))]
            found = {"district": {}, "commune": {}}
        elif not found["district"] and not found["commune"]:
            issues.append(Issue("no_match", str(path)))
    if not found["district"] and not found["commune"]:
        return _build(
            areas,
            approx_communes,
            approx_districts,
            frozenset(LEVELS),
            None,
            issues + approx_issues,
        )
    approximate = set()
    communes = found["commune"]
    districts = found["district"]
    if not districts:
        # A commune file: districts are the union of their communes (exact, from the file).
        parents = areas.set_index("area_code")["parent_code"]
        groups: dict[str, list] = {}
        for code, geom in communes.items():
            groups.setdefault(parents[code], []).append(geom)
        districts = {d: shapely.union_all(g).buffer(0) for d, g in groups.items()}
    if not communes:
        communes, approximate = approx_communes, {"commune"}
        issues += approx_issues
    for level, geoms in (("district", districts), ("commune", communes)):
        if level in approximate:
            continue
        expected = areas.loc[areas["area_level"] == level, "area_code"]
        issues += [Issue("missing_area", c, level) for c in expected if c not in geoms]
    rounded_c = {c: _rounded(g) for c, g in communes.items()}
    rounded_d = {c: _rounded(g) for c, g in districts.items()}
    return _build(areas, rounded_c, rounded_d, frozenset(approximate), str(path), issues)


def _areas_key(areas: pd.DataFrame) -> tuple:
    cols = ["area_code", "area_level", "name", "parent_code", "latitude", "longitude"]
    frame = areas.reindex(columns=cols)
    frame = frame.astype(object).where(frame.notna(), None)
    return tuple(map(tuple, frame.itertuples(index=False, name=None)))


def _areas_frame(key: tuple) -> pd.DataFrame:
    cols = ["area_code", "area_level", "name", "parent_code", "latitude", "longitude"]
    frame = pd.DataFrame(list(key), columns=cols)
    frame["latitude"] = pd.to_numeric(frame["latitude"])
    frame["longitude"] = pd.to_numeric(frame["longitude"])
    frame["district_code"] = frame["area_code"].where(
        frame["area_level"] == "district", frame["parent_code"]
    )
    return frame


@lru_cache(maxsize=8)
def _load_cached(path: str | None, stamp: tuple, key: tuple) -> Boundaries:
    areas = _areas_frame(key)
    if path is None:
        communes, districts, issues = approximate_shapes(areas)
        return _build(areas, communes, districts, frozenset(LEVELS), None, issues)
    return _from_file(Path(path), areas)


def configured_path() -> str | None:
    """The boundaries file named by VAX_BOUNDARIES_PATH, or None."""
    return settings.boundaries_path()


def file_stamp(path: str | os.PathLike | None = None) -> tuple[str | None, tuple]:
    """The boundaries file in use (`path`, default VAX_BOUNDARIES_PATH) and its size and
    modification time: what the shapes `load` makes depend on besides the areas."""
    path = str(path) if path is not None else configured_path()
    stamp: tuple = ()
    if path is not None:
        try:
            st = os.stat(path)
            stamp = (st.st_size, st.st_mtime_ns)
        except OSError:
            stamp = ("missing",)
    return path, stamp


def load(areas: pd.DataFrame, path: str | os.PathLike | None = None) -> Boundaries:
    """Shapes for the areas: from `path` (default: VAX_BOUNDARIES_PATH) when it is usable,
    else approximate shapes from the commune points. Never raises for a bad file: what went
    wrong is in `issues`. Cached per file (path, size, modification time) and area list."""
    path, stamp = file_stamp(path)
    return _load_cached(path, stamp, _areas_key(areas))
