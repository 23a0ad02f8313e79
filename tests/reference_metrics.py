"""METRICS.md computed a second time, independently of the product, to check its exports.

Plain pandas over the platform tables (PLATFORM.md), read with SQLAlchemy. Nothing here imports
the project's packages: the point is a second implementation written from the definitions only,
for clarity rather than speed (it is still vectorised: tens of thousands of visits take seconds).

`reference_dataset(platform_url, dataset, date_from, date_to, excluded)` returns one DataFrame
per export of `python -m queries DATASET`, with dates as `YYYY-MM-DD` strings and counts as ints.
`excluded` maps a platform table name to primary-key values the ETL rejected; those rows are
treated as absent, and whatever needs them through a join (a certificate's visit, a visit's
citizen for coverage, a transaction's store) drops with them.

`reference_view(platform_url, view, date_from, date_to, excluded, scope)` returns the figures of
the operations pages that are not exports (AEFI reports by lot, dose transfers between stores,
late sites), for the whole province or an area.

Reading choices, where METRICS.md leaves room, are marked "Reading:" below.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
COMMUNES_CSV = ROOT / "reference" / "communes.csv"
DISTRICT_AGE_CSV = ROOT / "reference" / "district_age_2019.csv"
PROVINCE_CODE = "36"
# Asia/Ho_Chi_Minh has been UTC+7 without daylight saving since 1975.
LOCAL_OFFSET = pd.Timedelta(hours=7)

DATASETS = ("sessions", "doses", "coverage", "stock", "certificates", "aefi")

SESSION_COUNTS = [
    "checked_in",
    "screened",
    "eligible",
    "deferred",
    "contraindicated",
    "referred",
    "doses",
]
COLUMNS: dict[str, list[str]] = {
    "sessions": ["facility_id", "date", *SESSION_COUNTS],
    "doses": ["facility_id", "date", "vaccine_code", "dose_number", "dose_kind", "doses"],
    "coverage": [
        "area_code",
        "area_level",
        "date",
        "target_group",
        "people_1plus",
        "people_full",
        "people_boosted",
        "population",
    ],
    "stock": [
        "store_id",
        "vaccine_code",
        "date",
        "received",
        "issued_out",
        "administered",
        "wasted",
        "adjustment",
        "on_hand",
        "declared_remaining",
    ],
    "certificates": ["facility_id", "date", "issued", "backlog"],
    "aefi": ["facility_id", "date", "severity", "reports"],
}
KEYS: dict[str, list[str]] = {
    "sessions": ["facility_id", "date"],
    "doses": ["facility_id", "date", "vaccine_code", "dose_number", "dose_kind"],
    "coverage": ["area_code", "area_level", "date", "target_group"],
    "stock": ["store_id", "vaccine_code", "date"],
    "certificates": ["facility_id", "date"],
    "aefi": ["facility_id", "date", "severity"],
}
# Columns compared as exact integers (declared_remaining may be missing, so it is a float).
COUNT_COLUMNS: dict[str, list[str]] = {
    name: [c for c in cols if c not in KEYS[name] and c != "declared_remaining"]
    for name, cols in COLUMNS.items()
}

# Text columns that are codes or identifiers: compared after NFC and stripping, as the ETL
# normalises text at its boundary.
_CODE_COLUMNS: dict[str, list[str]] = {
    "facility": ["facility_id", "commune_code"],
    "citizen": ["citizen_id", "national_id", "residence_commune_code"],
    "visit": [
        "visit_id",
        "citizen_id",
        "facility_id",
        "screening_result",
        "vaccine_code",
        "lot_number",
        "dose_kind",
        "status",
    ],
    "vaccination_plan": ["plan_id", "facility_id", "status"],
    "certificate": ["certificate_id", "visit_id"],
    "aefi_report": ["aefi_id", "visit_id", "severity"],
    "vaccine": ["vaccine_code"],
    "store": ["store_id", "level", "area_code", "facility_id"],
    "stock_transaction": [
        "txn_id",
        "store_id",
        "vaccine_code",
        "txn_type",
        "counterparty_store_id",
    ],
    "stock_report": ["report_id", "store_id", "vaccine_code"],
}
_PRIMARY_KEYS = {
    "facility": "facility_id",
    "citizen": "citizen_id",
    "visit": "visit_id",
    "vaccination_plan": "plan_id",
    "certificate": "certificate_id",
    "aefi_report": "aefi_id",
    "vaccine": "vaccine_code",
    "store": "store_id",
    "stock_transaction": "txn_id",
    "stock_report": "report_id",
}
_TIMESTAMPS = {
    "citizen": ["updated_at"],
    "visit": ["injected_at", "screened_at", "checked_in_at"],
    "certificate": ["issued_at", "revoked_at"],
    "aefi_report": ["onset_at"],
    "stock_report": ["submitted_at"],
}
_DATES = {
    "visit": ["session_date"],
    "vaccination_plan": ["session_date"],
    "stock_transaction": ["txn_date"],
    "stock_report": ["report_date"],
}
# Only the columns the metrics need (personal data such as names is never read).
_READ_COLUMNS = {
    "facility": ["facility_id", "commune_code", "active"],
    "citizen": ["citizen_id", "national_id", "residence_commune_code", "updated_at", "birth_date"],
    "visit": [
        "visit_id",
        "citizen_id",
        "facility_id",
        "session_date",
        "checked_in_at",
        "screened_at",
        "screening_result",
        "injected_at",
        "vaccine_code",
        "lot_number",
        "dose_number",
        "dose_kind",
        "status",
    ],
    "vaccination_plan": ["plan_id", "facility_id", "session_date", "planned_doses", "status"],
    "certificate": ["certificate_id", "visit_id", "issued_at", "revoked_at"],
    "aefi_report": ["aefi_id", "visit_id", "onset_at", "severity"],
    "vaccine": ["vaccine_code", "primary_series_doses"],
    "store": ["store_id", "level", "area_code", "facility_id"],
    "stock_transaction": [
        "txn_id",
        "store_id",
        "txn_date",
        "vaccine_code",
        "txn_type",
        "quantity_doses",
        "counterparty_store_id",
    ],
    "stock_report": [
        "report_id",
        "store_id",
        "report_date",
        "vaccine_code",
        "received_doses",
        "administered_doses",
        "remaining_doses",
        "submitted_at",
    ],
}


# --------------------------------------------------------------------------------------------
# Reading and cleaning
# --------------------------------------------------------------------------------------------


def _engine(url: str) -> sa.Engine:
    # SQLAlchemy 2.1 maps `postgresql://` to psycopg 3; the project ships psycopg2.
    parsed = sa.make_url(url)
    if parsed.drivername == "postgresql" and importlib.util.find_spec("psycopg") is None:
        parsed = parsed.set(drivername="postgresql+psycopg2")
    return sa.create_engine(parsed)


def _clean_code(series: pd.Series) -> pd.Series:
    """NFC-normalised, stripped text; empty strings become missing."""

    def clean(value):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        text = unicodedata.normalize("NFC", str(value)).strip()
        return text or None

    return series.astype(object).map(clean).astype(object)


def _utc(series: pd.Series) -> pd.Series:
    """Timestamps (ISO text with offset on SQLite, timestamptz on PostgreSQL) as UTC."""
    if series.isna().all():
        return pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns, UTC]")
    return pd.to_datetime(series, utc=True, format="ISO8601")


def _local_day(series: pd.Series) -> pd.Series:
    """The Asia/Ho_Chi_Minh calendar day of UTC timestamps, as a day-resolution Timestamp."""
    return (series.dt.tz_convert(None) + LOCAL_OFFSET).dt.normalize()


def _day(series: pd.Series) -> pd.Series:
    """Calendar dates (`YYYY-MM-DD` text on SQLite, date on PostgreSQL) as naive Timestamps."""
    text = series.astype(object).map(lambda v: None if pd.isna(v) else str(v)[:10])
    return pd.to_datetime(text, format="%Y-%m-%d")


class Platform:
    """The platform tables the metrics need, cleaned, with excluded rows removed."""

    def __init__(self, url: str, excluded: Mapping[str, Iterable] | None = None) -> None:
        self.url = url
        self.excluded = {t: {str(k) for k in keys} for t, keys in (excluded or {}).items()}
        self._cache: dict[str, pd.DataFrame] = {}

    def table(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            self._cache[name] = self._read(name)
        return self._cache[name]

    def _read(self, name: str) -> pd.DataFrame:
        columns = ", ".join(_READ_COLUMNS[name])
        engine = _engine(self.url)
        try:
            with engine.connect() as conn:
                frame = pd.read_sql(sa.text(f"SELECT {columns} FROM {name}"), conn)
        finally:
            engine.dispose()
        for col in _CODE_COLUMNS.get(name, []):
            frame[col] = _clean_code(frame[col])
        for col in _TIMESTAMPS.get(name, []):
            frame[col] = _utc(frame[col])
        for col in _DATES.get(name, []):
            frame[col] = _day(frame[col])
        key = _PRIMARY_KEYS[name]
        gone = self.excluded.get(name, set())
        if gone:
            frame = frame[~frame[key].isin(gone)]
        return frame.reset_index(drop=True)


def load_communes(path: Path = COMMUNES_CSV) -> pd.DataFrame:
    """The 226 communes with their district codes, as text."""
    frame = pd.read_csv(path, dtype=str, usecols=["commune_code", "district_code"])
    return frame.astype(object)


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _days(date_from: str, date_to: str) -> pd.DatetimeIndex:
    return pd.date_range(pd.Timestamp(date_from), pd.Timestamp(date_to), freq="D")


def _fmt(series: pd.Series) -> pd.Series:
    return series.dt.strftime("%Y-%m-%d").astype(object)


def _finish(frame: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """Exact columns, ints for counts, sorted by the keys, fresh index."""
    frame = frame[COLUMNS[dataset]].copy()
    for col in KEYS[dataset]:
        if col != "dose_number":
            frame[col] = frame[col].astype("str")
    for col in COUNT_COLUMNS[dataset]:
        frame[col] = frame[col].astype("int64")
    return frame.sort_values(KEYS[dataset], kind="stable").reset_index(drop=True)


def _active_visits(platform: Platform) -> pd.DataFrame:
    visits = platform.table("visit")
    return visits[visits["status"] == "active"]


def _in_period(days: pd.Series, date_from: str, date_to: str) -> pd.Series:
    return (days >= pd.Timestamp(date_from)) & (days <= pd.Timestamp(date_to))


# --------------------------------------------------------------------------------------------
# Sessions and doses
# --------------------------------------------------------------------------------------------


def sessions(platform: Platform, date_from: str, date_to: str) -> pd.DataFrame:
    visits = _active_visits(platform)
    visits = visits[_in_period(visits["session_date"], date_from, date_to)]
    result = visits["screening_result"]
    flags = pd.DataFrame(
        {
            "facility_id": visits["facility_id"],
            "date": visits["session_date"],
            "checked_in": 1,
            "screened": visits["screened_at"].notna().astype(int),
            "eligible": (result == "eligible").astype(int),
            "deferred": (result == "deferred").astype(int),
            "contraindicated": (result == "contraindicated").astype(int),
            "referred": (result == "referred").astype(int),
            "doses": visits["injected_at"].notna().astype(int),
        }
    )
    out = flags.groupby(["facility_id", "date"], as_index=False)[SESSION_COUNTS].sum()
    out = out[out["checked_in"] > 0]
    out["date"] = _fmt(out["date"])
    return _finish(out, "sessions")


def doses(platform: Platform, date_from: str, date_to: str) -> pd.DataFrame:
    visits = _active_visits(platform)
    visits = visits[
        visits["injected_at"].notna() & _in_period(visits["session_date"], date_from, date_to)
    ]
    keys = ["facility_id", "session_date", "vaccine_code", "dose_number", "dose_kind"]
    out = (
        visits.groupby(keys, as_index=False, dropna=False)
        .size()
        .rename(columns={"session_date": "date", "size": "doses"})
    )
    out["date"] = _fmt(out["date"])
    dose_number = pd.to_numeric(out["dose_number"])
    # Injected visits should all carry a dose number; keep a missing one visible if not.
    out["dose_number"] = dose_number.astype("Int64" if dose_number.isna().any() else "int64")
    return _finish(out, "doses")


# --------------------------------------------------------------------------------------------
# Coverage
# --------------------------------------------------------------------------------------------


def persons(platform: Platform) -> pd.DataFrame:
    """citizen_id -> person, the person's residence commune and birth year.

    A person is the national_id when one is recorded (non-empty after stripping), else the
    citizen_id; the residence is that of the most recently updated of the person's rows.
    Reading: ties on updated_at go to the larger citizen_id, so the answer is deterministic;
    the birth year is that of the same row (missing when its birth date is missing or not a
    date).
    """
    citizens = platform.table("citizen").copy()
    text = citizens["birth_date"].astype(object).map(lambda v: None if pd.isna(v) else str(v))
    born = pd.to_datetime(text.str.strip().str[:10], format="%Y-%m-%d", errors="coerce")
    citizens["birth_year"] = born.dt.year.astype("Int64")
    has_nid = citizens["national_id"].notna()
    citizens["person"] = np.where(
        has_nid, "nid:" + citizens["national_id"].fillna(""), "cid:" + citizens["citizen_id"]
    )
    latest = citizens.sort_values(["person", "updated_at", "citizen_id"]).drop_duplicates(
        "person", keep="last"
    )[["person", "residence_commune_code", "birth_year"]]
    return citizens[["citizen_id", "person"]].merge(latest, on="person", how="left")


def _first_full_day(primary: pd.DataFrame) -> pd.Series:
    """Per person, the first day their primary visits cover N distinct dose numbers.

    N is the smallest `primary_series_doses` among the vaccines of the primary visits up to
    that day. Both sides only move one way as days pass (the count of distinct dose numbers
    grows, the minimum N shrinks), so once a person is fully vaccinated they stay so: the
    status as of D is "first full day <= D".
    """
    frame = primary.sort_values(["person", "session_date"], kind="stable").copy()
    # A dose number counts from the first day it appears in the person's history.
    frame["new_dose_number"] = (
        frame["dose_number"].notna() & ~frame.duplicated(["person", "dose_number"], keep="first")
    ).astype(int)
    series = pd.to_numeric(frame["primary_series_doses"]).astype("float64")
    frame["series"] = series.fillna(np.inf)  # unknown vaccine: no N, never full
    by_person = frame.groupby("person", sort=False)
    frame["distinct_so_far"] = by_person["new_dose_number"].cumsum()
    frame["n_so_far"] = by_person["series"].cummin()
    # Several visits on one day: the state at the end of the day is the day's last row.
    end_of_day = frame.drop_duplicates(["person", "session_date"], keep="last")
    full = end_of_day[end_of_day["distinct_so_far"] >= end_of_day["n_so_far"]]
    return full.groupby("person")["session_date"].min()


def _cumulative_by_commune(
    first_days: pd.Series, residence: pd.Series, communes: list[str], days: pd.DatetimeIndex
) -> pd.Series:
    """Persons whose first day is on or before each day, per commune: (commune, day) -> n."""
    events = pd.DataFrame({"commune": residence.reindex(first_days.index), "day": first_days})
    events = events[events["commune"].isin(communes) & (events["day"] <= days[-1])]
    # Anything before the period is already in the count on the period's first day.
    events["day"] = events["day"].clip(lower=days[0])
    new = events.groupby(["commune", "day"]).size()
    grid = pd.MultiIndex.from_product([communes, days], names=["commune", "day"])
    new = new.reindex(grid, fill_value=0)
    return new.groupby(level="commune", sort=False).cumsum()


# Target groups (METRICS.md, "Age and target groups"): (youngest, oldest) age in the year, None
# where open. Age on day D = year(D) - birth year.
GROUPS: dict[str, tuple[int | None, int | None]] = {
    "all": (None, None),
    "18+": (18, None),
    "12-17": (12, 17),
    "5-11": (5, 11),
    "50+": (50, None),
    "65+": (65, None),
}
CENSUS_YEAR = 2019
# Reading: a birth year is valid when it lies between 1900 and the year of the day counted.
FIRST_VALID_BIRTH_YEAR = 1900


def in_group(birth_year: pd.Series, group: str, year: int) -> pd.Series:
    """Whether people of these birth years belong to `group` on a day of `year`."""
    youngest, oldest = GROUPS[group]
    if youngest is None:
        return pd.Series(True, index=birth_year.index)
    valid = birth_year.notna() & (birth_year >= FIRST_VALID_BIRTH_YEAR) & (birth_year <= year)
    age = year - birth_year
    keep = valid & (age >= youngest)
    if oldest is not None:
        keep &= age <= oldest
    return keep.fillna(False).astype(bool)


def _band_bounds(band: str) -> tuple[int, int | None]:
    """`0-04` -> (0, 4); `85+` -> (85, None)."""
    if band.endswith("+"):
        return int(band[:-1]), None
    first, last = band.split("-")
    return int(first), int(last)


@functools.cache
def district_population(group: str, year: int) -> dict[str, Fraction]:
    """METRICS.md "Denominators", per district: each census band spread evenly over its single
    years, aged forward by year - 2019; a group's ages in `year` are ages
    [youngest - shift, oldest - shift] at the census. Exact fractions."""
    ages = pd.read_csv(DISTRICT_AGE_CSV, dtype={"district_code": str})
    youngest, oldest = GROUPS[group]
    shift = year - CENSUS_YEAR
    out: dict[str, Fraction] = {}
    for row in ages.itertuples(index=False):
        first, last = _band_bounds(row.age_band)
        count = Fraction(int(row.population_2019))
        if youngest is None:
            part = count
        elif last is None:  # the open band: wholly in an open group reaching down to it
            assert oldest is not None or youngest - shift <= first
            part = count if oldest is None else Fraction(0)
        else:
            low = youngest - shift
            high = last if oldest is None else oldest - shift
            overlap = max(0, min(last, high) - max(first, low) + 1)
            part = count * overlap / (last - first + 1)
        out[row.district_code] = out.get(row.district_code, Fraction(0)) + part
    return out


@functools.cache
def commune_population(group: str, year: int) -> pd.Series:
    """commune_code -> the commune's population of `group` in `year`: its district's share of
    the group times its own 2019 total, rounded to whole persons (halves up)."""
    communes = pd.read_csv(COMMUNES_CSV, dtype=str)
    totals = communes.assign(p=communes["population_2019"].astype(int))
    district_total = totals.groupby("district_code")["p"].sum()
    group_pop = district_population(group, year)
    values = {}
    for row in totals.itertuples(index=False):
        share = group_pop[row.district_code] / int(district_total[row.district_code])
        values[row.commune_code] = int(math.floor(share * row.p + Fraction(1, 2)))
    return pd.Series(values)


def coverage(platform: Platform, date_from: str, date_to: str) -> pd.DataFrame:
    days = _days(date_from, date_to)
    communes = load_communes()
    commune_codes = communes["commune_code"].tolist()

    people = persons(platform)
    person_rows = people.drop_duplicates("person").set_index("person")
    residence = person_rows["residence_commune_code"]
    birth_year = person_rows["birth_year"]
    visits = _active_visits(platform)
    visits = visits[visits["injected_at"].notna() & (visits["session_date"] <= days[-1])]
    # Assigning a visit to a person needs its citizen row: no row, no person.
    visits = visits.merge(people[["citizen_id", "person"]], on="citizen_id", how="inner")

    first_dose = visits.groupby("person")["session_date"].min()
    boosted = visits[visits["dose_kind"] == "booster"].groupby("person")["session_date"].min()
    primary = visits[visits["dose_kind"] == "primary"].merge(
        platform.table("vaccine")[["vaccine_code", "primary_series_doses"]],
        on="vaccine_code",
        how="left",
    )
    full = _first_full_day(primary)
    firsts = {"people_1plus": first_dose, "people_full": full, "people_boosted": boosted}

    district_of = communes.set_index("commune_code")["district_code"]
    parts = []
    for group in GROUPS:
        for year in sorted(set(days.year)):
            year_days = days[days.year == year]
            members = birth_year.index[in_group(birth_year, group, year).to_numpy()]
            tables = {
                name: _cumulative_by_commune(
                    first[first.index.isin(members)], residence, commune_codes, days
                )
                for name, first in firsts.items()
            }
            long = pd.DataFrame(tables).rename_axis(["commune_code", "day"]).reset_index()
            long = long[long["day"].isin(year_days)]
            metrics = list(tables)
            commune_rows = long.assign(area_code=long["commune_code"], area_level="commune")
            district_rows = (
                long.assign(area_code=long["commune_code"].map(district_of))
                .groupby(["area_code", "day"], as_index=False)[metrics]
                .sum()
                .assign(area_level="district")
            )
            province_rows = (
                long.groupby("day", as_index=False)[metrics]
                .sum()
                .assign(area_code=PROVINCE_CODE, area_level="province")
            )
            pop = commune_population(group, year)
            population = {
                **pop.to_dict(),
                **pop.groupby(district_of.reindex(pop.index).to_numpy()).sum().to_dict(),
                PROVINCE_CODE: int(pop.sum()),
            }
            part = pd.concat([commune_rows, district_rows, province_rows], ignore_index=True)
            part["target_group"] = group
            part["population"] = part["area_code"].map(population)
            parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["date"] = _fmt(out["day"])
    return _finish(out, "coverage")


# --------------------------------------------------------------------------------------------
# Stock
# --------------------------------------------------------------------------------------------

_FLOW_OF_TYPE = {
    "receipt": "received",
    "transfer_in": "received",
    "transfer_out": "issued_out",
    "administered": "administered",
    "wasted": "wasted",
    "adjustment": "adjustment",
}
_FLOWS = ["received", "issued_out", "administered", "wasted", "adjustment"]


def stock(platform: Platform, date_from: str, date_to: str) -> pd.DataFrame:
    days = _days(date_from, date_to)
    store_ids = platform.table("store")["store_id"]
    txns = platform.table("stock_transaction")
    txns = txns[txns["store_id"].isin(store_ids) & (txns["txn_date"] <= days[-1])].copy()
    reports = platform.table("stock_report")
    reports = reports[reports["store_id"].isin(store_ids) & (reports["report_date"] <= days[-1])]

    # Daily flows per store, vaccine and day, one column per flow.
    txns["flow"] = txns["txn_type"].map(_FLOW_OF_TYPE)
    txns = txns[txns["flow"].notna()]
    pair = ["store_id", "vaccine_code"]
    flows = (
        txns.pivot_table(
            index=[*pair, "txn_date"],
            columns="flow",
            values="quantity_doses",
            aggfunc="sum",
            fill_value=0,
        )
        .reindex(columns=_FLOWS, fill_value=0)
        .rename_axis(columns=None)
        .reset_index()
        .rename(columns={"txn_date": "day"})
    )
    flows["net"] = (
        flows["received"]
        - flows["issued_out"]
        - flows["administered"]
        - flows["wasted"]
        + flows["adjustment"]
    )

    # Each store and vaccine starts on its first transaction or report.
    starts = (
        pd.concat(
            [
                txns[[*pair, "txn_date"]].rename(columns={"txn_date": "day"}),
                reports[[*pair, "report_date"]].rename(columns={"report_date": "day"}),
            ]
        )
        .groupby(pair, as_index=False)["day"]
        .min()
        .rename(columns={"day": "first_day"})
    )
    grid = starts.merge(pd.DataFrame({"day": days}), how="cross")
    grid = grid[grid["day"] >= grid["first_day"]].drop(columns="first_day")

    # On hand at the end of each day: everything up to the day before the period, then a
    # running sum through the period.
    opening = (
        flows[flows["day"] < days[0]].groupby(pair)["net"].sum().rename("opening").reset_index()
    )
    out = grid.merge(flows, on=[*pair, "day"], how="left")
    out[[*_FLOWS, "net"]] = out[[*_FLOWS, "net"]].fillna(0)
    out = out.merge(opening, on=pair, how="left")
    out["opening"] = out["opening"].fillna(0)
    out = out.sort_values([*pair, "day"])
    out["on_hand"] = out.groupby(pair)["net"].cumsum() + out["opening"]

    # The declaration is the latest submission for that store, vaccine and day.
    declared = (
        reports.sort_values(["submitted_at", "report_id"], kind="stable")
        .drop_duplicates([*pair, "report_date"], keep="last")[
            [*pair, "report_date", "remaining_doses"]
        ]
        .rename(columns={"report_date": "day", "remaining_doses": "declared_remaining"})
    )
    out = out.merge(declared, on=[*pair, "day"], how="left")
    out["declared_remaining"] = pd.to_numeric(out["declared_remaining"]).astype("float64")
    out["date"] = _fmt(out["day"])
    return _finish(out, "stock")


# --------------------------------------------------------------------------------------------
# Certificates
# --------------------------------------------------------------------------------------------


def certificates(platform: Platform, date_from: str, date_to: str) -> pd.DataFrame:
    """Issued and backlog per facility and day.

    Reading: "certificates issued" does not look at the visit's status (METRICS.md does not
    say so, unlike AEFI); the visit row is still needed to find the facility.
    """
    days = _days(date_from, date_to)
    visits = platform.table("visit")
    certs = platform.table("certificate").merge(
        visits[["visit_id", "facility_id"]], on="visit_id", how="inner"
    )
    valid = certs[certs["revoked_at"].isna()].copy()
    valid["day"] = _local_day(valid["issued_at"])

    issued = (
        valid[_in_period(valid["day"], date_from, date_to)]
        .groupby(["facility_id", "day"])
        .size()
        .rename("issued")
    )

    # A visit is in the backlog on the days D with session_date < D < first certificate day:
    # from the day after the session up to the day before its first unrevoked certificate.
    injected = _active_visits(platform)
    injected = injected[injected["injected_at"].notna()]
    first_cert = valid.groupby("visit_id")["day"].min().rename("cert_day")
    pending = injected[["visit_id", "facility_id", "session_date"]].merge(
        first_cert, on="visit_id", how="left"
    )
    one_day = pd.Timedelta(days=1)
    pending["start"] = (pending["session_date"] + one_day).clip(lower=days[0])
    pending["stop"] = (pending["cert_day"] - one_day).fillna(days[-1]).clip(upper=days[-1])
    pending = pending[pending["start"] <= pending["stop"]]
    # Count overlapping intervals: +1 on each first day, -1 on the day after each last day,
    # then a running sum over the period's days for every facility.
    changes = pd.concat(
        [
            pd.DataFrame(
                {"facility_id": pending["facility_id"], "day": pending["start"], "change": 1}
            ),
            pd.DataFrame(
                {
                    "facility_id": pending["facility_id"],
                    "day": pending["stop"] + one_day,
                    "change": -1,
                }
            ),
        ]
    )
    changes = changes.groupby(["facility_id", "day"])["change"].sum()
    facilities = sorted(
        set(changes.index.get_level_values(0)) | set(issued.index.get_level_values(0))
    )
    grid = pd.MultiIndex.from_product([facilities, days], names=["facility_id", "day"])
    # Reindexing drops the -1s dated the day after the period, which no day in it sees.
    backlog = changes.reindex(grid, fill_value=0).groupby(level="facility_id").cumsum()
    backlog = backlog.rename("backlog")

    out = pd.concat([issued, backlog], axis=1).fillna(0).reset_index()
    out = out[(out["issued"] > 0) | (out["backlog"] > 0)]
    out["date"] = _fmt(out["day"])
    return _finish(out, "certificates")


# --------------------------------------------------------------------------------------------
# AEFI
# --------------------------------------------------------------------------------------------


def aefi(platform: Platform, date_from: str, date_to: str) -> pd.DataFrame:
    reports = platform.table("aefi_report").merge(
        _active_visits(platform)[["visit_id", "facility_id"]], on="visit_id", how="inner"
    )
    reports["day"] = _local_day(reports["onset_at"])
    reports = reports[_in_period(reports["day"], date_from, date_to)]
    out = reports.groupby(["facility_id", "day", "severity"], as_index=False, dropna=False).size()
    out = out.rename(columns={"size": "reports"})
    out["date"] = _fmt(out["day"])
    return _finish(out, "aefi")


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------

_BUILDERS = {
    "sessions": sessions,
    "doses": doses,
    "coverage": coverage,
    "stock": stock,
    "certificates": certificates,
    "aefi": aefi,
}


def reference_dataset(
    platform_url: str,
    dataset: str,
    date_from: str | dt.date,
    date_to: str | dt.date,
    excluded: Mapping[str, Iterable] | None = None,
) -> pd.DataFrame:
    """One dataset of METRICS.md for days date_from..date_to (inclusive), from the platform.

    `excluded` = {platform table: primary keys} of rows to treat as absent (ETL rejects).
    """
    if dataset not in _BUILDERS:
        raise ValueError(f"unknown dataset {dataset!r}; expected one of {DATASETS}")
    date_from, date_to = str(date_from), str(date_to)
    if date_from > date_to:
        raise ValueError(f"empty period {date_from}..{date_to}")
    return _BUILDERS[dataset](Platform(platform_url, excluded), date_from, date_to)


# --------------------------------------------------------------------------------------------
# Scopes
# --------------------------------------------------------------------------------------------


def restrict_to_scope(
    frame: pd.DataFrame,
    dataset: str,
    platform_url: str,
    scope: str,
    excluded: Mapping[str, Iterable] | None = None,
) -> pd.DataFrame:
    """The rows of a reference dataset that belong to an area (province, district or commune).

    Facility rows belong to the area of the facility's commune; coverage rows to the area itself
    and the areas inside it; a store to the area of its `area_code`, or of its facility's commune.
    """
    if scope == PROVINCE_CODE:
        return frame.reset_index(drop=True)
    if dataset == "coverage":
        keep = frame["area_code"].isin(_areas_inside(scope))
    else:
        members = _members(Platform(platform_url, excluded), scope)
        keep = (
            frame["store_id"].isin(members.stores)
            if dataset == "stock"
            else frame["facility_id"].isin(members.facilities)
        )
    return frame[keep].reset_index(drop=True)


def _areas_inside(scope: str) -> set[str]:
    """A district's code and its communes' codes, or a commune's own code."""
    communes = load_communes()
    if scope in set(communes["district_code"]):
        return set(communes.loc[communes["district_code"] == scope, "commune_code"]) | {scope}
    if scope in set(communes["commune_code"]):
        return {scope}
    raise ValueError(f"unknown area code {scope!r}")


# --------------------------------------------------------------------------------------------
# Operations views (not exports): AEFI by lot, transfers between stores, late sites
# --------------------------------------------------------------------------------------------

VIEWS = ("aefi_by_lot", "transfers", "late_sites")
VIEW_KEYS: dict[str, list[str]] = {
    "aefi_by_lot": ["vaccine_code", "lot_number"],
    "transfers": ["kind", "from_store_id", "to_store_id", "vaccine_code"],
    "late_sites": ["facility_id", "date"],
}


@dataclass(frozen=True)
class _Members:
    """The facilities and stores of an area; None for the whole province (everything)."""

    facilities: set[str] | None
    stores: set[str] | None


def _members(platform: Platform, scope: str) -> _Members:
    """An area's facilities (by the facility's commune) and stores (by the store's area_code,
    or its facility's commune), as `restrict_to_scope` reads them."""
    if scope == PROVINCE_CODE:
        return _Members(None, None)
    inside = _areas_inside(scope)
    facilities = platform.table("facility")
    facility_ids = set(facilities.loc[facilities["commune_code"].isin(inside), "facility_id"])
    stores = platform.table("store")
    in_scope = stores["area_code"].isin(inside) | stores["facility_id"].isin(facility_ids)
    return _Members(facility_ids, set(stores.loc[in_scope, "store_id"]))


def _within(values: pd.Series, members: set[str] | None) -> pd.Series:
    return pd.Series(True, index=values.index) if members is None else values.isin(members)


def aefi_by_lot(
    platform: Platform, date_from: str, date_to: str, members: _Members
) -> pd.DataFrame:
    """AEFI reports on active visits with a local onset day in the period, by the visit's
    vaccine and lot ('' when the visit has none): mild, serious, reports and the number of
    distinct sites. Only lots with a report."""
    visits = _active_visits(platform)[["visit_id", "facility_id", "vaccine_code", "lot_number"]]
    reports = platform.table("aefi_report").merge(visits, on="visit_id", how="inner")
    reports["day"] = _local_day(reports["onset_at"])
    reports = reports[
        _in_period(reports["day"], date_from, date_to)
        & _within(reports["facility_id"], members.facilities)
    ]
    frame = pd.DataFrame(
        {
            "vaccine_code": reports["vaccine_code"].fillna(""),
            "lot_number": reports["lot_number"].fillna(""),
            "facility_id": reports["facility_id"],
            "mild": (reports["severity"] == "mild").astype(int),
            "serious": (reports["severity"] == "serious").astype(int),
        }
    )
    out = frame.groupby(["vaccine_code", "lot_number"], as_index=False).agg(
        mild=("mild", "sum"), serious=("serious", "sum"), sites=("facility_id", "nunique")
    )
    out["reports"] = out["mild"] + out["serious"]
    out = out[out["reports"] > 0]
    columns = ["vaccine_code", "lot_number", "reports", "mild", "serious", "sites"]
    return out[columns].sort_values(VIEW_KEYS["aefi_by_lot"]).reset_index(drop=True)


def transfers(platform: Platform, date_from: str, date_to: str, members: _Members) -> pd.DataFrame:
    """Doses received in the period per sender, receiver and vaccine.

    Transfers: `transfer_in` rows dated in the period (the receiver's day), the sender being
    the row's counterparty ('' when none), kept when the receiver or the sender is a store of
    the area. Receipts: `receipt` rows of the area's stores dated in the period (sender '').
    Reading: a transaction whose store is not in the store table counts nowhere.
    """
    store_ids = platform.table("store")["store_id"]
    txns = platform.table("stock_transaction")
    txns = txns[
        txns["store_id"].isin(store_ids) & _in_period(txns["txn_date"], date_from, date_to)
    ].copy()
    txns["from_store_id"] = txns["counterparty_store_id"].fillna("")
    moved = txns[txns["txn_type"] == "transfer_in"]
    moved = moved[
        _within(moved["store_id"], members.stores) | _within(moved["from_store_id"], members.stores)
    ].assign(kind="transfer")
    received = txns[(txns["txn_type"] == "receipt") & _within(txns["store_id"], members.stores)]
    received = received.assign(kind="receipt", from_store_id="")
    both = pd.concat([moved, received], ignore_index=True).rename(
        columns={"store_id": "to_store_id"}
    )
    keys = VIEW_KEYS["transfers"]
    out = both.groupby(keys, as_index=False)["quantity_doses"].sum()
    out = out.rename(columns={"quantity_doses": "doses"})
    out["doses"] = out["doses"].astype("int64")
    return out[out["doses"] > 0].sort_values(keys).reset_index(drop=True)


def late_sites(platform: Platform, date_from: str, date_to: str, members: _Members) -> pd.DataFrame:
    """Site-days of the period with an approved plan at an active site (`active` true or not
    recorded) and no active visit, no stock report, or neither.

    Reading: a site reported its stock on D when a stock_report row of any vaccine, dated D,
    belongs to one of its stores (a store whose facility_id is the site); a site without a
    store never reports. planned_doses sums the plans' doses (missing counts as 0).
    """
    facilities = platform.table("facility")
    active = facilities["active"].isna() | facilities["active"].astype("boolean").fillna(True)
    sites = set(facilities.loc[active.astype(bool), "facility_id"])
    plans = platform.table("vaccination_plan")
    plans = plans[
        (plans["status"] == "approved")
        & plans["facility_id"].isin(sites)
        & _in_period(plans["session_date"], date_from, date_to)
        & _within(plans["facility_id"], members.facilities)
    ].copy()
    plans["planned_doses"] = pd.to_numeric(plans["planned_doses"]).fillna(0)
    planned = plans.groupby(["facility_id", "session_date"], as_index=False)["planned_doses"].sum()
    visits = _active_visits(platform)
    visited = set(zip(visits["facility_id"], visits["session_date"], strict=True))
    stores = platform.table("store")
    site_of = stores.dropna(subset=["facility_id"]).set_index("store_id")["facility_id"]
    reports = platform.table("stock_report")
    reports = reports[reports["store_id"].isin(site_of.index)]
    reported = set(zip(reports["store_id"].map(site_of), reports["report_date"], strict=True))
    pairs = list(zip(planned["facility_id"], planned["session_date"], strict=True))
    planned["no_visits"] = [p not in visited for p in pairs]
    planned["no_stock_report"] = [p not in reported for p in pairs]
    out = planned[planned["no_visits"] | planned["no_stock_report"]].copy()
    out["missing"] = np.select(
        [out["no_visits"] & out["no_stock_report"], out["no_visits"]],
        ["both", "visits"],
        "stock_report",
    )
    out["date"] = _fmt(out["session_date"])
    out["planned_doses"] = out["planned_doses"].astype("int64")
    columns = ["facility_id", "date", "planned_doses", "missing"]
    return out[columns].sort_values(VIEW_KEYS["late_sites"]).reset_index(drop=True)


_VIEW_BUILDERS = {"aefi_by_lot": aefi_by_lot, "transfers": transfers, "late_sites": late_sites}


def reference_view(
    platform_url: str,
    view: str,
    date_from: str | dt.date,
    date_to: str | dt.date,
    excluded: Mapping[str, Iterable] | None = None,
    scope: str = PROVINCE_CODE,
) -> pd.DataFrame:
    """One operations view (VIEWS) for days date_from..date_to and an area (the province, a
    district or a commune code), from the platform; `excluded` as for `reference_dataset`."""
    if view not in _VIEW_BUILDERS:
        raise ValueError(f"unknown view {view!r}; expected one of {VIEWS}")
    platform = Platform(platform_url, excluded)
    return _VIEW_BUILDERS[view](platform, str(date_from), str(date_to), _members(platform, scope))
