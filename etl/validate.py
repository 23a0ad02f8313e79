"""Validating prepared rows: for each, the reason it cannot be loaded (or None)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from etl import bounds
from etl.contract import BY_NAME
from etl.transform import (
    DEFERRAL_REASONS,
    DOSE_KINDS,
    PLAN_STATUSES,
    PROBLEM,
    SCREENING_RESULTS,
    SEVERITIES,
    STORE_LEVELS,
    TXN_TYPES,
    VISIT_STATUSES,
)
from warehouse import reference, schema


class Known:
    """What the warehouse holds already (plus this run's valid rows), for reference checks."""

    def __init__(self) -> None:
        self.vaccines: set[str] = set()
        self.facilities: set[str] = set()
        self.stores: set[str] = set()
        self.visit_exists: Callable[[pd.Series], pd.Series] = lambda s: s.isna() & False
        # Whether each visit's citizen is known (prepared visit rows in, booleans out).
        self.citizen_exists: Callable[[pd.DataFrame], pd.Series] = lambda df: df.index == df.index


class Rules:
    """Collects the first failing rule of each row."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.reason = pd.Series(pd.NA, index=frame.index, dtype="string")

    def check(self, bad: pd.Series, message: str | Callable[[pd.Series], pd.Series]) -> None:
        """`message`: the reason, or a function giving it for the failing rows only."""
        bad = bad.fillna(True).astype(bool) & self.reason.isna()
        if bad.any():
            self.reason[bad] = message(bad) if callable(message) else message


def _not_in(s: pd.Series, allowed: set[str]) -> pd.Series:
    return ~s.isin(list(allowed))


def _quoted(prefix: str, s: pd.Series) -> Callable[[pd.Series], pd.Series]:
    """The reason "prefix 'value'" of failing rows (built only for those: building it for
    millions of rows that pass took seconds)."""
    return lambda bad: prefix + " '" + s[bad].astype("string").fillna("") + "'"


def _negative(s: pd.Series, column: str) -> tuple[pd.Series, Callable[[pd.Series], pd.Series]]:
    return s.notna() & (s < 0), _quoted(f"{column} must not be negative, got", s)


def _outside_campaign(days: pd.Series, column: str) -> tuple[pd.Series, Callable]:
    text = days.dt.strftime("%Y-%m-%d")
    quoted = _quoted(column, text)
    return bounds.outside_campaign(days), lambda bad: quoted(bad) + " " + bounds.campaign_text()


def validate(table: str, df: pd.DataFrame, known: Known) -> pd.Series:
    """The reason each row cannot be loaded, or <NA> when it can."""
    spec = schema.metadata.tables[table]
    pk = next(iter(spec.primary_key.columns)).name
    r = Rules(df)
    r.check(df[pk].isna(), f"missing {BY_NAME[table].key}")
    r.check(df["updated_at"].isna(), "missing or unreadable updated_at")
    if PROBLEM in df:
        r.check(df[PROBLEM].notna(), lambda bad: df[PROBLEM][bad])
    if table == "vaccine":
        r.check(
            df["primary_series_doses"].isna() | (df["primary_series_doses"] < 1),
            "primary_series_doses missing or below 1",
        )
    elif table == "facility":
        r.check(df["district_code"].isna(), _quoted("unknown commune_code", df["commune_code"]))
    elif table == "store":
        r.check(_not_in(df["level"], STORE_LEVELS), _quoted("unknown store level", df["level"]))
        valid_area = (df["area_code"] == reference.PROVINCE_CODE) | df["district_code"].notna()
        r.check(~valid_area, _quoted("unknown area_code", df["area_code"]))
        has_fac = df["facility_id"].notna()
        r.check(
            has_fac & _not_in(df["facility_id"], known.facilities),
            _quoted("unknown facility_id", df["facility_id"]),
        )
    elif table == "citizen":
        r.check(
            ~df["residence_commune_code"].str.fullmatch(r"\d{5}").fillna(False),
            _quoted("malformed residence_commune_code", df["residence_commune_code"]),
        )
        r.check(
            df["sex"].notna() & _not_in(df["sex"], {"M", "F"}), _quoted("unknown sex", df["sex"])
        )
        year, last = df["birth_year"], bounds.last_birth_year()
        r.check(
            year.notna() & ((year < bounds.FIRST_BIRTH_YEAR) | (year > last)),
            lambda bad: (
                _quoted("birth year", year)(bad) + f" outside {bounds.FIRST_BIRTH_YEAR}..{last}"
            ),
        )
    elif table == "vaccination_plan":
        r.check(df["session_date"].isna(), "missing or unreadable session_date")
        r.check(*_outside_campaign(df["session_date"], "session_date"))
        r.check(*_negative(df["planned_doses"], "planned_doses"))
        r.check(_not_in(df["status"], PLAN_STATUSES), _quoted("unknown plan status", df["status"]))
        r.check(
            _not_in(df["facility_id"], known.facilities),
            _quoted("unknown facility_id", df["facility_id"]),
        )
    elif table == "visit":
        r.check(df["citizen_key"].isna(), "missing citizen_id")
        r.check(df["session_date"].isna(), "missing or unreadable session_date")
        r.check(*_outside_campaign(df["session_date"], "session_date"))
        r.check(
            _not_in(df["status"], VISIT_STATUSES), _quoted("unknown visit status", df["status"])
        )
        r.check(
            _not_in(df["facility_id"], known.facilities),
            _quoted("unknown facility_id", df["facility_id"]),
        )
        result = df["screening_result"]
        r.check(
            result.notna() & _not_in(result, SCREENING_RESULTS),
            _quoted("unknown screening_result", result),
        )
        reason = df["deferral_reason"]
        r.check(
            reason.notna() & _not_in(reason, DEFERRAL_REASONS),
            _quoted("unknown deferral_reason", reason),
        )
        injected = df["injected_at"].notna()
        r.check(
            injected & _not_in(df["vaccine_code"], known.vaccines),
            _quoted("injected with unknown vaccine_code", df["vaccine_code"]),
        )
        dose = df["dose_number"]
        r.check(injected & dose.isna(), "injected without a valid dose_number")
        r.check(
            injected & ((dose < 1) | (dose > bounds.MAX_DOSE_NUMBER)),
            lambda bad: (
                _quoted("injected with dose_number", dose)(bad)
                + f" outside 1..{bounds.MAX_DOSE_NUMBER}"
            ),
        )
        r.check(
            injected & _not_in(df["dose_kind"], DOSE_KINDS),
            _quoted("injected with unknown dose_kind", df["dose_kind"]),
        )
        # Last: the look-up of citizens the run has not loaded costs a query.
        unchecked = r.reason.isna()
        if unchecked.any():
            known_citizen = known.citizen_exists(df[unchecked])
            r.check(
                ~known_citizen.reindex(df.index, fill_value=True),
                "unknown citizen_id (no such citizen loaded)",
            )
    elif table in ("certificate", "aefi_report"):
        ts_col = "issued_at" if table == "certificate" else "onset_at"
        r.check(df[ts_col].isna(), f"missing or unreadable {ts_col}")
        if table == "aefi_report":
            r.check(
                _not_in(df["severity"], SEVERITIES), _quoted("unknown severity", df["severity"])
            )
        r.check(~known.visit_exists(df["visit_id"]), _quoted("unknown visit_id", df["visit_id"]))
    elif table == "stock_transaction":
        r.check(df["txn_date"].isna(), "missing or unreadable txn_date")
        r.check(*_outside_campaign(df["txn_date"], "txn_date"))
        r.check(_not_in(df["txn_type"], TXN_TYPES), _quoted("unknown txn_type", df["txn_type"]))
        qty = df["quantity_doses"]
        r.check(qty.isna(), "missing quantity_doses")
        r.check(
            (df["txn_type"] != "adjustment") & (qty <= 0),
            _quoted("quantity_doses must be positive, got", qty),
        )
        r.check(_not_in(df["store_id"], known.stores), _quoted("unknown store_id", df["store_id"]))
        r.check(
            _not_in(df["vaccine_code"], known.vaccines),
            _quoted("unknown vaccine_code", df["vaccine_code"]),
        )
    elif table == "stock_report":
        r.check(df["report_date"].isna(), "missing or unreadable report_date")
        r.check(*_outside_campaign(df["report_date"], "report_date"))
        for column in ("received_doses", "administered_doses", "remaining_doses"):
            r.check(*_negative(df[column], column))
        r.check(_not_in(df["store_id"], known.stores), _quoted("unknown store_id", df["store_id"]))
        r.check(
            _not_in(df["vaccine_code"], known.vaccines),
            _quoted("unknown vaccine_code", df["vaccine_code"]),
        )
    return r.reason
