"""Fixed facts and tunable rates of the simulated campaign.

Dates follow the real shape of Viet Nam's campaign as applied in Nam Định; quantities are for
the whole province (scale 1.0) and are multiplied by --scale.
"""

from __future__ import annotations

from dataclasses import dataclass

PROVINCE_CODE = "36"
PROVINCE_NAME = "Nam Định"
PROVINCE_POPULATION_2019 = 1_780_393

DEFAULT_SEED = 2021
DEFAULT_START = "2021-03-08"
DEFAULT_END = "2022-06-30"
DEFAULT_SCALE = 1.0
# The event stream is always generated to this day, whatever --end is, so that the state as of
# any day is independent of the end requested.
HORIZON = "2022-12-31"
# Ages are drawn from the 2019 census age structure, read as the structure of mid-2021.
AGE_REFERENCE_DATE = "2021-07-01"


@dataclass(frozen=True)
class Vaccine:
    code: str
    name: str
    manufacturer: str
    doses_per_vial: int
    primary_series_doses: int
    interval_min: int  # days between primary doses, minimum
    interval_max: int  # typical upper end of the scheduled interval
    waste_rate: float  # share of doses lost to opened vials at session end
    shelf_min: int  # remaining shelf life on receipt, days
    shelf_max: int
    first_catalogue_date: str  # when the vaccine row appears in the platform catalogue


VACCINES: tuple[Vaccine, ...] = (
    Vaccine(
        "AZ",
        "AstraZeneca (Vaxzevria / COVISHIELD)",
        "AstraZeneca",
        10,
        2,
        56,
        84,
        0.022,
        40,
        150,
        "2021-02-24",
    ),
    Vaccine(
        "VERO_CELL",
        "Vero Cell (BBIBP-CorV)",
        "Sinopharm - Beijing Institute of Biological Products",
        1,
        2,
        21,
        28,
        0.002,
        300,
        620,
        "2021-06-03",
    ),
    Vaccine("PFIZER", "Comirnaty", "Pfizer-BioNTech", 6, 2, 21, 28, 0.015, 60, 180, "2021-07-07"),
    Vaccine("MODERNA", "Spikevax", "Moderna", 10, 2, 28, 35, 0.022, 70, 200, "2021-06-29"),
    Vaccine(
        "SPUTNIK_V",
        "Sputnik V (Gam-COVID-Vac)",
        "Gamaleya Research Institute",
        5,
        2,
        21,
        28,
        0.018,
        120,
        200,
        "2021-07-16",
    ),
    Vaccine(
        "ABDALA", "Abdala (CIGB-66)", "CIGB (Cuba)", 10, 3, 14, 16, 0.02, 150, 300, "2021-09-20"
    ),
    # Listed in the national catalogue; not allocated to Nam Định.
    Vaccine(
        "JANSSEN",
        "Jcovden (Ad26.COV2.S)",
        "Janssen (Johnson & Johnson)",
        5,
        1,
        0,
        0,
        0.02,
        90,
        180,
        "2021-07-30",
    ),
)
VACCINE_CODES = tuple(v.code for v in VACCINES)
VIDX = {v.code: i for i, v in enumerate(VACCINES)}
NV = len(VACCINES)


def vbit(*codes: str) -> int:
    m = 0
    for c in codes:
        m |= 1 << VIDX[c]
    return m


# Which vaccines a dose may use (bit masks over VACCINES).
MASK_ADULT_FIRST = vbit("AZ", "VERO_CELL", "PFIZER", "MODERNA", "SPUTNIK_V", "ABDALA")
MASK_CHILD = vbit("PFIZER")
MASK_MIX = vbit("AZ", "PFIZER", "MODERNA")  # heterologous second dose after a long wait
MASK_ADDITIONAL = vbit("VERO_CELL", "AZ", "PFIZER")
MASK_BOOSTER = vbit("AZ", "PFIZER", "MODERNA")
# A second (or third) primary dose waiting this long past its due day accepts MASK_MIX: after
# MIX_AFTER_DAYS when the first dose was AZ, Pfizer, Moderna or Sputnik V, after ANY_AFTER_DAYS
# whatever it was.
MIX_AFTER_DAYS = 28
ANY_AFTER_DAYS = 60

# National receipts at the province store (date, vaccine, doses at scale 1).
SUPPLY_WAVES: tuple[tuple[str, str, int], ...] = (
    ("2021-03-10", "AZ", 3_000),
    ("2021-04-12", "AZ", 4_000),
    ("2021-05-10", "AZ", 6_000),
    ("2021-06-14", "AZ", 8_000),
    ("2021-07-05", "AZ", 10_000),
    ("2021-07-15", "VERO_CELL", 6_000),
    ("2021-07-26", "MODERNA", 5_000),
    ("2021-08-02", "AZ", 12_000),
    ("2021-08-12", "VERO_CELL", 30_000),
    ("2021-08-18", "PFIZER", 12_000),
    ("2021-08-25", "AZ", 40_000),
    ("2021-08-28", "SPUTNIK_V", 6_000),
    ("2021-09-06", "VERO_CELL", 60_000),
    ("2021-09-14", "AZ", 70_000),
    ("2021-09-22", "MODERNA", 30_000),
    ("2021-09-28", "VERO_CELL", 80_000),
    ("2021-10-05", "ABDALA", 24_000),
    ("2021-10-06", "AZ", 90_000),
    ("2021-10-14", "PFIZER", 40_000),
    ("2021-10-20", "VERO_CELL", 100_000),
    ("2021-10-27", "AZ", 120_000),
    ("2021-11-02", "PFIZER", 120_000),
    ("2021-11-04", "VERO_CELL", 150_000),
    ("2021-11-08", "AZ", 120_000),
    ("2021-11-15", "VERO_CELL", 150_000),
    ("2021-11-18", "PFIZER", 150_000),
    ("2021-11-26", "AZ", 150_000),
    ("2021-12-01", "VERO_CELL", 120_000),
    ("2021-12-01", "MODERNA", 80_000),
    ("2021-12-06", "PFIZER", 150_000),
    ("2021-12-13", "AZ", 150_000),
    ("2021-12-13", "VERO_CELL", 100_000),
    ("2021-12-20", "PFIZER", 200_000),
    ("2021-12-27", "MODERNA", 120_000),
    ("2022-01-05", "AZ", 250_000),
    ("2022-01-12", "PFIZER", 200_000),
    ("2022-01-20", "MODERNA", 100_000),
    ("2022-02-14", "AZ", 200_000),
    ("2022-02-24", "PFIZER", 200_000),
    ("2022-03-10", "MODERNA", 60_000),
    ("2022-03-24", "AZ", 150_000),
    ("2022-04-08", "PFIZER", 200_000),
    ("2022-04-25", "PFIZER", 150_000),
    ("2022-05-16", "MODERNA", 40_000),
    ("2022-05-30", "PFIZER", 120_000),
    ("2022-06-15", "AZ", 80_000),
    ("2022-07-11", "PFIZER", 120_000),
    ("2022-08-15", "MODERNA", 80_000),
    ("2022-09-19", "PFIZER", 80_000),
    ("2022-11-01", "PFIZER", 50_000),
)

# Eligibility for the first dose (Resolution 21/NQ-CP priority groups first).
PRIORITY_GROUP_START = {
    1: "2021-03-08",  # health workers, anti-epidemic staff
    2: "2021-03-25",  # front-line anti-epidemic forces
    3: "2021-04-05",  # army
    4: "2021-04-05",  # police
    7: "2021-05-17",  # essential services
    8: "2021-05-17",  # teachers, public-facing administrative staff
    11: "2021-06-14",  # social-policy beneficiaries
    12: "2021-06-14",  # workers of industrial zones
    9: "2021-07-12",  # chronic diseases, 65 and over
}
GENERAL_ADULT_START = "2021-08-09"
TEEN_START = "2021-11-01"  # 12-17
KID_START = "2022-04-14"  # 5-11
ADDITIONAL_START = "2021-11-22"  # extra primary dose for Vero Cell recipients at risk
BOOSTER_START_PRIORITY = "2021-12-15"
BOOSTER_START_GENERAL = "2022-01-03"
BOOSTER_MIN_INTERVAL = 90
ADDITIONAL_MIN_INTERVAL = 28
SECOND_BOOSTER_START = "2022-05-20"
SECOND_BOOSTER_MIN_INTERVAL = 120
TEEN_BOOSTER_START = "2022-07-01"
TEEN_BOOSTER_MIN_INTERVAL = 150
OMICRON_WAVE = ("2022-02-01", "2022-04-15")  # many 'recent_covid' deferrals
TET_2022 = ("2022-01-30", "2022-02-06")  # Lunar New Year: almost no sessions

# Capacity: doses per vaccination table per day (scale 1).
TABLE_RATE = {
    "commune_station": (100, 200),
    "district_centre": (110, 200),
    "hospital": (100, 180),
    "mobile": (60, 110),
    "private": (80, 150),
}

# Share of residents of other provinces among people vaccinated here.
OUT_OF_PROVINCE_SHARE = 0.0075
# Well-formed GSO commune codes of neighbouring provinces (Thái Bình 12xxx, Hà Nam 13xxx below
# Nam Định's range, Ninh Bình 14xxx above it) with the CCCD province prefix of each.
OTHER_PROVINCES = (("034", 12442, 13225), ("035", 13243, 13627), ("037", 14320, 14800))
