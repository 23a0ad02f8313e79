"""The platform's source contract (PLATFORM.md): tables, columns and keys the ETL reads."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa


@dataclass(frozen=True)
class SourceTable:
    name: str
    key: str
    columns: tuple[str, ...]


def _t(name: str, key: str, columns: str) -> SourceTable:
    return SourceTable(name, key, tuple(columns.split()))


# Order matters: referenced tables load before the tables that refer to them.
SOURCE_TABLES: tuple[SourceTable, ...] = (
    _t(
        "vaccine",
        "vaccine_code",
        "vaccine_code name manufacturer doses_per_vial primary_series_doses updated_at",
    ),
    _t(
        "facility",
        "facility_id",
        "facility_id name facility_type commune_code address latitude longitude tables_count "
        "vaccinators_count emergency_staff_count person_in_charge person_in_charge_title active "
        "updated_at",
    ),
    _t("store", "store_id", "store_id name level area_code facility_id updated_at"),
    _t(
        "citizen",
        "citizen_id",
        # Names and phone numbers are never read; national_id only to derive person keys.
        "citizen_id national_id birth_date sex residence_commune_code priority_group updated_at",
    ),
    _t(
        "vaccination_plan",
        "plan_id",
        "plan_id facility_id session_date vaccine_code planned_doses status approved_at updated_at",
    ),
    _t(
        "visit",
        "visit_id",
        "visit_id citizen_id facility_id session_date checked_in_at screened_at screening_result "
        "deferral_reason injected_at vaccine_code lot_number dose_number dose_kind observed_until "
        "immediate_reaction status recorded_at updated_at",
    ),
    _t(
        "certificate",
        "certificate_id",
        # citizen_id and dose_number are there too; the certificate's visit has both.
        "certificate_id visit_id issued_at revoked_at updated_at",
    ),
    _t(
        "aefi_report",
        "aefi_id",
        "aefi_id visit_id citizen_id onset_at reported_at severity outcome channel updated_at",
    ),
    _t(
        "stock_transaction",
        "txn_id",
        "txn_id store_id txn_date vaccine_code lot_number expiry_date txn_type quantity_doses "
        "counterparty_store_id waste_reason updated_at",
    ),
    _t(
        "stock_report",
        "report_id",
        "report_id store_id report_date vaccine_code received_doses administered_doses "
        "remaining_doses submitted_at updated_at",
    ),
)
BY_NAME = {t.name: t for t in SOURCE_TABLES}


class ContractError(RuntimeError):
    """The platform database does not have the tables and columns of the contract."""


def check_platform(conn: sa.Connection) -> None:
    """Raise ContractError naming every missing table and column."""
    inspector = sa.inspect(conn)
    present = set(inspector.get_table_names())
    problems = []
    for table in SOURCE_TABLES:
        if table.name not in present:
            problems.append(f"table {table.name!r} is missing")
            continue
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        missing = [c for c in table.columns if c not in columns]
        if missing:
            problems.append(f"table {table.name!r} lacks column(s) {', '.join(missing)}")
    if problems:
        raise ContractError(
            "the platform database does not follow the source contract (PLATFORM.md): "
            + "; ".join(problems)
        )
