"""Reading a boundaries GeoJSON and matching its features to the reference areas: by GSO code
when a feature carries one, else by its (normalised) name within its district; what could not
be used is kept as an `Issue`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import shapely
from shapely.geometry import shape

from dashboard.area_names import ascii_key, name_keys, split_prefix

LEVELS = ("district", "commune")
_SIMPLIFY = 0.0002  # degrees (about 20 m): lighter maps, invisible at district or commune scale

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
#   holds_districts    (a note) names under properties that do not say their level turned out
#   holds_communes     to be districts / communes
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
    "holds_districts",
    "holds_communes",
)

_CODE_KEYS = (
    "area_code", "code", "gso_code", "ma_gso", "ma", "ma_dvhc", "madvhc", "id",
    "district_code", "ma_huyen", "mahuyen", "commune_code", "ward_code", "ma_xa", "maxa",
)  # fmt: skip
_COMMUNE_NAME_KEYS = ("commune_name", "commune", "ward_name", "ten_xa", "tenxa", "xa", "name_3")
_DISTRICT_NAME_KEYS = ("district_name", "district", "ten_huyen", "tenhuyen", "huyen", "name_2")
_NAME_KEYS = ("name", "ten", "ten_dvhc", "tendvhc", "area_name", "shapename", "label")


@dataclass(frozen=True)
class Issue:
    kind: str  # one of ISSUE_KINDS
    detail: str = ""
    level: str | None = None  # district or commune, when it concerns one level


def polygons(geom) -> list:
    """The polygons inside any geometry (collections flattened, lines and points dropped)."""
    if geom.geom_type == "Polygon":
        return [] if geom.is_empty else [geom]
    if hasattr(geom, "geoms"):
        return [p for part in geom.geoms for p in polygons(part)]
    return []


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
        _, full, bare = name_keys(name)
        return full, bare, ascii_key(full), ascii_key(bare)

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


def read_features(path: Path) -> tuple[list[Mapping], list[Issue]]:
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
    polys = polygons(geom)
    if not polys:
        return None
    merged = shapely.union_all(polys)
    return merged.simplify(_SIMPLIFY, preserve_topology=True)


def match_features(
    features: list[Mapping], areas: pd.DataFrame
) -> tuple[dict[str, dict[str, object]], list[Issue]]:
    """Geometries by level and GSO code for the features of a file, and what went wrong.

    Features are matched by the properties that say what they hold (a code, a commune or
    district name); when that leaves areas unmatched, every name-like property of each feature
    is tried against districts and communes both, and the way that matches more areas is kept
    (a file of districts under `NAME_3`, which usually holds communes, matches so)."""
    by_keys = _match_by_keys(features, areas)
    if all(i.kind != "unmatched_feature" for i in by_keys[1]):
        return by_keys
    by_any = _match_any_property(features, areas)
    kept = sum(len(v) for v in by_keys[0].values())
    return by_any if sum(len(v) for v in by_any[0].values()) > kept else by_keys


def _match_any_property(
    features: list[Mapping], areas: pd.DataFrame
) -> tuple[dict[str, dict[str, object]], list[Issue]]:
    """Features matched by the one property and level under which the most areas match (for
    communes, within the district another property names when a name fits several)."""
    index = {level: _NameIndex(areas[areas["area_level"] == level]) for level in LEVELS}
    props = [_lower_props(f) for f in features]
    keys = sorted(
        {k for p in props for k, v in p.items() if isinstance(v, str) and k not in _CODE_KEYS}
    )

    def matched(key: str, level: str, parents: list[str | None] | None = None) -> list:
        out = []
        for i, p in enumerate(props):
            name = p.get(key)
            found = index[level].find(str(name)) if isinstance(name, str) else []
            if len(found) > 1 and parents is not None and parents[i] is not None:
                found = index[level].find(str(name), parents[i])
            out.append(found[0] if len(found) == 1 else None)
        return out

    def score(codes: list) -> int:
        return len({c for c in codes if c})

    best_districts = max(([matched(k, "district") for k in keys]), key=score, default=[])
    parents = best_districts or [None] * len(features)
    choices = [(score(matched(k, "district")), "district", k) for k in keys]
    choices += [(score(matched(k, "commune", parents)), "commune", k) for k in keys]
    if not choices:
        return {"district": {}, "commune": {}}, []
    _, level, key = max(choices, key=lambda c: (c[0], c[1] == "commune"))
    out: dict[str, dict[str, object]] = {"district": {}, "commune": {}}
    issues: list[Issue] = [Issue(f"holds_{level}s", level)]
    codes = matched(key, level, parents if level == "commune" else None)
    for feature, p, code in zip(features, props, codes, strict=True):
        label = str(p.get(key) or feature.get("id") or "?")
        if code is None:
            issues.append(Issue("unmatched_feature", label, level))
        else:
            _keep(out, issues, level, code, feature, label)
    return out, issues


def _match_by_keys(
    features: list[Mapping], areas: pd.DataFrame
) -> tuple[dict[str, dict[str, object]], list[Issue]]:
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
