"""The marts: pre-aggregated read tables, the only tables the dashboard reads (METRICS.md
defines each figure). Part of the warehouse schema (warehouse/schema.py)."""

from __future__ import annotations

import sqlalchemy as sa

from warehouse.columns import TS, D, F, I, T, _col, metadata

mart_session_day = sa.Table(
    "mart_session_day",
    metadata,
    _col("facility_id", T, pk=True),
    _col("date", D, pk=True),
    _col("checked_in", I, nullable=False),
    _col("screened", I, nullable=False),
    _col("eligible", I, nullable=False),
    _col("deferred", I, nullable=False),
    _col("contraindicated", I, nullable=False),
    _col("referred", I, nullable=False),
    _col("doses", I, nullable=False),
    _col("observed", I, nullable=False),  # injected visits with a recorded end of watch
    _col("reactions_mild", I, nullable=False),
    _col("reactions_serious", I, nullable=False),
    _col("first_injection_at", TS),
    _col("last_injection_at", TS),
    _col("screen_wait_minutes_sum", F),  # reception -> screening, over `screened`
    _col("inject_wait_minutes_sum", F),  # screening -> injection, over `doses`
    _col("recording_lag_days_sum", F),  # recorded_at - end of session day, over `doses`
    _col("recorded_late", I, nullable=False),  # injected visits recorded after the session day
)

mart_dose_day = sa.Table(
    "mart_dose_day",
    metadata,
    _col("facility_id", T, pk=True),
    _col("date", D, pk=True),
    _col("vaccine_code", T, pk=True),
    _col("dose_number", I, pk=True),
    _col("dose_kind", T, pk=True),
    _col("doses", I, nullable=False),
    _col("reactions_mild", I, nullable=False),
    _col("reactions_serious", I, nullable=False),
)

mart_screening_day = sa.Table(
    "mart_screening_day",
    metadata,
    _col("facility_id", T, pk=True),
    _col("date", D, pk=True),
    _col("screening_result", T, pk=True),  # deferred, contraindicated, referred
    _col("deferral_reason", T, pk=True),  # '' when the platform gave none
    _col("visits", I, nullable=False),
)

mart_certificate_day = sa.Table(
    "mart_certificate_day",
    metadata,
    _col("facility_id", T, pk=True),
    _col("date", D, pk=True),
    _col("issued", I, nullable=False),
    # backlog(D) = sum of backlog_in over days < D - sum of backlog_out over days <= D
    _col("backlog_in", I, nullable=False),
    _col("backlog_out", I, nullable=False),
    _col("lag_hours_sum", F),  # issued_at - injected_at over certificates issued that day
    _col("lag_count", I, nullable=False),
    # backlog(date), the facility's running total; on a later day D without a row,
    # backlog(D) = backlog + backlog_in of the facility's last row before D.
    _col("backlog", I),
)

mart_aefi_day = sa.Table(
    "mart_aefi_day",
    metadata,
    _col("facility_id", T, pk=True),
    _col("date", D, pk=True),
    _col("vaccine_code", T, pk=True),  # '' when the visit had no injection recorded
    _col("lot_number", T, pk=True),  # the visit's lot; '' when unknown
    _col("severity", T, pk=True),
    _col("outcome", T, pk=True),
    _col("channel", T, pk=True),
    _col("reports", I, nullable=False),
)

mart_plan_day = sa.Table(
    "mart_plan_day",
    metadata,
    _col("facility_id", T, pk=True),
    _col("date", D, pk=True),
    _col("vaccine_code", T, pk=True),
    _col("planned_doses", I, nullable=False),
    _col("plans", I, nullable=False),
)

mart_stock_day = sa.Table(
    "mart_stock_day",
    metadata,
    _col("store_id", T, pk=True),
    _col("vaccine_code", T, pk=True),
    _col("date", D, pk=True),
    _col("received", I, nullable=False),
    _col("issued_out", I, nullable=False),
    _col("administered", I, nullable=False),
    _col("wasted", I, nullable=False),
    _col("adjustment", I, nullable=False),
    _col("on_hand", I, nullable=False),
    _col("declared_received", I),
    _col("declared_administered", I),
    _col("declared_remaining", I),
)

mart_stock_waste_day = sa.Table(
    "mart_stock_waste_day",
    metadata,
    _col("store_id", T, pk=True),
    _col("vaccine_code", T, pk=True),
    _col("date", D, pk=True),
    _col("waste_reason", T, pk=True),
    _col("doses", I, nullable=False),
)

# Doses transferred from one store to another, on the day the receiver booked them in
# (`transfer_in`): the sender is the receiver's `counterparty_store_id`. Transfers sent and not
# yet received are not here; national receipts are `received` minus these, in mart_stock_day.
mart_transfer_day = sa.Table(
    "mart_transfer_day",
    metadata,
    _col("to_store_id", T, pk=True),
    _col("vaccine_code", T, pk=True),
    _col("date", D, pk=True),
    _col("from_store_id", T, pk=True),  # '' when the receiver recorded no sender
    _col("doses", I, nullable=False),
)

# People reaching each milestone by residence commune, day and birth year (0: none recorded),
# so that a target group can be counted by the age reached in the year of any day.
mart_coverage_day = sa.Table(
    "mart_coverage_day",
    metadata,
    _col("commune_code", T, pk=True),
    _col("date", D, pk=True),
    _col("birth_year", I, pk=True),
    _col("new_1plus", I, nullable=False),
    _col("new_full", I, nullable=False),
    _col("new_boosted", I, nullable=False),
)

# Each target group's people as of each day, by residence commune: mart_coverage_day cumulated,
# a group's people on day D being those whose birth year puts them in it in the year of D
# (warehouse/target_groups.py), as queries.groups counts them. Dense: a row for every day from
# mart_coverage_day's first day to its last for every commune of the province (the area table)
# with people, so that a count as of a day reads that day's rows. People living outside the
# province are in no area's count and stay in mart_coverage_day only. Built by
# etl/coverage_groups.py.
mart_coverage_group_day = sa.Table(
    "mart_coverage_group_day",
    metadata,
    # Reads join the communes of an area (and an incremental load rewrites a commune's days):
    # by commune first, then group and day. On SQLite the rows are stored in that order.
    _col("commune_code", T, pk=True),
    _col("target_group", T, pk=True),  # all, 18+, 12-17, 5-11, 50+, 65+
    _col("date", D, pk=True),
    _col("people_1plus", I, nullable=False),
    _col("people_full", I, nullable=False),
    _col("people_boosted", I, nullable=False),
    _col("unknown_birth_year", I, nullable=False),  # >= 1 dose, no valid birth year (any group)
    # Reads by day and group; the first and last day (warehouse/coverage_days.py).
    sa.Index("ix_mart_coverage_group_day_date", "date", "target_group"),
    sqlite_with_rowid=False,
)

# People waiting for their next dose, by residence commune, the vaccine of their last dose,
# the dose they wait for, and the days their wait started and ended (person_wait summed). Who
# waits on day D: start_date <= D < end_date; the intervals that make them due are applied when
# read (queries/due.py), so the mart holds none.
mart_wait = sa.Table(
    "mart_wait",
    metadata,
    _col("commune_code", T, pk=True),
    _col("vaccine_code", T, pk=True),
    _col("next_kind", T, pk=True),
    _col("start_date", D, pk=True),
    _col("end_date", D, pk=True),  # STILL_WAITING while they wait
    _col("people", I, nullable=False),
    sa.Index("ix_mart_wait_commune_end", "commune_code", "end_date"),  # who waits on a day
)
