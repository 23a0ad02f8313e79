"""Build platform databases (the PLATFORM.md schema) for tests, on SQLite or PostgreSQL.

The schema is written out here by hand from PLATFORM.md, independently of the simulator and the
ETL, so that a test built on it checks the product against the contract rather than against
itself. Storage follows the contract: on SQLite, timestamps are ISO 8601 text with an offset,
dates are `YYYY-MM-DD` text and booleans 0/1; on PostgreSQL they are timestamptz, date and
boolean. Only primary keys are constrained, so tests can also build dirty or broken platforms
(`omit_tables`, `omit_columns`, NULLs where the contract expects values).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# Column kinds: text, int, real, bool, date, timestamp. The first column is the primary key.
PLATFORM_SCHEMA: dict[str, list[tuple[str, str]]] = {
    "facility": [
        ("facility_id", "text"),
        ("name", "text"),
        ("facility_type", "text"),
        ("commune_code", "text"),
        ("address", "text"),
        ("latitude", "real"),
        ("longitude", "real"),
        ("tables_count", "int"),
        ("vaccinators_count", "int"),
        ("emergency_staff_count", "int"),
        ("person_in_charge", "text"),
        ("person_in_charge_title", "text"),
        ("active", "bool"),
        ("updated_at", "timestamp"),
    ],
    "citizen": [
        ("citizen_id", "text"),
        ("national_id", "text"),
        ("full_name", "text"),
        ("birth_date", "date"),
        ("sex", "text"),
        ("phone", "text"),
        ("residence_commune_code", "text"),
        ("priority_group", "int"),
        ("updated_at", "timestamp"),
    ],
    "vaccination_plan": [
        ("plan_id", "text"),
        ("facility_id", "text"),
        ("session_date", "date"),
        ("vaccine_code", "text"),
        ("planned_doses", "int"),
        ("status", "text"),
        ("approved_at", "timestamp"),
        ("updated_at", "timestamp"),
    ],
    "visit": [
        ("visit_id", "text"),
        ("citizen_id", "text"),
        ("facility_id", "text"),
        ("session_date", "date"),
        ("checked_in_at", "timestamp"),
        ("screened_at", "timestamp"),
        ("screening_result", "text"),
        ("deferral_reason", "text"),
        ("injected_at", "timestamp"),
        ("vaccine_code", "text"),
        ("lot_number", "text"),
        ("dose_number", "int"),
        ("dose_kind", "text"),
        ("observed_until", "timestamp"),
        ("immediate_reaction", "text"),
        ("status", "text"),
        ("recorded_at", "timestamp"),
        ("updated_at", "timestamp"),
    ],
    "certificate": [
        ("certificate_id", "text"),
        ("visit_id", "text"),
        ("citizen_id", "text"),
        ("dose_number", "int"),
        ("issued_at", "timestamp"),
        ("revoked_at", "timestamp"),
        ("updated_at", "timestamp"),
    ],
    "aefi_report": [
        ("aefi_id", "text"),
        ("visit_id", "text"),
        ("citizen_id", "text"),
        ("onset_at", "timestamp"),
        ("reported_at", "timestamp"),
        ("severity", "text"),
        ("outcome", "text"),
        ("channel", "text"),
        ("updated_at", "timestamp"),
    ],
    "vaccine": [
        ("vaccine_code", "text"),
        ("name", "text"),
        ("manufacturer", "text"),
        ("doses_per_vial", "int"),
        ("primary_series_doses", "int"),
        ("updated_at", "timestamp"),
    ],
    "store": [
        ("store_id", "text"),
        ("name", "text"),
        ("level", "text"),
        ("area_code", "text"),
        ("facility_id", "text"),
        ("updated_at", "timestamp"),
    ],
    "stock_transaction": [
        ("txn_id", "text"),
        ("store_id", "text"),
        ("txn_date", "date"),
        ("vaccine_code", "text"),
        ("lot_number", "text"),
        ("expiry_date", "date"),
        ("txn_type", "text"),
        ("quantity_doses", "int"),
        ("counterparty_store_id", "text"),
        ("waste_reason", "text"),
        ("updated_at", "timestamp"),
    ],
    "stock_report": [
        ("report_id", "text"),
        ("store_id", "text"),
        ("report_date", "date"),
        ("vaccine_code", "text"),
        ("received_doses", "int"),
        ("administered_doses", "int"),
        ("remaining_doses", "int"),
        ("submitted_at", "timestamp"),
        ("updated_at", "timestamp"),
    ],
}

PRIMARY_KEYS: dict[str, str] = {table: cols[0][0] for table, cols in PLATFORM_SCHEMA.items()}

_COLUMN_KINDS: dict[str, dict[str, str]] = {
    table: dict(cols) for table, cols in PLATFORM_SCHEMA.items()
}


def make_engine(url: str) -> sa.Engine:
    """An engine for a test database URL.

    SQLAlchemy 2.1 maps a bare `postgresql://` URL to the psycopg 3 driver; the project pins
    psycopg2, so fall back to it when psycopg 3 is not installed.
    """
    parsed = sa.make_url(url)
    if parsed.drivername == "postgresql" and importlib.util.find_spec("psycopg") is None:
        parsed = parsed.set(drivername="postgresql+psycopg2")
    return sa.create_engine(parsed)


def _sql_type(kind: str, dialect: str) -> sa.types.TypeEngine:
    if dialect == "sqlite":
        # Timestamps and dates stay text (ISO 8601 with offset / YYYY-MM-DD), booleans 0/1.
        return {
            "text": sa.Text(),
            "timestamp": sa.Text(),
            "date": sa.Text(),
            "int": sa.Integer(),
            "bool": sa.Integer(),
            "real": sa.Float(),
        }[kind]
    return {
        "text": sa.Text(),
        "timestamp": sa.TIMESTAMP(timezone=True),
        "date": sa.Date(),
        "int": sa.Integer(),
        "bool": sa.Boolean(),
        "real": postgresql.DOUBLE_PRECISION(),
    }[kind]


def _table(
    metadata: sa.MetaData, name: str, dialect: str, omit: Iterable[str] = (), keyed: bool = True
) -> sa.Table:
    omitted = set(omit)
    key = PRIMARY_KEYS[name]
    if key in omitted:
        raise ValueError(f"cannot omit the primary key {name}.{key}")
    columns = [
        sa.Column(col, _sql_type(kind, dialect), primary_key=keyed and (col == key))
        for col, kind in PLATFORM_SCHEMA[name]
        if col not in omitted
    ]
    return sa.Table(name, metadata, *columns)


def _to_timestamp(value: Any, dialect: str) -> Any:
    if value is None:
        return None
    if dialect == "sqlite":
        return value.isoformat() if isinstance(value, dt.datetime) else value
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return value  # let the server reject it: useful for broken-data tests
    return value


def _to_date(value: Any, dialect: str) -> Any:
    if value is None:
        return None
    if dialect == "sqlite":
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        return value.isoformat() if isinstance(value, dt.date) else value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _to_bool(value: Any, dialect: str) -> Any:
    if value is None:
        return None
    return int(bool(value)) if dialect == "sqlite" else bool(value)


def _storage_value(table: str, column: str, value: Any, dialect: str) -> Any:
    kind = _COLUMN_KINDS[table].get(column, "text")
    if kind == "timestamp":
        return _to_timestamp(value, dialect)
    if kind == "date":
        return _to_date(value, dialect)
    if kind == "bool":
        return _to_bool(value, dialect)
    return value


def _prepare_rows(
    table: str, columns: Sequence[str], rows: Iterable[Mapping[str, Any]], dialect: str
) -> list[dict[str, Any]]:
    """Rows with every existing column present (missing ones NULL), in storage form.

    Keys that are platform columns but absent from this database (omitted on purpose) are
    dropped; keys that are not platform columns at all are an error in the test itself.
    """
    known = set(columns)
    contract = set(_COLUMN_KINDS[table])
    prepared = []
    for row in rows:
        unknown = set(row) - known - contract
        if unknown:
            raise KeyError(f"{table}: no such platform column(s) {sorted(unknown)}")
        prepared.append({col: _storage_value(table, col, row.get(col), dialect) for col in columns})
    return prepared


def create_platform(
    url: str,
    tables: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    *,
    omit_tables: Iterable[str] = (),
    omit_columns: Mapping[str, Iterable[str]] | None = None,
    unkeyed: Iterable[str] = (),
) -> None:
    """Create every platform table at `url` (an empty database) and insert `tables`' rows.

    `tables` maps a table name to a list of dicts (missing columns are NULL). `omit_tables` and
    `omit_columns` leave tables or columns out, to build platforms that break the contract;
    `unkeyed` tables have no primary key (an export without constraints: duplicate or NULL
    keys).
    """
    tables = dict(tables or {})
    omitted_tables = set(omit_tables)
    omit_columns = {t: list(cols) for t, cols in (omit_columns or {}).items()}
    unknown = (set(tables) | omitted_tables | set(omit_columns)) - set(PLATFORM_SCHEMA)
    if unknown:
        raise KeyError(f"no such platform table(s): {sorted(unknown)}")
    engine = make_engine(url)
    try:
        dialect = engine.dialect.name
        metadata = sa.MetaData()
        built = {
            name: _table(
                metadata, name, dialect, omit_columns.get(name, ()), name not in set(unkeyed)
            )
            for name in PLATFORM_SCHEMA
            if name not in omitted_tables
        }
        with engine.begin() as conn:
            metadata.create_all(conn)
            for name, rows in tables.items():
                if name in omitted_tables or not rows:
                    continue
                table = built[name]
                conn.execute(
                    table.insert(),
                    _prepare_rows(name, [c.name for c in table.columns], rows, dialect),
                )
    finally:
        engine.dispose()


def _reflect(conn: sa.Connection, table: str) -> sa.Table:
    if table not in PLATFORM_SCHEMA:
        raise KeyError(f"no such platform table: {table}")
    return sa.Table(table, sa.MetaData(), autoload_with=conn)


def insert_rows(url: str, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows into an existing platform table (missing columns NULL)."""
    if not rows:
        return
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            target = _reflect(conn, table)
            prepared = _prepare_rows(
                table, [c.name for c in target.columns], rows, engine.dialect.name
            )
            conn.execute(target.insert(), prepared)
    finally:
        engine.dispose()


def update_rows(url: str, table: str, key: str, rows: Sequence[Mapping[str, Any]]) -> int:
    """Update existing rows matched on column `key`, setting the other columns given in each row.

    Like the platform, a caller that changes a row should also pass a new `updated_at`.
    Returns the number of rows updated.
    """
    engine = make_engine(url)
    updated = 0
    try:
        with engine.begin() as conn:
            target = _reflect(conn, table)
            dialect = engine.dialect.name
            for row in rows:
                if key not in row:
                    raise KeyError(f"{table}: row without key column {key!r}: {row}")
                values = {
                    col: _storage_value(table, col, value, dialect)
                    for col, value in row.items()
                    if col != key
                }
                unknown = set(values) - {c.name for c in target.columns}
                if unknown:
                    raise KeyError(f"{table}: no such column(s) {sorted(unknown)}")
                if not values:
                    continue
                result = conn.execute(
                    target.update().where(target.c[key] == row[key]).values(**values)
                )
                updated += result.rowcount
    finally:
        engine.dispose()
    return updated


# --------------------------------------------------------------------------------------------
# A small, hand-made, fully consistent platform.
#
# Facilities: F1 (commune 13633, district 356), F2 (commune 13771, district 359),
# F3 (hospital, commune 13633). Local time is UTC+7: "local HH:MM" in the comments below.
# The intended reporting period for tests is 2021-09-14 .. 2021-09-20.
# --------------------------------------------------------------------------------------------


def _ts(text: str) -> str:
    """A UTC timestamp literal: `_ts("2021-09-15 01:00")` -> `2021-09-15T01:00:00+00:00`."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC).isoformat()


def _visit(
    visit_id: str,
    citizen_id: str,
    facility_id: str,
    session_date: str,
    checked_in: str,
    *,
    result: str | None = "eligible",
    reason: str | None = None,
    injected: str | None = None,
    vaccine: str | None = None,
    dose: int | None = None,
    kind: str | None = None,
    status: str = "active",
    recorded: str | None = None,
    screened: bool = True,
) -> dict[str, Any]:
    checked_in_at = _ts(checked_in)
    screened_at = _ts(_plus_minutes(checked_in, 10)) if screened else None
    injected_at = _ts(injected) if injected else None
    recorded_at = _ts(recorded) if recorded else checked_in_at
    last_step = injected_at or screened_at or checked_in_at
    return {
        "visit_id": visit_id,
        "citizen_id": citizen_id,
        "facility_id": facility_id,
        "session_date": session_date,
        "checked_in_at": checked_in_at,
        "screened_at": screened_at,
        "screening_result": result if screened else None,
        "deferral_reason": reason,
        "injected_at": injected_at,
        "vaccine_code": vaccine,
        "lot_number": f"LOT-{vaccine}-01" if vaccine else None,
        "dose_number": dose,
        "dose_kind": kind,
        "observed_until": _ts(_plus_minutes(injected, 30)) if injected else None,
        "immediate_reaction": "none" if injected else None,
        "status": status,
        "recorded_at": recorded_at,
        "updated_at": max(recorded_at, last_step),
    }


def _plus_minutes(text: str, minutes: int) -> str:
    return (dt.datetime.fromisoformat(text) + dt.timedelta(minutes=minutes)).isoformat(sep=" ")


def tiny_platform_rows() -> dict[str, list[dict[str, Any]]]:
    """A small consistent platform; a fresh copy on every call (callers may mutate it).

    What it holds (tests/test_reference_metrics.py computes the expected metrics by hand):
    - person P1 = national_id 036090000001 on two citizen rows, C01 (commune 13633, updated
      2021-07-01) and C02 (commune 13771, updated 2021-08-01): one person living in 13771;
      AZ dose 1 under C01 on 2021-08-02, AZ dose 2 under C02 on 2021-09-16;
    - C03 (blank national_id: the person is the citizen row) JANSSEN, one dose, 2021-09-15;
    - C04 deferred, C05 contraindicated, C06 referred, C09 checked in but never screened,
      C15 eligible but not injected; C08 and C14 only have voided visits;
    - C07 lives outside Nam Định (Hà Nội commune 00004), PFIZER dose 1 at F1, no certificate;
    - C10 AZ 1 + AZ 2 before the period, PFIZER booster (dose 3) on 2021-09-17;
    - C11 AZ dose 1 on 2021-09-17, entered three days late, certificate late (2021-09-20);
    - C12 AZ dose 1 entered twice (2021-09-14 and 2021-09-18): one dose number, never full;
    - C13 MODERNA dose 1 + PFIZER dose 2 (mixed schedule), full on 2021-09-14.
    """
    updated = _ts("2021-03-01 00:00")
    facility = [
        {
            "facility_id": "F1",
            "name": "Trạm Y tế Phường Hạ Long",
            "facility_type": "commune_station",
            "commune_code": "13633",
            "address": "Phường Hạ Long, Thành phố Nam Định",
            "latitude": 20.4406,
            "longitude": 106.1753,
            "tables_count": 2,
            "vaccinators_count": 4,
            "emergency_staff_count": 2,
            "person_in_charge": "Nguyễn Văn An",
            "person_in_charge_title": "Trạm trưởng",
            "active": True,
            "updated_at": updated,
        },
        {
            "facility_id": "F2",
            "name": "Trung tâm Y tế huyện Vụ Bản",
            "facility_type": "district_centre",
            "commune_code": "13771",
            "address": "Xã Minh Tân, Huyện Vụ Bản",
            "latitude": None,  # coordinates may be missing
            "longitude": None,
            "tables_count": 3,
            "vaccinators_count": 6,
            "emergency_staff_count": 3,
            "person_in_charge": "Trần Thị Bình",
            "person_in_charge_title": "Giám đốc",
            "active": True,
            "updated_at": updated,
        },
        {
            "facility_id": "F3",
            "name": "Bệnh viện Đa khoa tỉnh Nam Định",
            "facility_type": "hospital",
            "commune_code": "13633",
            "address": "Thành phố Nam Định",
            "latitude": 20.43,
            "longitude": 106.18,
            "tables_count": 1,
            "vaccinators_count": 2,
            "emergency_staff_count": 4,
            "person_in_charge": "Lê Văn Cường",
            "person_in_charge_title": "Phó Giám đốc",
            "active": True,
            "updated_at": updated,
        },
    ]

    def citizen(cid, nid, commune, updated_at, sex="F", birth="1980-05-01", group=0):
        return {
            "citizen_id": cid,
            "national_id": nid,
            "full_name": f"Người dân {cid}",
            "birth_date": birth,
            "sex": sex,
            "phone": None,
            "residence_commune_code": commune,
            "priority_group": group,
            "updated_at": _ts(updated_at),
        }

    citizen_rows = [
        citizen("C01", "036090000001", "13633", "2021-07-01 02:00", sex="M"),
        citizen("C02", "036090000001", "13771", "2021-08-01 02:00", sex="M"),
        citizen("C03", "   ", "13633", "2021-06-01 02:00"),
        citizen("C04", None, "13633", "2021-06-01 02:00"),
        citizen("C05", "036090000005", "13633", "2021-06-01 02:00"),
        citizen("C06", "036090000006", "13771", "2021-06-01 02:00"),
        citizen("C07", "001090000007", "00004", "2021-06-01 02:00"),
        citizen("C08", "036090000008", "13633", "2021-06-01 02:00"),
        citizen("C09", "036090000009", "13771", "2021-06-01 02:00"),
        citizen("C10", "036090000010", "13771", "2021-05-01 02:00", group=1),
        citizen("C11", "036090000011", "13771", "2021-06-01 02:00"),
        citizen("C12", "036090000012", "13633", "2021-06-01 02:00"),
        citizen("C13", "036090000013", "13633", "2021-06-01 02:00"),
        citizen("C14", "036090000014", "13633", "2021-06-01 02:00"),
        citizen("C15", "036090000015", "13771", "2021-06-01 02:00"),
    ]

    v = _visit
    # fmt: off
    visits = [
        # Before the period.
        v("V01", "C01", "F1", "2021-08-02", "2021-08-02 01:00", injected="2021-08-02 01:20",
          vaccine="AZ", dose=1, kind="primary"),
        v("V10", "C10", "F2", "2021-06-01", "2021-06-01 01:00", injected="2021-06-01 01:20",
          vaccine="AZ", dose=1, kind="primary"),
        v("V11", "C10", "F2", "2021-08-20", "2021-08-20 01:00", injected="2021-08-20 01:20",
          vaccine="AZ", dose=2, kind="primary"),
        v("V16", "C13", "F3", "2021-08-10", "2021-08-10 02:00", injected="2021-08-10 02:20",
          vaccine="MODERNA", dose=1, kind="primary"),
        # 2021-09-14
        v("V14", "C12", "F1", "2021-09-14", "2021-09-14 01:00", injected="2021-09-14 01:20",
          vaccine="AZ", dose=1, kind="primary"),
        v("V17", "C13", "F3", "2021-09-14", "2021-09-14 02:00", injected="2021-09-14 02:20",
          vaccine="PFIZER", dose=2, kind="primary"),
        # 2021-09-15: F1 runs an evening session; V07 is injected at 23:50 local.
        v("V03", "C03", "F1", "2021-09-15", "2021-09-15 01:00", injected="2021-09-15 01:20",
          vaccine="JANSSEN", dose=1, kind="primary"),
        v("V04", "C04", "F1", "2021-09-15", "2021-09-15 01:30", result="deferred",
          reason="fever"),
        v("V05", "C05", "F1", "2021-09-15", "2021-09-15 02:00", result="contraindicated",
          reason="allergy_history"),
        v("V07", "C07", "F1", "2021-09-15", "2021-09-15 16:30", injected="2021-09-15 16:50",
          vaccine="PFIZER", dose=1, kind="primary"),
        v("V08", "C08", "F1", "2021-09-15", "2021-09-15 03:00", injected="2021-09-15 03:20",
          vaccine="AZ", dose=1, kind="primary", status="voided"),
        v("V06", "C06", "F2", "2021-09-15", "2021-09-15 01:00", result="referred",
          reason="uncontrolled_chronic"),
        # 2021-09-16
        v("V02", "C02", "F2", "2021-09-16", "2021-09-16 01:00", injected="2021-09-16 01:20",
          vaccine="AZ", dose=2, kind="primary"),
        v("V09", "C09", "F2", "2021-09-16", "2021-09-16 02:00", screened=False),
        # 2021-09-17; V13 was entered three days late.
        v("V12", "C10", "F2", "2021-09-17", "2021-09-17 01:00", injected="2021-09-17 01:20",
          vaccine="PFIZER", dose=3, kind="booster"),
        v("V13", "C11", "F2", "2021-09-17", "2021-09-17 02:00", injected="2021-09-17 02:20",
          vaccine="AZ", dose=1, kind="primary", recorded="2021-09-20 08:00"),
        # 2021-09-18: C12's dose 1 entered a second time; C15 eligible but no dose given.
        v("V15", "C12", "F1", "2021-09-18", "2021-09-18 01:00", injected="2021-09-18 01:20",
          vaccine="AZ", dose=1, kind="primary"),
        v("V19", "C15", "F1", "2021-09-18", "2021-09-18 02:00"),
        # 2021-09-19: F3's only visit of the day is voided.
        v("V18", "C14", "F3", "2021-09-19", "2021-09-19 01:00", injected="2021-09-19 01:20",
          vaccine="PFIZER", dose=1, kind="primary", status="voided"),
    ]
    # fmt: on

    def cert(cert_id, visit_id, citizen_id, dose, issued, revoked=None):
        issued_at = _ts(issued)
        revoked_at = _ts(revoked) if revoked else None
        return {
            "certificate_id": cert_id,
            "visit_id": visit_id,
            "citizen_id": citizen_id,
            "dose_number": dose,
            "issued_at": issued_at,
            "revoked_at": revoked_at,
            "updated_at": revoked_at or issued_at,
        }

    # fmt: off
    certificates = [
        cert("CE01", "V01", "C01", 1, "2021-08-02 05:00"),
        cert("CE09", "V10", "C10", 1, "2021-06-01 05:00"),
        cert("CE10", "V11", "C10", 2, "2021-08-20 05:00"),
        cert("CE11", "V16", "C13", 1, "2021-08-10 05:00"),
        cert("CE08", "V14", "C12", 1, "2021-09-14 09:00"),  # local 16:00 on 09-14
        cert("CE12", "V17", "C13", 2, "2021-09-14 17:05"),  # local 00:05 on 09-15
        cert("CE03", "V03", "C03", 1, "2021-09-16 17:30"),  # local 00:30 on 09-17
        cert("CE02", "V02", "C02", 2, "2021-09-16 03:00"),  # local 10:00 on 09-16
        # V12's first certificate was revoked; a new one was issued two days later.
        cert("CE06", "V12", "C10", 3, "2021-09-17 04:00", revoked="2021-09-18 02:00"),
        cert("CE07", "V12", "C10", 3, "2021-09-19 03:00"),
        cert("CE05", "V13", "C11", 1, "2021-09-20 02:00"),  # late certificate
        # V07 and V15 never get a certificate.
    ]
    # fmt: on

    def aefi(aefi_id, visit_id, citizen_id, onset, severity, channel="facility"):
        return {
            "aefi_id": aefi_id,
            "visit_id": visit_id,
            "citizen_id": citizen_id,
            "onset_at": _ts(onset),
            "reported_at": _ts(_plus_minutes(onset, 120)),
            "severity": severity,
            "outcome": "recovered" if severity == "mild" else "hospitalised",
            "channel": channel,
            "updated_at": _ts(_plus_minutes(onset, 120)),
        }

    # fmt: off
    aefi_reports = [
        aefi("A01", "V03", "C03", "2021-09-15 17:10", "mild", "app"),  # local 00:10 on 09-16
        aefi("A02", "V07", "C07", "2021-09-15 05:00", "mild"),  # local 12:00 on 09-15
        aefi("A03", "V08", "C08", "2021-09-15 04:00", "serious"),  # voided visit
        aefi("A04", "V02", "C02", "2021-09-16 10:00", "serious", "hotline"),
        aefi("A05", "V13", "C11", "2021-09-18 20:00", "mild", "app"),  # local 03:00 on 09-19
    ]
    # fmt: on

    def vaccine(code, name, maker, per_vial, series):
        return {
            "vaccine_code": code,
            "name": name,
            "manufacturer": maker,
            "doses_per_vial": per_vial,
            "primary_series_doses": series,
            "updated_at": updated,
        }

    vaccines = [
        vaccine("AZ", "Vaxzevria", "AstraZeneca", 10, 2),
        vaccine("PFIZER", "Comirnaty", "Pfizer-BioNTech", 6, 2),
        vaccine("MODERNA", "Spikevax", "Moderna", 10, 2),
        vaccine("JANSSEN", "Jcovden", "Janssen", 5, 1),
        vaccine("ABDALA", "Abdala", "CIGB", 10, 3),
    ]

    def store(store_id, name, level, area_code, facility_id=None):
        return {
            "store_id": store_id,
            "name": name,
            "level": level,
            "area_code": area_code,
            "facility_id": facility_id,
            "updated_at": updated,
        }

    stores = [
        store("S36", "Kho CDC Nam Định", "province", "36"),
        store("S359", "Kho TTYT Vụ Bản", "district", "359"),
        store("SF1", "Kho TYT Hạ Long", "facility", "13633", "F1"),
        store("SF2", "Kho điểm tiêm TTYT Vụ Bản", "facility", "13771", "F2"),
    ]

    def txn(txn_id, store, day, code, txn_type, qty, counterparty=None, reason=None):
        return {
            "txn_id": txn_id,
            "store_id": store,
            "txn_date": day,
            "vaccine_code": code,
            "lot_number": f"LOT-{code}-01",
            "expiry_date": "2021-12-31",
            "txn_type": txn_type,
            "quantity_doses": qty,
            "counterparty_store_id": counterparty,
            "waste_reason": reason,
            "updated_at": _ts(f"{day} 10:00"),
        }

    # fmt: off
    transactions = [
        txn("T01", "S36", "2021-09-10", "AZ", "receipt", 1000),
        txn("T02", "S36", "2021-09-13", "AZ", "transfer_out", 300, "S359"),
        txn("T03", "S359", "2021-09-14", "AZ", "transfer_in", 300, "S36"),
        txn("T15", "S36", "2021-09-14", "AZ", "receipt", 50),
        txn("T04", "S36", "2021-09-14", "AZ", "transfer_out", 200, "SF1"),
        txn("T05", "SF1", "2021-09-15", "AZ", "transfer_in", 200, "S36"),
        txn("T06", "S359", "2021-09-15", "AZ", "transfer_out", 100, "SF2"),
        txn("T07", "SF2", "2021-09-16", "AZ", "transfer_in", 100, "S359"),
        txn("T13", "S36", "2021-09-16", "PFIZER", "receipt", 600),
        txn("T12", "SF2", "2021-09-17", "AZ", "administered", 20),
        txn("T11", "SF2", "2021-09-17", "AZ", "adjustment", 5),
        txn("T08", "SF1", "2021-09-18", "AZ", "administered", 10),
        txn("T09", "SF1", "2021-09-18", "AZ", "wasted", 2, reason="opened_vial_expired"),
        txn("T10", "SF1", "2021-09-19", "AZ", "adjustment", -3),
    ]
    # fmt: on

    def report(report_id, store, day, code, received, administered, remaining, submitted):
        return {
            "report_id": report_id,
            "store_id": store,
            "report_date": day,
            "vaccine_code": code,
            "received_doses": received,
            "administered_doses": administered,
            "remaining_doses": remaining,
            "submitted_at": _ts(submitted),
            "updated_at": _ts(submitted),
        }

    # fmt: off
    stock_reports = [
        report("R05", "SF2", "2021-09-13", "PFIZER", 0, 0, 0, "2021-09-13 12:00"),
        report("R01", "SF1", "2021-09-15", "AZ", 200, 0, 200, "2021-09-15 10:00"),
        # Re-submission for the same day: the later one (188) is the declaration.
        report("R03", "SF1", "2021-09-18", "AZ", 0, 10, 188, "2021-09-19 01:00"),
        report("R02", "SF1", "2021-09-18", "AZ", 0, 10, 190, "2021-09-18 11:00"),
        report("R04", "SF2", "2021-09-17", "AZ", 0, 20, 80, "2021-09-18 02:00"),  # late
    ]
    # fmt: on

    def plan(plan_id, facility_id, day, code, doses, status):
        approved = _ts(f"{day} 00:00") if status == "approved" else None
        return {
            "plan_id": plan_id,
            "facility_id": facility_id,
            "session_date": day,
            "vaccine_code": code,
            "planned_doses": doses,
            "status": status,
            "approved_at": approved,
            "updated_at": approved or _ts(f"{day} 00:00"),
        }

    plans = [
        plan("P01", "F1", "2021-09-15", "AZ", 100, "approved"),
        plan("P02", "F2", "2021-09-16", "AZ", 50, "cancelled"),
        plan("P03", "F2", "2021-09-17", "AZ", 60, "approved"),
        plan("P04", "F1", "2021-09-18", "AZ", 80, "draft"),
    ]

    return {
        "facility": facility,
        "citizen": citizen_rows,
        "vaccination_plan": plans,
        "visit": visits,
        "certificate": certificates,
        "aefi_report": aefi_reports,
        "vaccine": vaccines,
        "store": stores,
        "stock_transaction": transactions,
        "stock_report": stock_reports,
    }
