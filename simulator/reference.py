"""Reference geography and census population (files shipped in the repository's reference/)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"

AGE_BANDS = (
    "0-04",
    "05-09",
    "10-14",
    "15-19",
    "20-24",
    "25-29",
    "30-34",
    "35-39",
    "40-44",
    "45-49",
    "50-54",
    "55-59",
    "60-64",
    "65-69",
    "70-74",
    "75-79",
    "80-84",
    "85+",
)
BAND_LOW = np.arange(0, 90, 5)


@dataclass
class Reference:
    communes: pd.DataFrame  # one row per commune, in file order
    district_codes: list[str]
    # population share of each age band within each commune's district: (n_communes, n_bands)
    band_share: np.ndarray


def load_reference(ref_dir: Path = REFERENCE_DIR) -> Reference:
    communes = pd.read_csv(
        ref_dir / "communes.csv", dtype={"commune_code": str, "district_code": str}
    )
    communes = communes.sort_values("commune_code", kind="stable").reset_index(drop=True)
    ages = pd.read_csv(ref_dir / "district_age_2019.csv", dtype={"district_code": str})
    table = ages.pivot(index="district_code", columns="age_band", values="population_2019")
    table = table.loc[:, list(AGE_BANDS)].astype(float)
    share = table.div(table.sum(axis=1), axis=0)
    band_share = share.loc[communes["district_code"]].to_numpy()
    districts = sorted(communes["district_code"].unique())
    return Reference(communes=communes, district_codes=districts, band_share=band_share)
