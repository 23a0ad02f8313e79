"""The platform schema (see the project's platform contract) for SQLite and PostgreSQL.

Column kinds: text, int, real, bool, ts (timezone-aware timestamp), date.
In memory, ts columns hold int64 UTC seconds, date columns int64 day indices and int/bool
columns int64, each with NA_INT (the int64 minimum) for NULL; text and real columns are object
arrays with None for NULL.
"""

from __future__ import annotations

TABLES: dict[str, list[tuple[str, str]]] = {
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
        ("updated_at", "ts"),
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
        ("updated_at", "ts"),
    ],
    "vaccination_plan": [
        ("plan_id", "text"),
        ("facility_id", "text"),
        ("session_date", "date"),
        ("vaccine_code", "text"),
        ("planned_doses", "int"),
        ("status", "text"),
        ("approved_at", "ts"),
        ("updated_at", "ts"),
    ],
    "visit": [
        ("visit_id", "text"),
        ("citizen_id", "text"),
        ("facility_id", "text"),
        ("session_date", "date"),
        ("checked_in_at", "ts"),
        ("screened_at", "ts"),
        ("screening_result", "text"),
        ("deferral_reason", "text"),
        ("injected_at", "ts"),
        ("vaccine_code", "text"),
        ("lot_number", "text"),
        ("dose_number", "int"),
        ("dose_kind", "text"),
        ("observed_until", "ts"),
        ("immediate_reaction", "text"),
        ("status", "text"),
        ("recorded_at", "ts"),
        ("updated_at", "ts"),
    ],
    "certificate": [
        ("certificate_id", "text"),
        ("visit_id", "text"),
        ("citizen_id", "text"),
        ("dose_number", "int"),
        ("issued_at", "ts"),
        ("revoked_at", "ts"),
        ("updated_at", "ts"),
    ],
    "aefi_report": [
        ("aefi_id", "text"),
        ("visit_id", "text"),
        ("citizen_id", "text"),
        ("onset_at", "ts"),
        ("reported_at", "ts"),
        ("severity", "text"),
        ("outcome", "text"),
        ("channel", "text"),
        ("updated_at", "ts"),
    ],
    "vaccine": [
        ("vaccine_code", "text"),
        ("name", "text"),
        ("manufacturer", "text"),
        ("doses_per_vial", "int"),
        ("primary_series_doses", "int"),
        ("updated_at", "ts"),
    ],
    "store": [
        ("store_id", "text"),
        ("name", "text"),
        ("level", "text"),
        ("area_code", "text"),
        ("facility_id", "text"),
        ("updated_at", "ts"),
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
        ("updated_at", "ts"),
    ],
    "stock_report": [
        ("report_id", "text"),
        ("store_id", "text"),
        ("report_date", "date"),
        ("vaccine_code", "text"),
        ("received_doses", "int"),
        ("administered_doses", "int"),
        ("remaining_doses", "int"),
        ("submitted_at", "ts"),
        ("updated_at", "ts"),
    ],
}

# Order matters only for readability of the database; there are no foreign keys on purpose
# (the platform is not clean, and the ETL must see orphans to reject them).
TABLE_ORDER = (
    "vaccine",
    "facility",
    "store",
    "citizen",
    "vaccination_plan",
    "visit",
    "certificate",
    "aefi_report",
    "stock_transaction",
    "stock_report",
)

META_TABLE = "sim_meta"

# The ETL pulls increments by updated_at; the other indexes are cheap lookups on small tables
# (the big tables keep only updated_at so that the build stays fast).
INDEXES: dict[str, list[tuple[str, ...]]] = {
    "facility": [("updated_at",)],
    "citizen": [("updated_at",)],
    "vaccination_plan": [("updated_at",), ("facility_id", "session_date")],
    "visit": [("updated_at",)],
    "certificate": [("updated_at",)],
    "aefi_report": [("updated_at",), ("visit_id",)],
    "vaccine": [("updated_at",)],
    "store": [("updated_at",)],
    "stock_transaction": [("updated_at",), ("store_id", "txn_date")],
    "stock_report": [("updated_at",), ("store_id", "report_date")],
}

_SQLITE_TYPES = {
    "text": "TEXT",
    "int": "INTEGER",
    "real": "REAL",
    "bool": "INTEGER",
    "ts": "TEXT",
    "date": "TEXT",
}
_PG_TYPES = {
    "text": "text",
    "int": "integer",
    "real": "double precision",
    "bool": "boolean",
    "ts": "timestamptz",
    "date": "date",
}


def primary_key(table: str) -> str:
    return TABLES[table][0][0]


def column_names(table: str) -> list[str]:
    return [c for c, _ in TABLES[table]]


def create_table_sql(table: str, dialect: str) -> str:
    types = _SQLITE_TYPES if dialect == "sqlite" else _PG_TYPES
    cols = []
    for i, (name, kind) in enumerate(TABLES[table]):
        null = " PRIMARY KEY" if i == 0 else (" NOT NULL" if name == "updated_at" else "")
        cols.append(f"{name} {types[kind]}{null}")
    return f"CREATE TABLE {table} (\n  " + ",\n  ".join(cols) + "\n)"


def create_index_sql(table: str) -> list[str]:
    return [
        f"CREATE INDEX IF NOT EXISTS ix_{table}_{'_'.join(cols)} ON {table} ({', '.join(cols)})"
        for cols in INDEXES[table]
    ]


def create_meta_sql() -> str:
    return f"CREATE TABLE {META_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
