"""Rebuilding mart rows from the core tables, everywhere or only where a load touched them.

Touched keys live in temporary tables filled during the load (etl/touched.py). With
`full=True` the marts are rebuilt from scratch and the key tables are ignored.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from etl.load import upsert
from etl.sqlutil import days_after_local_day_end, hours_between
from etl.touched import create_key_tables  # noqa: F401 (re-exported)
from warehouse import schema


def _in_touched_fd(fac: str, day: str) -> str:
    return f"EXISTS (SELECT 1 FROM touched_fd t WHERE t.facility_id = {fac} AND t.date = {day})"


def _rebuild(conn: sa.Connection, mart: str, delete_where: str, insert_sql: str) -> None:
    conn.exec_driver_sql(f"DELETE FROM {mart}{delete_where}")
    conn.exec_driver_sql(insert_sql)


def rebuild_facility_day_marts(
    conn: sa.Connection, full: bool, computed: dict[str, pd.DataFrame] | None = None
) -> None:
    """The visit-grain marts (rebuild_report_marts does the AEFI and plan marts). `computed`:
    on a full rebuild, those marts already computed from the frames of the load
    (etl/marts_memory.py); they are written as they are instead of queried."""
    if computed is not None:
        for mart, rows in computed.items():
            conn.exec_driver_sql(f"DELETE FROM {mart}")
            upsert(conn, schema.metadata.tables[mart], rows)
    else:
        _rebuild_visit_marts(conn, full)
    _running_backlog(conn, full)


def _where(full: bool):
    def where(fac: str, day: str, extra: str) -> str:
        cond = [extra] if extra else []
        if not full:
            cond.append(_in_touched_fd(fac, day))
        return (" WHERE " + " AND ".join(cond)) if cond else ""

    def delete_where(mart: str) -> str:
        return "" if full else " WHERE " + _in_touched_fd(f"{mart}.facility_id", f"{mart}.date")

    return where, delete_where


def _rebuild_visit_marts(conn: sa.Connection, full: bool) -> None:
    """mart_session_day, mart_dose_day, mart_screening_day and mart_certificate_day (without
    the running backlog) in SQL, for the touched keys or everywhere."""
    where, delete_where = _where(full)
    # On a full rebuild SQLite would walk the (facility, date) index and fetch every row at
    # random; a sequential scan and a sort is several times faster there.
    scan = " NOT INDEXED" if full and conn.dialect.name == "sqlite" else ""

    active_injected = "v.status = 'active' AND v.injected_at IS NOT NULL"
    minutes = lambda a, b: f"({hours_between(conn, a, b)} * 60.0)"  # noqa: E731
    lag = days_after_local_day_end(conn, "v.recorded_at", "v.session_date")
    injected = "v.injected_at IS NOT NULL"
    _rebuild(
        conn,
        "mart_session_day",
        delete_where("mart_session_day"),
        f"""
        INSERT INTO mart_session_day
        SELECT v.facility_id, v.session_date,
          COUNT(*),
          SUM(CASE WHEN v.screened_at IS NOT NULL THEN 1 ELSE 0 END),
          SUM(CASE WHEN v.screening_result = 'eligible' THEN 1 ELSE 0 END),
          SUM(CASE WHEN v.screening_result = 'deferred' THEN 1 ELSE 0 END),
          SUM(CASE WHEN v.screening_result = 'contraindicated' THEN 1 ELSE 0 END),
          SUM(CASE WHEN v.screening_result = 'referred' THEN 1 ELSE 0 END),
          SUM(CASE WHEN {injected} THEN 1 ELSE 0 END),
          SUM(CASE WHEN {injected} AND v.observed_until IS NOT NULL THEN 1 ELSE 0 END),
          SUM(CASE WHEN {injected} AND v.immediate_reaction = 'mild' THEN 1 ELSE 0 END),
          SUM(CASE WHEN {injected} AND v.immediate_reaction = 'serious' THEN 1 ELSE 0 END),
          MIN(v.injected_at), MAX(v.injected_at),
          SUM(CASE WHEN v.screened_at IS NOT NULL AND v.checked_in_at IS NOT NULL
                   THEN {minutes("v.screened_at", "v.checked_in_at")} END),
          SUM(CASE WHEN {injected} AND v.screened_at IS NOT NULL
                   THEN {minutes("v.injected_at", "v.screened_at")} END),
          SUM(CASE WHEN {injected} AND v.recorded_at IS NOT NULL THEN {lag} END),
          SUM(CASE WHEN {injected} AND v.recorded_at IS NOT NULL AND {lag} > 0
                   THEN 1 ELSE 0 END)
        FROM visit v{scan}{where("v.facility_id", "v.session_date", "v.status = 'active'")}
        GROUP BY v.facility_id, v.session_date
        """,
    )
    _rebuild(
        conn,
        "mart_dose_day",
        delete_where("mart_dose_day"),
        f"""
        INSERT INTO mart_dose_day
        SELECT v.facility_id, v.session_date, v.vaccine_code, v.dose_number, v.dose_kind,
          COUNT(*),
          SUM(CASE WHEN v.immediate_reaction = 'mild' THEN 1 ELSE 0 END),
          SUM(CASE WHEN v.immediate_reaction = 'serious' THEN 1 ELSE 0 END)
        FROM visit v{scan}{where("v.facility_id", "v.session_date", active_injected)}
        GROUP BY v.facility_id, v.session_date, v.vaccine_code, v.dose_number, v.dose_kind
        """,
    )
    _rebuild(
        conn,
        "mart_screening_day",
        delete_where("mart_screening_day"),
        f"""
        INSERT INTO mart_screening_day
        SELECT v.facility_id, v.session_date, v.screening_result,
          COALESCE(v.deferral_reason, ''), COUNT(*)
        FROM visit v{scan}{
            where(
                "v.facility_id",
                "v.session_date",
                "v.status = 'active' AND v.screening_result IN "
                "('deferred', 'contraindicated', 'referred')",
            )
        }
        GROUP BY v.facility_id, v.session_date, v.screening_result, COALESCE(v.deferral_reason, '')
        """,
    )
    # Each visit's first unrevoked certificate day, computed once for both backlog parts.
    # No key on it: inserting millions of rows into a keyed temporary table is far slower
    # than the hash joins below need.
    conn.exec_driver_sql("DROP TABLE IF EXISTS first_cert")
    drop = " ON COMMIT DROP" if conn.dialect.name == "postgresql" else ""
    conn.exec_driver_sql(
        f"CREATE TEMP TABLE first_cert{drop} AS SELECT visit_id, MIN(issued_date) AS cert_date "
        "FROM certificate WHERE revoked_at IS NULL GROUP BY visit_id"
    )
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE first_cert")  # temporary tables get no statistics else
    first_cert = "SELECT visit_id, cert_date FROM first_cert"
    lag_hours = hours_between(conn, "c.issued_at", "v.injected_at")
    no_cert_by_then = "(fc.cert_date IS NULL OR fc.cert_date > v.session_date)"
    cert_later = "fc.cert_date > v.session_date"
    _rebuild(
        conn,
        "mart_certificate_day",
        delete_where("mart_certificate_day"),
        f"""
        INSERT INTO mart_certificate_day
        SELECT facility_id, date, SUM(issued), SUM(backlog_in), SUM(backlog_out),
               SUM(lag_hours_sum), SUM(lag_count), NULL
        FROM (
          SELECT v.facility_id AS facility_id, c.issued_date AS date, COUNT(*) AS issued,
                 0 AS backlog_in, 0 AS backlog_out,
                 SUM({lag_hours}) AS lag_hours_sum, COUNT(v.injected_at) AS lag_count
          FROM certificate c{scan} JOIN visit v ON v.visit_id = c.visit_id
          {where("v.facility_id", "c.issued_date", "c.revoked_at IS NULL")}
          GROUP BY v.facility_id, c.issued_date
          UNION ALL
          SELECT v.facility_id, v.session_date, 0, COUNT(*), 0, NULL, 0
          FROM visit v{scan} LEFT JOIN ({first_cert}) fc ON fc.visit_id = v.visit_id
          {where("v.facility_id", "v.session_date", f"{active_injected} AND {no_cert_by_then}")}
          GROUP BY v.facility_id, v.session_date
          UNION ALL
          SELECT v.facility_id, fc.cert_date, 0, 0, COUNT(*), NULL, 0
          FROM visit v{scan} JOIN ({first_cert}) fc ON fc.visit_id = v.visit_id
          {where("v.facility_id", "fc.cert_date", f"{active_injected} AND {cert_later}")}
          GROUP BY v.facility_id, fc.cert_date
        ) parts
        GROUP BY facility_id, date
        """,
    )


def rebuild_report_marts(conn: sa.Connection, full: bool, few_reports: bool = False) -> None:
    """mart_aefi_day and mart_plan_day (small inputs, always in SQL).

    `few_reports`: the AEFI reports are few beside the visits (a full load knows). PostgreSQL
    then looks up each report's visit by its key rather than reading every visit (after a
    full load it has no statistics of the visits yet, and would read them all: 0.9 s against
    0.3 s on the whole province)."""
    where, delete_where = _where(full)
    pg = conn.dialect.name == "postgresql"
    seqscan = None
    if few_reports and pg:
        seqscan = conn.exec_driver_sql("SELECT current_setting('enable_seqscan')").scalar()
        conn.exec_driver_sql("SELECT set_config('enable_seqscan', 'off', true)")
    _rebuild(
        conn,
        "mart_aefi_day",
        delete_where("mart_aefi_day"),
        f"""
        INSERT INTO mart_aefi_day
        SELECT v.facility_id, a.onset_date, COALESCE(v.vaccine_code, ''),
               COALESCE(v.lot_number, ''), a.severity, COALESCE(a.outcome, ''),
               COALESCE(a.channel, ''), COUNT(*)
        FROM aefi_report a JOIN visit v ON v.visit_id = a.visit_id
        {where("v.facility_id", "a.onset_date", "v.status = 'active'")}
        GROUP BY v.facility_id, a.onset_date, COALESCE(v.vaccine_code, ''),
                 COALESCE(v.lot_number, ''), a.severity, COALESCE(a.outcome, ''),
                 COALESCE(a.channel, '')
        """,
    )
    if seqscan is not None:
        conn.execute(sa.text("SELECT set_config('enable_seqscan', :v, true)"), {"v": seqscan})
    _rebuild(
        conn,
        "mart_plan_day",
        delete_where("mart_plan_day"),
        f"""
        INSERT INTO mart_plan_day
        SELECT p.facility_id, p.session_date, COALESCE(p.vaccine_code, ''),
               SUM(COALESCE(p.planned_doses, 0)), COUNT(*)
        FROM vaccination_plan p{where("p.facility_id", "p.session_date", "p.status = 'approved'")}
        GROUP BY p.facility_id, p.session_date, COALESCE(p.vaccine_code, '')
        """,
    )


def _running_backlog(conn: sa.Connection, full: bool) -> None:
    """mart_certificate_day.backlog, each facility's running total, over every row of the
    facilities whose days were rebuilt (a change on one day moves every later day's total)."""
    rows = "" if full else " WHERE facility_id IN (SELECT DISTINCT facility_id FROM touched_fd)"
    window = "PARTITION BY facility_id ORDER BY date ROWS BETWEEN UNBOUNDED PRECEDING AND"
    conn.exec_driver_sql(
        f"""
        UPDATE mart_certificate_day SET backlog = r.backlog FROM (
          SELECT facility_id, date,
                 COALESCE(SUM(backlog_in) OVER ({window} 1 PRECEDING), 0)
                 - SUM(backlog_out) OVER ({window} CURRENT ROW) AS backlog
          FROM mart_certificate_day{rows}
        ) r
        WHERE mart_certificate_day.facility_id = r.facility_id
          AND mart_certificate_day.date = r.date
        """
    )


def rebuild_stock_marts(conn: sa.Connection, full: bool) -> None:
    def touched(alias: str) -> str:
        if full:
            return ""
        return (
            " WHERE EXISTS (SELECT 1 FROM touched_sv t WHERE t.store_id = "
            f"{alias}.store_id AND t.vaccine_code = {alias}.vaccine_code)"
        )

    flows = f"""
      SELECT s.store_id, s.vaccine_code, s.txn_date AS date,
        SUM(CASE WHEN s.txn_type IN ('receipt', 'transfer_in') THEN s.quantity_doses ELSE 0 END)
          AS received,
        SUM(CASE WHEN s.txn_type = 'transfer_out' THEN s.quantity_doses ELSE 0 END) AS issued_out,
        SUM(CASE WHEN s.txn_type = 'administered' THEN s.quantity_doses ELSE 0 END)
          AS administered,
        SUM(CASE WHEN s.txn_type = 'wasted' THEN s.quantity_doses ELSE 0 END) AS wasted,
        SUM(CASE WHEN s.txn_type = 'adjustment' THEN s.quantity_doses ELSE 0 END) AS adjustment
      FROM stock_transaction s{touched("s")}
      GROUP BY s.store_id, s.vaccine_code, s.txn_date"""
    reports = f"""
      SELECT store_id, vaccine_code, report_date AS date, received_doses, administered_doses,
             remaining_doses
      FROM (
        SELECT r.*, ROW_NUMBER() OVER (
          PARTITION BY r.store_id, r.vaccine_code, r.report_date
          ORDER BY CASE WHEN r.submitted_at IS NULL THEN 1 ELSE 0 END, r.submitted_at DESC,
                   r.updated_at DESC, r.report_id DESC) AS rn
        FROM stock_report r{touched("r")}
      ) ranked WHERE rn = 1"""
    _rebuild(
        conn,
        "mart_stock_day",
        touched("mart_stock_day"),
        f"""
        INSERT INTO mart_stock_day
        WITH flows AS ({flows}), reports AS ({reports}),
        days AS (SELECT store_id, vaccine_code, date FROM flows
                 UNION SELECT store_id, vaccine_code, date FROM reports)
        SELECT d.store_id, d.vaccine_code, d.date,
          COALESCE(f.received, 0), COALESCE(f.issued_out, 0), COALESCE(f.administered, 0),
          COALESCE(f.wasted, 0), COALESCE(f.adjustment, 0),
          SUM(COALESCE(f.received, 0) - COALESCE(f.issued_out, 0) - COALESCE(f.administered, 0)
              - COALESCE(f.wasted, 0) + COALESCE(f.adjustment, 0))
            OVER (PARTITION BY d.store_id, d.vaccine_code ORDER BY d.date
                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
          r.received_doses, r.administered_doses, r.remaining_doses
        FROM days d
        LEFT JOIN flows f ON f.store_id = d.store_id AND f.vaccine_code = d.vaccine_code
                         AND f.date = d.date
        LEFT JOIN reports r ON r.store_id = d.store_id AND r.vaccine_code = d.vaccine_code
                           AND r.date = d.date
        """,
    )
    waste_where = touched("s")
    waste_where = (
        f"{waste_where} AND s.txn_type = 'wasted'"
        if waste_where
        else " WHERE s.txn_type = 'wasted'"
    )
    _rebuild(
        conn,
        "mart_stock_waste_day",
        touched("mart_stock_waste_day"),
        f"""
        INSERT INTO mart_stock_waste_day
        SELECT s.store_id, s.vaccine_code, s.txn_date, COALESCE(s.waste_reason, ''),
               SUM(s.quantity_doses)
        FROM stock_transaction s{waste_where}
        GROUP BY s.store_id, s.vaccine_code, s.txn_date, COALESCE(s.waste_reason, '')
        """,
    )
    _rebuild_transfers(conn, full)


def _rebuild_transfers(conn: sa.Connection, full: bool) -> None:
    """mart_transfer_day from the receivers' `transfer_in` rows: a receiver's series is
    rebuilt when its (store, vaccine) was touched, like the other stock marts."""
    touched = (
        ""
        if full
        else " AND EXISTS (SELECT 1 FROM touched_sv t WHERE t.store_id = s.store_id "
        "AND t.vaccine_code = s.vaccine_code)"
    )
    delete = (
        ""
        if full
        else " WHERE EXISTS (SELECT 1 FROM touched_sv t WHERE t.store_id = "
        "mart_transfer_day.to_store_id AND t.vaccine_code = mart_transfer_day.vaccine_code)"
    )
    _rebuild(
        conn,
        "mart_transfer_day",
        delete,
        f"""
        INSERT INTO mart_transfer_day
        SELECT s.store_id, s.vaccine_code, s.txn_date, COALESCE(s.counterparty_store_id, ''),
               SUM(s.quantity_doses)
        FROM stock_transaction s WHERE s.txn_type = 'transfer_in'{touched}
        GROUP BY s.store_id, s.vaccine_code, s.txn_date, COALESCE(s.counterparty_store_id, '')
        """,
    )


def rebuild_coverage_mart(
    conn: sa.Connection, full: bool, computed: pd.DataFrame | None = None
) -> None:
    """`computed`: on a full rebuild, the mart's rows already computed from everyone's
    milestones in memory (etl.coverage.coverage_rows); written as they are."""
    if computed is not None:
        conn.execute(schema.mart_coverage_day.delete())
        upsert(conn, schema.mart_coverage_day, computed)
        return
    delete = "" if full else " WHERE commune_code IN (SELECT commune_code FROM touched_commune)"

    def part(column: str, flags: str) -> str:
        cond = f"{column} IS NOT NULL" + (
            ""
            if full
            else " AND residence_commune_code IN (SELECT commune_code FROM touched_commune)"
        )
        return (
            f"SELECT residence_commune_code AS c, {column} AS d, {flags} "
            f"FROM person_vax WHERE {cond}"
        )

    _rebuild(
        conn,
        "mart_coverage_day",
        delete,
        f"""
        INSERT INTO mart_coverage_day
        SELECT c, d, SUM(a), SUM(b), SUM(x) FROM (
          {part("first_dose_date", "1 AS a, 0 AS b, 0 AS x")}
          UNION ALL {part("full_date", "0, 1, 0")}
          UNION ALL {part("boosted_date", "0, 0, 1")}
        ) parts GROUP BY c, d
        """,
    )
