"""Clean, pseudonymise and validate source rows into warehouse-shaped frames.

`prepare_*` turn a raw source frame into a frame with exactly the warehouse table's columns
(typed; personal data replaced by keyed hashes); etl/validate.py checks them. Prepared rows
are what the rejects table keeps, so a rejected row can be validated again in a later run
without its personal data.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from etl.arrowutil import arrow_strings
from etl.pseudonym import Pseudonymizer
from warehouse import reference, schema

LOCAL_OFFSET = pd.Timedelta(hours=7)  # Asia/Ho_Chi_Minh, no daylight saving

SCREENING_RESULTS = {"eligible", "deferred", "contraindicated", "referred"}
DEFERRAL_REASONS = {
    "acute_illness",
    "fever",
    "uncontrolled_chronic",
    "recent_covid",
    "pregnancy",
    "allergy_history",
    "recent_other_vaccine",
    "other",
}
DOSE_KINDS = {"primary", "additional", "booster"}
VISIT_STATUSES = {"active", "voided"}
REACTIONS = {"none", "mild", "serious"}
FACILITY_TYPES = {"commune_station", "district_centre", "hospital", "mobile", "private", "other"}
STORE_LEVELS = {"province", "district", "facility"}
TXN_TYPES = {"receipt", "transfer_out", "transfer_in", "administered", "wasted", "adjustment"}
WASTE_REASONS = {"opened_vial_expired", "broken", "cold_chain", "expired", "other"}
PLAN_STATUSES = {"draft", "approved", "cancelled"}
SEVERITIES = {"mild", "serious"}


# --- parsing helpers ----------------------------------------------------------------------
def clean_text(s: pd.Series) -> pd.Series:
    """NFC, look-alike letters fixed (U+00D0 'Ð' -> U+0110 'Đ'), spaces collapsed."""
    s = s.astype("string")
    s = s.str.normalize("NFC").str.replace("Ð", "Đ", regex=False).str.replace("ð", "đ")
    s = s.str.replace(r"\s+", " ", regex=True).str.strip()
    return s.mask(s == "")


def code(s: pd.Series) -> pd.Series:
    """An identifier or code: text, trimmed, empty as missing."""
    s = s.astype("string").str.strip()
    return s.mask(s == "")


def _arrow_text(s: pd.Series) -> pa.Array | pa.ChunkedArray:
    """The values as an Arrow string array, empty strings as nulls."""
    arr = arrow_strings(s)
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.large_string()), arr)


def timestamp(s: pd.Series) -> pd.Series:
    """UTC timestamps from ISO-8601 text (any offset) or database values; bad values -> NaT."""
    if pd.api.types.is_datetime64_any_dtype(s):
        out = s if getattr(s.dt, "tz", None) is not None else s.dt.tz_localize("UTC")
        return out.dt.tz_convert("UTC")
    try:  # Arrow parses well-formed ISO 8601 (with or without an offset) in C++
        parsed = pc.cast(_arrow_text(s), pa.timestamp("us", tz="UTC"))
        return pd.Series(parsed.to_pandas().array, index=s.index)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, TypeError):
        # Malformed values somewhere: parse value by value, bad ones becoming NaT.
        return pd.to_datetime(s.astype("string"), utc=True, errors="coerce", format="ISO8601")


def day(s: pd.Series) -> pd.Series:
    """Calendar dates (as midnight timestamps, no zone); bad values -> NaT."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.dt.tz_localize(None).dt.normalize() if s.dt.tz is not None else s.dt.normalize()
    try:
        text = pc.utf8_slice_codeunits(pc.utf8_trim_whitespace(_arrow_text(s)), 0, 10)
        parsed = pc.cast(pc.cast(text, pa.date32()), pa.timestamp("s"))
        return pd.Series(parsed.to_pandas().array, index=s.index).astype("datetime64[s]")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, TypeError):
        text = s.astype("string").str.strip().str.slice(0, 10)
        return pd.to_datetime(text, errors="coerce", format="%Y-%m-%d")


def local_day(ts: pd.Series) -> pd.Series:
    return (ts + LOCAL_OFFSET).dt.tz_localize(None).dt.normalize()


def integer(s: pd.Series) -> pd.Series:
    if not pd.api.types.is_numeric_dtype(s):
        try:  # plain digits, the usual case, convert in C++
            ints = pc.cast(_arrow_text(s), pa.int64())
            return pd.Series(ints.to_pandas(types_mapper=_INT64.get).array, index=s.index)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, TypeError):
            pass
    values = pd.to_numeric(s, errors="coerce")
    # A fraction is no count: 1.5 doses is unreadable, not 2 (unreadable() says so).
    return values.where(values == values.round()).astype("Int64")


_INT64 = {pa.int64(): pd.Int64Dtype()}


def _present(raw: pd.Series) -> pd.Series:
    """Whether each raw value is there (not NULL, not an empty text)."""
    if pd.api.types.is_numeric_dtype(raw) or pd.api.types.is_datetime64_any_dtype(raw):
        return raw.notna()
    return pd.Series(_arrow_text(raw).is_valid().to_numpy(zero_copy_only=False), index=raw.index)


# A column of prepared rows (not stored, but kept with a rejected row): why the row cannot load
# as read, found while reading it. A value present in the source that could not be read (an
# unparseable timestamp, a fractional count, a boolean written 'yes') rejects the row rather
# than loading it as if the value were missing; so does a key the source holds twice.
PROBLEM = "_problem"


def unreadable(checks: list[tuple[pd.Series, pd.Series, str]]) -> pd.Series:
    """For each row, the first of `checks` (raw value, parsed value, what it should be) whose
    raw value is present but did not parse: "<column> '<value>' <what it should be>"."""
    index = checks[0][0].index
    reason = pd.Series(pd.NA, index=index, dtype="string")
    for raw, parsed, message in checks:
        failed = parsed.isna()
        if not failed.any():
            continue
        failed &= _present(raw)
        failed &= reason.isna()
        if failed.any():
            column, what = message.split(" ", 1)
            value = raw[failed].astype("string").str.slice(0, 40)
            reason[failed] = column + " '" + value + "' " + what
    return reason


def number(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce").astype("float64")


def boolean(s: pd.Series) -> pd.Series:
    text = s.astype("string").str.strip().str.lower()
    mapped = text.map({"1": True, "t": True, "true": True, "0": False, "f": False, "false": False})
    return mapped.astype("boolean")


# --- prepare: raw source frame -> warehouse-shaped frame ------------------------------------
def prepare_vaccine(raw: pd.DataFrame, pz: Pseudonymizer) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "vaccine_code": code(raw["vaccine_code"]),
            "name": clean_text(raw["name"]),
            "manufacturer": clean_text(raw["manufacturer"]),
            "doses_per_vial": integer(raw["doses_per_vial"]),
            "primary_series_doses": integer(raw["primary_series_doses"]),
            "updated_at": timestamp(raw["updated_at"]),
        }
    )


def prepare_facility(raw: pd.DataFrame, pz: Pseudonymizer) -> pd.DataFrame:
    communes = reference.communes().set_index("commune_code")["district_code"]
    commune = code(raw["commune_code"])
    lat, lon = number(raw["latitude"]), number(raw["longitude"])
    status = np.where(
        lat.isna() | lon.isna(),
        "missing",
        np.where(
            [reference.in_province(a, b) for a, b in zip(lat, lon, strict=True)],
            "ok",
            "outside_province",
        ),
    )
    active = boolean(raw["active"])
    return pd.DataFrame(
        {
            "facility_id": code(raw["facility_id"]),
            "name": clean_text(raw["name"]),
            "facility_type": code(raw["facility_type"]),
            "commune_code": commune,
            "district_code": commune.map(communes).astype("string"),
            "address": clean_text(raw["address"]),
            "latitude": lat,
            "longitude": lon,
            "coordinate_status": status,
            "tables_count": integer(raw["tables_count"]),
            "vaccinators_count": integer(raw["vaccinators_count"]),
            "emergency_staff_count": integer(raw["emergency_staff_count"]),
            "person_in_charge": clean_text(raw["person_in_charge"]),
            "person_in_charge_title": clean_text(raw["person_in_charge_title"]),
            "active": active,
            "updated_at": timestamp(raw["updated_at"]),
            PROBLEM: unreadable([(raw["active"], active, "active is not a boolean")]),
        }
    )


def prepare_store(raw: pd.DataFrame, pz: Pseudonymizer) -> pd.DataFrame:
    communes = reference.communes().set_index("commune_code")["district_code"]
    area = code(raw["area_code"])
    district = area.map(communes).astype("string")
    district = district.fillna(area.where(area.str.len() == 3))
    return pd.DataFrame(
        {
            "store_id": code(raw["store_id"]),
            "name": clean_text(raw["name"]),
            "level": code(raw["level"]),
            "area_code": area,
            "district_code": district,
            "facility_id": code(raw["facility_id"]),
            "updated_at": timestamp(raw["updated_at"]),
        }
    )


# A column of prepared citizen and visit rows that is not stored: an integer standing for the
# citizen (the same in both tables within one load), to match visits to citizens in memory.
# Columns whose names start with "_" never reach the warehouse.
CITIZEN_CODE = "_citizen_code"


def prepare_citizen(raw: pd.DataFrame, pz: Pseudonymizer) -> pd.DataFrame:
    citizen_id = code(raw["citizen_id"])
    national_id = pd.Series(
        pd.array(
            pc.replace_substring_regex(_arrow_text(raw["national_id"]), r"\s+", ""),
            dtype="string",
        ),
        index=raw.index,
    )
    national_id = national_id.mask(national_id == "")
    citizen_key, citizen_code = pz.hash_coded(citizen_id, "cid")
    person_key = pz.hash(national_id, "nid").fillna(citizen_key)
    birth = day(raw["birth_date"])
    return pd.DataFrame(
        {
            "citizen_key": citizen_key,
            CITIZEN_CODE: citizen_code,
            "person_key": person_key,
            "birth_year": birth.dt.year.astype("Int64"),
            "sex": code(raw["sex"]),
            "residence_commune_code": code(raw["residence_commune_code"]),
            "priority_group": integer(raw["priority_group"]),
            "updated_at": timestamp(raw["updated_at"]),
        }
    )


def prepare_vaccination_plan(raw: pd.DataFrame, pz: Pseudonymizer) -> pd.DataFrame:
    planned = integer(raw["planned_doses"])
    return pd.DataFrame(
        {
            "plan_id": code(raw["plan_id"]),
            "facility_id": code(raw["facility_id"]),
            "session_date": day(raw["session_date"]),
            "vaccine_code": code(raw["vaccine_code"]),
            "planned_doses": planned,
            "status": code(raw["status"]),
            "approved_at": timestamp(raw["approved_at"]),
            "updated_at": timestamp(raw["updated_at"]),
            PROBLEM: unreadable(
                [(raw["planned_doses"], planned, "planned_doses is not a whole number")]
            ),
        }
    )


def prepare_visit(raw: pd.DataFrame, pz: Pseudonymizer) -> pd.DataFrame:
    citizen_key, citizen_code = pz.hash_coded(code(raw["citizen_id"]), "cid")
    injected = timestamp(raw["injected_at"])
    dose = integer(raw["dose_number"])
    return pd.DataFrame(
        {
            "visit_id": code(raw["visit_id"]),
            "citizen_key": citizen_key,
            CITIZEN_CODE: citizen_code,
            "facility_id": code(raw["facility_id"]),
            "session_date": day(raw["session_date"]),
            "checked_in_at": timestamp(raw["checked_in_at"]),
            "screened_at": timestamp(raw["screened_at"]),
            "screening_result": code(raw["screening_result"]),
            "deferral_reason": code(raw["deferral_reason"]),
            "injected_at": injected,
            "vaccine_code": code(raw["vaccine_code"]),
            "lot_number": code(raw["lot_number"]),
            "dose_number": dose,
            "dose_kind": code(raw["dose_kind"]),
            "observed_until": timestamp(raw["observed_until"]),
            "immediate_reaction": code(raw["immediate_reaction"]),
            "status": code(raw["status"]),
            "recorded_at": timestamp(raw["recorded_at"]),
            "updated_at": timestamp(raw["updated_at"]),
            PROBLEM: unreadable(
                [
                    (raw["injected_at"], injected, "injected_at is not a timestamp"),
                    (raw["dose_number"], dose, "dose_number is not a whole number"),
                ]
            ),
        }
    )


def prepare_certificate(raw: pd.DataFrame, pz: Pseudonymizer) -> pd.DataFrame:
    issued = timestamp(raw["issued_at"])
    return pd.DataFrame(
        {
            "certificate_id": code(raw["certificate_id"]),
            "visit_id": code(raw["visit_id"]),
            "issued_at": issued,
            "issued_date": local_day(issued),
            "revoked_at": timestamp(raw["revoked_at"]),
            "updated_at": timestamp(raw["updated_at"]),
        }
    )


def prepare_aefi_report(raw: pd.DataFrame, pz: Pseudonymizer) -> pd.DataFrame:
    onset = timestamp(raw["onset_at"])
    return pd.DataFrame(
        {
            "aefi_id": code(raw["aefi_id"]),
            "visit_id": code(raw["visit_id"]),
            "citizen_key": pz.hash(code(raw["citizen_id"]), "cid"),
            "onset_at": onset,
            "onset_date": local_day(onset),
            "reported_at": timestamp(raw["reported_at"]),
            "severity": code(raw["severity"]),
            "outcome": code(raw["outcome"]),
            "channel": code(raw["channel"]),
            "updated_at": timestamp(raw["updated_at"]),
        }
    )


def prepare_stock_transaction(raw: pd.DataFrame, pz: Pseudonymizer) -> pd.DataFrame:
    quantity = integer(raw["quantity_doses"])
    return pd.DataFrame(
        {
            "txn_id": code(raw["txn_id"]),
            "store_id": code(raw["store_id"]),
            "txn_date": day(raw["txn_date"]),
            "vaccine_code": code(raw["vaccine_code"]),
            "lot_number": code(raw["lot_number"]),
            "expiry_date": day(raw["expiry_date"]),
            "txn_type": code(raw["txn_type"]),
            "quantity_doses": quantity,
            "counterparty_store_id": code(raw["counterparty_store_id"]),
            "waste_reason": code(raw["waste_reason"]),
            "updated_at": timestamp(raw["updated_at"]),
            PROBLEM: unreadable(
                [(raw["quantity_doses"], quantity, "quantity_doses is not a whole number")]
            ),
        }
    )


def prepare_stock_report(raw: pd.DataFrame, pz: Pseudonymizer) -> pd.DataFrame:
    counts = {
        c: integer(raw[c]) for c in ("received_doses", "administered_doses", "remaining_doses")
    }
    return pd.DataFrame(
        {
            "report_id": code(raw["report_id"]),
            "store_id": code(raw["store_id"]),
            "report_date": day(raw["report_date"]),
            "vaccine_code": code(raw["vaccine_code"]),
            **counts,
            "submitted_at": timestamp(raw["submitted_at"]),
            "updated_at": timestamp(raw["updated_at"]),
            PROBLEM: unreadable(
                [(raw[c], v, f"{c} is not a whole number") for c, v in counts.items()]
            ),
        }
    )


PREPARE: dict[str, Callable[[pd.DataFrame, Pseudonymizer], pd.DataFrame]] = {
    "vaccine": prepare_vaccine,
    "facility": prepare_facility,
    "store": prepare_store,
    "citizen": prepare_citizen,
    "vaccination_plan": prepare_vaccination_plan,
    "visit": prepare_visit,
    "certificate": prepare_certificate,
    "aefi_report": prepare_aefi_report,
    "stock_transaction": prepare_stock_transaction,
    "stock_report": prepare_stock_report,
}


# --- (de)serialising prepared rows for the rejects table --------------------------------------
def rows_to_json(df: pd.DataFrame) -> list[str]:
    """Prepared rows as JSON text (dates and timestamps in ISO 8601)."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].map(lambda v: None if pd.isna(v) else v.isoformat())
    records = out.astype(object).where(out.notna(), None).to_dict("records")
    if PROBLEM in out:  # kept only where there is one
        for r in records:
            if r[PROBLEM] is None:
                del r[PROBLEM]
    return [json.dumps(r, ensure_ascii=False, default=str) for r in records]


def rows_from_json(table: str, texts: list[str]) -> pd.DataFrame:
    """The inverse of rows_to_json, typed like prepare_* output."""
    spec = schema.metadata.tables[table]
    records = [json.loads(t) for t in texts]
    frame = pd.DataFrame(records, columns=[c.name for c in spec.columns])
    frame[PROBLEM] = pd.array([r.get(PROBLEM) for r in records], dtype="string")
    for col in spec.columns:
        s = frame[col.name]
        if isinstance(col.type, sa.DateTime):
            frame[col.name] = timestamp(s)
        elif isinstance(col.type, sa.Date):
            frame[col.name] = day(s)
        elif isinstance(col.type, sa.Integer):
            frame[col.name] = integer(s)
        elif isinstance(col.type, sa.Float):
            frame[col.name] = number(s)
        elif isinstance(col.type, sa.Boolean):
            frame[col.name] = s.astype("boolean")
        else:
            frame[col.name] = s.astype("string")
    return frame
