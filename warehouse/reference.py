"""Reference dimensions from the project's own files in `reference/` (see its README)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
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

# Share of each five-year band at or above an age threshold (uniform within the band).
_BAND_START = {
    "0-04": 0, "05-09": 5, "10-14": 10, "15-19": 15, "20-24": 20, "25-29": 25, "30-34": 30,
    "35-39": 35, "40-44": 40, "45-49": 45, "50-54": 50, "55-59": 55, "60-64": 60, "65-69": 65,
    "70-74": 70, "75-79": 75, "80-84": 80, "85+": 85,
}  # fmt: skip
DENOMINATOR_MIN_AGE = {"total": 0, "18plus": 18, "12plus": 12, "5plus": 5}


def _share_at_or_above(band: str, min_age: int) -> Fraction:
    start = _BAND_START[band]
    if start >= min_age:
        return Fraction(1)
    if start + 5 <= min_age:
        return Fraction(0)
    return Fraction(start + 5 - min_age, 5)


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


def commune_population() -> pd.DataFrame:
    """Population by commune for each denominator (total, 18+, 12+, 5+), whole persons.

    A commune's age structure is its district's (the census publishes ages by district only).
    """
    c = communes()[["commune_code", "district_code", "population_2019"]]
    ages = district_age()
    out = []
    for denominator, min_age in DENOMINATOR_MIN_AGE.items():
        share = {}
        for district, group in ages.groupby("district_code"):
            total = int(group["population_2019"].sum())
            above = sum(
                _share_at_or_above(band, min_age) * int(pop)
                for band, pop in zip(group["age_band"], group["population_2019"], strict=True)
            )
            share[district] = Fraction(above) / total
        pops = [
            int(round(share[d] * int(p)))
            for d, p in zip(c["district_code"], c["population_2019"], strict=True)
        ]
        out.append(
            pd.DataFrame(
                {"area_code": c["commune_code"], "denominator": denominator, "population": pops}
            )
        )
    return pd.concat(out, ignore_index=True)


def population_rows() -> list[dict]:
    """Denominators for communes, districts (sum of communes) and the province."""
    pop = commune_population()
    district_of = communes().set_index("commune_code")["district_code"]
    by_district = (
        pop.assign(area_code=pop["area_code"].map(district_of))
        .groupby(["area_code", "denominator"], as_index=False)["population"]
        .sum()
    )
    province = pop.groupby("denominator", as_index=False)["population"].sum()
    province["area_code"] = PROVINCE_CODE
    allrows = pd.concat([pop, by_district, province], ignore_index=True)
    allrows["source"] = POPULATION_SOURCE
    allrows["year"] = POPULATION_YEAR
    allrows["population"] = allrows["population"].astype(int)
    return allrows.to_dict("records")


def in_province(lat: float | None, lon: float | None) -> bool:
    if lat is None or lon is None or pd.isna(lat) or pd.isna(lon):
        return False
    b = PROVINCE_BOUNDS
    return b["lat_min"] <= lat <= b["lat_max"] and b["lon_min"] <= lon <= b["lon_max"]
