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
`normalise_name`, and the `Boundaries` it returns. No Streamlit here.
"""

from __future__ import annotations

import json
import math
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import shapely
from shapely.geometry import MultiPoint, MultiPolygon, mapping, shape
from shapely.geometry.polygon import orient

import settings

ENV_VAR = "VAX_BOUNDARIES_PATH"
LEVELS = ("district", "commune")
_SIMPLIFY = 0.0002  # degrees (about 20 m): lighter maps, invisible at district or commune scale
_DIGITS = 5  # coordinate decimals kept (about 1 m)
_HULL_BUFFER = 0.03  # degrees (about 3 km) around the commune points for the approximate outline
_HULL_RATIO = 0.25  # shapely.concave_hull ratio: follows the coast and the rivers' mouths loosely

# Issue kinds (the page words them in the interface language):
#   unreadable         the file cannot be opened or is not JSON (detail: the reason)
#   not_geojson        the JSON is not a FeatureCollection of features (detail: what it is)
#   not_lonlat         coordinates are not longitude/latitude degrees in the province
#   no_match           no feature matched any area
#   unmatched_feature  a feature matched no area (detail: its code or name)
#   ambiguous_feature  a name fits several areas (detail: the name)
#   duplicate_feature  a second feature for an area already drawn (detail: the area code)
#   bad_geometry       a feature without a usable polygon (detail: its code or name)
#   missing_area       an area with no shape in the file (detail: the area code)
#   no_point           an area without a point, left out of the approximate shapes
ISSUE_KINDS = (
    "unreadable",
    "not_geojson",
    "not_lonlat",
    "no_match",
    "unmatched_feature",
    "ambiguous_feature",
    "duplicate_feature",
    "bad_geometry",
    "missing_area",
    "no_point",
)

_CODE_KEYS = (
    "area_code", "code", "gso_code", "ma_gso", "ma", "ma_dvhc", "madvhc", "id",
    "district_code", "ma_huyen", "mahuyen", "commune_code", "ward_code", "ma_xa", "maxa",
)  # fmt: skip
_COMMUNE_NAME_KEYS = ("commune_name", "commune", "ward_name", "ten_xa", "tenxa", "xa", "name_3")
_DISTRICT_NAME_KEYS = ("district_name", "district", "ten_huyen", "tenhuyen", "huyen", "name_2")
_NAME_KEYS = ("name", "ten", "ten_dvhc", "tendvhc", "area_name", "shapename", "label")

# Letters that look like Vietnamese ones but are other code points.
_LOOK_ALIKES = str.maketrans(
    {
        "\u00d0": "\u0110",  # Ð (Icelandic eth) -> Đ
        "\u00f0": "\u0111",  # ð -> đ
        "\u0189": "\u0110",  # Ɖ (African D) -> Đ
        "\u0256": "\u0111",  # ɖ -> đ
        "\u1e0c": "\u0110",  # Ḍ -> Đ (seen in legacy-encoded files)
        "\u00a0": " ",  # no-break space
    }
)
_TONES = "\u0300\u0301\u0303\u0309\u0323"
# Old-style tone placement ("hoà", "thuỷ", "khoẻ") to the new style ("hòa", "thủy", "khỏe"),
# on the NFD form: the tone moves to the first vowel of a final oa / oe / uy (not after q).
_OLD_TONE = re.compile(rf"(?<!q)([ou])([aey])([{_TONES}])(?![a-z\u0111\u0300-\u036f])")
# Unit prefixes, on the spaceless key, with the level they announce.
_PREFIXES = (
    ("tỉnh", "tỉnh", "province"),
    ("thànhphố", "thànhphố", "district"),
    ("tp", "thànhphố", "district"),
    ("huyện", "huyện", "district"),
    ("quận", "quận", "district"),
    ("thịxã", "thịxã", "district"),
    ("tx", "thịxã", "district"),
    ("thịtrấn", "thịtrấn", "commune"),
    ("tt", "thịtrấn", "commune"),
    ("phường", "phường", "commune"),
    ("xã", "xã", "commune"),
)  # (as written, canonical form, level announced), on the spaceless key


@dataclass(frozen=True)
class Issue:
    kind: str  # one of ISSUE_KINDS
    detail: str = ""
    level: str | None = None  # district or commune, when it concerns one level


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


# --- names ----------------------------------------------------------------------------------
def _fold(name: object) -> str:
    """Case-folded NFC text with look-alike letters replaced and new-style tone placement."""
    text = unicodedata.normalize("NFKC", str(name)).translate(_LOOK_ALIKES).casefold()
    text = _OLD_TONE.sub(r"\1\3\2", unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFC", text)


def _spaceless(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def _keys(name: object) -> tuple[str | None, str, str]:
    """(the level a unit prefix announces or None, the key with the prefix in its canonical
    form, the key without it)."""
    key = _spaceless(_fold(name))
    for written, canonical, level in _PREFIXES:
        if key.startswith(written) and len(key) > len(written):
            bare = key[len(written) :]
            return level, canonical + bare, bare
    return None, key, key


def split_prefix(name: object) -> tuple[str | None, str]:
    """(the level a unit prefix announces or None, the normalised name without it)."""
    level, _, bare = _keys(name)
    return level, bare


def normalise_name(name: object) -> str:
    """The key names are matched on: "Huyện Ý Yên", "ý Yên", "Ý  YÊN" give the same key."""
    return _keys(name)[2]


def _ascii(key: str) -> str:
    stripped = unicodedata.normalize("NFD", key.replace("đ", "d"))
    return "".join(ch for ch in stripped if not unicodedata.combining(ch))


# --- approximate shapes -----------------------------------------------------------------------
def _rounded(geom):
    return shapely.set_precision(geom, 10**-_DIGITS) if not geom.is_empty else geom


def _polygons(geom) -> list:
    """The polygons inside any geometry (collections flattened, lines and points dropped)."""
    if geom.geom_type == "Polygon":
        return [] if geom.is_empty else [geom]
    if hasattr(geom, "geoms"):
        return [p for part in geom.geoms for p in _polygons(part)]
    return []


def _d3_winding(geom):
    """Exterior rings clockwise, holes counter-clockwise: the order d3-geo (and so plotly's
    geo maps) reads as "inside"; the other order fills the rest of the globe instead."""
    oriented = [orient(p, sign=-1.0) for p in _polygons(geom)]
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


# --- the file -------------------------------------------------------------------------------
def _lower_props(feature: Mapping) -> dict[str, object]:
    props = feature.get("properties") or {}
    if not isinstance(props, Mapping):
        return {}
    return {str(k).lower(): v for k, v in props.items() if v not in (None, "")}


def _code_of(feature: Mapping, props: Mapping[str, object], known: set[str]) -> str | None:
    candidates = [feature.get("id"), *(props.get(k) for k in _CODE_KEYS)]
    for value in candidates:
        if value is None or isinstance(value, bool):
            continue
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        text = text.strip()
        if text in known:
            return text
    return None


def _first(props: Mapping[str, object], keys: Iterable[str]) -> str | None:
    for key in keys:
        if props.get(key) not in (None, ""):
            return str(props[key])
    return None


class _NameIndex:
    """Areas of one level by normalised name: with the unit prefix ("Xã Quang Trung" and
    "Phường Quang Trung" differ), without it, and both without diacritics."""

    def __init__(self, rows: pd.DataFrame) -> None:
        self.parent = dict(zip(rows["area_code"], rows["parent_code"], strict=True))
        self.stages: list[dict[str, list[str]]] = [{}, {}, {}, {}]
        for code, name in zip(rows["area_code"], rows["name"], strict=True):
            for stage, key in zip(self.stages, self._stage_keys(name), strict=True):
                stage.setdefault(key, []).append(code)

    @staticmethod
    def _stage_keys(name: object) -> tuple[str, str, str, str]:
        _, full, bare = _keys(name)
        return full, bare, _ascii(full), _ascii(bare)

    def find(self, name: str, parent: str | None = None) -> list[str]:
        """The areas a name fits at the strictest stage where it fits any (several: ambiguous),
        among the children of `parent` when given."""
        for stage, key in zip(self.stages, self._stage_keys(name), strict=True):
            found = stage.get(key, [])
            if parent is not None:
                found = [c for c in found if self.parent.get(c) == parent]
            if found:
                return found
        return []


def _read_features(path: Path) -> tuple[list[Mapping], list[Issue]]:
    try:
        with path.open("rb") as fh:
            data = json.loads(fh.read().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return [], [Issue("unreadable", f"{type(exc).__name__}: {exc}")]
    if isinstance(data, Mapping) and data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    feats = data.get("features") if isinstance(data, Mapping) else None
    if not isinstance(feats, list):
        what = data.get("type", "?") if isinstance(data, Mapping) else type(data).__name__
        return [], [Issue("not_geojson", str(what))]
    feats = [f for f in feats if isinstance(f, Mapping)]
    if not feats:
        return [], [Issue("not_geojson", "FeatureCollection without features")]
    return feats, []


def _polygon(feature: Mapping):
    try:
        geom = shape(feature.get("geometry"))
    except Exception:  # noqa: BLE001 - shapely raises several types on bad input
        return None
    if geom.is_empty:
        return None
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    polys = _polygons(geom)
    if not polys:
        return None
    merged = shapely.union_all(polys)
    return merged.simplify(_SIMPLIFY, preserve_topology=True)


def match_features(
    features: list[Mapping], areas: pd.DataFrame
) -> tuple[dict[str, dict[str, object]], list[Issue]]:
    """Geometries by level and GSO code for the features of a file, and what went wrong."""
    districts = areas[areas["area_level"] == "district"]
    communes = areas[areas["area_level"] == "commune"]
    known = {"district": set(districts["area_code"]), "commune": set(communes["area_code"])}
    all_codes = known["district"] | known["commune"]
    index = {"district": _NameIndex(districts), "commune": _NameIndex(communes)}
    district_index = index["district"]
    out: dict[str, dict[str, object]] = {"district": {}, "commune": {}}
    issues: list[Issue] = []
    pending = []  # features with only a generic name: their level is decided below
    for feature in features:
        props = _lower_props(feature)
        code = _code_of(feature, props, all_codes)
        label = _first(props, (*_NAME_KEYS, *_COMMUNE_NAME_KEYS, *_DISTRICT_NAME_KEYS))
        label = label or str(feature.get("id") or props.get("code") or "?")
        if code is not None:
            level = "district" if code in known["district"] else "commune"
            _keep(out, issues, level, code, feature, label)
            continue
        commune_name = _first(props, _COMMUNE_NAME_KEYS)
        district_name = _first(props, _DISTRICT_NAME_KEYS)
        generic = _first(props, _NAME_KEYS)
        parent = None
        if district_name:
            found = district_index.find(district_name)
            parent = found[0] if len(found) == 1 else None
        if commune_name:
            _match_named(out, issues, index, "commune", commune_name, parent, feature)
        elif generic:
            hinted, _ = split_prefix(generic)
            if hinted == "province":
                continue  # the province's outline: not an area the maps colour
            if hinted in LEVELS:
                level_parent = parent if hinted == "commune" else None
                _match_named(out, issues, index, hinted, generic, level_parent, feature)
            else:
                pending.append((generic, parent, feature))
        elif district_name:
            _match_named(out, issues, index, "district", district_name, None, feature)
        else:
            issues.append(Issue("unmatched_feature", label))
    if pending:
        # Unprefixed names: the file's level is the one where more of its features match.
        hits = {
            level: len(out[level])
            + sum(bool(index[level].find(n, p if level == "commune" else None))
                  for n, p, _ in pending)
            for level in LEVELS
        }  # fmt: skip
        level = "commune" if hits["commune"] > hits["district"] else "district"
        for name, parent, feature in pending:
            level_parent = parent if level == "commune" else None
            _match_named(out, issues, index, level, name, level_parent, feature)
    return out, issues


def _match_named(out, issues, index, level, name, parent, feature) -> None:
    found = index[level].find(name, parent)
    if len(found) == 1:
        _keep(out, issues, level, found[0], feature, name)
    elif found:
        issues.append(Issue("ambiguous_feature", name, level))
    else:
        issues.append(Issue("unmatched_feature", name, level))


def _keep(out, issues, level, code, feature, label) -> None:
    if code in out[level]:
        issues.append(Issue("duplicate_feature", code, level))
        return
    geom = _polygon(feature)
    if geom is None:
        issues.append(Issue("bad_geometry", label, level))
        return
    out[level][code] = geom


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
    features, issues = _read_features(path)
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


def load(areas: pd.DataFrame, path: str | os.PathLike | None = None) -> Boundaries:
    """Shapes for the areas: from `path` (default: VAX_BOUNDARIES_PATH) when it is usable,
    else approximate shapes from the commune points. Never raises for a bad file: what went
    wrong is in `issues`. Cached per file (path, size, modification time) and area list."""
    path = str(path) if path is not None else configured_path()
    stamp: tuple = ()
    if path is not None:
        try:
            st = os.stat(path)
            stamp = (st.st_size, st.st_mtime_ns)
        except OSError:
            stamp = ("missing",)
    return _load_cached(path, stamp, _areas_key(areas))
