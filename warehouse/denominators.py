"""Target-group populations (METRICS.md, "Denominators"), from the reference files.

The population of a group in year Y is estimated from the 2019 census by district and five-year
age band: each band is spread evenly over its single years (the open `85+` band stays whole: no
group has an upper age inside it), every single year is aged forward by Y - 2019 years (no
deaths, births or migration after the census; children born after it are absent), and a
commune gets its district's age shares applied to its own 2019 total, rounded to whole persons
(halves up). Districts and the province are the sums of their communes. `all` is the 2019
total, in every year.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pandas as pd

from warehouse import reference
from warehouse.target_groups import TARGET_GROUPS

FIRST_YEAR, LAST_YEAR = reference.POPULATION_YEAR, 2035  # the years estimated
OPEN_BAND, OPEN_BAND_START = "85+", 85
METHOD_CENSUS, METHOD_ESTIMATE = "census", "aged_estimate"


def _single_years(bands: pd.DataFrame) -> tuple[dict[int, Fraction], int]:
    """A district's 2019 population by single year of age (bands spread evenly) and its
    open band's count."""
    ages: dict[int, Fraction] = {}
    open_band = 0
    for band, pop in zip(bands["age_band"], bands["population_2019"], strict=True):
        if band == OPEN_BAND:
            open_band = int(pop)
            continue
        start = int(band.split("-")[0])
        for age in range(start, start + 5):
            ages[age] = Fraction(int(pop), 5)
    return ages, open_band


def district_group_population(bands: pd.DataFrame, group: str, year: int) -> Fraction:
    """A district's estimated population of `group` in `year` (exact, before rounding)."""
    youngest, oldest = TARGET_GROUPS[group]
    ages, open_band = _single_years(bands)
    if youngest is None:
        return Fraction(sum(ages.values()) + open_band)
    shift = year - reference.POPULATION_YEAR
    low = youngest - shift
    high = OPEN_BAND_START - 1 if oldest is None else oldest - shift
    if high >= OPEN_BAND_START or (oldest is None and low > OPEN_BAND_START):
        raise ValueError(f"group {group} in {year} cuts the census's open band {OPEN_BAND}")
    total = sum((ages.get(age, Fraction(0)) for age in range(max(low, 0), high + 1)), Fraction(0))
    if oldest is None:
        total += open_band
    return total


def _whole(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


def commune_population(years: range | None = None) -> pd.DataFrame:
    """Every commune's population of each group in each year: commune_code, target_group,
    year, population."""
    years = years or range(FIRST_YEAR, LAST_YEAR + 1)
    c = reference.communes()[["commune_code", "district_code", "population_2019"]]
    bands = dict(tuple(reference.district_age().groupby("district_code")))
    rows = []
    for district, group_rows in bands.items():
        total = Fraction(int(group_rows["population_2019"].sum()))
        members = c[c["district_code"] == district]
        for year in years:
            for group in TARGET_GROUPS:
                if group == "all":
                    shares = None
                else:
                    shares = district_group_population(group_rows, group, year) / total
                for code, pop in zip(
                    members["commune_code"], members["population_2019"], strict=True
                ):
                    value = int(pop) if shares is None else _whole(shares * int(pop))
                    rows.append((code, group, year, value))
    return pd.DataFrame(rows, columns=["area_code", "target_group", "year", "population"])


def population_rows() -> list[dict]:
    """The `population` table: communes, districts (sums of communes) and the province."""
    pop = commune_population()
    district_of = reference.communes().set_index("commune_code")["district_code"]
    keys = ["area_code", "target_group", "year"]
    by_district = (
        pop.assign(area_code=pop["area_code"].map(district_of))
        .groupby(keys, as_index=False)["population"]
        .sum()
    )
    province = pop.groupby(["target_group", "year"], as_index=False)["population"].sum()
    province["area_code"] = reference.PROVINCE_CODE
    out = pd.concat([pop, by_district, province], ignore_index=True)
    out["source"] = reference.POPULATION_SOURCE
    out["source_year"] = reference.POPULATION_YEAR
    out["method"] = [METHOD_CENSUS if g == "all" else METHOD_ESTIMATE for g in out["target_group"]]
    out["population"] = out["population"].astype(int)
    out["year"] = out["year"].astype(int)
    return out.to_dict("records")
