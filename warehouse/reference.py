"""Reference dimensions from the project's own files in `reference/` (see its README)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"
PROVINCE_CODE = "36"
PROVINCE_NAME = "Tỉnh Nam Định"
PROVINCE_BOUNDS = {"lat_min": 19.85, "lat_max": 20.55, "lon_min": 105.90, "lon_max": 106.60}
POPULATION_SOURCE = "GSO Population and Housing Census 2019"
POPULATION_YEAR = 2019
ADMIN_MAP_VALID_FROM = date(2020, 1, 1)
ADMIN_MAP_VALID_TO = date(2024, 12, 31)


@lru_cache(maxsize=1)
def communes() -> pd.DataFrame:
    """The 226 communes of 2021-2022 with district, 2019 population and an approximate point."""
    return pd.read_csv(
        REFERENCE_DIR / "communes.csv",
        dtype={"commune_code": str, "district_code": str},
        keep_default_na=False,
    )


@lru_cache(maxsize=1)
def district_age() -> pd.DataFrame:
    """The 2019 census by district and five-year age band (district_code, age_band,
    population_2019)."""
    return pd.read_csv(REFERENCE_DIR / "district_age_2019.csv", dtype={"district_code": str})


def area_rows() -> list[dict]:
    """Province, district and commune rows for the `area` table."""
    c = communes()
    validity = {"valid_from": ADMIN_MAP_VALID_FROM, "valid_to": ADMIN_MAP_VALID_TO}
    rows = [
        {
            "area_code": PROVINCE_CODE,
            "area_level": "province",
            "name": PROVINCE_NAME,
            "area_type": "Tỉnh",
            "parent_code": None,
            "district_code": None,
            "latitude": float(c["latitude"].mean()),
            "longitude": float(c["longitude"].mean()),
            "location_quality": "mean_of_communes",
            **validity,
        }
    ]
    for code, group in c.groupby("district_code", sort=True):
        first = group.iloc[0]
        rows.append(
            {
                "area_code": code,
                "area_level": "district",
                "name": first["district_name"],
                "area_type": first["district_type"],
                "parent_code": PROVINCE_CODE,
                "district_code": code,
                "latitude": float(group["latitude"].mean()),
                "longitude": float(group["longitude"].mean()),
                "location_quality": "mean_of_communes",
                **validity,
            }
        )
    for r in c.itertuples(index=False):
        rows.append(
            {
                "area_code": r.commune_code,
                "area_level": "commune",
                "name": r.commune_name,
                "area_type": r.commune_type,
                "parent_code": r.district_code,
                "district_code": r.district_code,
                "latitude": float(r.latitude),
                "longitude": float(r.longitude),
                "location_quality": r.location_quality,
                **validity,
            }
        )
    return rows


def in_province(lat: float | None, lon: float | None) -> bool:
    if lat is None or lon is None or pd.isna(lat) or pd.isna(lon):
        return False
    b = PROVINCE_BOUNDS
    return b["lat_min"] <= lat <= b["lat_max"] and b["lon_min"] <= lon <= b["lon_max"]
