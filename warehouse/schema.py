"""The warehouse schema: reference dimensions, core tables, marts and ETL bookkeeping.

Core tables mirror the platform (PLATFORM.md) without personal data: citizens are keyed by a
keyed hash, names, national IDs and phones never arrive here, and birth dates are kept as years.
Marts are pre-aggregated read tables (declared in warehouse/schema_marts.py); the dashboard reads
only those.
Timestamps are UTC; the `*_date` columns are local calendar days (Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

import sqlalchemy as sa

from warehouse.columns import TS, D, F, I, T, _col, metadata
from warehouse.schema_marts import (
    mart_aefi_day,
    mart_certificate_day,
    mart_coverage_day,
    mart_coverage_group_day,
    mart_dose_day,
    mart_plan_day,
    mart_screening_day,
    mart_session_day,
    mart_stock_day,
    mart_stock_waste_day,
    mart_transfer_day,
    mart_wait,
)

SCHEMA_VERSION = "7"

# --- reference dimensions ------------------------------------------------------------------
area = sa.Table(
    "area",
    metadata,
    _col("area_code", T, pk=True),
    _col("area_level", T, nullable=False),  # province, district, commune
    _col("name", T, nullable=False),
    _col("area_type", T),  # Tỉnh, Huyện, Thành phố, Xã, Phường, Thị trấn
    _col("parent_code", T),
    _col("district_code", T),
    _col("latitude", F),
    _col("longitude", F),
    _col("location_quality", T),
    _col("valid_from", D),
    _col("valid_to", D),
)

# The population of each target group (METRICS.md, "Denominators") in each year: the census
# total for `all`, an estimate aged forward from the census's age bands for the others.
population = sa.Table(
    "population",
    metadata,
    _col("area_code", T, pk=True),
    _col("target_group", T, pk=True),  # all, 18+, 12-17, 5-11, 50+, 65+
    _col("year", I, pk=True),  # the year the population is estimated for
    _col("population", I, nullable=False),
    _col("source", T, nullable=False),
    _col("source_year", I, nullable=False),  # the census year
    _col("method", T, nullable=False),  # census (the total as counted) or aged_estimate
)

# --- core tables (from the platform) ---------------------------------------------------------
vaccine = sa.Table(
    "vaccine",
    metadata,
    _col("vaccine_code", T, pk=True),
    _col("name", T),
    _col("manufacturer", T),
    _col("doses_per_vial", I),
    _col("primary_series_doses", I, nullable=False),
    _col("updated_at", TS, nullable=False),
)

facility = sa.Table(
    "facility",
    metadata,
    _col("facility_id", T, pk=True),
    _col("name", T),
    _col("facility_type", T),
    _col("commune_code", T, nullable=False),
    _col("district_code", T, nullable=False),
    _col("address", T),
    _col("latitude", F),
    _col("longitude", F),
    _col("coordinate_status", T, nullable=False),  # ok, missing, outside_province
    _col("tables_count", I),
    _col("vaccinators_count", I),
    _col("emergency_staff_count", I),
    _col("person_in_charge", T),
    _col("person_in_charge_title", T),
    _col("active", sa.Boolean),
    _col("updated_at", TS, nullable=False),
)

store = sa.Table(
    "store",
    metadata,
    _col("store_id", T, pk=True),
    _col("name", T),
    _col("level", T, nullable=False),
    _col("area_code", T, nullable=False),
    _col("district_code", T),  # NULL for the province store
    _col("facility_id", T),
    _col("updated_at", TS, nullable=False),
)

citizen = sa.Table(
    "citizen",
    metadata,
    _col("citizen_key", T, pk=True),  # keyed hash of the platform citizen_id
    _col("person_key", T, nullable=False),  # keyed hash of national_id, else of citizen_id
    _col("birth_year", I),
    _col("sex", T),
    _col("residence_commune_code", T, nullable=False),
    _col("priority_group", I),
    _col("updated_at", TS, nullable=False),
    sa.Index("ix_citizen_person", "person_key"),
)

vaccination_plan = sa.Table(
    "vaccination_plan",
    metadata,
    _col("plan_id", T, pk=True),
    _col("facility_id", T, nullable=False),
    _col("session_date", D, nullable=False),
    _col("vaccine_code", T),
    _col("planned_doses", I),
    _col("status", T, nullable=False),
    _col("approved_at", TS),
    _col("updated_at", TS, nullable=False),
)

visit = sa.Table(
    "visit",
    metadata,
    _col("visit_id", T, pk=True),
    _col("citizen_key", T, nullable=False),
    _col("facility_id", T, nullable=False),
    _col("session_date", D, nullable=False),
    _col("checked_in_at", TS),
    _col("screened_at", TS),
    _col("screening_result", T),
    _col("deferral_reason", T),
    _col("injected_at", TS),
    _col("vaccine_code", T),
    _col("lot_number", T),
    _col("dose_number", I),
    _col("dose_kind", T),
    _col("observed_until", TS),
    _col("immediate_reaction", T),
    _col("status", T, nullable=False),
    _col("recorded_at", TS),
    _col("updated_at", TS, nullable=False),
    # For the marts of touched (facility, day) keys. Day first: the rows arrive nearly in day
    # order, and sorting on the day before the text builds the index in half the time.
    sa.Index("ix_visit_date_facility", "session_date", "facility_id"),
    sa.Index("ix_visit_citizen", "citizen_key"),
)

# The platform's citizen_id and dose_number are not kept: the certificate belongs to its visit,
# which has both, and nothing reads them here (4 M rows on the whole province).
certificate = sa.Table(
    "certificate",
    metadata,
    _col("certificate_id", T, pk=True),
    _col("visit_id", T, nullable=False),
    _col("issued_at", TS, nullable=False),
    _col("issued_date", D, nullable=False),
    _col("revoked_at", TS),
    _col("updated_at", TS, nullable=False),
    sa.Index("ix_certificate_visit", "visit_id"),
    # For the certificates issued on the facility-days an incremental load touched.
    sa.Index("ix_certificate_issued", "issued_date"),
)

aefi_report = sa.Table(
    "aefi_report",
    metadata,
    _col("aefi_id", T, pk=True),
    _col("visit_id", T, nullable=False),
    _col("citizen_key", T),
    _col("onset_at", TS, nullable=False),
    _col("onset_date", D, nullable=False),
    _col("reported_at", TS),
    _col("severity", T, nullable=False),
    _col("outcome", T),
    _col("channel", T),
    _col("updated_at", TS, nullable=False),
    sa.Index("ix_aefi_visit", "visit_id"),
    sa.Index("ix_aefi_onset", "onset_date"),  # the reports of touched days
)

stock_transaction = sa.Table(
    "stock_transaction",
    metadata,
    _col("txn_id", T, pk=True),
    _col("store_id", T, nullable=False),
    _col("txn_date", D, nullable=False),
    _col("vaccine_code", T, nullable=False),
    _col("lot_number", T),
    _col("expiry_date", D),
    _col("txn_type", T, nullable=False),
    _col("quantity_doses", I, nullable=False),
    _col("counterparty_store_id", T),
    _col("waste_reason", T),
    _col("updated_at", TS, nullable=False),
    sa.Index("ix_stock_txn_store", "store_id", "vaccine_code", "txn_date"),
    sa.Index("ix_stock_txn_expiry", "expiry_date"),  # lots near expiry
)

stock_report = sa.Table(
    "stock_report",
    metadata,
    _col("report_id", T, pk=True),
    _col("store_id", T, nullable=False),
    _col("report_date", D, nullable=False),
    _col("vaccine_code", T, nullable=False),
    _col("received_doses", I),
    _col("administered_doses", I),
    _col("remaining_doses", I),
    _col("submitted_at", TS),
    _col("updated_at", TS, nullable=False),
    sa.Index("ix_stock_report_store", "store_id", "vaccine_code", "report_date"),
)

# --- derived person grain (never read by the dashboard) --------------------------------------
person_vax = sa.Table(
    "person_vax",
    metadata,
    _col("person_key", T, pk=True),
    _col("residence_commune_code", T, nullable=False),
    _col("birth_year", I),  # that of the citizen row the residence comes from
    _col("first_dose_date", D),
    _col("full_date", D),
    _col("boosted_date", D),
    sa.Index("ix_person_vax_commune", "residence_commune_code"),
)

# The end_date of a wait that has not ended (a date: both dialects index it with the others).
STILL_WAITING = "2199-12-31"

# Each person's waits for their next dose (etl/due.py): one row per day on which they were
# injected and after which a next dose is expected (`primary` while the primary series is
# incomplete, then `booster`; none once boosted), until the day of their next dose.
person_wait = sa.Table(
    "person_wait",
    metadata,
    _col("person_key", T, pk=True),
    _col("start_date", D, pk=True),  # the day of the dose the wait follows
    _col("residence_commune_code", T, nullable=False),
    _col("vaccine_code", T, nullable=False),  # the vaccine of that dose
    _col("next_kind", T, nullable=False),  # primary, booster
    _col("end_date", D, nullable=False),  # the next dose's day; STILL_WAITING if none yet
)

# --- ETL bookkeeping --------------------------------------------------------------------------
warehouse_meta = sa.Table(
    "warehouse_meta",
    metadata,
    _col("key", T, pk=True),
    _col("value", T, nullable=False),
)

etl_run = sa.Table(
    "etl_run",
    metadata,
    sa.Column("run_id", I, primary_key=True, autoincrement=True),
    _col("started_at", TS, nullable=False),
    _col("finished_at", TS),
    _col("status", T, nullable=False),  # success, failed
    _col("platform_high_water", TS),
    _col("rows_extracted", I),
    _col("rows_loaded", I),
    _col("rows_rejected", I),
    _col("seconds", F),
    _col("details", T),  # JSON: per-table counts and per-step timings
    _col("error", T),
)

etl_watermark = sa.Table(
    "etl_watermark",
    metadata,
    _col("source_table", T, pk=True),
    _col("high_water", TS, nullable=False),
    _col("run_id", I, nullable=False),
)

etl_reject = sa.Table(
    "etl_reject",
    metadata,
    _col("source_table", T, pk=True),
    _col("source_pk", T, pk=True),
    _col("reason", T, nullable=False),
    _col("row_json", T, nullable=False),  # the row after pseudonymisation: no personal data
    _col("source_updated_at", TS),
    _col("first_run_id", I, nullable=False),
    _col("last_run_id", I, nullable=False),
    _col("resolved_run_id", I),
)

# --- who may read the dashboard, and what they did (never written by the ETL) ---------------
app_user = sa.Table(
    "app_user",
    metadata,
    _col("user_name", T, pk=True),
    _col("password_hash", T),  # Argon2id (argon2-cffi's encoded form); NULL for provider sign-in
    _col("role", T, nullable=False),  # province, district, viewer
    _col("scope_code", T, nullable=False),  # 36 for the province, else a district code
    _col("active", sa.Boolean, nullable=False),
    _col("created_at", TS, nullable=False),
    _col("last_sign_in_at", TS),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("event_id", I, primary_key=True, autoincrement=True),
    _col("at", TS, nullable=False),
    _col("user_name", T, nullable=False),  # as typed for a failed sign-in
    _col("event", T, nullable=False),  # see warehouse/accounts.py: EVENTS
    _col("what", T),  # the file or dataset made, the page, or the reason
    _col("scope_code", T),
)

# A password sign-in kept across reloads and tabs of one browser: the browser's cookie holds a
# random token, this table only its SHA-256 (queries/sessions.py). Rows end at sign-out, after
# the idle time, and when the user is disabled or gets a new password.
app_session = sa.Table(
    "app_session",
    metadata,
    _col("token_hash", T, pk=True),  # hex SHA-256 of the cookie's token
    _col("user_name", T, nullable=False),
    _col("created_at", TS, nullable=False),
    _col("last_seen_at", TS, nullable=False),
    _col("expires_at", TS, nullable=False),  # last_seen_at + the idle time then in force
    sa.Index("ix_app_session_user", "user_name"),
)

ACCOUNT_TABLES = (app_user, audit_log, app_session)

CORE_TABLES = (
    vaccine,
    facility,
    store,
    citizen,
    vaccination_plan,
    visit,
    certificate,
    aefi_report,
    stock_transaction,
    stock_report,
)
MART_TABLES = (
    mart_session_day,
    mart_dose_day,
    mart_screening_day,
    mart_certificate_day,
    mart_aefi_day,
    mart_plan_day,
    mart_stock_day,
    mart_stock_waste_day,
    mart_transfer_day,
    mart_coverage_day,
    mart_coverage_group_day,
    mart_wait,
)
